"""Hồ sơ thành tích and đề xuất khen cao."""
from __future__ import annotations

from sqlalchemy import select

from models import Person, Unit
from services.awards.history import higher_forms, person_history, unit_history
from services.records.demo import populate_demo


def test_history_and_higher_forms_on_the_demo(db):
    with db.session() as s:
        populate_demo(s)
        s.commit()
        pid = s.scalar(select(Person.id).where(Person.code == "CB0429"))
        h = person_history(s, pid)
        cs2023 = [a for a in h.awards if a.year == 2023 and a.title_code == "CSTDCS"]
        assert cs2023 and cs2023[0].decision_number.endswith("/QĐ-SLĐTBXH") and cs2023[0].used_initiatives
        assert h.ratings[2024] == "HTXSNV" and [y for y in h.years()][:1] == [2024]
        uid = s.scalar(select(Unit.id).where(Unit.code == "VP"))
        assert any(a.title_code in ("TTLDXS", "TTLDTT") for a in unit_history(s, uid).awards)
        hf = higher_forms(s, 2024)
        this = {(c.title_code, c.code) for c in hf.this_year}
        # Planted in the demo: CSTD_TINH CB0008, CB0058; BK_TINH CB0025, CB0429; BK_TTG CB0119.
        assert {("CSTD_TINH", "CB0008"), ("CSTD_TINH", "CB0058"), ("BK_TINH", "CB0025"), ("BK_TINH", "CB0429"),
                ("BK_TTG", "CB0119")} <= this
        nxt = {(c.title_code, c.code) for c in hf.next_year}
        assert nxt and all(t in ("CSTD_TINH", "BK_TTG") for t, _ in nxt)
        assert not any(("CSTD_TINH", c) in this for t, c in nxt if t == "CSTD_TINH")
