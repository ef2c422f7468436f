"""Opening a database: where it lives, the engine and its per-connection settings,
the session factory, and bringing the schema up to date with Alembic.

SQLite is the default (one file in the user's data folder); any SQLAlchemy URL,
PostgreSQL included, can be given instead.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

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
    text = os.fspath(target)
    if "://" in text:
        return make_url(text)
    return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))


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


def backup_sqlite(source: Path, dest: Path) -> Path:
    """A consistent copy of a live SQLite database, through SQLite's online backup."""
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


def upgrade(engine: Engine) -> Path | None:
    """Bring the schema to the newest migration.

    An existing SQLite database with an older schema is first copied to the
    backups folder; the copy's path is returned (None when nothing was copied).
    """
    _check_is_ours(engine)
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    backup = None
    path = sqlite_path(engine.url)
    if current is not None and path is not None and path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_sqlite(path, backup_dir() / f"{path.stem}-truoc-nang-cap-{current}-{stamp}.db")
        log.info("Đã sao lưu %s sang %s trước khi nâng cấp", path, backup)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup


@dataclass
class Database:
    """An open database: its engine, where it is, and a factory of sessions."""

    engine: Engine
    sessions: sessionmaker[Session]
    # Set when opening upgraded an older schema.
    upgrade_backup: Path | None = None

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.engine.url)

    def display_name(self) -> str:
        """What the status bar shows: the file path, or the URL without its password."""
        path = self.path
        return str(path) if path else self.engine.url.render_as_string(hide_password=True)

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


def open_database(target: str | os.PathLike[str] | URL | None = None) -> Database:
    """Open (creating if absent) a database and upgrade its schema to the newest migration."""
    url = target if isinstance(target, URL) else resolve_url(target)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    backup = upgrade(engine)
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False), upgrade_backup=backup)
