"""Live eligibility timing: prepare once and evaluate per keystroke for the largest unit
of the demo database (target: evaluate well under 100 ms for ~50 people).

    python bench/eligibility.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from models import Unit  # noqa: E402
from services.awards.eligibility import prepare  # noqa: E402
from services.records.demo import open_demo_database  # noqa: E402
from services.records.evaluations import load_grid  # noqa: E402


def main() -> None:
    db = open_demo_database()
    with db.session() as s:
        grids = [load_grid(s, 2024, uid) for uid in s.scalars(select(Unit.id))]
        for label, grid in (("lớn nhất", max(grids, key=lambda g: len(g.rows))),
                            ("~50 người", min(grids, key=lambda g: abs(len(g.rows) - 50)))):
            t = time.perf_counter()
            ctx = prepare(s, 2024, grid.unit_id, [r.person_id for r in grid.rows])
            prep = (time.perf_counter() - t) * 1000
            times = []
            for i in range(30):
                grid.rows[i % len(grid.rows)].months_worked = 12 - (i % 3)
                t = time.perf_counter()
                ctx.evaluate(grid.rows, grid.unit_rating)
                times.append((time.perf_counter() - t) * 1000)
            print(f"Đơn vị {label} ({grid.unit_name}, {len(grid.rows)} người): chuẩn bị {prep:.1f} ms; "
                  f"tính lại trung vị {statistics.median(times):.1f} ms, lớn nhất {max(times):.1f} ms")


if __name__ == "__main__":
    main()
