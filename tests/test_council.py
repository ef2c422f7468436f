"""The council: the meeting, votes against the rule set's threshold, the conclusion."""
from __future__ import annotations

from datetime import date

import pytest

from services.awards import council
from services.awards import nominations as nm
from services.records.demo import populate_demo
from services.records.units import ValidationError


@pytest.fixture
def submitted(db):
    with db.session() as s:
        populate_demo(s)
        nm.save_draft(s, 2024)
        nl = nm.require_list(s, 2024, "CSTDCS")
        nm.change_state(s, nl.id, "trinh_hoi_dong")
        s.commit()
        return db, nl.id


def test_vote_rule_is_a_parameter_with_a_cited_default():
    rule = council.vote_rule({"CSTDCS": {}}, "CSTDCS")
    assert (rule.percent, rule.base) == (70, "total") and "Điều 45" in rule.article
    rule = council.vote_rule({"council": {"min_vote_percent": 90, "vote_base": "present"},
                              "CSTD_TINH": {"council_min_vote_percent": 95}}, "CSTD_TINH")
    assert (rule.percent, rule.base) == (95, "present")
    assert council.passes(7, 10, council.VoteRule(70, "total", "")) and not council.passes(6, 9, council.VoteRule(70, "total", ""))


def test_votes_decide_who_passes_and_conclusion_needs_every_vote(submitted):
    db, list_id = submitted
    with db.session() as s:
        with pytest.raises(nm.WorkflowError):  # no meeting yet
            council.record_votes(s, list_id, {"CB0008": 9})
        with pytest.raises(ValidationError):
            council.record_meeting(s, [list_id], held_on=date(2024, 12, 15), members_total=9, members_present=10)
        council.record_meeting(s, [list_id], held_on=date(2024, 12, 15), members_total=9, members_present=8,
                               chair="Trần Đình Hải", secretary="Nguyễn Thị Lan")
        codes = [nm.subject_code(n) for n in nm.view_list(s, nm.get_list(s, list_id)).proposed]
        council.record_votes(s, list_id, {codes[0]: 6})  # 6/9 = 66,7% < 70%
        with pytest.raises(nm.WorkflowError, match="Chưa ghi phiếu"):
            council.conclude(s, list_id)
        with pytest.raises(ValidationError):
            council.record_votes(s, list_id, {codes[1]: 10})  # more than the members
        council.record_votes(s, list_id, {c: 7 for c in codes[1:]})  # 7/9 = 77,8%
        council.conclude(s, list_id)
        rule, res = council.results(s, list_id)
        assert [r.passed for r in res] == [False] + [True] * (len(codes) - 1)
        assert res[1].base == 9 and round(res[1].share, 1) == 77.8
        assert [nm.subject_code(n) for n in council.approved(s, list_id)] == codes[1:]
        assert nm.get_list(s, list_id).state == "hoi_dong_da_binh_xet"
        # Reopening (with a reason) clears the round's votes.
        nm.change_state(s, list_id, "trinh_hoi_dong", "Bỏ phiếu lại do sai sót kiểm phiếu")
        assert all(r.votes_for is None for r in council.results(s, list_id)[1])
