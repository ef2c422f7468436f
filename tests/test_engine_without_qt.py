"""The rules engine, the draft and the live eligibility run where PySide6 cannot be
imported (a server, a script): nothing on their path needs Qt, name order included."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent('''
    import importlib.abc, json, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, NoQt())
    try:
        import PySide6  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker did not block PySide6")

    from models.db import open_database
    from services.awards.drafting import draft_to_json, draft_year
    from services.awards.eligibility import prepare
    from services.records.demo import build_demo_exchange
    from services.records.evaluations import load_grid
    from services.records.exchange import import_exchange
    from models import Unit
    from sqlalchemy import select

    db = open_database(sys.argv[1])
    with db.session() as s:
        import_exchange(s, build_demo_exchange())
        s.commit()
        doc = draft_to_json(draft_year(s, 2024))
        uid = s.scalars(select(Unit.id).where(Unit.parent_id.is_not(None)).order_by(Unit.code)).first()
        grid = load_grid(s, 2024, uid)
        res = prepare(s, 2024, uid).evaluate(grid.rows)
        preview = {str(pid): e.eligible for pid, e in sorted(res.people.items())}
    db.close()
    qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
    print(json.dumps({"draft": doc, "preview": preview, "qt_modules": qt}, ensure_ascii=False))
''')


def test_draft_runs_where_pyside6_cannot_be_imported(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TDKT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "khong-qt.db")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["qt_modules"] == []
    lists = {tl["title"]: tl for tl in out["draft"]["lists"]}
    assert lists["LDTT"]["selected"] and lists["CSTDCS"]["selected"]
    assert out["preview"] and any(out["preview"].values())

    # The same draft as in this process (where Qt is importable): same lists, same order.
    from models.db import open_database
    from services.awards.drafting import draft_to_json, draft_year
    from services.records.demo import build_demo_exchange
    from services.records.exchange import import_exchange

    db = open_database(tmp_path / "voi-qt.db")
    try:
        with db.session() as s:
            import_exchange(s, build_demo_exchange())
            s.commit()
            assert draft_to_json(draft_year(s, 2024)) == out["draft"]
    finally:
        db.close()
