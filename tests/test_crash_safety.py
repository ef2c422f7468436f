"""Crash safety: kill the process (SIGKILL / TerminateProcess) at random moments of a large
import and of a decision save, many times; after each kill the database must pass
``PRAGMA integrity_check`` and hold the change either wholly or not at all.

The decision save is the transaction a decision makes (insert the Decision and its Awards,
mark the initiatives they use) done through the ORM in one session, as the decision
service will do it.
"""
from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from models.db import open_database

ROOT = Path(__file__).resolve().parent.parent
KILLS_PER_SCENARIO = 55          # two scenarios: at least 110 kills in all
MAX_ATTEMPTS = 3 * KILLS_PER_SCENARIO
SEED = 20240
DECISION_NUMBER = "999/QĐ-KIEMTHU"

IMPORT_CHILD = r"""
import sys
from models.db import open_database
from services.records.exchange import import_exchange, read_exchange_file
doc = read_exchange_file(sys.argv[2])
db = open_database(sys.argv[1])
print("ready", flush=True)
with db.session() as s:
    report = import_exchange(s, doc)
    assert not report.problems, report.problems
    s.commit()
print("done", flush=True)
"""

DECISION_CHILD = r"""
import sys
from datetime import date
from sqlalchemy import select
from models import Award, Decision, Initiative, Person
from models.db import open_database
db = open_database(sys.argv[1])
print("ready", flush=True)
with db.session() as s:
    decision = Decision(number=sys.argv[2], issued_on=date(2099, 1, 5), level="co_so", summary="Kiểm thử")
    s.add(decision)
    people = s.scalars(select(Person).order_by(Person.id)).all()
    awards = {p.id: Award(year=2099, title_code="GIAY_KHEN", person_id=p.id, achievement="Kiểm thử") for p in people}
    decision.awards = list(awards.values())
    s.flush()
    for ini in s.scalars(select(Initiative).where(Initiative.used_by_award_id.is_(None))):
        ini.used_by_award_id = awards[ini.person_id].id
    s.commit()
print("done", flush=True)
"""


def _counts(path: Path, queries: dict[str, str]) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        assert check == ["ok"], f"{path.name}: integrity_check {check}"
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert not fk, f"{path.name}: foreign_key_check {fk[:3]}"
        return {name: conn.execute(sql).fetchone()[0] for name, sql in queries.items()}
    finally:
        conn.close()


IMPORT_COUNTS = {t: f"SELECT count(*) FROM {t}" for t in
                 ("unit", "person", "evaluation", "unit_evaluation", "initiative", "award", "registration", "audit_entry")}
DECISION_COUNTS = {
    "decision": f"SELECT count(*) FROM decision WHERE number = '{DECISION_NUMBER}'",
    "awards": "SELECT count(*) FROM award WHERE year = 2099",
    "used": "SELECT count(*) FROM initiative WHERE used_by_award_id IN (SELECT id FROM award WHERE year = 2099)",
    "free": "SELECT count(*) FROM initiative WHERE used_by_award_id IS NULL",
}


def _run_child(code: str, args: list[str], delay: float | None) -> tuple[bool, float]:
    """Run a child; kill it ``delay`` seconds after it is ready (None: let it finish).
    Returns (killed while running, seconds from ready to end)."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
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
            proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        proc.communicate(timeout=60)
        return killed, time.perf_counter() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _torture(template: Path, work: Path, code: str, extra: list[str], queries: dict[str, str], rng: random.Random):
    """Measure one full run, then kill runs at random moments until enough kills happened.
    Each run starts from a copy of ``template``; returns (kills, states seen)."""
    baseline = _counts(template, queries)
    full_db = work / "full.db"
    shutil.copyfile(template, full_db)
    _, duration = _run_child(code, [str(full_db), *extra], None)
    complete = _counts(full_db, queries)
    assert complete != baseline
    # Draw the delays first, so that the runs (two at a time) are reproducible from the seed.
    delays = [rng.uniform(0.0, duration * 1.15) for _ in range(MAX_ATTEMPTS)]
    kills = 0
    seen = {"absent": 0, "complete": 0}

    def attempt(i: int) -> tuple[bool, dict[str, int]]:
        db = work / f"run-{i}.db"
        shutil.copyfile(template, db)
        killed, _ = _run_child(code, [str(db), *extra], delays[i])
        state = _counts(db, queries)
        db.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return killed, state

    with ThreadPoolExecutor(max_workers=2) as pool:
        i = 0
        while kills < KILLS_PER_SCENARIO and i < MAX_ATTEMPTS:
            batch = list(range(i, min(i + 2, MAX_ATTEMPTS)))
            i += len(batch)
            for killed, state in pool.map(attempt, batch):
                assert state in (baseline, complete), f"half-written change: {state} (before {baseline}, after {complete})"
                kills += killed
                seen["absent" if state == baseline else "complete"] += 1
    return kills, seen


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    from services.records.demo import build_demo_exchange, populate_demo
    from services.records.exchange import write_exchange_file

    folder = tmp_path_factory.mktemp("crash")
    empty = folder / "trống.db"
    open_database(empty).close()
    exchange = write_exchange_file(build_demo_exchange(), folder / "dữ liệu.json")
    demo = folder / "mẫu.db"
    database = open_database(demo)
    with database.session() as s:
        populate_demo(s)
        s.commit()
    database.close()
    for path in (empty, demo):  # fold the WAL into the file, so that a plain copy is the whole database
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    return folder, empty, exchange, demo


@pytest.mark.slow
def test_kill_during_large_import(templates, tmp_path):
    folder, empty, exchange, _ = templates
    kills, seen = _torture(empty, tmp_path, IMPORT_CHILD, [str(exchange)], IMPORT_COUNTS, random.Random(SEED))
    print(f"import: {kills} kills, states {seen}")
    assert kills >= KILLS_PER_SCENARIO
    assert seen["absent"] > 0


@pytest.mark.slow
def test_kill_during_decision_save(templates, tmp_path):
    folder, _, _, demo = templates
    kills, seen = _torture(demo, tmp_path, DECISION_CHILD, [DECISION_NUMBER], DECISION_COUNTS,
                           random.Random(SEED + 1))
    print(f"decision: {kills} kills, states {seen}")
    assert kills >= KILLS_PER_SCENARIO
    assert seen["absent"] > 0
