"""The overview figures (services/output/overview.py) on a database filled through the ORM: the
year's counts, and the plan against results (registrations, draft, decisions, targets, to-do)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import text

from models import (
    Agency,
    Award,
    Decision,
    EmulationPlan,
    Evaluation,
    Initiative,
    NominationList,
    Person,
    Phase,
    Registration,
    Target,
    TitleTarget,
    Unit,
    UnitEvaluation,
)
from models.db import Database
from services.awards.drafting import draft_year
from services.output.overview import (
    NO_AGENCY_NAME,
    agency_name,
    available_years,
    load_overview,
    load_progress,
    progress_figures,
)


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


def add_plan_details(database: Database, year: int = 2024) -> None:
    """Section V targets, registrations and two socio-economic targets on ``fill``'s plan."""
    with database.session() as s, s.begin():
        plan = s.query(EmulationPlan).filter_by(year=year).one()
        plan.title_targets = [
            TitleTarget(title_code="LDTT", percent_min=85, note="Trên 85% cán bộ", sort_order=1),
            TitleTarget(title_code="CSTDCS", count_min=2, count_max=2, note="02 cá nhân", sort_order=2),
            TitleTarget(title_code="TTLDXS", count_min=1, count_max=1, sort_order=3),
        ]
        plan.targets = [
            Target(sort_order=1, description="Giải quyết việc làm mới", unit_of_measure="người", comparison=">=",
                   target_value=23000, actual_value=23640),
            Target(sort_order=2, description="Xã đạt chuẩn phù hợp với trẻ em", unit_of_measure="%", comparison=">",
                   target_value=75, actual_value=73.5),
            Target(sort_order=3, description="Giảm tỷ lệ hộ nghèo", unit_of_measure="%", comparison="range",
                   target_value=0.6, target_max=1, actual_value=None),
        ]
        people = s.query(Person).filter(Person.active.is_(True)).order_by(Person.id).all()
        s.add_all([Registration(year=year, title_code="LDTT", person_id=p.id) for p in people[:5]])
        s.add_all([Registration(year=year, title_code="CSTDCS", person_id=p.id) for p in people[:3]])
        s.add(Registration(year=year, title_code="CO_TINH", unit_id=people[0].unit_id))


def test_progress_registered_drafted_decided(db: Database) -> None:
    fill(db)
    add_plan_details(db)
    progress = load_progress(db, 2024)
    by_code = {t.code: t for t in progress.titles}
    # Shown: titles with a plan target, a registration or a decided award.
    assert set(by_code) == {"LDTT", "CSTDCS", "TTLDXS", "CO_TINH", "TTLDTT"}
    with db.engine.connect() as c:
        registered = dict(c.execute(text("SELECT title_code, count(*) FROM registration WHERE year = 2024 "
                                         "GROUP BY title_code")).all())
        decided = dict(c.execute(text(
            "SELECT a.title_code, count(*) FROM award a LEFT JOIN decision d ON d.id = a.decision_id "
            "WHERE a.year = 2024 AND (d.id IS NULL OR d.state <> 'da_huy') GROUP BY a.title_code")).all())
    with db.session() as s:
        draft = draft_year(s, 2024)
        drafted = {tl.title: len(tl.selected) for tl in draft.lists}
        s.rollback()
    for code, t in by_code.items():
        assert t.registered == registered.get(code, 0)
        assert t.decided == decided.get(code, 0)
    assert by_code["LDTT"].drafted == drafted["LDTT"] and by_code["CSTDCS"].drafted == drafted["CSTDCS"]
    # Cờ thi đua is nominated by hand (U5): no draft figure.
    assert by_code["CO_TINH"].drafted is None and by_code["CO_TINH"].registered == 1
    # "Trên 85%" of the 6 people evaluated is a target of 6 (rounded up); counts are taken as they are.
    assert by_code["LDTT"].target_count == 6 and by_code["CSTDCS"].target_count == 2
    assert by_code["LDTT"].target_text == "Trên 85% cán bộ" and by_code["TTLDXS"].target_text == "01"
    assert by_code["TTLDTT"].decided == 1 and by_code["TTLDTT"].target_text == ""

    # The share of LĐTT per unit adds up to the draft's LĐTT list.
    assert sum(u.ldtt for u in progress.unit_shares) == drafted["LDTT"]
    assert sum(u.members for u in progress.unit_shares) == 6
    assert progress.ldtt_target_percent == 85

    targets = progress.targets
    assert [t.met_text for t in targets] == ["Đạt", "Chưa đạt", "Chưa có số liệu"]
    assert [t.target_text for t in targets] == ["23.000 người", "Trên 75%", "0,6-1%"]
    assert targets[0].actual_text == "23.640 người" and targets[1].actual_text == "73,5%"

    figures = progress_figures(progress)
    titles = [ax.get_title(loc="left") for ax in figures["progress"].axes if ax.get_visible()]
    assert "Lao động tiên tiến" in titles and "Cờ thi đua của UBND tỉnh" in titles


def test_todo_counts_what_is_missing(db: Database) -> None:
    fill(db)
    progress = load_progress(db, 2024)
    todo = {t.key: t for t in progress.todo}
    # U3 (đơn vị trực thuộc) has no unit rating; everyone active is rated; no list saved yet.
    assert todo["units_unrated"].count == 1 and "Trung tâm Dịch vụ việc làm" in todo["units_unrated"].text
    assert "people_unrated" not in todo
    assert todo["no_lists"].pages[0] == "nominations"
    with db.session() as s, s.begin():
        s.add(Person(code="PN", full_name="Lê Thị Mới", gender="nu", unit_id=1, joined=date(2024, 9, 1)))
        s.add(Person(code="PL", full_name="Lê Văn Sau", gender="nam", unit_id=1, joined=date(2025, 2, 1)))
        s.add_all([NominationList(year=2024, title_code="LDTT"), NominationList(year=2024, title_code="CSTDCS"),
                   NominationList(year=2024, title_code="GIAY_KHEN", state="da_quyet_dinh")])
    todo = {t.key: t for t in load_progress(db, 2024).todo}
    assert "no_plan" not in todo and "targets_missing" not in todo  # fill's plan has no targets
    # The person who joined in 2025 is not counted for 2024.
    assert todo["people_unrated"].count == 1
    assert todo["lists_draft"].count == 2 and "no_lists" not in todo
    assert todo["people_unrated"].pages == ("evaluations", "people")

    add_plan_details(db)
    todo = {t.key: t for t in load_progress(db, 2024).todo}
    assert todo["targets_missing"].count == 1 and todo["targets_missing"].pages == ("plan",)

    # A year without a rule set in force: no draft figures, and the reason is given.
    early = load_progress(db, 2019)
    assert "bộ quy định" in early.draft_note
    assert "no_plan" in {t.key for t in early.todo}
