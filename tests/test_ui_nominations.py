"""The nominations screen on the demo database: draft 2024 through the button (worker
thread), remove and add a CSTDCS candidate through the reason dialog (an empty reason is
refused), submit, record the council through its dialog, conclude; a decided list is locked."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from sqlalchemy import select

from models import AuditEntry
from services.awards import nominations as nm
from services.records.demo import populate_demo
from ui.context import AppContext
from ui.council_dialog import CouncilDialog
from ui.pages.nominations import NominationsPage, ReasonDialog
from ui.worker import wait_for_idle


@pytest.fixture
def demo(db):
    with db.session() as s:
        populate_demo(s)
        s.commit()
    return db


@pytest.fixture(autouse=True)
def boxes(monkeypatch):
    """Message boxes are recorded instead of shown (a modal box would block the test)."""
    shown: list[str] = []
    monkeypatch.setattr("ui.unit_dialog.tell", lambda _p, title, text, warning=True: shown.append(f"{title}: {text}"))
    monkeypatch.setattr("ui.pages.nominations.show_error",
                        lambda _p, what, exc=None, advice="": shown.append(f"{what} {exc}"))
    return shown


@pytest.fixture
def reasons(monkeypatch):
    """The reason dialog runs for real; its exec() types each reason queued here and
    presses the button, recording whether the dialog accepted it."""
    queue: list[list[str]] = []
    seen: list[tuple[str, bool, str]] = []

    def fake_exec(self):
        for text in queue.pop(0):
            self.text.setPlainText(text)
            self.ok_button.click()
            seen.append((text, self.result() == ReasonDialog.DialogCode.Accepted, self.error.text()))
            if self.result() == ReasonDialog.DialogCode.Accepted:
                return self.result()
        return ReasonDialog.DialogCode.Rejected

    monkeypatch.setattr(ReasonDialog, "exec", fake_exec)
    return queue, seen


@pytest.fixture
def page(qtbot, demo):
    context = AppContext(demo)
    p = NominationsPage(context)
    qtbot.addWidget(p)
    p.resize(1150, 650)
    p.show()
    p.page_shown()
    return p


def test_draft_override_submit_and_council(qtbot, page, demo, reasons, tmp_path):
    queue, seen = reasons
    # Nothing saved yet: the page says so and offers the draft of the latest year.
    assert page.selected_year() == 2024 and page.lists.rowCount() == 0
    assert "Chưa có danh sách" in page.empty.text() and page.draft_button.text() == "Dự thảo năm 2024"
    page.draft_button.click()
    qtbot.waitUntil(lambda: page.lists.rowCount() == 10, timeout=20000)
    wait_for_idle()
    assert page.detail.title_code == "CSTDCS"  # chosen by default
    assert page.detail.quota == 61 and "15% x 407" in page.quota_label.text()
    assert page.tables["proposed"].rowCount() == 61 and page.tables["over_quota"].rowCount() > 0
    # The ineligible show their reasons with rule and article.
    page.select_entry("ineligible", "CB0048")
    assert "65%" in page.tables["ineligible"].item(page.tables["ineligible"].currentRow(), 4).text()
    assert "P2" in page.details.toPlainText() and "Luật TĐKT 2022 Điều 23" in page.details.toPlainText()

    # Remove the last proposed candidate: an empty reason is refused, then a real one accepted.
    last = page._rows["proposed"][-1].code
    page.select_entry("proposed", last)
    assert page.remove_button.isEnabled() and not page.add_button.isEnabled()
    queue.append(["   ", "Đã nghỉ hưu trước khi Hội đồng họp"])
    page.remove_button.click()
    assert seen[0][1] is False and "Chưa ghi lý do" in seen[0][2]
    assert seen[1][1] is True
    assert last not in [e.code for e in page._rows["proposed"]]
    removed = next(e for e in page._rows["overrides"] if e.code == last)
    assert removed.override == "removed" and removed.override_reason == "Đã nghỉ hưu trước khi Hội đồng họp"
    assert "Loại thủ công: Đã nghỉ hưu" in page.tables["overrides"].item(0, 4).text()

    # Add CB0048 (cut by its votes) back with a reason.
    page.select_entry("ineligible", "CB0048")
    queue.append(["Thành tích đột xuất trong đợt thi đua chuyên đề"])
    page.add_button.click()
    assert "CB0048" in [e.code for e in page._rows["proposed"]]
    assert page.tables["proposed"].rowCount() == 61
    with demo.session() as s:
        audited = [a.reason for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "override"))]
    assert "Thành tích đột xuất trong đợt thi đua chuyên đề" in audited

    # Re-drafting keeps both overrides.
    page.draft_button.click()
    qtbot.waitUntil(lambda: "giữ 2 thay đổi thủ công" in page.status.text(), timeout=20000)
    wait_for_idle()
    assert page.detail.title_code == "CSTDCS" and len(page._rows["overrides"]) == 2

    # Export the proposed list to Excel.
    out = tmp_path / "đề nghị.xlsx"
    page.tabs.setCurrentIndex(0)
    page.export(out)
    wait_for_idle()
    assert out.is_file()

    # Submit: editing buttons go off.
    page.submit_button.click()
    assert page.detail.state == "trinh_hoi_dong"
    assert not page.add_button.isEnabled() and not page.remove_button.isEnabled() and page.council_button.isEnabled()

    # The council dialog: meeting, votes, live result, conclude.
    dialog = CouncilDialog(demo, page.detail.id, page)
    qtbot.addWidget(dialog)
    assert "70% phiếu đồng ý" in dialog.rule_label.text()
    dialog.held_on.setDate(QDate(2024, 12, 15))
    dialog.chair.setText("Nguyễn Văn Hùng")
    dialog.total.setValue(9)
    dialog.present.setValue(8)
    dialog.attendees.setPlainText("Nguyễn Văn Hùng\nTrần Thị Lan")
    dialog.conclude_button.click()  # nobody has votes yet: refused, nothing saved
    assert not dialog.error.isHidden() and "Chưa ghi phiếu" in dialog.error.text()
    with demo.session() as s:
        assert nm.get_list(s, page.detail.id).meeting_id is None
    dialog.set_all_votes(9)
    dialog.set_votes("CB0048", 6)  # 6/9 = 66,7% < 70%
    row = [c.code for c in dialog.candidates].index("CB0048")
    assert dialog.table.item(row, 6).text() == "Không đạt" and dialog.table.item(row, 5).text() == "66,7%"
    dialog.set_votes("CB0048", 7)  # 77,8%
    assert dialog.table.item(row, 6).text() == "Đạt"
    assert "Đạt: 61" in dialog.summary.text()
    dialog.conclude_button.click()
    assert dialog.error.isHidden() and dialog.state == "hoi_dong_da_binh_xet"
    assert not dialog.save_button.isEnabled()
    written: list = []
    dialog.write_minutes(tmp_path / "biên bản", on_done=written.extend)
    wait_for_idle()
    assert sorted(p.suffix for p in written) == [".docx", ".pdf"] and all(p.is_file() for p in written)
    dialog.close()
    page.load_lists()
    assert page.detail.state == "hoi_dong_da_binh_xet" and page.reopen_button.isEnabled()
    with demo.session() as s:
        nl = nm.get_list(s, page.detail.id)
        assert nl.meeting.members_present == 8 and nl.meeting.attendees == ["Nguyễn Văn Hùng", "Trần Thị Lan"]
        assert nl.meeting.held_on == date(2024, 12, 15)


def test_decided_list_is_locked_on_screen(qtbot, page, demo):
    from services.awards import council
    from services.awards.decisions import create_decision

    with demo.session() as s:
        nm.save_draft(s, 2024)
        nl = nm.require_list(s, 2024, "TTLDXS")
        nm.change_state(s, nl.id, "trinh_hoi_dong")
        council.record_meeting(s, [nl.id], held_on=date(2024, 12, 15), members_total=9, members_present=9)
        council.record_votes(s, nl.id, {nm.subject_code(n): 9 for n in nm.view_list(s, nl).proposed})
        council.conclude(s, nl.id)
        create_decision(s, nl.id, number="216", issued_on=date(2024, 12, 20))
        s.commit()
    page.reload(reset_year=True)
    page.select_title("TTLDXS")
    assert page.detail.state == "da_quyet_dinh"
    assert not page.lock_label.isHidden() and "216 ngày 20/12/2024" in page.lock_label.text()
    page.select_entry("over_quota", page._rows["over_quota"][0].code)
    for b in (page.add_button, page.remove_button, page.submit_button, page.return_button, page.reopen_button):
        assert not b.isEnabled()
    assert page.documents_button.isEnabled() and page.council_button.isEnabled()
