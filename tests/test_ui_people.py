"""The Cán bộ page driven through its real widgets: add a person through the form (with
validation), filter as you type without diacritics, by unit and status, edit with a move
that keeps the history, delete and restore, column state remembered, export."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from models import Person, PersonUnitHistory
from models.db import Database
from services.records import units
from services.records.units import UnitInput
from ui import unit_dialog
from ui.context import AppContext
from ui.pages.people import PeoplePage
from ui.people_model import COLUMN_KEYS, STATUS_DELETED
from ui.person_dialog import PersonDialog
from ui.worker import wait_for_idle


@pytest.fixture(autouse=True)
def app(qapp, tmp_path):
    from ui.app import ensure_application

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    return ensure_application()


@pytest.fixture
def filled(db: Database) -> dict[str, int]:
    with db.session() as s, s.begin():
        vp = units.create_unit(s, UnitInput("VP", "Văn phòng Sở"))
        ld = units.create_unit(s, UnitInput("LD", "Phòng Lao động - Việc làm"))
        tt = units.create_unit(s, UnitInput("TT", "Trung tâm Dịch vụ việc làm", "don_vi", parent_id=ld.id))
        s.add_all([
            Person(code="CB1", full_name="Nguyễn Văn An", gender="nam", unit_id=vp.id, position="Chánh Văn phòng",
                   joined=date(2012, 8, 1)),
            Person(code="CB2", full_name="Trần Thị Bình", gender="nu", unit_id=ld.id),
            Person(code="CB3", full_name="Nguyễn Thị Ánh", gender="nu", unit_id=tt.id),
            Person(code="CB4", full_name="Lê Văn Cường", gender="nam", unit_id=tt.id, active=False,
                   left_on=date(2023, 1, 1)),
        ])
        return {"VP": vp.id, "LD": ld.id, "TT": tt.id}


def make_page(qtbot, db: Database) -> PeoplePage:
    page = PeoplePage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.page_shown()
    assert wait_for_idle(10)
    return page


def names(page: PeoplePage) -> list[str]:
    m = page.model
    return [m.index(r, COLUMN_KEYS.index("full_name")).data() for r in range(m.rowCount())]


def run_dialog(monkeypatch, fill, expect_problems: list[str] | None = None):
    """Replace PersonDialog.exec: fill the real form, press Lưu, and return its result."""
    seen: dict[str, object] = {}

    def fake_exec(dialog: PersonDialog) -> int:
        fill(dialog)
        dialog.save_button.click()
        seen["dialog"] = dialog
        seen["errors"] = dialog.error_label.text() if dialog.error_label.isVisibleTo(dialog) else ""
        return dialog.result()

    monkeypatch.setattr(PersonDialog, "exec", fake_exec)
    return seen


def test_list_sorted_by_vietnamese_name_and_filters(qtbot, db, filled) -> None:
    page = make_page(qtbot, db)
    # Active people, in Vietnamese name order (given name first: An < Ánh < Bình).
    assert names(page) == ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Trần Thị Bình"]
    assert page.count_label.text() == "3 cán bộ đang công tác"
    qtbot.keyClicks(page.search_edit, "nguyen")
    assert names(page) == ["Nguyễn Văn An", "Nguyễn Thị Ánh"]
    assert page.count_label.text() == "Tìm thấy 2 cán bộ đang công tác"
    page.search_edit.setText("NGUYEN thi anh")
    assert names(page) == ["Nguyễn Thị Ánh"]
    page.search_edit.setText("van phong")  # position or unit name
    assert names(page) == ["Nguyễn Văn An"]
    page.search_edit.clear()
    # Unit filter includes sub-units.
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(filled["LD"]))
    assert names(page) == ["Nguyễn Thị Ánh", "Trần Thị Bình"]
    page.status_combo.setCurrentIndex(page.status_combo.findText("Đã nghỉ"))
    assert names(page) == ["Lê Văn Cường"]
    # Sorting by a column through the header, then back.
    page.unit_combo.setCurrentIndex(0)
    page.status_combo.setCurrentIndex(page.status_combo.findText("Tất cả (trừ đã xóa)"))
    page.view.sortByColumn(COLUMN_KEYS.index("code"), Qt.SortOrder.DescendingOrder)
    assert names(page) == ["Lê Văn Cường", "Nguyễn Thị Ánh", "Trần Thị Bình", "Nguyễn Văn An"]
    assert page.model.index(0, COLUMN_KEYS.index("status")).data() == "Đã nghỉ"
    assert page.model.index(0, COLUMN_KEYS.index("left_on")).data() == "01/01/2023"


def test_add_person_with_validation(qtbot, db, filled, monkeypatch) -> None:
    page = make_page(qtbot, db)

    def fill_bad(d: PersonDialog) -> None:
        qtbot.keyClicks(d.code_edit, "CB1")  # taken
        qtbot.keyClicks(d.birth_edit, "31/02/1990")
        d.unit_combo.setCurrentIndex(d.unit_combo.findData(filled["TT"]))

    seen = run_dialog(monkeypatch, fill_bad)
    assert page.add_person() is None
    errors = str(seen["errors"])
    assert "Mã “CB1” đã dùng cho cán bộ Nguyễn Văn An" in errors
    assert "Chưa nhập họ và tên." in errors and "Chưa chọn giới tính." in errors
    assert "Ngày sinh “31/02/1990” không có thật" in errors

    def fill_good(d: PersonDialog) -> None:
        qtbot.keyClicks(d.code_edit, "CB9")
        d.name_edit.setText("Phạm Thu Hà")  # keyClicks types ASCII only
        d.gender_combo.setCurrentIndex(d.gender_combo.findData("nu"))
        qtbot.keyClicks(d.birth_edit, "2/3/1990")
        qtbot.keyClicks(d.joined_edit, "01/09/2015")
        d.unit_combo.setCurrentIndex(d.unit_combo.findData(filled["TT"]))

    run_dialog(monkeypatch, fill_good)
    new_id = page.add_person()
    assert new_id is not None
    assert wait_for_idle(10)
    assert "Phạm Thu Hà" in names(page)
    assert page.current_person_id() == new_id
    with db.session() as s:
        person = s.get(Person, new_id)
        assert person.birth_date == date(1990, 3, 2)
        assert [(h.unit_id, h.start_date) for h in person.unit_history] == [(filled["TT"], date(2015, 9, 1))]


def test_edit_move_keeps_history_and_shows_record(qtbot, db, filled, monkeypatch) -> None:
    page = make_page(qtbot, db)
    with db.session() as s:
        an = s.query(Person).filter_by(code="CB1").one().id
    assert page.select_person(an)

    def move(d: PersonDialog) -> None:
        assert d.code_edit.text() == "CB1" and not d.move_edit.isVisibleTo(d)
        d.unit_combo.setCurrentIndex(d.unit_combo.findData(filled["LD"]))
        assert d.move_edit.isVisibleTo(d)
        d.move_edit.setText("01/07/2024")
        d.position_edit.setText("Chuyên viên")

    run_dialog(monkeypatch, move)
    page.edit_person()
    assert wait_for_idle(10)
    with db.session() as s:
        rows = s.query(PersonUnitHistory.unit_id, PersonUnitHistory.start_date, PersonUnitHistory.end_date) \
            .filter_by(person_id=an).order_by(PersonUnitHistory.start_date).all()
    assert [tuple(r)[0] for r in rows] == [filled["VP"], filled["LD"]]
    assert rows[-1][1:] == (date(2024, 7, 1), None)
    # The record tabs show the history, newest first.
    dialog = PersonDialog(db, person_id=an)
    qtbot.addWidget(dialog)
    assert dialog.history.texts()[0] == ["Phòng Lao động - Việc làm", "01/07/2024", "nay", "Chuyển từ Văn phòng Sở"]
    assert dialog.history.texts()[1][2] == "30/06/2024"
    assert not dialog.evaluations.isVisibleTo(dialog) or dialog.evaluations.rowCount() == 0


def test_stale_edit_is_refused(qtbot, db, filled, monkeypatch) -> None:
    with db.session() as s:
        an = s.query(Person).filter_by(code="CB1").one().id
    dialog = PersonDialog(db, person_id=an)
    qtbot.addWidget(dialog)
    with db.session() as s, s.begin():  # someone else saves meanwhile
        s.get(Person, an).position = "Phó Chánh Văn phòng"
    told: list[str] = []
    monkeypatch.setattr("ui.person_dialog.tell", lambda _p, _t, text, warning=True: told.append(text))
    dialog.name_edit.setText("Nguyễn Văn Ân")
    dialog.save_button.click()
    assert told and "vừa được người khác sửa" in told[0]
    assert dialog.result() != QDialog.DialogCode.Accepted
    with db.session() as s:
        assert s.get(Person, an).full_name == "Nguyễn Văn An"


def test_delete_and_restore(qtbot, db, filled, monkeypatch) -> None:
    page = make_page(qtbot, db)
    monkeypatch.setattr(unit_dialog, "ask", lambda *a, **k: True)
    page.view.selectRow(0)
    assert page.current_person_id() is not None
    first = names(page)[0]
    page.delete_person()
    assert wait_for_idle(10)
    assert first not in names(page)
    page.status_combo.setCurrentIndex(page.status_combo.findData(STATUS_DELETED))
    assert names(page) == [first]
    assert page.restore_button.isVisible() and not page.delete_button.isVisible()
    page.view.selectRow(0)
    page.restore_person()
    assert wait_for_idle(10)
    assert names(page) == []
    page.status_combo.setCurrentIndex(0)
    assert first in names(page)


def test_columns_remembered_and_export(qtbot, db, filled, monkeypatch, tmp_path: Path) -> None:
    page = make_page(qtbot, db)
    gender = COLUMN_KEYS.index("gender")
    page.set_column_visible(gender, False)
    page.view.horizontalHeader().resizeSection(COLUMN_KEYS.index("full_name"), 333)
    page.view.sortByColumn(COLUMN_KEYS.index("code"), Qt.SortOrder.DescendingOrder)
    page.save_columns()
    page.close()

    again = make_page(qtbot, db)
    header = again.view.horizontalHeader()
    assert header.isSectionHidden(gender)
    assert header.sectionSize(COLUMN_KEYS.index("full_name")) == 333
    assert again.model.sort_state() == (COLUMN_KEYS.index("code"), Qt.SortOrder.DescendingOrder)
    assert names(again)[0] == "Nguyễn Thị Ánh"  # CB3

    # Export what is shown: visible columns only, every matching row, =... kept as text.
    with db.session() as s, s.begin():
        s.query(Person).filter_by(code="CB2").one().position = "=HYPERLINK(\"x\")"
    again.reload()
    assert wait_for_idle(10)
    out = tmp_path / "cán bộ.xlsx"
    from ui import export

    monkeypatch.setattr(export.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    told: list[str] = []
    monkeypatch.setattr(unit_dialog, "tell", lambda _p, _t, text, warning=True: told.append(text))
    again.export()
    assert wait_for_idle(10)
    assert told == [f"Đã xuất 3 dòng ra {out}."]
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0][:2] == ["Mã cán bộ", "Họ và tên"] and "Giới tính" not in values[0]
    assert [v[0] for v in values[1:]] == ["CB3", "CB2", "CB1"]
    position = values[0].index("Chức vụ")
    cell = sheet.cell(row=5, column=position + 1)
    assert cell.value == "=HYPERLINK(\"x\")" and cell.data_type == "s"
