"""Benchmark: the people list (Cán bộ) on a province-scale database.

Builds the 50,000-person database of ``bench/draft.py`` (bulk inserts), then times,
through the real ``PeopleTableModel`` in a real ``QTableView`` (offscreen):

- opening the list: the set-based query, folding, name ranks and the sorted model;
- the first screen of rows: handing the first rows to the view and painting them;
- filtering by typing "nguyen", one keystroke at a time (each one re-filters and repaints);
- sorting by another column and back.

    .venv/bin/python bench/people_list.py [--people 50000] [--units 2000] [--keep PATH] [--runs 3]

Target (this machine): opening the list and filtering "nguyen" each under 200 ms.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.draft import build  # noqa: E402
from models.db import open_database  # noqa: E402

TARGET_S = 0.200


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--units", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the database here (or reuse it) and keep it")
    args = ap.parse_args()

    from PySide6.QtWidgets import QTableView

    from services.records.people import load_people, person_details
    from ui.app import ensure_application
    from ui.people_model import COLUMN_KEYS, PeopleTableModel

    app = ensure_application()
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if path.exists():
            print(f"dùng CSDL có sẵn {path}")
        else:
            t = time.perf_counter()
            build(path, args.people, args.units)
            print(f"tạo CSDL tổng hợp ({args.people} cán bộ, {args.units} đơn vị): {time.perf_counter() - t:.1f} s")
        db = open_database(path)

        def loader(ids):
            with db.session() as s:
                return person_details(s, ids)

        try:
            # Warm the collator and the SQLite page cache once, as a running app would have.
            with db.session() as s:
                load_people(s)
            opens, firsts, filters, worst_keys, sorts, at_once = [], [], [], [], [], []
            matches = 0
            for _ in range(args.runs):
                gc.collect()
                model = PeopleTableModel(details_loader=loader)
                view = QTableView()
                view.resize(1200, 700)
                view.setSortingEnabled(False)
                view.verticalHeader().hide()  # as on the Cán bộ page
                view.setModel(model)
                view.show()
                app.processEvents()

                t = time.perf_counter()
                with db.session() as s:
                    data = load_people(s)
                model.set_data(data)
                opens.append(time.perf_counter() - t)

                t = time.perf_counter()
                app.processEvents()
                view.viewport().grab()  # the first screen of rows, painted
                firsts.append(time.perf_counter() - t)

                t = time.perf_counter()
                model.set_filter(text="nguyen")  # pasted, or typed fast: one filter
                app.processEvents()
                view.viewport().grab()
                at_once.append(time.perf_counter() - t)
                model.set_filter(text="")
                app.processEvents()

                t = time.perf_counter()
                worst = 0.0
                for n in range(1, len("nguyen") + 1):
                    k = time.perf_counter()
                    model.set_filter(text="nguyen"[:n])
                    app.processEvents()
                    view.viewport().grab()
                    worst = max(worst, time.perf_counter() - k)
                filters.append(time.perf_counter() - t)
                worst_keys.append(worst)
                matches = model.match_count()

                t = time.perf_counter()
                model.sort(COLUMN_KEYS.index("unit_name"))
                model.sort(COLUMN_KEYS.index("full_name"))
                app.processEvents()
                sorts.append(time.perf_counter() - t)
                view.close()
                view.deleteLater()
                app.processEvents()
        finally:
            db.close()

    total = model.total_count()
    print(f"số cán bộ: {len(data.rows)} (không tính đã xóa: {total}); khớp “nguyen”: {matches}")
    print(f"mở danh sách (truy vấn + gập dấu + thứ tự tên + mô hình): {min(opens) * 1000:7.1f} ms")
    print(f"hiện trang đầu trong bảng:                              {min(firsts) * 1000:7.1f} ms")
    print(f"lọc “nguyen” một lần (dán, hoặc gõ nhanh) + vẽ lại:     {min(at_once) * 1000:7.1f} ms")
    print(f"gõ “nguyen” (6 phím, lọc + vẽ lại sau mỗi phím), tổng:   {min(filters) * 1000:7.1f} ms"
          f"  (phím chậm nhất {min(worst_keys) * 1000:.1f} ms)")
    print(f"sắp xếp theo Đơn vị rồi lại theo Họ và tên:             {min(sorts) * 1000:7.1f} ms")
    ok = min(opens) < TARGET_S and min(at_once) < TARGET_S and min(worst_keys) < TARGET_S
    goal = "mở < 200 ms; lọc “nguyen”, và mỗi phím khi gõ, < 200 ms"
    print(f"ĐẠT mục tiêu ({goal})" if ok else f"CHƯA ĐẠT mục tiêu ({goal})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
