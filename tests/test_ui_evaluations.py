"""The Bình xét page driven by the keyboard: type-ahead codes, Tab/Enter moves, the
eligibility column changing as one types, paste from Excel, fill down, save in one go,
unsaved edits asked about."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from models import AuditEntry, Evaluation, Person, PersonUnitHistory, UnitEvaluation
from models.db import Database
from services.records import units
from services.records.units import UnitInput
from ui.context import AppContext
from ui.evaluation_grid import KEYS
from ui.pages.evaluations import EvaluationsPage
from ui.worker import wait_for_idle


@pytest.fixture(autouse=True)
def app(qapp, tmp_path):
    from ui.app import ensure_application

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    return ensure_application()


@pytest.fixture
def unit_id(db: Database) -> int:
    with db.session() as s, s.begin():
        u = units.create_unit(s, UnitInput("VP", "Văn phòng Sở"))
        for code, name, gender in (("CB1", "Nguyễn Văn An", "nam"), ("CB2", "Trần Thị Bình", "nu"),
                                   ("CB3", "Lê Văn Cường", "nam")):
            p = Person(code=code, full_name=name, gender=gender, unit_id=u.id, joined=date(2015, 1, 1))
            p.unit_history.append(PersonUnitHistory(unit_id=u.id, start_date=date(2015, 1, 1)))
            s.add(p)
        return u.id


def make_page(qtbot, db: Database) -> EvaluationsPage:
    page = EvaluationsPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1300, 600)
    page.year_spin.setValue(2024)
    page.show()
    page.page_shown()
    assert wait_for_idle(10)
    return page


def col(key: str) -> int:
    return KEYS.index(key)


def type_keys(qtbot, widget, text: str) -> None:
    """Keys go where the user's keys go: the focused widget (the cell editor once it opened)."""
    for ch in text:
        qtbot.keyClick(QApplication.focusWidget() or widget, ch)


def eligibility(page: EvaluationsPage, row: int) -> str:
    return page.model.index(row, col("eligibility")).data()


def test_keyboard_entry_live_eligibility_and_save(qtbot, db: Database, unit_id: int) -> None:
    page = make_page(qtbot, db)
    view = page.view
    assert [r.full_name for r in page.model.rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert eligibility(page, 0) == "—"
    view.setFocus()
    view.setCurrentIndex(page.model.index(0, col("rating")))
    # Type-ahead: "htx" then Tab commits HTXSNV and moves to the next editable cell.
    type_keys(qtbot, view, "htx")
    editor = QApplication.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert page.model.rows[0].rating == "HTXSNV"
    assert view.currentIndex().column() == col("months_worked")
    page.recompute()
    assert eligibility(page, 0) == "LĐTT, CSTĐCS, Giấy khen"
    # Enter moves down in the same column, like Excel.
    view.setCurrentIndex(page.model.index(1, col("rating")))
    type_keys(qtbot, view, "tot")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    QApplication.processEvents()  # Qt commits an Enter in the editor through a queued call
    assert page.model.rows[1].rating == "HTTNV"
    assert view.currentIndex() == page.model.index(2, col("rating"))
    page.recompute()
    assert eligibility(page, 1) == "LĐTT"
    # Months worked 4: the eligibility column loses LĐTT, and the tooltip says why (rule and article).
    view.setCurrentIndex(page.model.index(1, col("months_worked")))
    qtbot.keyClick(view, Qt.Key.Key_4)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_4)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert page.model.rows[1].months_worked == 4
    page.recompute()
    assert eligibility(page, 1) == "Không"
    tip = page.model.index(1, col("eligibility")).data(Qt.ItemDataRole.ToolTipRole)
    assert "công tác 4 tháng" in tip and "P1" in tip and "Điều 24" in tip
    # Space ticks "under review": no titles at all.
    view.setCurrentIndex(page.model.index(0, col("under_review")))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert page.model.rows[0].under_review is True
    page.recompute()
    assert eligibility(page, 0) == "Không"
    qtbot.keyClick(view, Qt.Key.Key_Space)
    # Unsaved rows are marked in the row header; unit rating set in the same screen.
    assert "●" in page.model.headerData(0, Qt.Orientation.Vertical)
    page.unit_rating_combo.setCurrentIndex(page.unit_rating_combo.findData("HTTNV"))
    assert "3 thay đổi chưa lưu" in page.status.text()
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert wait_for_idle(10)
    with db.session() as s:
        saved = {e.person.code: (e.rating, e.months_worked) for e in s.scalars(select(Evaluation))}
        assert saved == {"CB1": ("HTXSNV", 12), "CB2": ("HTTNV", 4)}
        assert s.scalars(select(UnitEvaluation.rating)).all() == ["HTTNV"]
        assert s.scalar(select(AuditEntry).where(AuditEntry.entity == "evaluation")) is not None
    assert not page.is_dirty()
    assert "●" not in page.model.headerData(0, Qt.Orientation.Vertical)


def test_paste_block_fill_down_and_bad_cells_reported(qtbot, db: Database, unit_id: int) -> None:
    page = make_page(qtbot, db)
    view = page.view
    view.setCurrentIndex(page.model.index(0, col("rating")))
    done = view.paste("HTXSNV\t12\t0\tkhông\nxuất sắc\t10\t2\tcảnh cáo\nABC\t15\t0\t\n")
    rows = page.model.rows
    assert (rows[0].rating, rows[0].months_worked, rows[0].discipline) == ("HTXSNV", 12, None)
    assert (rows[1].rating, rows[1].months_worked, rows[1].maternity_months, rows[1].discipline) == (
        "HTXSNV", 10, 2, "canh_cao")
    assert rows[2].rating is None and rows[2].months_worked == 12  # both bad cells refused
    assert done == 10
    assert page.problem_label.isVisibleTo(page)
    assert "ABC" in page.problem_label.text() and "Số tháng công tác" in page.problem_label.text()
    # Ctrl+D copies the cell above.
    view.setCurrentIndex(page.model.index(2, col("rating")))
    view.selectionModel().select(page.model.index(2, col("rating")),
                                 view.selectionModel().SelectionFlag.ClearAndSelect)
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert rows[2].rating == "HTXSNV"
    page.recompute()
    assert eligibility(page, 1) == "Không"  # cảnh cáo blocks LĐTT
    assert "kỷ luật" in page.model.index(1, col("eligibility")).data(Qt.ItemDataRole.ToolTipRole)


def test_invalid_votes_block_saving_and_leaving_asks(qtbot, db: Database, unit_id: int, monkeypatch) -> None:
    page = make_page(qtbot, db)
    view = page.view
    view.setCurrentIndex(page.model.index(0, col("rating")))
    view.paste("HTTNV\t12\t0\t\t\t15\t10")  # 15 votes for out of 10
    assert page.model.problems()
    told = []
    monkeypatch.setattr("ui.unit_dialog.tell", lambda *a, **k: told.append(a[2]))
    assert page.save() is False
    assert "Phiếu" in told[0] or "phiếu" in told[0]
    with db.session() as s:
        assert s.scalars(select(Evaluation)).all() == []
    # Leaving with unsaved edits asks; "Ở lại" keeps everything.
    asked = []

    def fake_exec(box: QMessageBox) -> int:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "Ở lại").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert page.confirm_leave() is False
    assert asked and "chưa lưu" in asked[0]
    assert page.is_dirty()
