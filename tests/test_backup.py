"""Backups: online copies, rotation, daily, restore exactly, refuse corrupt or foreign files."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from models import AuditEntry, Person, Unit
from models.db import backup_dir, open_database
from services.system import access, accounts, backup

ROOT = Path(__file__).resolve().parent.parent


def _dump(path: Path) -> list[str]:
    """Every row of every table but the audit log, as text: "the data, exactly"."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('audit_entry') ORDER BY name")]
        return [f"{t}:{row!r}" for t in tables for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')]
    finally:
        conn.close()


def _fill(db) -> None:
    with db.session() as s:
        unit = Unit(code="VP", name="Văn phòng Sở")
        s.add(unit)
        s.flush()
        s.add_all([Person(code=f"CB{i}", full_name=f"Nguyễn Văn {i}", gender="nam", unit_id=unit.id) for i in range(50)])
        s.commit()


def test_restore_brings_back_data_exactly_and_keeps_replaced(db):
    _fill(db)
    before = _dump(db.path)
    saved = backup.make_backup(db.path)
    assert saved.parent == backup_dir() and "thu-cong" in saved.name
    # A change after the backup, made while the database is open.
    with db.session() as s:
        s.execute(Person.__table__.delete().where(Person.code.in_([f"CB{i}" for i in range(10)])))
        s.scalars(select(Unit)).one().name = "Đã đổi"
        s.add(Unit(code="MOI", name="Phòng mới"))
        s.commit()
    changed = _dump(db.path)
    assert changed != before
    db.close()

    result = backup.restore_file(db.path, saved)
    assert _dump(db.path) == before
    # The replaced database is kept as a backup, and holds the change.
    assert result.previous_saved_to is not None and result.previous_saved_to.exists()
    assert _dump(result.previous_saved_to) == changed
    reopened = open_database(db.path)
    with reopened.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "restore")).one().new["from"] == str(saved)
        assert s.scalar(select(Unit.name).where(Unit.code == "VP")) == "Văn phòng Sở"
    reopened.close()


def test_corrupt_or_foreign_backup_is_refused_and_nothing_changes(db, tmp_path):
    _fill(db)
    good = backup.make_backup(db.path)
    before = _dump(db.path)
    db.close()
    # 1. A damaged copy: overwrite pages in the middle of the file.
    corrupt = tmp_path / "hỏng.db"
    data = bytearray(good.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):
        data[offset:offset + 200] = os.urandom(200)
    corrupt.write_bytes(bytes(data))
    # 2. Not a database at all. 3. Someone else's SQLite database. 4. A newer schema.
    text = tmp_path / "văn bản.db"
    text.write_text("không phải CSDL", encoding="utf-8")
    foreign = tmp_path / "khác.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    newer = tmp_path / "mới hơn.db"
    backup.backup_sqlite(good, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    for bad, message in [(corrupt, "hỏng"), (text, "không phải tệp CSDL"), (foreign, "không phải CSDL của phần mềm"),
                         (newer, "mới hơn"), (tmp_path / "không có.db", "Không có tệp")]:
        with pytest.raises(backup.BackupError, match=message):
            backup.restore_file(db.path, bad)
        assert _dump(db.path) == before
    # No "before restore" copy was made for refused files, and no temporary file is left behind.
    assert not [b for b in backup.list_backups() if b.kind == backup.KIND_BEFORE_RESTORE]
    assert sorted(p.name for p in db.path.parent.iterdir() if "khoi-phuc" in p.name) == []


def test_rotation_keeps_last_n_automatic_backups(db):
    _fill(db)
    manual = backup.make_backup(db.path)
    made = [backup.auto_backup(db, keep=3) for _ in range(5)]
    remaining = {b.path for b in backup.list_backups(db.path.stem)}
    assert manual in remaining
    assert set(made[-3:]) <= remaining and not (set(made[:2]) & remaining)
    # Each automatic backup is a valid, checked database.
    assert backup.check_file(made[-1]).needs_upgrade is False


def test_daily_backup_once_a_day(db):
    _fill(db)
    assert backup.daily_backup_due(db)
    first = backup.daily_backup(db)
    assert first is not None and "hang-ngay" in first.name
    assert backup.daily_backup(db) is None


def test_read_only_user_cannot_restore(db):
    _fill(db)
    saved = backup.make_backup(db.path)
    with db.session() as s:
        accounts.add_account(s, "admin", "12345678", "quan_tri")
        accounts.add_account(s, "xem", "12345678", "xem")
        s.commit()
        accounts.sign_in(s, "xem", "12345678")
    try:
        with pytest.raises(access.PermissionDenied):
            backup.restore_file(db.path, saved)
    finally:
        access.sign_in_as(None)


def test_backup_and_restore_commands(db, tmp_path):
    _fill(db)
    db.close()
    dest = tmp_path / "sao lưu.db"

    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db.path), *args],
                              capture_output=True, text=True, encoding="utf-8", cwd=ROOT)

    r = run("backup", str(dest))
    assert r.returncode == 0, r.stderr
    # (Opening through the app adds the built-in rule sets: compare after that.)
    before = _dump(db.path)
    assert _dump(dest) == before
    conn = sqlite3.connect(db.path)
    conn.execute("DELETE FROM person")
    conn.commit()
    conn.close()
    r = run("restore", str(dest))
    assert r.returncode == 0, r.stderr
    assert "truoc-khoi-phuc" in r.stdout
    assert _dump(db.path) == before
    bad = tmp_path / "hỏng.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    r = run("restore", str(bad))
    assert r.returncode == 2 and "không thay đổi" in r.stderr
    assert _dump(db.path) == before


def test_backup_page_backs_up_and_restores(qtbot, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from services.awards.rulesets import ensure_builtin_rule_sets
    from ui.context import AppContext
    from ui.pages.backup import BackupPage

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    _fill(db)
    with db.session() as s:  # as the window's databases are: opened through open_app_database
        ensure_builtin_rule_sets(s)
        s.commit()
    context = AppContext(db)
    page = BackupPage(context)
    qtbot.addWidget(page)
    saved = page.backup_now()
    assert page.table.rowCount() == 1 and page.table.item(0, 2).text() == saved.name
    before = _dump(db.path)
    with db.session() as s:
        s.execute(Person.__table__.delete())
        s.commit()
    page.table.selectRow(0)
    assert page.restore_button.isEnabled()
    assert page.restore(saved, confirm=False)
    assert context.database is not db
    assert _dump(context.database.path) == before
    with context.database.session() as s:
        assert s.scalars(select(Person)).first() is not None
    assert page.table.rowCount() == 2  # the backup, and the data replaced by the restore
    context.close()
