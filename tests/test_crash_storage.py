"""Crash safety of the storage steps: kill (SIGKILL / TerminateProcess) a schema upgrade,
a backup with its rotation, and a restore at random moments; after each kill, and the
next opening of the database, the database must open and hold its data, every kept
backup must be a valid database of this app, and no temporary file may be left over.

Same style as tests/test_crash_safety.py: one full run measures the duration, then runs
are killed at delays drawn from a seeded generator, two at a time.
"""
from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command

from models.db import alembic_config, head_revision, make_engine, open_database

ROOT = Path(__file__).resolve().parent.parent
KILLS_PER_SCENARIO = 16
MAX_ATTEMPTS = 3 * KILLS_PER_SCENARIO
SEED = 20261202
CERTIFICATE_ROWS = 120_000   # so that the upgrade's index takes a measurable time
KEEP = 3

pytestmark = pytest.mark.slow

UPGRADE_CHILD = r"""
import sys
from models.db import open_database
print("ready", flush=True)
open_database(sys.argv[1]).close()
print("done", flush=True)
"""

BACKUP_CHILD = r"""
import sys
from models.db import open_database
from services.system import backup
db = open_database(sys.argv[1])
print("ready", flush=True)
for _ in range(4):
    backup.auto_backup(db, keep=int(sys.argv[2]))
db.close()
print("done", flush=True)
"""

RESTORE_CHILD = r"""
import sys
from pathlib import Path
from services.system import backup
print("ready", flush=True)
backup.restore_file(Path(sys.argv[1]), Path(sys.argv[2]))
print("done", flush=True)
"""


