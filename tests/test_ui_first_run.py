"""The first-run wizard: empty start with agency and signers, import, demo, failed import."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from models import Agency, Person, Signer
from services.records.demo import build_demo_exchange
from services.records.exchange import write_exchange_file
from ui import first_run
from ui.first_run import FirstRunWizard, needs_first_run


def _fill(wizard: FirstRunWizard) -> None:
    wizard.agency_page.edits["name"].setText("Sở Lao động - Thương binh và Xã hội")
    wizard.agency_page.edits["place"].setText("Hà Tĩnh")
    wizard.agency_page.edits["doc_suffix"].setText("SLĐTBXH")
    wizard.signers_page.set_row(0, "Trần Văn Bình", "Phó Giám đốc", "KT. Giám đốc")
    wizard.signers_page.set_row(1, "Lê Thị Hà", "GIÁM ĐỐC")


def test_empty_start_saves_agency_and_signers(qtbot, db):
    assert needs_first_run(db)
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.start_page.start() == first_run.START_EMPTY
    assert not wizard.start_page.isFinalPage()
    wizard.next()
    # Name and place are required before going on.
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    _fill(wizard)
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    wizard.accept()
    assert wizard.result() == wizard.DialogCode.Accepted
    assert not needs_first_run(db)
    with db.session() as s:
        agency = s.scalars(select(Agency)).one()
        assert (agency.name, agency.place, agency.doc_suffix) == ("Sở Lao động - Thương binh và Xã hội", "Hà Tĩnh", "SLĐTBXH")
        signers = s.scalars(select(Signer).order_by(Signer.sort_order)).all()
        assert [(x.full_name, x.position, x.capacity, x.is_default) for x in signers] == [
            ("Trần Văn Bình", "PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC", True), ("Lê Thị Hà", "GIÁM ĐỐC", "", False)]


def test_import_start_imports_the_file_in_the_same_transaction(qtbot, db, tmp_path):
    path = write_exchange_file(build_demo_exchange(), tmp_path / "trao đổi.json")
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_page.importing.setChecked(True)
    assert not wizard.start_page.isComplete()  # a file must be chosen
    wizard.start_page.file_edit.setText(str(path))
    assert wizard.start_page.isComplete()
    wizard.next()
    _fill(wizard)
    wizard.next()
    wizard.accept()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == len(build_demo_exchange()["people"])
        assert s.scalars(select(Agency)).one().place == "Hà Tĩnh"


def test_failed_import_changes_nothing_and_keeps_the_wizard_open(qtbot, db, tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: messages.append(a[2]))
    bad = tmp_path / "hỏng.json"
    bad.write_text('{"format": "khác"}', encoding="utf-8")
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_page.importing.setChecked(True)
    wizard.start_page.file_edit.setText(str(bad))
    wizard.next()
    _fill(wizard)
    wizard.next()
    wizard.accept()
    assert messages and "không thay đổi" in messages[0]
    assert wizard.isVisible()
    assert wizard.agency_page.edits["name"].text() == "Sở Lao động - Thương binh và Xã hội"  # typed data kept
    assert needs_first_run(db)


def test_demo_start_opens_the_demo_database(qtbot, db):
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_page.demo.setChecked(True)
    assert wizard.start_page.nextId() == -1
    wizard.accept()
    demo = wizard.result_database
    try:
        assert demo is not db and demo.path.name == "demo.db"
        assert not needs_first_run(demo)
    finally:
        demo.close()
    assert needs_first_run(db)


def _staff_workbook(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÁN BỘ"])
    ws.append([])
    ws.append(["Mã CB", "Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Đơn vị"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_excel_start_creates_the_units_named_in_the_staff_list(qtbot, db, tmp_path):
    from models import Unit

    path = _staff_workbook(tmp_path / "danh sách cán bộ.xlsx", [
        ["CB01", "Nguyễn Thị Hoa", "Nữ", "02/03/1985", "Chuyên viên", "Văn phòng Sở"],
        ["CB02", "Trần Văn Bình", "Nam", "15/07/1979", "Trưởng phòng", "Phòng Người có công"],
        ["CB03", "Lê Văn An", "Nam", "01/01/1990", "Chuyên viên", "Văn phòng Sở"],
    ])
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_page.excel.setChecked(True)
    assert wizard.start_page.excel.isEnabled()
    wizard.start_page.file_edit.setText(str(path))
    wizard.next()
    _fill(wizard)
    wizard.next()
    wizard.accept()
    assert wizard.result() == wizard.DialogCode.Accepted
    with db.session() as s:
        units = dict(s.execute(select(Unit.name, Unit.id)).all())
        people = s.execute(select(Person.code, Person.unit_id).order_by(Person.code)).all()
    assert set(units) == {"Văn phòng Sở", "Phòng Người có công"}
    assert people == [("CB01", units["Văn phòng Sở"]), ("CB02", units["Phòng Người có công"]),
                      ("CB03", units["Văn phòng Sở"])]


def test_excel_start_with_a_bad_row_saves_nothing(qtbot, db, tmp_path, monkeypatch):
    from models import Unit

    messages = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: messages.append(a[2]))
    path = _staff_workbook(tmp_path / "hỏng.xlsx", [
        ["CB01", "Nguyễn Thị Hoa", "Nữ", "02/03/1985", "Chuyên viên", "Văn phòng Sở"],
        ["CB01", "", "Nữ", "31/02/1985", "Chuyên viên", "Phòng mới"],
    ])
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_page.excel.setChecked(True)
    wizard.start_page.file_edit.setText(str(path))
    wizard.next()
    _fill(wizard)
    wizard.next()
    wizard.accept()
    assert messages and "Dòng 5" in messages[0]
    assert wizard.isVisible()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 0
        assert s.scalar(select(func.count()).select_from(Person)) == 0
    assert needs_first_run(db)
