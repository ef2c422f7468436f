"""Backups of the SQLite database: automatic rotating copies (on close and daily), manual
backup, and a restore that checks the file before replacing anything.

Every copy is made with SQLite's online backup (``models.db.backup_sqlite``), so it is
consistent even while the app has the database open; it is written under a temporary
name (``*.dang-ghi.tmp``, never listed as a backup), checked, and only then renamed to
its ``.db`` name, so a backup that is listed, counted or kept by the rotation is always a
whole, verified database. Leftovers of killed backups and restores are removed the next
time the database is opened or the backups are listed. A restore:

1. copies the chosen file to a temporary file beside the database (the source is never
   written to);
2. checks the copy: a SQLite file, ``PRAGMA integrity_check`` = ok, one of this app's
   databases, at a schema version this program knows (older versions are upgraded after
   the restore; newer ones are refused);
3. only then backs up the current database ("truoc-khoi-phuc"), and copies the checked
   file over it, again with SQLite's backup API (which also clears the old WAL).

PostgreSQL databases are backed up with the server's own tools (``pg_dump``).
"""
from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from alembic.script import ScriptDirectory

from models.db import (
    RESTORING_MARK,
    Database,
    alembic_config,
    backup_dir,
    backup_sqlite,
    clean_leftovers,
    copy_sqlite,
    head_revision,
    open_database,
    temp_path,
)

log = logging.getLogger(__name__)

DEFAULT_KEEP = 10
SUFFIX = ".db"
# Kinds of backups, in their file names. Automatic ones rotate; the others are kept.
KIND_ON_CLOSE = "tu-dong-khi-dong"
KIND_DAILY = "tu-dong-hang-ngay"
KIND_MANUAL = "thu-cong"
KIND_BEFORE_RESTORE = "truoc-khoi-phuc"
AUTOMATIC_KINDS = (KIND_ON_CLOSE, KIND_DAILY)
KIND_LABELS = {
    KIND_ON_CLOSE: "Tự động khi đóng",
    KIND_DAILY: "Tự động hằng ngày",
    KIND_MANUAL: "Thủ công",
    KIND_BEFORE_RESTORE: "Trước khi khôi phục",
}


class BackupError(Exception):
    """A backup could not be made, or a file cannot be restored; nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    created: datetime
    size: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "Khác")


@dataclass(frozen=True)
class BackupCheck:
    """What a checked backup file holds."""

    path: Path
    revision: str
    needs_upgrade: bool


# ----------------------------------------------------------------------------- making backups




def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    for i in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{i}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise BackupError(f"Thư mục {path.parent} có quá nhiều bản sao lưu trùng tên; hãy dọn bớt.")


def backup_name(source: Path, kind: str) -> str:
    return f"{source.stem}-{kind}-{_stamp()}{SUFFIX}"


def make_backup(source: Path, dest: Path | None = None, *, kind: str = KIND_MANUAL) -> Path:
    """Copy the live database ``source`` to ``dest`` (a file, or a folder for an automatic
    name; default: the backups folder) and check the copy. Returns the copy's path."""
    if not source.exists():
        raise BackupError(f"Không có tệp CSDL {source} để sao lưu.")
    if dest is None:
        dest = backup_dir() / backup_name(source, kind)
    elif dest.is_dir():
        dest = dest / backup_name(source, kind)
    if dest.resolve() == source.resolve():
        raise BackupError("Không thể sao lưu đè lên chính tệp CSDL đang dùng; hãy chọn tệp hoặc thư mục khác.")
    dest = _unique(dest)
    try:
        backup_sqlite(source, dest)  # temporary name, checked, then renamed
        check_file(dest)
    except BackupError:
        dest.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as exc:
        dest.unlink(missing_ok=True)
        raise BackupError(f"Không sao lưu được sang {dest}: {exc}. Hãy kiểm tra ổ đĩa còn chỗ trống và "
                          "có quyền ghi vào thư mục, rồi thử lại.") from exc
    log.info("Đã sao lưu %s sang %s", source, dest)
    return dest


def list_backups(stem: str | None = None, folder: Path | None = None) -> list[BackupInfo]:
    """Backups in the backups folder (of the database named ``stem``), newest first."""
    folder = folder or backup_dir()
    clean_leftovers(folder)
    found: list[tuple[int, BackupInfo]] = []
    for path in folder.glob(f"*{SUFFIX}"):
        kind = next((k for k in KIND_LABELS if f"-{k}-" in path.name), "")
        if stem is not None and not path.name.startswith(f"{stem}-"):
            continue
        stat = path.stat()
        found.append((stat.st_mtime_ns, BackupInfo(path, kind, datetime.fromtimestamp(stat.st_mtime), stat.st_size)))
    found.sort(key=lambda item: (item[0], item[1].path.name), reverse=True)
    return [info for _, info in found]


