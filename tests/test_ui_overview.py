"""The overview figures (services/overview.py) on a database filled through the ORM."""
from __future__ import annotations

from datetime import date, datetime

from models import (Agency, Award, Decision, EmulationPlan, Evaluation, Initiative, Person, Phase, Unit,
                    UnitEvaluation)
from models.db import Database
from services.overview import NO_AGENCY_NAME, agency_name, available_years, load_overview


def fill(database: Database, *, agency: str | None = "Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh",
         people: int = 6, year: int = 2024, prefix: str = "") -> None:
    """A small agency: 3 units (2 phòng, 1 đơn vị trực thuộc), ``people`` people evaluated in
    ``year`` (rated HTXSNV, HTTNV, HTTNV, HTNV, ... in turn), 2 of them in ``year - 1``, one
    person who left, a deleted unit, initiatives, awards (one on a cancelled decision) and a plan."""
    ratings = ["HTXSNV", "HTTNV", "HTTNV", "HTNV"]
    with database.session() as s, s.begin():
        if agency is not None:
            s.add(Agency(name=agency))
        units = [Unit(code=f"{prefix}U1", name="Văn phòng Sở", kind="phong"),
                 Unit(code=f"{prefix}U2", name="Phòng Lao động - Việc làm", kind="phong"),
                 Unit(code=f"{prefix}U3", name="Trung tâm Dịch vụ việc làm", kind="don_vi"),
                 Unit(code=f"{prefix}U4", name="Phòng đã giải thể", kind="phong", deleted_at=datetime(2024, 1, 1))]
        s.add_all(units)
        s.flush()
        staff = [Person(code=f"{prefix}P{i}", full_name=f"Nguyễn Thị Hằng {i}", gender="nu", unit_id=units[i % 3].id)
                 for i in range(people)]
        staff.append(Person(code=f"{prefix}PX", full_name="Trần Văn Đức", gender="nam", unit_id=units[0].id,
                            active=False, left_on=date(year, 3, 1)))
        s.add_all(staff)
        s.flush()
        for i, p in enumerate(staff[:people]):
            s.add(Evaluation(year=year, person_id=p.id, rating=ratings[i % 4]))
        for p in staff[:2]:
            s.add(Evaluation(year=year - 1, person_id=p.id, rating="HTTNV"))
        s.add(UnitEvaluation(year=year, unit_id=units[0].id, rating="HTXSNV"))
        s.add(UnitEvaluation(year=year, unit_id=units[1].id, rating="HTTNV"))
        s.add(Initiative(code=f"{prefix}SK1", person_id=staff[0].id, year=year, level="tinh", title="Số hóa hồ sơ"))
        s.add(Initiative(code=f"{prefix}SK2", person_id=staff[1].id, year=year, level="co_so", title="Một cửa"))
        s.add(Initiative(code=f"{prefix}SK3", person_id=staff[1].id, year=year - 1, level="co_so", title="Cũ"))
        good = Decision(number=f"{prefix}215/QĐ-SLĐTBXH", issued_on=date(year, 12, 20))
        cancelled = Decision(number=f"{prefix}216/QĐ-SLĐTBXH", issued_on=date(year, 12, 21), state="da_huy",
                             cancel_reason="Nhầm danh sách")
        s.add_all([good, cancelled])
        s.flush()
        for p in staff[:3]:
            s.add(Award(year=year, title_code="LDTT", person_id=p.id, decision_id=good.id))
        s.add(Award(year=year, title_code="CSTDCS", person_id=staff[0].id, decision_id=good.id))
        s.add(Award(year=year, title_code="TTLDTT", unit_id=units[0].id, decision_id=good.id))
        s.add(Award(year=year, title_code="GIAY_KHEN", person_id=staff[2].id, decision_id=cancelled.id))
        s.add(Award(year=year - 1, title_code="LDTT", person_id=staff[0].id))
        plan = EmulationPlan(year=year, number="45/KH-SLĐTBXH", title=f"Kế hoạch thi đua năm {year}",
                             theme="Trách nhiệm, hiệu quả, thực chất, thi đua đạt mức cao nhất các chỉ tiêu, nhiệm vụ")
        plan.phases = [Phase(name="Đợt 2", start_date=date(year, 7, 1), end_date=date(year, 12, 31), sort_order=2),
                       Phase(name="Đợt 1", start_date=date(year, 1, 1), end_date=date(year, 6, 30), sort_order=1)]
        s.add(plan)


def test_overview_counts(db: Database) -> None:
    fill(db)
    ov = load_overview(db, 2024)
    assert ov.units_total == 3
    assert [(r.code, r.count) for r in ov.units_by_kind] == [("phong", 2), ("don_vi", 1)]
    assert ov.people_active == 6
    assert ov.people_evaluated == 6
    assert [(r.code, r.count) for r in ov.ratings] == [("HTXSNV", 2), ("HTTNV", 3), ("HTNV", 1), ("KHTNV", 0)]
    assert ov.units_evaluated == 2
    assert ov.initiatives_total == 2
    assert {r.code: r.count for r in ov.initiatives_by_level} == {"co_so": 1, "tinh": 1, "toan_quoc": 0}
    # The cancelled decision's award is not counted, but reported.
    assert [(r.code, r.count) for r in ov.awards_by_title] == [("LDTT", 3), ("CSTDCS", 1), ("TTLDTT", 1)]
    assert ov.awards_total == 5 and ov.awards_cancelled == 1
    assert ov.plan is not None and ov.plan.theme.startswith("Trách nhiệm")
    assert [p.name for p in ov.plan.phases] == ["Đợt 1", "Đợt 2"]

    previous = load_overview(db, 2023)
    assert previous.people_evaluated == 2 and previous.awards_total == 1 and previous.plan is None


def test_unrated_evaluations_are_shown_apart(db: Database) -> None:
    fill(db, people=2)
    with db.session() as s, s.begin():
        p = s.get(Person, 1)
        s.add(Evaluation(year=2025, person_id=p.id, rating=None))
    ov = load_overview(db, 2025)
    assert ov.people_evaluated == 1
    assert ov.ratings[-1].code is None and ov.ratings[-1].label == "Chưa xếp loại" and ov.ratings[-1].count == 1


def test_years_and_agency_name(db: Database) -> None:
    assert available_years(db) == [date.today().year]
    assert agency_name(db) == NO_AGENCY_NAME
    fill(db, agency=" Sở Nội vụ ")
    assert available_years(db) == [2024, 2023]
    assert agency_name(db) == "Sở Nội vụ"
