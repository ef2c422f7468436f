"""Settings: agency and signers saved with audit and checked; rule set editing only on
copies, validated by the rule set checks; the viewer's role cannot change settings."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, RuleSet
from services.awards.rulesets import rule_set_for_year
from services.records.units import ValidationError
from services.system import access
from services.system import settings as svc


def test_agency_signers_and_rule_sets(db) -> None:
    with db.session() as s, s.begin():
        svc.save_agency(s, svc.AgencyInput("Sở Lao động", place="Hà Tĩnh"))
        svc.save_signers(s, [svc.SignerInput("Trần Văn A", "GIÁM ĐỐC"),
                             svc.SignerInput("Lê Thị B", "PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC", is_default=True)])
    with db.session() as s, pytest.raises(ValidationError, match="một người ký mặc định"):
        svc.save_signers(s, [svc.SignerInput("A B", "X", is_default=True), svc.SignerInput("C D", "Y", is_default=True)])
    with db.session() as s, s.begin():
        kept = svc.list_signers(s)
        svc.save_signers(s, [svc.SignerInput(kept[1].full_name, kept[1].position, kept[1].capacity, True, True, kept[1].id)])
    with db.session() as s, s.begin():
        builtin = svc.list_rule_sets(s)[0]  # loads the builtin sets
    with db.session() as s:
        assert [x.full_name for x in svc.list_signers(s)] == ["Lê Thị B"]
        assert svc.get_agency(s).place == "Hà Tĩnh"
        with pytest.raises(ValidationError, match="Sao chép"):
            svc.update_rule_set(s, builtin.id, builtin.params)
    with db.session() as s, s.begin():
        copy = svc.copy_for_editing(s, builtin.id, "2024 của Sở")
        params = dict(copy.params)
        rows = {(r.title, r.key): r for r in svc.param_rows(params)}
        assert "Điều 23" in rows[("CSTDCS", "quota_percent")].article
        params["CSTDCS"] = {**params["CSTDCS"], "quota_percent": svc.parse_value("20", 15)}
        svc.update_rule_set(s, copy.id, params)
    with db.session() as s:
        assert rule_set_for_year(s, 2024).params["CSTDCS"]["quota_percent"] == 20
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.entity == "rule_set", AuditEntry.action == "update"))
        copy = s.scalar(select(RuleSet).where(RuleSet.name == "2024 của Sở"))
        bad = {**copy.params, "CSTDCS": {**copy.params["CSTDCS"], "quota_percent": 150}}
        with pytest.raises(ValidationError, match="quota_percent"):
            svc.update_rule_set(s, copy.id, bad)
    access.sign_in_as(access.Actor("xem1", "xem"))
    try:
        with db.session() as s, pytest.raises(access.PermissionDenied):
            svc.save_agency(s, svc.AgencyInput("X"))
    finally:
        access.sign_in_as(None)
