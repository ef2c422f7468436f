"""Storage faults on the command line and on opening: a full disk, a read-only medium, a
database locked by another program, a path typed in decomposed Unicode or mistyped. Each
gets a Vietnamese message (the same words as the window) and no traceback; nothing changes.

The full disk and the read-only medium are real: a small tmpfs and a read-only bind mount
when the tests run as root (as in CI's containers), write-protected files otherwise.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from models.db import open_database
from services.system import errors
from services.system.app import open_app_database

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", env=env or dict(os.environ), timeout=timeout)


def _no_traceback(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr and "Error:" not in r.stderr.replace("Lỗi:", ""), r.stderr


def _rows(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 3 MB file system (tmpfs)."""
    if os.geteuid() != 0:
        pytest.skip("a small file system needs root (mount tmpfs); CI runs as root")
    point = tmp_path / "ổ nhỏ"
    point.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(point)):
        pytest.skip("mount tmpfs is not allowed here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


@contextmanager
def _make_read_only(folder: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        if not _mount("--bind", str(folder), str(folder)):
            pytest.skip("bind mounts are not allowed here")
        try:
            assert _mount("-o", "remount,bind,ro", str(folder))
            yield
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
    else:
        files = list(folder.iterdir())
        for f in files:
            f.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
            for f in files:
                f.chmod(0o644)


@pytest.fixture
def read_only_db(tmp_path) -> Iterator[Path]:
    """A database of this app, with data, on a read-only medium."""
    folder = tmp_path / "đĩa chỉ đọc"
    folder.mkdir()
    path = folder / "hồ sơ.db"
    database = open_app_database(path)
    from models import Unit

    with database.session() as s:
        s.add(Unit(code="VP", name="Văn phòng Sở"))
        s.commit()
    database.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with _make_read_only(folder):
        yield path


# ----------------------------------------------------------------------------- read-only databases


def test_a_read_only_database_opens_for_viewing_and_says_so(read_only_db):
    from sqlalchemy import select

    from models import Unit

    database = open_app_database(read_only_db)
    try:
        assert database.read_only
        assert "chỉ đọc" in database.display_name()
        assert any("chỉ đọc" in n and "để xem" in n for n in database.notices)
        with database.session() as s:
            assert s.scalars(select(Unit.name)).all() == ["Văn phòng Sở"]
            s.add(Unit(code="MOI", name="Phòng mới"))
            with pytest.raises(Exception) as caught:
                s.commit()
            what, advice = errors.user_message(caught.value)
            assert "chỉ đọc" in what and advice
    finally:
        database.close()
    assert sorted(p.name for p in read_only_db.parent.iterdir()) == ["hồ sơ.db"]


def test_read_only_database_on_the_command_line(read_only_db, tmp_path):
    from services.records.demo import build_demo_exchange
    from services.records.exchange import write_exchange_file

    exchange = write_exchange_file(build_demo_exchange(), tmp_path / "dữ liệu.json")
    r = _run("--db", str(read_only_db), "schema", "current")
    assert r.returncode == 0, r.stderr
    assert "chỉ đọc" in r.stderr and "Traceback" not in r.stderr
    assert "(chỉ đọc)" in r.stdout
    # A command that writes is refused in Vietnamese, without a traceback.
    r = _run("--db", str(read_only_db), "import", str(exchange))
    assert r.returncode != 0
    assert "chỉ đọc" in r.stderr
    _no_traceback(r)
    assert _rows(read_only_db, "person") == 0


# ----------------------------------------------------------------------------- paths


def test_a_path_typed_in_nfd_opens_the_same_file(tmp_path):
    path = tmp_path / "Phòng Tổ chức" / "hồ sơ thi đua.db"
    open_database(path).close()
    decomposed = unicodedata.normalize("NFD", str(path))
    assert decomposed != str(path)
    r = _run("--db", decomposed, "schema", "current")
    assert r.returncode == 0, r.stderr
    assert f"CSDL: {path}" in r.stdout
    assert sorted(p.name for p in path.parent.iterdir() if p.suffix == ".db") == [path.name]


def test_a_mistyped_path_is_refused_unless_create(tmp_path):
    wrong = tmp_path / "hồ sơ thi dua.db"
    r = _run("--db", str(wrong), "schema", "current")
    assert r.returncode != 0
    assert "Không có tệp cơ sở dữ liệu" in r.stderr and "--create" in r.stderr
    _no_traceback(r)
    assert not wrong.exists()
    r = _run("--db", str(wrong), "--create", "schema", "current")
    assert r.returncode == 0, r.stderr
    assert wrong.exists()


def test_the_window_asks_before_creating_a_missing_file(qtbot, tmp_path, monkeypatch):
    import argparse

    from PySide6.QtWidgets import QMessageBox

    from ui import app

    wrong = tmp_path / "không có.db"
    asked = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        quit_button = next(b for b in box.buttons() if b.text() == "Thoát")
        quit_button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    args = argparse.Namespace(db=str(wrong), demo=False, create=False)
    assert app.run(args) == 1
    assert asked and "Không có tệp cơ sở dữ liệu" in asked[0]
    assert not wrong.exists()


# ----------------------------------------------------------------------------- full disk, lock


def test_full_disk_on_the_command_line(small_disk, tmp_path):
    from services.records.demo import build_demo_exchange
    from services.records.exchange import write_exchange_file

    # The database on the small disk, then a large import that cannot fit.
    path = small_disk / "hồ sơ.db"
    open_app_database(path).close()
    filler = small_disk / "lấp đầy"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    filler.unlink()
    with (small_disk / "lấp đầy").open("wb") as fh:  # leave only ~200 KB free
        fh.write(b"\0" * (os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize - 200_000))
    before = _rows(path, "person")
    exchange = write_exchange_file(build_demo_exchange(), tmp_path / "dữ liệu.json")
    r = _run("--db", str(path), "import", str(exchange))
    assert r.returncode != 0
    assert "Ổ đĩa đã đầy" in r.stderr, r.stderr
    _no_traceback(r)
    assert _rows(path, "person") == before
    # A backup onto the full disk: refused, and nothing half-written left there.
    r = _run("--db", str(path), "backup", str(small_disk / "sao lưu.db"))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "đầy" in r.stderr or "chỗ trống" in r.stderr, r.stderr
    assert [p.name for p in small_disk.iterdir() if "sao lưu" in p.name] == []


def test_database_locked_by_another_program(tmp_path):
    path = tmp_path / "bị khóa.db"
    open_app_database(path).close()
    # Another program holds the database exclusively (as a database browser can).
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("CREATE TABLE giu_khoa (x)")
    try:
        started = time.monotonic()
        r = _run("--db", str(path), "schema", "current")
        assert time.monotonic() - started < 60
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.returncode != 0
    assert "đang bận" in r.stderr and "chương trình khác" in r.stderr, r.stderr
    _no_traceback(r)


def test_storage_faults_are_worded_alike_for_window_and_command_line():
    from sqlalchemy.exc import OperationalError

    from ui.worker import error_text

    cases = {
        OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")): "Ổ đĩa đã đầy",
        OperationalError("INSERT", {}, sqlite3.OperationalError("attempt to write a readonly database")): "chỉ đọc",
        OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked")): "đang bận",
        OSError(30, "Read-only file system"): "chỉ đọc",
        OSError(28, "No space left on device"): "Ổ đĩa đã đầy",
        PermissionError(13, "Permission denied", "x.db"): "Không có quyền",
    }
    for exc, words in cases.items():
        what, advice = errors.storage_fault(exc)
        assert words in what and advice
        assert words in error_text(exc)
    assert errors.storage_fault(ValueError("x")) is None


def test_killed_restore_leftovers_are_cleaned(db, tmp_path):
    from services.system import backup

    db.close()
    dead = 2 ** 22 + 12345  # beyond any pid in use here
    leftover = db.path.with_name(f"{db.path.name}.{dead}.khoi-phuc.tmp")
    shutil.copyfile(db.path, leftover)
    Path(f"{leftover}-journal").write_bytes(b"x")
    half = backup.backup_dir() / f"hồ sơ-tu-dong-khi-dong-20261201.db.{dead}.dang-ghi.tmp"
    half.write_bytes(b"SQLite format 3\x00")
    mine = backup.backup_dir() / f"hồ sơ-thu-cong-20261201.db.{os.getpid()}.dang-ghi.tmp"
    mine.write_bytes(b"SQLite format 3\x00")  # a writer that is still running: kept
    open_database(db.path).close()
    assert not leftover.exists() and not Path(f"{leftover}-journal").exists() and not half.exists()
    assert mine.exists()
    assert [b.path.name for b in backup.list_backups()] == []
