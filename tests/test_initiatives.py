"""Initiatives register: create and edit with checks, the award that used each one shown,
a used initiative cannot be deleted, deletions audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, Award, Decision, Initiative, Person
from services.records import initiatives as svc
from services.records import units
from services.records.units import UnitInput, ValidationError


def test_register(db) -> None:
    with db.session() as s, s.begin():
        u = units.create_unit(s, UnitInput("VP", "Văn phòng"))
        p = Person(code="CB1", full_name="Nguyễn Văn An", gender="nam", unit_id=u.id)
        s.add(p)
        s.flush()
        d = Decision(number="215/QĐ-SLĐTBXH")
        d.awards.append(Award(year=2023, title_code="CSTDCS", person_id=p.id))
        s.add(d)
    with db.session() as s, pytest.raises(ValidationError, match="Không có cán bộ mã"):
        svc.save_initiative(s, svc.InitiativeInput("SK1", "CB9", 2023, "co_so", "Số hóa hồ sơ"))
    with db.session() as s, s.begin():
        a = svc.save_initiative(s, svc.InitiativeInput("SK1", "CB1", 2023, "co_so", "Số hóa hồ sơ", "QĐ 12"))
        b = svc.save_initiative(s, svc.InitiativeInput("SK2", "CB1", 2024, "tinh", "Phần mềm"))
        a.used_by_award_id = s.scalar(select(Award.id))
        ids = (a.id, b.id)
    with db.session() as s, pytest.raises(ValidationError, match="đã có"):
        svc.save_initiative(s, svc.InitiativeInput("SK1", "CB1", 2024, "co_so", "Khác"))
    with db.session() as s:
        rows = {r.code: r for r in svc.list_initiatives(s)}
        assert rows["SK1"].used_by == "Chiến sĩ thi đua cơ sở năm 2023 – QĐ 215/QĐ-SLĐTBXH"
        assert rows["SK2"].used_by == "" and rows["SK2"].level_label == "Cấp bộ, ngành, tỉnh"
    with db.session() as s, pytest.raises(ValidationError, match="đã được dùng"):
        svc.delete_initiative(s, ids[0])
    with db.session() as s, s.begin():
        svc.delete_initiative(s, ids[1])
    with db.session() as s:
        assert s.scalars(select(Initiative.code)).all() == ["SK1"]
        assert s.scalar(select(AuditEntry.old).where(AuditEntry.action == "delete"))["code"] == "SK2"
