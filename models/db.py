"""Opening a database: where it lives, the engine and its per-connection settings,
the session factory, and bringing the schema up to date with Alembic.

SQLite is the default (one file in the user's data folder); any SQLAlchemy URL,
PostgreSQL included, can be given instead.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

log = logging.getLogger(__name__)

APP_NAME = "TDKT"
DEFAULT_DB_NAME = "tdkt.db"
DEMO_DB_NAME = "demo.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def data_dir() -> Path:
    """The user's data folder for this app (created if absent).

    ``TDKT_DATA_DIR`` overrides it, so tests and portable installs never touch
    the real profile.
    """
    override = os.environ.get("TDKT_DATA_DIR")
    path = Path(override) if override else platformdirs.user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resolve_url(target: str | os.PathLike[str] | None) -> URL:
    """A SQLAlchemy URL for a file path, a URL string, or None (the default database)."""
    if target is None:
        return URL.create("sqlite", database=str(data_dir() / DEFAULT_DB_NAME))
    raw = os.fspath(target)
    given = normalise_path_text(raw)
    if "://" in given:
        return make_url(given)
    path = Path(given).expanduser()
    if not path.exists() and Path(raw).expanduser().exists():
        path = Path(raw).expanduser()  # a file whose very name is stored decomposed
    return URL.create("sqlite", database=str(path.resolve()))


def normalise_path_text(given: str) -> str:
    """A typed or pasted path in NFC (a path typed in decomposed Unicode names the same file),
    without the surrounding spaces and quotes a copied path often carries."""
    given = unicodedata.normalize("NFC", given).strip()
    if len(given) >= 2 and given[0] == given[-1] and given[0] in "\"'":
        given = given[1:-1].strip()
    return given


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for other back-ends and in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def make_engine(url: URL | str) -> Engine:
    """An engine whose every connection has the settings the app relies on."""
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# Files being written carry the writer's process id and a mark, and end in ".tmp", so
# that no listing of backups ("*.db") ever sees them and a killed writer's leftovers are
# recognised and removed by the next program that looks (``clean_leftovers``).
WRITING_MARK = "dang-ghi"
RESTORING_MARK = "khoi-phuc"
LEFTOVER_GRACE_SECONDS = 6 * 3600  # a file whose writer cannot be identified is left this long
_SIDE_FILES = ("-journal", "-wal", "-shm")


def temp_path(dest: Path, mark: str = WRITING_MARK) -> Path:
    """Where to write ``dest`` before it is checked and renamed (same folder, so the rename is atomic)."""
    return dest.with_name(f"{dest.name}.{os.getpid()}.{mark}.tmp")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftover_owner(name: str, mark: str) -> int | None:
    """The writer's pid in ``<name>.<pid>.<mark>.tmp``; None when the name carries none."""
    stem = name[: -len(f".{mark}.tmp")]
    pid_text = stem.rpartition(".")[2]
    return int(pid_text) if pid_text.isdigit() else None


def clean_leftovers(folder: Path, marks: tuple[str, ...] = (WRITING_MARK, RESTORING_MARK)) -> list[Path]:
    """Delete the half-written files (and their SQLite journals) that killed writers left in
    ``folder``; a file whose writer is still running is kept. Returns what was deleted."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for mark in marks:
        for temp in folder.glob(f"*{mark}*.tmp"):
            pid = _leftover_owner(temp.name, mark) if temp.name.endswith(f".{mark}.tmp") else None
            try:
                if pid is not None:
                    if _process_alive(pid):
                        continue
                elif now - temp.stat().st_mtime < LEFTOVER_GRACE_SECONDS:
                    continue
                for side in ("", *_SIDE_FILES):
                    leftover = Path(f"{temp}{side}")
                    if leftover.exists():
                        leftover.unlink()
                        removed.append(leftover)
            except OSError as exc:  # open in another program (Windows): next time
                log.warning("Không xóa được tệp tạm %s: %s", temp, exc)
        # A journal whose file is gone (killed between the file's removal and the journal's).
        for side in _SIDE_FILES:
            for orphan in folder.glob(f"*{mark}*.tmp{side}"):
                owner = Path(str(orphan)[: -len(side)])
                if not owner.exists():
                    try:
                        orphan.unlink()
                        removed.append(orphan)
                    except OSError:
                        pass
    if removed:
        log.info("Đã xóa %d tệp tạm còn sót trong %s", len(removed), folder)
    return removed


def copy_sqlite(source: Path, dest: Path) -> Path:
    """Copy the live database ``source`` into ``dest`` with SQLite's online backup: consistent
    while others use ``source``, and one transaction on ``dest`` (a kill leaves ``dest`` as it was)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return dest


