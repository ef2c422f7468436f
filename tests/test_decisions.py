"""Decisions: awards written to the history, initiatives marked as used, cancellation
undoing both, and drafting 2025 seeing the new awards in the chains."""
from __future__ import annotations

import argparse
from datetime import date

import pytest
from sqlalchemy import insert, select

from cli import add_database_options
from models import Award, Decision, Evaluation, Initiative, Person
from services.awards import council, decisions
from services.awards import nominations as nm
from services.awards.drafting import draft_year
from services.awards.history import person_history
from services.records.demo import populate_demo


def _approve(s, title="CSTDCS", override=("CB0048", "Thành tích đột xuất năm 2024")):
    nl = nm.require_list(s, 2024, title)
    if override:
        nm.override(s, nl.id, override[0], "add", override[1])
    nm.change_state(s, nl.id, "trinh_hoi_dong")
    council.record_meeting(s, [nl.id], held_on=date(2024, 12, 15), members_total=9, members_present=9)
    council.record_votes(s, nl.id, {nm.subject_code(n): 9 for n in nm.view_list(s, nl).proposed})
    council.conclude(s, nl.id)
    return nl


@pytest.fixture
def demo(db):
    with db.session() as s:
        populate_demo(s)
        nm.save_draft(s, 2024)
        s.commit()
    return db


def _add_2025_evaluations(s):
    rows = [{"year": 2025, "person_id": pid, "rating": r, "months_worked": 12}
            for pid, r in s.execute(select(Evaluation.person_id, Evaluation.rating).where(Evaluation.year == 2024))]
    s.execute(insert(Evaluation), rows)


def _p4_text(draft, code):
    return " ".join(r.text for c, rs in draft.list_for("CSTD_TINH").ineligible_reasons() if c == code for r in rs)


def test_decision_writes_awards_marks_initiatives_and_2025_sees_them(demo):
    with demo.session() as s:
        _add_2025_evaluations(s)
        before = draft_year(s, 2025)
        assert "2024" in _p4_text(before, "CB0048")  # not CSTDCS 2024 yet
        nl = _approve(s)
        d = decisions.create_decision(s, nl.id, number="215", issued_on=date(2024, 12, 20))
        s.commit()
        assert d.number == "215/QĐ-SLĐTBXH" and d.signer_capacity == "KT. GIÁM ĐỐC" and nl.state == "da_quyet_dinh"
        awards = s.scalars(select(Award).where(Award.decision_id == d.id)).all()
        assert len(awards) == 62
        cb48 = s.scalar(select(Person).where(Person.code == "CB0048"))
        assert any(a.title_code == "CSTDCS" and a.decision_id == d.id for a in awards if a.person_id == cb48.id)
        used = s.scalars(select(Initiative).where(Initiative.used_by_award_id.in_([a.id for a in awards]))).all()
        assert used and all(i.year == 2024 for i in used)
        # Drafting 2025 sees the 2024 awards: CB0048's chain no longer misses 2024, and a
        # 2024 initiative used by the CSTDCS award no longer counts for BK_TINH.
        after = draft_year(s, 2025)
        assert "2024" not in _p4_text(after, "CB0048")
        bk = " ".join(r.text for _c, rs in after.list_for("BK_TINH").ineligible_reasons() for r in rs)
        assert "đã dùng cho khen thưởng năm 2024" in bk
        hist = person_history(s, cb48.id)
        assert any(a.year == 2024 and a.decision_number == "215/QĐ-SLĐTBXH" for a in hist.awards)


def test_cancel_removes_awards_from_history_and_frees_initiatives(demo):
    with demo.session() as s:
        nl = _approve(s)
        d = decisions.create_decision(s, nl.id, number="215", issued_on=date(2024, 12, 20))
        s.commit()
        with pytest.raises(nm.ValidationError):
            decisions.cancel_decision(s, d.id, "")
        decisions.cancel_decision(s, d.id, "Sai số lượng so với tỷ lệ được giao")
        s.commit()
        assert d.state == "da_huy" and nl.state == "hoi_dong_da_binh_xet"
        ids = [a.id for a in d.awards]
        assert not s.scalars(select(Initiative).where(Initiative.used_by_award_id.in_(ids))).all()
        cb48 = s.scalar(select(Person.id).where(Person.code == "CB0048"))
        hist = person_history(s, cb48)
        assert not any(a.year == 2024 and a.title_code == "CSTDCS" for a in hist.awards)
        assert any(a.decision_number == "215/QĐ-SLĐTBXH" for a in hist.cancelled)
        # A corrected decision can be made from the same list.
        d2 = decisions.create_decision(s, nl.id, number="216", issued_on=date(2024, 12, 22))
        s.commit()
        assert len(d2.awards) == 62 and s.scalar(select(Decision.state).where(Decision.id == d2.id)) == "hieu_luc"


def test_cli_flow_from_draft_to_decision_and_documents(db, tmp_path, capsys):
    from cli import workflow as workflow_cli

    def cli(*argv):
        parser = argparse.ArgumentParser()
        add_database_options(parser)
        workflow_cli.register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["--db", str(db.engine.url.database), *argv])
        return args.handler(args)

    with db.session() as s:
        populate_demo(s)
        s.commit()
    Y, T = ["--year", "2024"], ["--title", "CSTDCS"]
    assert cli("nominations", "draft", *Y) == 0
    assert cli("nominations", "override", *Y, *T, "--add", "CB0048", "--reason", "") == 2
    assert cli("nominations", "override", *Y, *T, "--add", "CB0048", "--reason", "Bổ sung theo đề nghị phòng") == 0
    assert cli("nominations", "submit", *Y, *T) == 0
    assert cli("council", "record", *Y, *T, "--date", "2024-12-15", "--present", "8", "--total", "9") == 0
    assert cli("council", "votes", *Y, *T, "--all", "8") == 0
    assert cli("council", "conclude", *Y, *T) == 0
    assert cli("decision", "create", *Y, *T, "--number", "215", "--date", "2024-12-20") == 0
    assert cli("nominations", "override", *Y, *T, "--remove", "CB0048", "--reason", "thử khi đã khóa") == 2
    assert "bị khóa" in capsys.readouterr().err
    assert cli("documents", "--decision", "215/QĐ-SLĐTBXH", "--out", str(tmp_path / "văn bản")) == 0
    names = sorted(p.name for p in (tmp_path / "văn bản").iterdir())
    assert names == sorted(f"{stem}.{ext}" for stem in ("bien-ban-CSTDCS-2024", "quyet-dinh-215-QĐ-SLĐTBXH",
                                                         "to-trinh-CSTDCS-2024") for ext in ("docx", "pdf"))
    assert cli("history", "--person", "CB0048") == 0
    assert "215/QĐ-SLĐTBXH" in capsys.readouterr().out
    assert cli("decision", "cancel", "215/QĐ-SLĐTBXH", "--reason", "Ban hành nhầm") == 0
