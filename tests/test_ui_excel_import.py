"""The import dialog through its widgets: sheet chosen, mapping guessed and editable,
preview with the bad rows marked and the Nhập button refused, a clean file imported."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QSettings
from sqlalchemy import func, select

from models import Person
from models.db import Database
from services.records import units
from services.records.units import UnitInput
from ui.excel_import_dialog import BAD, ExcelImportDialog


@pytest.fixture(autouse=True)
def app(qapp, tmp_path, monkeypatch):
    from ui.app import ensure_application

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setattr("ui.unit_dialog.tell", lambda *a, **k: None)
    return ensure_application()


def write(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    wb.active.title = "Ghi chú"
    wb.active.append(["Danh sách gửi Sở"])
    ws = wb.create_sheet("Cán bộ")
    ws.append(["DANH SÁCH CÁN BỘ NĂM 2024"])
    ws.append(["TT", "Họ và tên", "Mã số", "Giới tính", "Ngày sinh", "Phòng", "Ghi chú khác"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_preview_marks_bad_rows_then_clean_file_imports(qtbot, db: Database, tmp_path: Path) -> None:
    with db.session() as s, s.begin():
        units.create_unit(s, UnitInput("VP", "Văn phòng Sở"))
    bad = write(tmp_path / "cán bộ lỗi.xlsx", [[1, "Nguyễn Thị Hoa", "CB1", "Nữ", "02/03/1985", "Văn phòng Sở", ""],
                                               [2, "Trần Văn Nam", "CB2", "Nam", "45/13/1990", "VP", ""]])
    dialog = ExcelImportDialog(db, "people")
    qtbot.addWidget(dialog)
    assert dialog.set_file(bad)
    assert dialog.sheet_combo.currentText() == "Cán bộ"  # the sheet with known headers is picked
    dialog.next_button.click()
    assert dialog.mapping_combos["code"].currentText() == "Cột C: Mã số"
    assert dialog.mapping_combos["unit"].currentText() == "Cột F: Phòng"
    assert dialog.mapping_combos["left"].currentData() is None
    dialog.next_button.click()
    assert not dialog.import_button.isEnabled()
    assert "1/2 dòng lỗi" in dialog.summary.text()
    assert dialog.table.item(1, 0).background() == BAD and dialog.table.item(0, 0).background() != BAD
    assert "Dòng 4, cột Ngày sinh" in dialog.problems.toPlainText()
    # Mapping is editable: without the unit column, the preview says the column is required.
    dialog.back_button.click()
    dialog.mapping_combos["unit"].setCurrentIndex(0)
    dialog.next_button.click()
    assert "Chưa chọn cột cho “Đơn vị”" in dialog.problems.toPlainText()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0

    good = write(tmp_path / "cán bộ.xlsx", [[1, "Nguyễn Thị Hoa", "CB1", "Nữ", "02/03/1985", "Văn phòng Sở", ""],
                                            [2, "Trần Văn Nam", "CB2", "Nam", "15/12/1990", "VP", ""]])
    dialog = ExcelImportDialog(db, "people")
    qtbot.addWidget(dialog)
    dialog.set_file(good)
    dialog.next_button.click()
    dialog.next_button.click()
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert dialog.imported is not None and dialog.imported.created == 2
    with db.session() as s:
        assert sorted(s.scalars(select(Person.code))) == ["CB1", "CB2"]
