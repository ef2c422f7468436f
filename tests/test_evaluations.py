"""Evaluations service: members of a unit in a year (unit history), typed codes parsed,
saving the grid in one transaction with audit, stale rows refused, unit rating."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Evaluation, Person, PersonUnitHistory, UnitEvaluation
from services.records import units
from services.records.evaluations import (
    load_grid,
    parse_discipline,
    parse_rating,
    save_grid,
)
from services.records.units import StaleRecordError, UnitInput, ValidationError


def test_parse_codes_from_what_people_type() -> None:
    assert parse_rating("htx") == "HTXSNV" and parse_rating("Hoàn thành tốt nhiệm vụ") == "HTTNV"
    assert parse_rating("xuat sac") == "HTXSNV" and parse_rating("") is None
    assert parse_discipline("cảnh cáo") == "canh_cao" and parse_discipline("không") is None
    with pytest.raises(ValueError, match="không có trong danh mục"):
        parse_rating("h")  # HTXSNV, HTTNV, HTNV: ambiguous
    with pytest.raises(ValueError):
        parse_rating("giỏi")


@pytest.fixture
def setup(db):
    with db.session() as s, s.begin():
        a = units.create_unit(s, UnitInput("A", "Phòng A"))
        sub = units.create_unit(s, UnitInput("A1", "Tổ A1", parent_id=a.id))
        b = units.create_unit(s, UnitInput("B", "Phòng B"))
        def person(code, name, unit, periods, left=None):
            p = Person(code=code, full_name=name, gender="nu", unit_id=unit.id, left_on=left, active=left is None)
            for u, start, end in periods:
                p.unit_history.append(PersonUnitHistory(unit_id=u.id, start_date=start, end_date=end))
            s.add(p)
        person("P1", "Nguyễn Thị An", a, [(a, date(2010, 1, 1), None)])
        person("P2", "Trần Thị Bình", sub, [(sub, date(2010, 1, 1), None)])
        # Moved from B to A in 2025: belongs to B for 2024.
        person("P3", "Lê Thị Cúc", a, [(b, date(2010, 1, 1), date(2024, 12, 31)), (a, date(2025, 1, 1), None)])
        person("P4", "Phạm Thị Dung", a, [(a, date(2010, 1, 1), date(2022, 6, 30))], left=date(2022, 6, 30))
        return {"A": a.id, "B": b.id}


def test_grid_members_save_audit_and_stale(db, setup) -> None:
    with db.session() as s:
        grid = load_grid(s, 2024, setup["A"])
    assert [r.code for r in grid.rows] == ["P1", "P2"]  # sub-unit included, moved and left excluded
    with db.session() as s:
        assert [r.code for r in load_grid(s, 2024, setup["B"]).rows] == ["P3"]
    rows = grid.rows
    rows[0].rating, rows[1].rating, rows[1].maternity_months, rows[1].months_worked = "HTXSNV", "HTTNV", 5, 7
    with db.session() as s, s.begin():
        res = save_grid(s, 2024, setup["A"], rows, "HTXSNV")
    assert (res.created, res.updated, res.unit_changed) == (2, 0, True)
    with db.session() as s:
        grid2 = load_grid(s, 2024, setup["A"])
        assert grid2.unit_rating == "HTXSNV"
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "evaluation")) == 2
    # A bad row refuses the whole save.
    r0, r1 = grid2.rows
    r0.rating, r1.votes_for, r1.votes_total = "HTTNV", 30, 20
    with db.session() as s, pytest.raises(ValidationError, match="Phiếu đồng ý"):
        with s.begin():
            save_grid(s, 2024, setup["A"], [r0, r1], "HTXSNV", save_unit=False)
    with db.session() as s:
        assert s.scalar(select(Evaluation.rating).where(Evaluation.id == r0.evaluation_id)) == "HTXSNV"
    # Someone else saves P1 meanwhile: the old grid is stale.
    with db.session() as s, s.begin():
        fresh = load_grid(s, 2024, setup["A"]).rows[0]
        fresh.score = 90
        save_grid(s, 2024, setup["A"], [fresh], save_unit=False)
    r1.votes_for = None
    r1.votes_total = None
    with db.session() as s, pytest.raises(StaleRecordError):
        with s.begin():
            save_grid(s, 2024, setup["A"], [r0], save_unit=False)
    # Clearing a row deletes its evaluation; clearing the unit rating removes it.
    with db.session() as s, s.begin():
        g = load_grid(s, 2024, setup["A"])
        g.rows[1].rating, g.rows[1].months_worked, g.rows[1].maternity_months = None, 12, 0
        res = save_grid(s, 2024, setup["A"], [g.rows[1]], None, g.unit_version)
        assert (res.deleted, res.unit_changed) == (1, True)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Evaluation)) == 1
        assert s.scalar(select(func.count()).select_from(UnitEvaluation)) == 0
