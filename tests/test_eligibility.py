"""Live eligibility: the engine on one unit's rows as edited (unsaved), history included,
quotas ignored; reasons name the rule and article."""
from __future__ import annotations

from datetime import date

from models import Award, Evaluation, Initiative, Person, PersonUnitHistory
from services.awards.eligibility import prepare
from services.records import units
from services.records.evaluations import load_grid
from services.records.units import UnitInput


def test_preview_follows_edits_and_history(db) -> None:
    with db.session() as s, s.begin():
        u = units.create_unit(s, UnitInput("VP", "Văn phòng"))
        people = []
        for i in range(10):
            p = Person(code=f"C{i:02d}", full_name=f"Nguyễn Văn Người{i}", gender="nam", unit_id=u.id)
            p.unit_history.append(PersonUnitHistory(unit_id=u.id, start_date=date(2015, 1, 1)))
            s.add(p)
            people.append(p)
        s.flush()
        # C00 held CSTDCS in 2022 and 2023 and has a provincial initiative: CSTD_TINH possible in 2024.
        for y in (2022, 2023):
            s.add(Award(year=y, title_code="CSTDCS", person_id=people[0].id))
            s.add(Evaluation(year=y, person_id=people[0].id, rating="HTXSNV"))
        s.add(Initiative(code="SK1", person_id=people[0].id, year=2023, level="tinh", title="Sáng kiến"))
        uid = u.id
    with db.session() as s:
        grid = load_grid(s, 2024, uid)
        ctx = prepare(s, 2024, uid)
    for r in grid.rows:
        r.rating = "HTXSNV"
    res = ctx.evaluate(grid.rows, "HTXSNV")
    first = res.people[grid.rows[0].person_id]
    # Quotas ignored: all ten are CSTDCS-eligible (15% of 10 would be 1).
    assert all("CSTDCS" in res.people[r.person_id].eligible for r in grid.rows)
    assert "CSTD_TINH" in first.eligible
    assert "TTLDXS" in res.unit.eligible and "TTLDTT" in res.unit.eligible
    # Edit: one member disciplined -> no titles for them, with the reason, and the unit loses TTLDXS.
    grid.rows[1].discipline = "khien_trach"
    res = ctx.evaluate(grid.rows, "HTXSNV")
    second = res.people[grid.rows[1].person_id]
    assert second.eligible == []
    reasons = second.why_not["LDTT"]
    assert reasons[0].rule == "P1" and "kỷ luật" in reasons[0].text and "Điều 24" in reasons[0].article
    assert "TTLDXS" not in res.unit.eligible
    assert "U2" in res.unit.tooltip(res.title_names)
    # A row with no rating is not considered.
    grid.rows[2].rating = None
    res = ctx.evaluate(grid.rows, "HTXSNV")
    assert res.people[grid.rows[2].person_id].label() == "—"
