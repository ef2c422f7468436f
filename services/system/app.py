"""Opening the database the app works on, with its reference data in place.

Every entry point (the window, the command line, tests) opens databases through
``open_app_database`` so that they all see the same thing.
"""
from __future__ import annotations

import os
from pathlib import Path

from models.db import Database, open_database
from services.awards.rulesets import ensure_builtin_rule_sets
from services.system.access import SYSTEM_SESSION


def open_app_database(target: str | os.PathLike[str] | None = None, *, demo: bool = False,
                      create: bool = True) -> Database:
    """Open ``target`` (a path or a SQLAlchemy URL; None for the default database in the
    user's data folder), or the demo database when ``demo`` is true, creating and
    upgrading it as needed, and make sure the reference data is loaded.

    With ``create`` false, a file ``target`` that does not exist is refused (DatabaseMissing)
    instead of becoming a new empty database. A file that cannot be written opens read-only."""
    # SQLite on a network folder is refused (services/system/storage_check.py).
    from services.system.storage_check import check_target

    check_target(target, demo=demo)
    if demo:
        from services.records.demo import open_demo_database

        database = open_demo_database()
    else:
        if not create and target is not None:
            missing = missing_database_file(target)
            if missing is not None:
                from services.system.errors import DatabaseMissing

                raise DatabaseMissing(
                    f"Không có tệp cơ sở dữ liệu {missing}. Hãy kiểm tra lại đường dẫn (tên thư mục, tên tệp, dấu); "
                    "muốn tạo một CSDL mới, trống ở đó thì thêm tùy chọn --create.")
        database = open_database(target)
    if database.read_only:
        return database  # viewing only: nothing is written, not even the reference data
    with database.session() as session:
        # The app's own upkeep: whoever is signed in, the reference data must be there.
        session.info[SYSTEM_SESSION] = True
        ensure_builtin_rule_sets(session)
        session.commit()
    return database


def missing_database_file(target: str | os.PathLike[str]) -> Path | None:
    """The file a path ``target`` names when it does not exist (None for URLs and existing files)."""
    from models.db import resolve_url, sqlite_path

    path = sqlite_path(resolve_url(target))
    return path if path is not None and not path.exists() else None
