"""Shared fixtures. Every test runs with its own user data folder (TDKT_DATA_DIR) and,
for GUI tests, the offscreen Qt platform."""
from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from models.db import Database, open_database  # noqa: E402


def pytest_sessionstart(session: pytest.Session) -> None:
    # As in the app (ui/worker.py): no automatic collection, which could run on a worker
    # thread and destroy Qt objects there; the fixture below collects on the main thread.
    gc.disable()
    # Never run the GUI tests on a Python/PySide6 pairing that aborts (ui/qt_runtime.py).
    from ui.qt_runtime import check_qt_runtime

    problem = check_qt_runtime()
    if problem is not None:
        pytest.exit(problem.text(), returncode=3)


_tests_run = itertools.count(1)


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread() -> Iterator[None]:
    yield
    # The younger generations after each test (cheap), a full pass every 25 tests.
    gc.collect(2 if next(_tests_run) % 25 == 0 else 1)


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user data folder, with Vietnamese characters in its path."""
    path = tmp_path_factory.mktemp("dữ liệu") / "Thi đua Khen thưởng"
    monkeypatch.setenv("TDKT_DATA_DIR", str(path))
    return path


# PostgreSQL runs: with TDKT_TEST_PG_URL set, `db` is that PostgreSQL
# database, emptied before each test; CI runs the data-layer and rules tests this way too.
PG_URL = os.environ.get("TDKT_TEST_PG_URL", "")


def _fresh_postgresql(url: str) -> Database:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return open_database(url)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """An empty, fully migrated SQLite database in a folder with a Vietnamese name
    (or the PostgreSQL database of TDKT_TEST_PG_URL, emptied, when that is set)."""
    database = _fresh_postgresql(PG_URL) if PG_URL else open_database(tmp_path / "Sở LĐTBXH" / "hồ sơ.db")
    yield database
    database.close()
