"""Benchmark: a full draft of all titles on a province-scale database.

Builds (with bulk Core inserts) a synthetic agency of 50,000 people in 2,000 units with
5 years of evaluations, initiatives and awards, then prints the time of ``draft_year``
next to the time of merely reading the same rows, and the peak memory.

    .venv/bin/python bench/draft.py [--people 50000] [--units 2000] [--keep PATH]

Targets (2-core machine): full draft under 2 s, at most 3x the read time, under 500 MB.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import insert  # noqa: E402

from models import Award, Evaluation, Initiative, Person, Unit, UnitEvaluation  # noqa: E402
from models.db import open_database  # noqa: E402
from services.awards.drafting import draft_to_json, draft_year  # noqa: E402
from services.awards.rulesets import ensure_builtin_rule_sets  # noqa: E402

YEAR = 2024
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Mai", "Cao", "Tạ"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Quang", "Minh", "Công", "Xuân"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Kim", "Hồng"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn",
           "Tâm", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh"]
GIVEN_F = ["Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga",
           "Ngọc", "Nhung", "Phương", "Thảo", "Thu", "Trang", "Yến"]


def build(path: Path, n_people: int, n_units: int, seed: int = 2024) -> None:
    rnd = random.Random(seed)
    db = open_database(path)
    try:
        with db.engine.begin() as conn:
            tops = max(1, n_units // 10)
            units = []
            for i in range(n_units):
                parent = None if i < tops else (i % tops) + 1
                units.append({"id": i + 1, "code": f"DV{i + 1:04d}", "name": f"Đơn vị {i + 1}", "kind": "phong",
                              "parent_id": parent, "sort_order": i, "active": True, "version": 1})
            conn.execute(insert(Unit), units)
            people, evals, inits, awards = [], [], [], []
            award_id = 0
            for i in range(n_people):
                pid = i + 1
                female = rnd.random() < 0.5
                name = " ".join([rnd.choice(FAMILY), rnd.choice(MIDDLE_F if female else MIDDLE_M),
                                 rnd.choice(GIVEN_F if female else GIVEN_M)])
                people.append({"id": pid, "code": f"CB{pid:06d}", "full_name": name, "gender": "nu" if female else "nam",
                               "unit_id": rnd.randrange(n_units) + 1, "position": "", "active": True, "version": 1})
                for year in range(YEAR - 4, YEAR + 1):
                    r = rnd.random()
                    rating = "HTXSNV" if r < 0.25 else "HTTNV" if r < 0.9 else "HTNV" if r < 0.98 else "KHTNV"
                    voted = rnd.random() < 0.3
                    evals.append({
                        "person_id": pid, "year": year, "rating": rating,
                        "months_worked": 12 if rnd.random() < 0.97 else rnd.randint(0, 12),
                        "maternity_months": 0 if rnd.random() < 0.97 else rnd.randint(1, 6),
                        "discipline": None if rnd.random() < 0.99 else rnd.choice(["khien_trach", "canh_cao", "ha_bac_luong"]),
                        "under_review": rnd.random() < 0.003,
                        "votes_for": rnd.randint(10, 20) if voted else None, "votes_total": 20 if voted else None,
                        "score": float(rnd.randint(70, 100)) if rnd.random() < 0.5 else None,
                        "note": "", "version": 1,
                    })
                    if rnd.random() < 0.15:
                        lvl = rnd.random()
                        inits.append({"code": f"SK-{year}-{pid:06d}", "person_id": pid, "year": year,
                                      "level": "co_so" if lvl < 0.85 else "tinh" if lvl < 0.99 else "toan_quoc",
                                      "title": f"Sáng kiến {pid}/{year}", "recognized_by": ""})
                    if year < YEAR and rating == "HTXSNV" and rnd.random() < 0.5:
                        award_id += 1
                        awards.append({"id": award_id, "year": year, "title_code": "CSTDCS", "person_id": pid,
                                       "unit_id": None, "achievement": ""})
                if rnd.random() < 0.05:  # an older Bằng khen, the start of a P7 chain
                    award_id += 1
                    awards.append({"id": award_id, "year": rnd.choice([2018, 2019]), "title_code": "BK_TINH",
                                   "person_id": pid, "unit_id": None, "achievement": ""})
            conn.execute(insert(Person), people)
            conn.execute(insert(Evaluation), evals)
            conn.execute(insert(Award), awards)
            conn.execute(insert(Initiative), inits)
            unit_evals = [{"unit_id": u["id"], "year": y, "rating": rnd.choice(["HTXSNV", "HTXSNV", "HTTNV", "HTNV"]),
                           "note": "", "version": 1} for u in units for y in range(YEAR - 4, YEAR + 1)]
            conn.execute(insert(UnitEvaluation), unit_evals)
            unit_awards = [{"year": 2019, "title_code": "BK_TINH", "person_id": None, "unit_id": u["id"], "achievement": ""}
                           for u in units if rnd.random() < 0.1]
            conn.execute(insert(Award), unit_awards)
        with db.session() as s:
            ensure_builtin_rule_sets(s)
            s.commit()
    finally:
        db.close()


def read_rows(session) -> int:
    """Read the rows the draft reads (the loader's own statements), doing nothing with them.

    The statements are captured from one run of ``load_engine_input`` and replayed."""
    conn = session.connection()
    n = 0
    for stmt in _statements(session):
        n += len(conn.execute(stmt).all())
    return n


_CAPTURED: list = []


def _statements(session) -> list:
    if not _CAPTURED:
        from services.awards import drafting
        from services.awards.rulesets import rule_set_for_year

        conn = session.connection()
        real = type(conn).execute

        def spy(self, stmt, *args, **kwargs):
            _CAPTURED.append(stmt)
            return real(self, stmt, *args, **kwargs)

        type(conn).execute = spy
        try:
            drafting.load_engine_input(session, YEAR, rule_set_for_year(session, YEAR).params)
        finally:
            type(conn).execute = real
    return _CAPTURED


def best_of(fn, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def _max_rss_mb() -> float | None:
    """Peak resident memory of this process. VmHWM (Linux) belongs to this address space;
    ru_maxrss would carry the parent's peak across fork and exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_of_one_draft(path: Path) -> float | None:
    """Peak RSS of a fresh process that opens the database and drafts once."""
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--rss-only", str(path)], capture_output=True, text=True,
                         encoding="utf-8")
    try:
        return float(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--rss-only":
        db = open_database(Path(sys.argv[2]))
        with db.session() as s:
            draft_year(s, YEAR)
        db.close()
        print(_max_rss_mb() or "")
        return 0

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--units", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the database here and keep it")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        rss = None
        if path.exists():
            print(f"dùng CSDL có sẵn {path}")
        else:
            t = time.perf_counter()
            build(path, args.people, args.units)
            print(f"tạo CSDL tổng hợp ({args.people} cán bộ, {args.units} đơn vị, 5 năm): {time.perf_counter() - t:.1f} s")
        db = open_database(path)
        try:
            with db.session() as s:
                t = time.perf_counter()
                draft_year(s, YEAR)  # cold: first collator use, caches
                cold = time.perf_counter() - t
            with db.session() as s:
                read_t, rows = best_of(lambda: read_rows(s), args.runs)
            with db.session() as s:
                draft_t, draft = best_of(lambda: draft_year(s, YEAR), args.runs)
            with db.session() as s:
                json_t, _ = best_of(lambda: draft_to_json(draft), 1)
                gc.collect()
                tracemalloc.start()
                draft_year(s, YEAR)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
        finally:
            db.close()
        rss = _rss_of_one_draft(path)
    sizes = ", ".join(f"{tl.title} {len(tl.selected)}/{len(tl.over_quota)}/{len(tl.ineligible)}" for tl in draft.lists)
    print(f"số dòng đọc: {rows}; số cán bộ được xét: {draft.considered_people}")
    print(f"danh sách (đề nghị/vượt tỷ lệ/không đủ đk): {sizes}")
    print(f"đọc các dòng:          {read_t:6.3f} s")
    print(f"dự thảo đầy đủ:        {draft_t:6.3f} s  (lần đầu {cold:.3f} s)  = {draft_t / read_t:.2f} x thời gian đọc")
    print(f"chuyển sang JSON:      {json_t:6.3f} s")
    print(f"bộ nhớ đỉnh (tracemalloc, một lần dự thảo): {peak / 2**20:.0f} MB"
          + (f"; RSS tối đa của một tiến trình chỉ dự thảo một lần: {rss:.0f} MB" if rss else ""))
    memory = max(peak / 2**20, rss or 0)
    for label, ok in (("dự thảo < 2 s", draft_t < 2), ("dự thảo <= 3 x thời gian đọc", draft_t <= 3 * read_t),
                      ("bộ nhớ < 500 MB", memory < 500)):
        print(f"mục tiêu {label}: {'ĐẠT' if ok else 'CHƯA ĐẠT'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