def sqlite_problem(path: Path) -> str | None:
    """Why the file ``path`` is not an intact SQLite database (None when it is)."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return "không phải tệp SQLite"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_sqlite(source: Path, dest: Path) -> Path:
    """A consistent, checked copy of a live SQLite database at ``dest``: written under a
    temporary name, checked with ``PRAGMA integrity_check``, flushed to disk and only then
    renamed, so ``dest`` is either absent or a whole, valid database. Raises OSError or
    sqlite3.Error (nothing left behind) when the copy fails."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(dest)
    try:
        copy_sqlite(source, temp)
        problem = sqlite_problem(temp)
        if problem:
            raise sqlite3.DatabaseError(f"bản sao không toàn vẹn ({problem})")
        _fsync(temp)
        os.replace(temp, dest)
        if sys.platform != "win32":
            _fsync(dest.parent)
    finally:
        for side in ("", *_SIDE_FILES):
            Path(f"{temp}{side}").unlink(missing_ok=True)
    return dest


class NotAnAppDatabase(Exception):
    """The file is a database, but not one of this app's: it is left untouched."""


def _check_is_ours(engine: Engine) -> None:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if tables and "alembic_version" not in tables:
        raise NotAnAppDatabase(
            f"Tệp {engine.url.database} là cơ sở dữ liệu của chương trình khác (không có bảng phiên bản của "
            "ứng dụng này), nên không được mở để tránh làm hỏng nó. Hãy chọn tệp .db do ứng dụng tạo ra, "
            "hoặc một tên tệp mới để tạo CSDL trống."
        )


class UpgradeError(Exception):
    """The schema could not be brought up to date; the message (in Vietnamese) says what
    state the database is in and where its pre-upgrade backup is."""

    def __init__(self, message: str, backup: Path | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class ReadOnlyDatabase(Exception):
    """A read-only database whose schema is older than this program's: it cannot be upgraded."""


PRE_UPGRADE_KIND = "truoc-nang-cap"
DAMAGED_KIND = "hong-khi-nang-cap"
# Other users of a PostgreSQL database are waited for this long before an upgrade gives up.
PG_UPGRADE_LOCK_TIMEOUT = "30s"
_PG_UPGRADE_LOCK_KEY = 0x7D6B7401  # pg_advisory_xact_lock: one upgrade at a time


def _upgrade_engine(url: URL) -> Engine:
    """A one-connection engine for the upgrade. On SQLite, Python's driver leaves DDL outside
    its implicit transactions; here the driver's own transaction handling is off and the
    upgrade is wrapped in an explicit ``BEGIN IMMEDIATE``, so a kill or an error at any
    statement leaves the database exactly as before (SQLite's DDL is transactional)."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, poolclass=NullPool)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, record: object) -> None:
        dbapi_connection.isolation_level = None
        _set_sqlite_pragmas(dbapi_connection, record)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _lock_postgresql_for_upgrade(conn: Any) -> None:
    """Within the upgrade's transaction: one upgrade at a time, and no other session reading
    or writing the app's tables until it commits (waiting at most PG_UPGRADE_LOCK_TIMEOUT)."""
    conn.execute(text(f"SET LOCAL lock_timeout = '{PG_UPGRADE_LOCK_TIMEOUT}'"))
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK_KEY})
    tables = [t for t in inspect(conn).get_table_names()]
    if tables:
        names = ", ".join(conn.dialect.identifier_preparer.quote(t) for t in tables)
        conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))


