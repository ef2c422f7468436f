"""Plan and registrations: save with phases and targets (dates checked), audit, totals per
title against the plan's targets, registrations checked against the title's subject."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Person, TitleTarget
from services.records import plan as svc
from services.records import units
from services.records.units import UnitInput, ValidationError


def test_plan_and_registrations(db) -> None:
    with db.session() as s, s.begin():
        u = units.create_unit(s, UnitInput("VP", "Văn phòng"))
        s.add(Person(code="CB1", full_name="Nguyễn Văn An", gender="nam", unit_id=u.id))
        uid = u.id
    bad = svc.PlanInput("18/KH", date(2024, 4, 10), "Kế hoạch", "Chủ đề",
                        phases=[svc.PhaseInput("Đợt 1", date(2024, 6, 30), date(2024, 1, 1))])
    with db.session() as s, pytest.raises(ValidationError, match="trước ngày bắt đầu"):
        with s.begin():
            svc.save_plan(s, 2024, bad)
    good = svc.PlanInput("18/KH", date(2024, 4, 10), "Kế hoạch", "Chủ đề",
                         phases=[svc.PhaseInput("Đợt 1", date(2024, 1, 1), date(2024, 6, 30))],
                         targets=[svc.TargetInput("Việc làm mới", "người", ">=", 23000, None, 23640)])
    with db.session() as s, s.begin():
        plan = svc.save_plan(s, 2024, good)
        s.add(TitleTarget(plan_id=plan.id, title_code="TTLDXS", count_min=4, count_max=4))
        s.add(TitleTarget(plan_id=plan.id, title_code="CSTD_TINH", count_min=1, count_max=2))
    with db.session() as s:
        plan = svc.load_plan(s, 2024)
        assert [p.name for p in plan.phases] == ["Đợt 1"] and svc.target_met(plan.targets[0]) is True
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.entity == "emulation_plan")) == "create"
    with db.session() as s, s.begin():
        svc.add_registration(s, 2024, "TTLDXS", unit_id=uid)
        svc.add_registration(s, 2024, "CSTD_TINH", person_code="CB1")
    with db.session() as s, pytest.raises(ValidationError, match="danh hiệu tập thể"):
        svc.add_registration(s, 2024, "TTLDXS", person_code="CB1")
    with db.session() as s, pytest.raises(ValidationError, match="Đã có"):
        svc.add_registration(s, 2024, "TTLDXS", unit_id=uid)
    with db.session() as s:
        totals = {t.title_code: (t.people, t.units, t.target) for t in svc.registration_totals(s, 2024)}
        assert totals == {"CSTD_TINH": (1, 0, "01-02"), "TTLDXS": (0, 1, "04")}
        regs = svc.list_registrations(s, 2024)
    with db.session() as s, s.begin():
        svc.delete_registration(s, regs[0].id)
    with db.session() as s:
        assert len(svc.list_registrations(s, 2024)) == 1
