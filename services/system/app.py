"""Opening the database the app works on, with its reference data in place.

Every entry point (the window, the command line, tests) opens databases through
``open_app_database`` so that they all see the same thing.
"""
from __future__ import annotations

import os

from models.db import Database, open_database
from services.awards.rulesets import ensure_builtin_rule_sets
from services.system.access import SYSTEM_SESSION


def open_app_database(target: str | os.PathLike[str] | None = None, *, demo: bool = False) -> Database:
    """Open ``target`` (a path or a SQLAlchemy URL; None for the default database in the
    user's data folder), or the demo database when ``demo`` is true, creating and
    upgrading it as needed, and make sure the reference data is loaded."""
    # SQLite on a network folder is refused (services/system/storage_check.py).
    from services.system.storage_check import check_target

    check_target(target, demo=demo)
    if demo:
        from services.records.demo import open_demo_database

        database = open_demo_database()
    else:
        database = open_database(target)
    with database.session() as session:
        # The app's own upkeep: whoever is signed in, the reference data must be there.
        session.info[SYSTEM_SESSION] = True
        ensure_builtin_rule_sets(session)
        session.commit()
    return database
