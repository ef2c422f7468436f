"""Soak test: a long working session in the real main window on the demo database.

Repeats, until the time is up: open every page in turn (each one loads and paints its
data), draft the year's lists, fill a 500-row table widget cell by cell, process events.
These are the calls that made PySide6 6.12.0 on Python 3.11 abort with
``none_dealloc`` after a few thousand of them (ui/qt_runtime.py). Prints, every round and
at the end: rounds, Qt calls made, peak memory, and the reference counts of None, True
and False (constant on Python 3.12+, where they are immortal).

    .venv/bin/python bench/long_session.py [--minutes 60]

Target: the session ends by itself, without abort, its exit status 0.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--year", type=int, default=2024)
    args = ap.parse_args()
    os.environ.setdefault("TDKT_DATA_DIR", tempfile.mkdtemp(prefix="tdkt-soak-"))

    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from services.awards.drafting import draft_year
    from services.records.demo import open_demo_database
    from ui.app import ensure_application
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.pages import PAGES
    from ui.worker import wait_for_idle

    app = ensure_application()
    database = open_demo_database()
    window = MainWindow(AppContext(database))
    window.resize(1366, 768)
    window.show()
    table = QTableWidget(500, 6)
    counts_at_start = [sys.getrefcount(o) for o in (None, True, False)]
    end = time.monotonic() + args.minutes * 60
    rounds = calls = 0
    started = time.monotonic()
    while time.monotonic() < end:
        for spec in PAGES:
            window.show_page(spec.key)
            wait_for_idle(30)
            app.processEvents()
            calls += 2
        with database.session() as session:
            draft_year(session, args.year)
        for row in range(500):
            for col in range(6):
                table.setItem(row, col, QTableWidgetItem(f"{rounds}-{row}-{col}"))
                calls += 1
        table.clearContents()
        app.processEvents()
        rounds += 1
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"vòng {rounds}: {time.monotonic() - started:7.0f} s, {calls} lệnh Qt, "
              f"bộ nhớ đỉnh {rss_mb:.0f} MB, tham chiếu None/True/False "
              f"{[sys.getrefcount(o) for o in (None, True, False)]}", flush=True)
    counts_at_end = [sys.getrefcount(o) for o in (None, True, False)]
    window.close()
    database.close()
    print(f"Kết thúc sau {time.monotonic() - started:.0f} s: {rounds} vòng, {calls} lệnh Qt, "
          f"tham chiếu {counts_at_start} → {counts_at_end}")
    return 0 if counts_at_start == counts_at_end else 1


if __name__ == "__main__":
    sys.exit(main())
