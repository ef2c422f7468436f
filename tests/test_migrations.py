"""Alembic: the migrations build exactly the models' schema, and the app upgrades an
older database at start after copying it to a backup."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from models import Base
from models.db import (
    alembic_config,
    backup_dir,
    current_revision,
    head_revision,
    make_engine,
    open_database,
)


def test_autogenerate_finds_no_difference_between_models_and_migrations(db) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lên xuống.db'}")
    cfg = alembic_config(engine)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars().all()
    assert set(tables) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_opening_an_older_database_backs_it_up_then_upgrades_it(tmp_path: Path) -> None:
    path = tmp_path / "Hồ sơ cũ.db"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (code, name, kind, sort_order, active, version) "
                          "VALUES ('VP', 'Văn phòng Sở', 'phong', 0, 1, 1)"))
    engine.dispose()
    assert list(backup_dir().iterdir()) == []

    database = open_database(path)
    try:
        assert current_revision(database.engine) == head_revision() != "0001"
        assert database.upgrade_backup is not None and database.upgrade_backup.parent == backup_dir()
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM unit")).scalar_one() == "Văn phòng Sở"
            assert conn.execute(text("SELECT count(*) FROM title")).scalar_one() == 12
    finally:
        database.close()
    # The backup is the database as it was: still at the old revision, with the data.
    backup = sqlite3.connect(database.upgrade_backup)
    try:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert backup.execute("SELECT name FROM unit").fetchone() == ("Văn phòng Sở",)
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        backup.close()


def test_an_up_to_date_database_is_opened_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "mới.db"
    open_database(path).close()
    database = open_database(path)
    assert database.upgrade_backup is None
    database.close()
    assert list(backup_dir().iterdir()) == []


def test_a_deleted_database_is_created_again(tmp_path: Path) -> None:
    path = tmp_path / "xóa đi.db"
    open_database(path).close()
    for leftover in tmp_path.glob("xóa đi.db*"):
        leftover.unlink()
    database = open_database(path)
    try:
        assert path.exists() and current_revision(database.engine) == head_revision()
    finally:
        database.close()


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import pytest

    from models.db import NotAnAppDatabase

    path = tmp_path / "của phần mềm khác.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE khach_hang (id INTEGER PRIMARY KEY, ten TEXT)")
    other.commit()
    other.close()
    with pytest.raises(NotAnAppDatabase, match="chương trình khác"):
        open_database(path)
    check = sqlite3.connect(path)
    try:
        tables = [r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    finally:
        check.close()
    assert tables == ["khach_hang"]
