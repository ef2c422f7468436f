"""The decisions screen: a decision created through its dialog from the list the council
approved, the awards seen in the history page, the tờ trình / biên bản / quyết định
written to a folder, and the decision cancelled with a reason."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from sqlalchemy import func, select

from models import Award, Decision
from services.awards import council
from services.awards import nominations as nm
from services.records.demo import populate_demo
from ui.context import AppContext
from ui.pages.decisions import DecisionDialog, DecisionsPage
from ui.pages.history import HistoryPage
from ui.pages.nominations import ReasonDialog
from ui.worker import wait_for_idle


@pytest.fixture
def approved(db):
    """The demo with the 2024 CSTDCS list approved by the council (CB0048 added by hand)."""
    with db.session() as s:
        populate_demo(s)
        nm.save_draft(s, 2024)
        nl = nm.require_list(s, 2024, "CSTDCS")
        nm.override(s, nl.id, "CB0048", "add", "Thành tích đột xuất trong đợt thi đua chuyên đề")
        nm.change_state(s, nl.id, "trinh_hoi_dong")
        council.record_meeting(s, [nl.id], held_on=date(2024, 12, 15), members_total=9, members_present=9)
        council.record_votes(s, nl.id, {nm.subject_code(n): 9 for n in nm.view_list(s, nl).proposed})
        council.conclude(s, nl.id)
        s.commit()
        return nl.id


@pytest.fixture(autouse=True)
def boxes(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr("ui.unit_dialog.tell", lambda _p, title, text, warning=True: shown.append(f"{title}: {text}"))
    monkeypatch.setattr("ui.pages.nominations.show_error",
                        lambda _p, what, exc=None, advice="": shown.append(f"{what} {exc}"))
    return shown


def test_decision_through_the_dialog_history_documents_and_cancel(qtbot, db, approved, tmp_path, monkeypatch, boxes):
    context = AppContext(db)
    page = DecisionsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.page_shown()
    before = len(page.rows)

    # The dialog offers only approved lists, the default signer and the title's level.
    dialog = DecisionDialog(db, page)
    qtbot.addWidget(dialog)
    assert dialog.list_combo.count() == 1 and "Chiến sĩ thi đua cơ sở năm 2024" in dialog.list_combo.itemText(0)
    assert "62/62" in dialog.list_combo.itemText(0)
    assert dialog.signer.currentText().startswith("Đinh Hữu Công")  # the demo's default signer
    assert dialog.level.currentData() == "co_so" and dialog.authority.text().startswith("Giám đốc Sở")
    dialog.save_button.click()  # no number: refused in the dialog
    assert not dialog.error.isHidden() and "số quyết định" in dialog.error.text()
    dialog.number.setText("215")
    dialog.date.setDate(QDate(2024, 12, 20))
    dialog.save_button.click()
    assert dialog.result() == DecisionDialog.DialogCode.Accepted and dialog.saved_id
    decision_id = dialog.saved_id
    with db.session() as s:
        d = s.get(Decision, decision_id)
        assert d.number == "215/QĐ-SLĐTBXH" and d.issued_on == date(2024, 12, 20)
        assert s.scalar(select(func.count()).select_from(Award).where(Award.decision_id == decision_id)) == 62
        assert nm.get_list(s, approved).state == "da_quyet_dinh"

    page.set_year(2024)
    page.load(decision_id)
    assert len(page.rows) >= 1 and page.current().number == "215/QĐ-SLĐTBXH"
    assert page.awards.rowCount() == 62 and page.cancel_button.isEnabled()
    assert page.table.item(page.table.currentRow(), 5).text() == "62"

    # The history page shows the new award with its decision number.
    history = HistoryPage(context)
    qtbot.addWidget(history)
    history.page_shown()
    history.select_code("CB0048")
    assert "215/QĐ-SLĐTBXH" in history.record_text() and "Chiến sĩ thi đua cơ sở" in history.record_text()
    history.search.setText("vo thi lien")  # diacritics-insensitive
    assert any(x.name == "Võ Thị Liên" for x in history.shown)

    # Documents: tờ trình, biên bản, quyết định in .docx and PDF.
    written: list = []
    folder = tmp_path / "văn bản"
    page.write_decision_documents(folder, on_done=written.extend)
    wait_for_idle()
    assert not boxes
    names = sorted(p.name for p in written)
    assert len(names) == 6 and all(p.is_file() and p.stat().st_size > 1000 for p in written)
    assert any(n.startswith("to-trinh") for n in names) and any(n.startswith("bien-ban") for n in names)
    assert any(n.startswith("quyet-dinh") and n.endswith(".pdf") for n in names)

    # Cancel: an empty reason is refused, then the decision is cancelled with its reason.
    typed: list[str] = []

    def fake_exec(self):
        for text in ("", "Nhầm số quyết định, ban hành lại"):
            typed.append(text)
            self.text.setPlainText(text)
            self.ok_button.click()
            if self.result() == ReasonDialog.DialogCode.Accepted:
                return self.result()
            assert "Chưa ghi lý do" in self.error.text()
        return ReasonDialog.DialogCode.Rejected

    monkeypatch.setattr(ReasonDialog, "exec", fake_exec)
    page.cancel_button.click()
    assert typed == ["", "Nhầm số quyết định, ban hành lại"]
    assert page.current().state == "da_huy" and not page.cancel_button.isEnabled()
    assert "Nhầm số quyết định" in page.detail.text()
    with db.session() as s:
        assert s.get(Decision, decision_id).cancel_reason == "Nhầm số quyết định, ban hành lại"
        assert nm.get_list(s, approved).state == "hoi_dong_da_binh_xet"
    history.page_shown()
    history.select_code("CB0048")
    assert "đã hủy, không tính" in history.record_text()
    assert len(page.rows) >= before


def test_higher_forms_tab(qtbot, db, approved):
    page = HistoryPage(AppContext(db))
    qtbot.addWidget(page)
    page.page_shown()
    assert page.higher_year.currentData() == 2024
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.this_year.rowCount() > 0, timeout=20000)
    wait_for_idle()
    codes = {page.this_year.item(r, 1).text() for r in range(page.this_year.rowCount())}
    assert {"CB0008", "CB0058", "CB0119"} <= codes  # planted CSTD_TINH and BK_TTG candidates
    assert page.next_year.rowCount() > 0 and "2025" in page.next_box.title()