def rotate(stem: str, keep: int = DEFAULT_KEEP, folder: Path | None = None) -> list[Path]:
    """Delete the automatic backups of ``stem`` beyond the newest ``keep``; the deleted paths."""
    automatic = [b for b in list_backups(stem, folder) if b.kind in AUTOMATIC_KINDS]
    removed = []
    for old in automatic[max(keep, 1):]:
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError as exc:  # another program has it open: try again next time
            log.warning("Không xóa được bản sao lưu cũ %s: %s", old.path, exc)
    return removed


def auto_backup(database: Database, kind: str = KIND_ON_CLOSE, keep: int | None = None) -> Path | None:
    """An automatic backup of a SQLite database, keeping the newest ``keep`` (default
    ``TDKT_BACKUP_KEEP`` or 10); None for servers."""
    keep = keep if keep is not None else keep_count()
    path = database.path
    if path is None or not path.exists():
        return None
    dest = make_backup(path, kind=kind)
    rotate(path.stem, keep)
    return dest


def daily_backup_due(database: Database, today: date | None = None) -> bool:
    path = database.path
    if path is None:
        return False
    today = today or date.today()
    return not any(b.kind in AUTOMATIC_KINDS and b.created.date() == today for b in list_backups(path.stem))


def daily_backup(database: Database, keep: int | None = None) -> Path | None:
    """Today's automatic backup, unless one was already made today."""
    if not daily_backup_due(database):
        return None
    return auto_backup(database, KIND_DAILY, keep)


# ----------------------------------------------------------------------------- checking and restoring


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def check_file(path: Path) -> BackupCheck:
    """Check a backup file without changing it: raises BackupError (in Vietnamese) when it
    is not an intact database of this app at a schema version this program knows."""
    if not path.is_file():
        raise BackupError(f"Không có tệp {path}. Hãy chọn lại tệp sao lưu.")
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise BackupError(f"Tệp {path.name} không phải tệp CSDL (SQLite) nên không khôi phục được. "
                          "Hãy chọn tệp .db do phần mềm sao lưu.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Tệp {path.name} bị hỏng ({exc}) nên không khôi phục được. "
                          "Hãy chọn một bản sao lưu khác.") from exc
    if rows != ["ok"]:
        raise BackupError(f"Tệp {path.name} bị hỏng (kiểm tra toàn vẹn: {'; '.join(rows[:3])}) nên không khôi "
                          "phục được. Hãy chọn một bản sao lưu khác.")
    if revision is None or "agency" not in tables:
        raise BackupError(f"Tệp {path.name} không phải CSDL của phần mềm này nên không khôi phục được. "
                          "Hãy chọn tệp .db do phần mềm sao lưu.")
    revision = revision[0]
    head = head_revision()
    if revision != head and revision not in _known_revisions():
        raise BackupError(f"Tệp {path.name} được tạo bởi phiên bản phần mềm mới hơn (lược đồ {revision}). "
                          "Hãy cập nhật phần mềm rồi khôi phục lại.")
    return BackupCheck(path=path, revision=revision, needs_upgrade=revision != head)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous_saved_to: Path | None
    upgraded: bool


def restore_file(target: Path, source: Path) -> RestoreResult:
    """Replace the SQLite database ``target`` by the backup ``source`` (see the module doc).

    The database must not be open in this process while this runs (close it first):
    other processes keep working on it and see the restored data afterwards."""
    from services.system import access, audit

    access.require(access.ADMINISTER)
    source = Path(source)
    if source.exists() and target.exists() and source.resolve() == target.resolve():
        raise BackupError("Tệp cần khôi phục chính là CSDL đang dùng; hãy chọn một tệp sao lưu.")
    check_file(source)
    clean_leftovers(target.parent)
    temp = temp_path(target, RESTORING_MARK)
    try:
        try:
            copy_sqlite(source, temp)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"Không đọc được tệp {source}: {exc}. Không có gì thay đổi.") from exc
        checked = check_file(temp)
        previous = make_backup(target, kind=KIND_BEFORE_RESTORE) if target.exists() else None
        try:
            copy_sqlite(temp, target)  # one SQLite transaction on the live file
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(
                f"Không ghi được vào {target}: {exc}. CSDL cũ vẫn còn nguyên"
                + (f" (và có bản sao ở {previous})" if previous else "") + ".") from exc
    finally:
        for side in ("", "-journal", "-wal", "-shm"):
            Path(f"{temp}{side}").unlink(missing_ok=True)
    # Bring an older schema up to date, and note the restore in the restored database's log.
    database = open_database(target)
    try:
        with database.session() as session:
            audit.record(session, "restore", "database", None, new={
                "from": str(source), "previous_saved_to": str(previous) if previous else None,
                "schema": checked.revision})
            session.commit()
    finally:
        database.close()
    log.info("Đã khôi phục %s từ %s (bản cũ: %s)", target, source, previous)
    return RestoreResult(restored_from=source, previous_saved_to=previous, upgraded=checked.needs_upgrade)


# ----------------------------------------------------------------------------- command line








def keep_count() -> int:
    """How many automatic backups to keep: ``TDKT_BACKUP_KEEP`` or 10."""
    try:
        return max(1, int(os.environ.get("TDKT_BACKUP_KEEP", DEFAULT_KEEP)))
    except ValueError:
        return DEFAULT_KEEP