def _child_env(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TDKT_DATA_DIR"] = str(data)
    return env


def _run_child(code: str, args: list[str], data: Path, delay: float | None) -> tuple[bool, float]:
    """Run a child; kill it ``delay`` seconds after it is ready (None: let it finish)."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=_child_env(data))
    try:
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read()
        start = time.perf_counter()
        if delay is None:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0 and "done" in out, err
            return False, time.perf_counter() - start
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            proc.kill()
        proc.communicate(timeout=60)
        return killed, time.perf_counter() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _dump(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('audit_entry', 'alembic_version')")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def _revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def _leftovers(*folders: Path) -> list[str]:
    return sorted(p.name for folder in folders if folder.exists() for p in folder.iterdir()
                  if ".tmp" in p.name or p.name.endswith("-journal"))


def _check_backups(folder: Path) -> int:
    """Every kept backup is a whole database of this app; returns how many there are."""
    from services.system.backup import check_file

    kept = list(folder.glob("*.db")) if folder.exists() else []
    for path in kept:
        check_file(path)
    return len(kept)


def _fold(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


@pytest.fixture(scope="module")
def storage_templates(tmp_path_factory):
    from services.records.demo import populate_demo

    folder = tmp_path_factory.mktemp("crash-storage")
    demo = folder / "hồ sơ mẫu.db"
    database = open_database(demo)
    with database.session() as s:
        populate_demo(s)
        s.commit()
    database.close()
    conn = sqlite3.connect(demo)
    award = conn.execute("SELECT min(id) FROM award").fetchone()[0]
    conn.executemany(
        "INSERT INTO certificate_record (award_id, register_no, layout, mode, printed_by, copies) "
        "VALUES (?, ?, 'mau', 'full', 'kiểm thử', 1)",
        ((award, f"SV-{i:07d}") for i in range(CERTIFICATE_ROWS)))
    conn.commit()
    conn.close()
    _fold(demo)
    # The same data one schema older: the upgrade has real work to do on it.
    older = folder / "lược đồ cũ.db"
    shutil.copyfile(demo, older)
    engine = make_engine(f"sqlite:///{older}")
    revisions = [r.revision for r in __import__("alembic.script", fromlist=["ScriptDirectory"])
                 .ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    command.downgrade(alembic_config(engine), revisions[1])
    engine.dispose()
    _fold(older)
    return folder, demo, older


def _torture(template: Path, work: Path, code: str, extra, check, rng: random.Random) -> tuple[int, int]:
    """Full run once (duration), then kill runs until KILLS_PER_SCENARIO kills; ``check(db, data)``
    is called after each. Returns (kills, runs)."""
    setup = work / "full"
    setup.mkdir()
    shutil.copyfile(template, setup / template.name)
    _, duration = _run_child(code, [str(setup / template.name), *extra(setup)], setup / "data", None)
    check(setup / template.name, setup / "data", completed=True)
    delays = [rng.uniform(0.0, duration * 1.1) for _ in range(MAX_ATTEMPTS)]

    def attempt(i: int) -> bool:
        run = work / f"run-{i}"
        run.mkdir()
        db = run / template.name
        shutil.copyfile(template, db)
        killed, _ = _run_child(code, [str(db), *extra(run)], run / "data", delays[i])
        check(db, run / "data", completed=None)
        shutil.rmtree(run)
        return killed

    kills = runs = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        while kills < KILLS_PER_SCENARIO and runs < MAX_ATTEMPTS:
            batch = list(range(runs, min(runs + 2, MAX_ATTEMPTS)))
            runs += len(batch)
            kills += sum(pool.map(attempt, batch))
    return kills, runs


def _reopen(db: Path, data: Path) -> None:
    """The next start of the app on that database (in a fresh process, with its data folder)."""
    r = subprocess.run([sys.executable, "-c", UPGRADE_CHILD, str(db)], cwd=ROOT, capture_output=True, text=True,
                       encoding="utf-8", env=_child_env(data), timeout=120)
    assert r.returncode == 0 and "done" in r.stdout, r.stderr


def test_kill_during_schema_upgrade(storage_templates, tmp_path):
    _, demo, older = storage_templates
    expected = _dump(older)

    def check(db: Path, data: Path, completed: bool | None) -> None:
        # The file is at the old schema or the new one, never in between; it always opens.
        assert _revision(db) in (_revision(older), head_revision())
        assert _dump(db) == expected
        _reopen(db, data)
        assert _revision(db) == head_revision()
        assert _dump(db) == expected
        _check_backups(data / "backups")
        assert _leftovers(db.parent, data / "backups") == []

    kills, runs = _torture(older, tmp_path, UPGRADE_CHILD, lambda run: [], check, random.Random(SEED))
    print(f"upgrade: {kills} kills in {runs} runs")
    assert kills >= KILLS_PER_SCENARIO


def test_kill_during_backup_and_rotation(storage_templates, tmp_path):
    _, demo, _ = storage_templates
    expected = _dump(demo)

    def check(db: Path, data: Path, completed: bool | None) -> None:
        assert _dump(db) == expected
        folder = data / "backups"
        count = _check_backups(folder)
        if completed:
            assert count == KEEP
        # A killed rotation may keep one more than KEEP until the next one: never an invalid file.
        assert count <= KEEP + 1
        _reopen(db, data)
        assert _leftovers(db.parent, folder) == []
        _check_backups(folder)

    kills, runs = _torture(demo, tmp_path, BACKUP_CHILD, lambda run: [str(KEEP)], check, random.Random(SEED + 1))
    print(f"backup: {kills} kills in {runs} runs")
    assert kills >= KILLS_PER_SCENARIO


def test_kill_during_restore(storage_templates, tmp_path):
    folder, demo, _ = storage_templates
    # The restore brings back a smaller database over the full one.
    source = folder / "bản sao lưu.db"
    if not source.exists():
        shutil.copyfile(demo, source)
        conn = sqlite3.connect(source)
        conn.execute("DELETE FROM certificate_record WHERE id % 2 = 0")
        conn.commit()
        conn.close()
        _fold(source)
    before, after = _dump(demo), _dump(source)
    assert before != after

    def check(db: Path, data: Path, completed: bool | None) -> None:
        state = _dump(db)
        assert state in (before, after), "half-restored database"
        if completed:
            assert state == after
        _reopen(db, data)
        assert _dump(db) == state
        _check_backups(data / "backups")
        assert _leftovers(db.parent, data / "backups") == []

    kills, runs = _torture(demo, tmp_path, RESTORE_CHILD, lambda run: [str(source)], check, random.Random(SEED + 2))
    print(f"restore: {kills} kills in {runs} runs")
    assert kills >= KILLS_PER_SCENARIO