def _migrate(url: URL) -> None:
    """Run every pending migration in one transaction (committed whole, or not at all)."""
    engine = _upgrade_engine(url)
    try:
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                _lock_postgresql_for_upgrade(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def _schema_signature(conn: Any) -> set[tuple[str, ...]]:
    """The tables, their columns and the indexes of a SQLite database (alembic's table aside)."""
    signature: set[tuple[str, ...]] = set()
    rows = conn.exec_driver_sql(
        "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "AND name != 'alembic_version' AND type IN ('table', 'index')").fetchall()
    for kind, name, table in rows:
        signature.add((kind, name, table))
        if kind == "table":
            for column in conn.exec_driver_sql(f"PRAGMA table_info(\"{name}\")").fetchall():
                signature.add(("column", name, column[1]))
    return signature


def _expected_signature(revision: str) -> set[tuple[str, ...]]:
    """The schema the migrations build up to ``revision`` (in a scratch in-memory database)."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        with engine.connect() as conn:
            return _schema_signature(conn)
    finally:
        engine.dispose()


def _sqlite_uri_engine(uri: str) -> Engine:
    """An engine on a SQLite URI (``file:...?mode=ro``): each connection made by sqlite3 itself."""
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
                         poolclass=NullPool)


def _file_state(path: Path) -> tuple[str | None, str | None, set[tuple[str, ...]]]:
    """(problem, revision, schema signature) of a SQLite file, read without changing it."""
    problem = sqlite_problem(path)
    if problem:
        return problem, None, set()
    engine = _sqlite_uri_engine(f"{path.resolve().as_uri()}?mode=ro")
    try:
        with engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
            return None, revision, _schema_signature(conn)
    except Exception as exc:  # noqa: BLE001 - any failure to read means: not usable
        return str(exc), None, set()
    finally:
        engine.dispose()


def _pre_upgrade_backups(path: Path, revision: str) -> list[Path]:
    """This database's backups made before upgrading from ``revision``, newest first."""
    found = list(backup_dir().glob(f"{path.stem}-{PRE_UPGRADE_KIND}-{revision}-*.db"))
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def _needs_recovery(path: Path, revision: str) -> str | None:
    """Why the file cannot be upgraded in place (damaged, or left half-upgraded by an
    interrupted older upgrade), or None when it is as the migrations left ``revision``."""
    problem, found, signature = _file_state(path)
    if problem:
        return f"tệp bị hỏng ({problem})"
    if found != revision:
        return f"phiên bản lược đồ {found} khác {revision}"
    if signature != _expected_signature(revision):
        return "lần nâng cấp trước bị ngắt giữa chừng, lược đồ chỉ được nâng cấp một phần"
    return None


def _recover_from_backup(path: Path, revision: str, reason: str, exclude: Path | None) -> str:
    """Replace ``path`` (kept aside first) by its newest intact pre-upgrade backup at
    ``revision``; the notice for the user. Raises UpgradeError when there is none."""
    expected = _expected_signature(revision)
    for candidate in _pre_upgrade_backups(path, revision):
        if exclude is not None and candidate == exclude:
            continue
        problem, found, signature = _file_state(candidate)
        if problem or found != revision or signature != expected:
            continue
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        damaged = backup_sqlite(path, backup_dir() / f"{path.stem}-{DAMAGED_KIND}-{stamp}.db")
        copy_sqlite(candidate, path)
        made = datetime.fromtimestamp(candidate.stat().st_mtime)
        log.warning("Khôi phục %s từ bản sao lưu trước nâng cấp %s (%s); bản hỏng giữ ở %s",
                    path, candidate, reason, damaged)
        return (f"Cơ sở dữ liệu {path.name} không nâng cấp được ({reason}), nên đã được khôi phục từ bản sao "
                f"lưu trước khi nâng cấp {candidate.name} (lập lúc {made:%H:%M %d/%m/%Y}) rồi nâng cấp lại. "
                f"Những thay đổi sau thời điểm đó (nếu có) không có trong CSDL. Tệp cũ được giữ ở {damaged}.")
    raise UpgradeError(
        f"Cơ sở dữ liệu {path.name} không nâng cấp được ({reason}) và không có bản sao lưu trước khi nâng cấp "
        f"nào còn dùng được trong {backup_dir()}. Tệp không bị thay đổi. Hãy khôi phục từ một bản sao lưu "
        "(lệnh restore hoặc trang Sao lưu) hoặc liên hệ người hỗ trợ kỹ thuật.", exclude)


def upgrade(engine: Engine) -> Path | None:
    """Bring the schema to the newest migration (see ``upgrade_with_notice``); the path of
    the pre-upgrade backup (None when nothing was copied)."""
    return upgrade_with_notice(engine)[0]


def upgrade_with_notice(engine: Engine) -> tuple[Path | None, str | None]:
    """Bring the schema to the newest migration, in one transaction.

    An existing SQLite database with an older schema is first copied (checked) to the
    backups folder. When the upgrade fails and the file turns out damaged or half-upgraded
    (by an interrupted older program), it is recovered from its newest intact pre-upgrade
    backup and upgraded again: the notice says so. Returns (backup, notice)."""
    _check_is_ours(engine)
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None, None
    backup = None
    path = sqlite_path(engine.url)
    if current is not None and path is not None and path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
        try:
            backup = backup_sqlite(path, backup_dir() / f"{path.stem}-{PRE_UPGRADE_KIND}-{current}-{stamp}.db")
        except (OSError, sqlite3.Error) as exc:
            raise UpgradeError(
                f"Không sao lưu được {path.name} trước khi nâng cấp lược đồ ({exc}), nên chưa nâng cấp; tệp không "
                "bị thay đổi. Hãy kiểm tra ổ đĩa còn chỗ trống và thư mục dữ liệu ghi được, rồi mở lại.") from exc
        log.info("Đã sao lưu %s sang %s trước khi nâng cấp", path, backup)
    engine.dispose()  # the upgrade runs on its own connection
    try:
        _migrate(engine.url)
        return backup, None
    except Exception as exc:
        log.exception("Nâng cấp lược đồ không thành công")
        failure = exc
    # Nothing of the failed upgrade was committed. Is the file itself the problem?
    reason = _needs_recovery(path, current) if path is not None and current is not None else None
    if reason is None:
        where = f" Bản sao lưu trước khi nâng cấp: {backup}." if backup else ""
        if engine.url.get_backend_name() == "postgresql" and "lock" in str(failure).lower():
            raise UpgradeError(
                "Chưa nâng cấp được lược đồ CSDL vì có người khác đang dùng CSDL (trong "
                f"{PG_UPGRADE_LOCK_TIMEOUT}). Hãy đề nghị mọi người đóng phần mềm rồi mở lại. CSDL không thay đổi.",
                backup) from failure
        raise UpgradeError(
            f"Nâng cấp lược đồ CSDL không thành công ({failure}). Mọi thay đổi của lần nâng cấp đã được hủy, "
            f"CSDL vẫn nguyên như trước.{where} Hãy liên hệ người hỗ trợ kỹ thuật, gửi kèm tệp nhật ký.",
            backup) from failure
    assert path is not None and current is not None
    notice = _recover_from_backup(path, current, reason, exclude=backup)
    try:
        _migrate(engine.url)
    except Exception as exc:
        raise UpgradeError(f"{notice} Tuy vậy lần nâng cấp lại cũng không thành công ({exc}); CSDL được giữ ở "
                           "trạng thái trước nâng cấp. Hãy liên hệ người hỗ trợ kỹ thuật.", backup) from exc
    return backup, notice


@dataclass
class Database:
    """An open database: its engine, where it is, and a factory of sessions."""

    engine: Engine
    sessions: sessionmaker[Session]
    # Set when opening upgraded an older schema.
    upgrade_backup: Path | None = None
    # Opened read-only (a write-protected file or medium): viewing only.
    read_only: bool = False
    # What the user must be told about the opening (recovery from a backup, read-only...).
    notices: list[str] = field(default_factory=list)

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.engine.url)

    def display_name(self) -> str:
        """What the status bar shows: the file path, or the URL without its password."""
        path = self.path
        shown = str(path) if path else self.engine.url.render_as_string(hide_password=True)
        return f"{shown} (chỉ đọc)" if self.read_only else shown

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


READ_ONLY_NOTICE = ("Tệp CSDL {name} chỉ đọc được (ổ đĩa, thư mục hoặc tệp được bảo vệ chống ghi), nên được mở "
                    "để xem: mọi thay đổi sẽ không lưu được. Muốn sửa, hãy chép tệp về một thư mục ghi được "
                    "trên máy rồi mở bản chép đó.")


def _writable(path: Path) -> bool:
    """Whether SQLite can write ``path`` (and its journal beside it)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _set_read_only_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA query_only = ON")
    finally:
        cursor.close()


def open_read_only(path: Path) -> Database:
    """Open an existing SQLite file for viewing only (``immutable``: nothing is written,
    not even a journal or the WAL's shared memory). Its schema must be this program's."""
    engine = _sqlite_uri_engine(f"{path.resolve().as_uri()}?mode=ro&immutable=1")
    event.listen(engine, "connect", _set_read_only_pragmas)
    # Keep the file's own path in the URL, for display and for backups.
    engine.url = URL.create("sqlite", database=str(path.resolve()))
    try:
        _check_is_ours(engine)
        current = current_revision(engine)
    except Exception:
        engine.dispose()
        raise
    if current != head_revision():
        engine.dispose()
        raise ReadOnlyDatabase(
            f"Tệp CSDL {path.name} chỉ đọc được và có lược đồ của phiên bản phần mềm "
            f"{'cũ hơn' if current in _known_revision_ids() else 'khác'} (lược đồ {current}), nên không mở được "
            "(phải nâng cấp mà không ghi được). Hãy chép tệp về một thư mục ghi được trên máy rồi mở bản chép đó.")
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False), read_only=True,
                    notices=[READ_ONLY_NOTICE.format(name=path.name)])


def _known_revision_ids() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _is_read_only_error(exc: BaseException) -> bool:
    message = str(exc).lower()
    return "readonly" in message or "read-only" in message or "unable to open database file" in message


def open_database(target: str | os.PathLike[str] | URL | None = None, *, create: bool = True) -> Database:
    """Open (creating if absent, unless ``create`` is false) a database and upgrade its schema
    to the newest migration. A SQLite file that cannot be written is opened read-only."""
    url = target if isinstance(target, URL) else resolve_url(target)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            if not create:
                raise FileNotFoundError(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not _writable(path):
            return open_read_only(path)
        # What killed restores and backups left beside the database.
        clean_leftovers(path.parent)
        clean_leftovers(backup_dir())
    engine = make_engine(url)
    try:
        backup, notice = upgrade_with_notice(engine)
    except Exception as exc:
        engine.dispose()
        if path is not None and path.exists() and _is_read_only_error(exc):
            return open_read_only(path)
        raise
    database = Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False), upgrade_backup=backup)
    if notice:
        database.notices.append(notice)
    return database
