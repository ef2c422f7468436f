"""Nomination lists: saving the draft, overrides with reasons surviving a re-draft, the
manual order within ties, and the state machine (a list past Nháp cannot change)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry
from services.awards import council
from services.awards import nominations as nm
from services.records.demo import populate_demo
from services.records.units import ValidationError


@pytest.fixture
def demo(db):
    with db.session() as s:
        populate_demo(s)
        nm.save_draft(s, 2024)
        s.commit()
    return db


def test_draft_saved_with_quota_groups_and_reasons(demo):
    with demo.session() as s:
        nl = nm.require_list(s, 2024, "CSTDCS")
        v = nm.view_list(s, nl)
        assert nl.state == "nhap" and nl.quota == 61 and "15% x 407" in nl.quota_basis
        assert len(v.proposed) == 61 and v.over_quota and v.ineligible
        # Planted: CB0048 cut by votes 13/20, with the rule and its article.
        cb48 = next(n for n in v.ineligible if nm.subject_code(n) == "CB0048")
        assert any(r["rule"] == "P2" and "65%" in r["text"] and r["article"] for r in cb48.reasons)
        assert [n.rank for n in v.proposed] == sorted(n.rank for n in v.proposed)
        # CSTDCS relies on the year's initiative, recorded on the entry.
        assert any(nm.initiatives_of(n) for n in v.proposed)


def test_override_needs_a_reason_and_survives_a_redraft(demo):
    with demo.session() as s:
        nl = nm.require_list(s, 2024, "CSTDCS")
        last = nm.view_list(s, nl).proposed[-1]
        with pytest.raises(ValidationError):
            nm.override(s, nl.id, "CB0048", "add", "  ")
        nm.override(s, nl.id, "CB0048", "add", "Thành tích đột xuất trong đợt thi đua chuyên đề")
        nm.override(s, nl.id, nm.subject_code(last), "remove", "Đã nghỉ hưu trước khi bình xét")
        s.commit()
    with demo.session() as s:
        result = nm.save_draft(s, 2024)
        s.commit()
        assert result.kept_overrides == 2 and not result.lost_overrides
        v = nm.view_list(s, nm.require_list(s, 2024, "CSTDCS"))
        codes = [nm.subject_code(n) for n in v.proposed]
        assert "CB0048" in codes and nm.subject_code(last) not in codes and len(codes) == 61
        added = next(n for n in v.overrides if n.override == "added")
        assert added.override_reason == "Thành tích đột xuất trong đợt thi đua chuyên đề"
        reasons = [a.reason for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "override"))]
        assert "Đã nghỉ hưu trước khi bình xét" in reasons


def test_manual_order_within_a_tie_survives_a_redraft(demo):
    with demo.session() as s:
        nl = nm.require_list(s, 2024, "CSTDCS")
        tied = [n for n in nm.view_list(s, nl).proposed if nm.tie_of(n)[0] is not None]
        first, second = tied[0], tied[1]
        assert nm.tie_of(first)[0] == nm.tie_of(second)[0]
        a, b = nm.subject_code(first), nm.subject_code(second)
        assert nm.move_within_tie(s, nl.id, b, -1)
        untied = next(n for n in nm.view_list(s, nl).proposed if nm.tie_of(n)[0] is None)
        with pytest.raises(nm.WorkflowError):
            nm.move_within_tie(s, nl.id, nm.subject_code(untied), 1)
        s.commit()
    with demo.session() as s:
        nm.save_draft(s, 2024)
        s.commit()
        order = [nm.subject_code(n) for n in nm.view_list(s, nm.require_list(s, 2024, "CSTDCS")).proposed]
        assert order.index(b) < order.index(a)


def test_state_machine_and_locked_lists(demo):
    with demo.session() as s:
        nl = nm.require_list(s, 2024, "CSTDCS")
        with pytest.raises(nm.WorkflowError):
            nm.change_state(s, nl.id, "hoi_dong_da_binh_xet")
        nm.change_state(s, nl.id, "trinh_hoi_dong")
        with pytest.raises(nm.WorkflowError):
            nm.override(s, nl.id, "CB0048", "add", "Không được khi đã trình")
        with pytest.raises(ValidationError):
            nm.change_state(s, nl.id, "nhap")  # returning needs a reason
        s.commit()
        # A re-draft leaves the submitted list alone.
        result = nm.save_draft(s, 2024)
        assert "CSTDCS" in result.locked and "LDTT" in result.saved
        council.record_meeting(s, [nl.id], held_on=date(2024, 12, 15), members_total=9, members_present=9)
        council.record_votes(s, nl.id, {nm.subject_code(n): 9 for n in nm.view_list(s, nl).proposed})
        council.conclude(s, nl.id)
        from services.awards.decisions import create_decision
        create_decision(s, nl.id, number="215", issued_on=date(2024, 12, 20))
        s.commit()
        assert nl.state == "da_quyet_dinh"
        for step in (lambda: nm.change_state(s, nl.id, "trinh_hoi_dong", "mở lại"),
                     lambda: nm.override(s, nl.id, "CB0048", "add", "thử thêm khi đã khóa"),
                     lambda: council.record_votes(s, nl.id, {"CB0008": 1})):
            with pytest.raises(nm.WorkflowError):
                step()
