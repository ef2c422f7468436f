"""The certificate screens: decisions listed, the preview's exact pages, saving and
printing (recorded in the register), reprints keeping their number, printer calibration."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import func, select

from models import Agency, Award, CertificateRecord, Decision, Person, Signer, Unit
from services.output import certificates as C
from ui import printing
from ui.context import AppContext
from ui.worker import wait_for_idle

NAMES = ["Nguyễn Thị Hương Giang", "Trần Đức Thắng", "Lê Văn Ấn"]


@pytest.fixture
def filled(db):
    """An agency, a signer, three people; an older decision of 3 Giấy khen, a newer one of
    1 CSTĐCS, and a newest one that was cancelled."""
    with db.session() as s:
        s.add(Agency(name="Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh", place="Hà Tĩnh",
                     parent_authority="Ủy ban nhân dân tỉnh Hà Tĩnh", doc_suffix="SLĐTBXH"))
        s.add(Signer(full_name="Nguyễn Văn Bình", position="Phó Giám đốc", capacity="KT. Giám đốc", is_default=True))
        unit = Unit(code="VP", name="Văn phòng Sở", sort_order=1)
        people = [Person(code=f"P{i}", full_name=n, gender="nu" if "Thị" in n else "nam", position="Chuyên viên",
                         unit=unit) for i, n in enumerate(NAMES)]
        older = Decision(number="215/QĐ-SLĐTBXH", issued_on=date(2024, 12, 20), level="co_so")
        older.awards = [Award(year=2024, title_code="GIAY_KHEN", person=p) for p in people]
        newer = Decision(number="220/QĐ-SLĐTBXH", issued_on=date(2024, 12, 27), level="co_so")
        newer.awards = [Award(year=2024, title_code="CSTDCS", person=people[0])]
        cancelled = Decision(number="230/QĐ-SLĐTBXH", issued_on=date(2024, 12, 30), state="da_huy",
                             cancel_reason="Nhầm danh sách")
        cancelled.awards = [Award(year=2024, title_code="GIAY_KHEN", person=people[1])]
        s.add_all([unit, *people, older, newer, cancelled])
        s.commit()
        return {"older": older.id, "newer": newer.id, "cancelled": cancelled.id}


@pytest.fixture
def errors(monkeypatch):
    """Error boxes are recorded instead of shown (a modal box would block the test)."""
    shown: list[str] = []

    def record(_parent, what, exc=None, advice=""):
        shown.append(f"{what} {exc}")

    def told(_parent, title, text, warning=True):
        shown.append(f"{title}: {text}") if warning else None

    for module in ("ui.pages.certificates", "ui.pages.certificate_register", "ui.calibration_dialog"):
        monkeypatch.setattr(f"{module}.show_error", record)
    for module in ("ui.pages.certificates", "ui.pages.certificate_register", "ui.unit_dialog"):
        monkeypatch.setattr(f"{module}.tell", told)
    return shown


@pytest.fixture
def page(qtbot, db, filled, errors):
    from ui.pages.certificates import CertificatesPage

    widget = CertificatesPage(AppContext(db))
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    assert wait_for_idle()
    return widget


def records(db) -> list[CertificateRecord]:
    with db.session() as s:
        return list(s.scalars(select(CertificateRecord).order_by(CertificateRecord.id)))


def pdf_printer_dialog(monkeypatch, out, accept=True):
    """Replace the system print dialog: 'print' to a PDF file at a modest resolution."""
    calls = []

    def fake(parent, printer, title="In"):
        calls.append(title)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(100)
        return accept

    monkeypatch.setattr(printing, "run_print_dialog", fake)
    return calls


def test_page_lists_decisions_newest_first_without_cancelled(page, filled):
    numbers = [page.decisions.item(r, 0).text() for r in range(page.decisions.rowCount())]
    assert numbers == ["220/QĐ-SLĐTBXH", "215/QĐ-SLĐTBXH"]
    assert [page.decisions.item(r, 3).text() for r in range(2)] == ["1", "3"]
    # The newest decision is chosen and previewed when the page opens.
    assert page.current_decision_id() == filled["newer"]
    assert page.preview.page_count() == 1
    page.decision_filter.setText("215 qd")  # without diacritics, spaces ignored
    assert [page.decisions.isRowHidden(r) for r in range(2)] == [True, False]


def test_preview_has_one_page_per_ticked_award_and_records_nothing(page, db, filled):
    page.select_decision(filled["older"])
    assert wait_for_idle()
    assert page.awards.rowCount() == 3
    assert page.preview.page_count() == 3
    # List order: Vietnamese order of the given name (Ấn, Giang, Thắng).
    assert [page.awards.item(r, 1).text() for r in range(3)] == ["Lê Văn Ấn", "Nguyễn Thị Hương Giang", "Trần Đức Thắng"]
    page.awards.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
    page.refresh_preview()
    assert wait_for_idle()
    assert page.preview.page_count() == 2
    assert page.tick_count.text() == "Đã chọn 2/3"
    # The preview shows the numbers the certificates would get, but records nothing.
    assert page._preview_result.register_numbers == ["1/GK-2024", "2/GK-2024"]
    assert all(page._preview_result.provisional)
    assert records(db) == []
    # The pages are really rendered (white paper with a drawn border, not a placeholder).
    image = page.preview.cached_image(0, page.preview.page_rect(0).width())
    assert image is not None and image.width() > 200
    assert image.pixelColor(image.width() // 2, 2).lightness() > 240  # paper
    page.preview.set_zoom(1.0)
    assert page.preview.page_rect(0).width() == round(841.89 * 96 / 72)  # A4 landscape at 100 %
    page.preview.go_to(1)
    assert page.preview.page_spin.value() == 2


def test_save_pdf_writes_file_and_register(page, db, filled, tmp_path):
    page.select_decision(filled["older"])
    assert wait_for_idle()
    out = tmp_path / "giấy khen.pdf"
    page.save_pdf(out)
    assert wait_for_idle()
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    assert "Bà Nguyễn Thị Hương Giang" in reader.pages[1].extract_text()
    rows = records(db)
    assert [r.register_no for r in rows] == ["1/GK-2024", "2/GK-2024", "3/GK-2024"]
    assert all(r.reprint_of_id is None and r.mode == "full" for r in rows)
    assert "3 giấy khen mới vào sổ vàng" in page.last_message
    # The list now shows the numbers, and the decision's printed count.
    assert [page.awards.item(r, 5).text() for r in range(3)] == ["1/GK-2024", "2/GK-2024", "3/GK-2024"]
    row = next(r for r in range(page.decisions.rowCount()) if page.decisions.item(r, 0).text() == "215/QĐ-SLĐTBXH")
    assert page.decisions.item(row, 4).text() == "3/3"
    # Saving again is a reprint: same numbers, recorded as reprints.
    page.save_pdf(tmp_path / "lần 2.pdf")
    assert wait_for_idle()
    again = records(db)[3:]
    assert [r.register_no for r in again] == ["1/GK-2024", "2/GK-2024", "3/GK-2024"]
    assert [r.reprint_of_id for r in again] == [r.id for r in rows]


def test_print_through_dialog_prints_every_page_and_records(page, db, filled, tmp_path, monkeypatch):
    out = tmp_path / "máy in.pdf"
    calls = pdf_printer_dialog(monkeypatch, out)
    page.select_decision(filled["older"])
    assert wait_for_idle()
    page.print_certificates()
    assert wait_for_idle()
    assert calls == ["In giấy khen"]
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, true size
    assert [r.register_no for r in records(db)] == ["1/GK-2024", "2/GK-2024", "3/GK-2024"]


def test_cancelled_print_dialog_records_nothing(page, db, filled, tmp_path, monkeypatch):
    pdf_printer_dialog(monkeypatch, tmp_path / "x.pdf", accept=False)
    page.print_certificates()
    assert wait_for_idle()
    assert records(db) == [] and not (tmp_path / "x.pdf").exists()


def test_printer_failure_takes_back_the_register_entries(page, db, filled, tmp_path, monkeypatch, errors):
    pdf_printer_dialog(monkeypatch, tmp_path / "x.pdf")

    def broken(printer, pages, progress=None):
        raise printing.PrintError("Máy in hết giấy.")

    monkeypatch.setattr("ui.printing.print_pages", broken)
    page.print_certificates()
    assert wait_for_idle()
    assert records(db) == []
    assert errors and "hết giấy" in errors[0]
    assert page.print_button.isEnabled()


def test_reprint_from_register_keeps_the_number(qtbot, db, filled, tmp_path, monkeypatch, errors):
    from ui.pages.certificate_register import CertificateRegisterPage

    with db.session() as s:
        C.issue_decision(s, filled["older"], tmp_path / "đầu.pdf", printed_by="lan")
    register = CertificateRegisterPage(AppContext(db))
    qtbot.addWidget(register)
    assert register.model.rowCount() == 3
    assert register.model.item(0, 0).text() == "1/GK-2024"
    assert register.model.item(0, 1).text() == "Lê Văn Ấn"
    assert register.model.item(0, 9).text() == "lan"
    # Filter without diacritics.
    register.search.setText("huong giang")
    assert [r.name for r in register.visible_rows()] == ["Nguyễn Thị Hương Giang"]
    second = register.visible_rows()[0]
    register.select_records({second.record_id})
    out = tmp_path / "in lại.pdf"
    calls = pdf_printer_dialog(monkeypatch, out)
    register.reprint()
    assert wait_for_idle()
    assert calls == ["In lại giấy khen"] and not errors
    assert len(PdfReader(out).pages) == 1  # pages go to the printer as images: the number is checked below
    last = records(db)[-1]
    assert (last.register_no, last.reprint_of_id) == ("2/GK-2024", second.record_id)
    # The register shows it as a reprint; the search still finds both lines.
    assert [(r.register_no, r.reprint_of_id is not None) for r in register.visible_rows()] == [
        ("2/GK-2024", False), ("2/GK-2024", True)]
    # Reprinting a reprint refers to the original; a saved reprint is recorded too.
    register.select_records({register.visible_rows()[1].record_id})
    register.save_reprint(tmp_path / "lần 3.pdf")
    assert wait_for_idle()
    assert records(db)[-1].reprint_of_id == second.record_id
    # Export to Excel writes every visible line.
    from openpyxl import load_workbook

    register.search.setText("")
    xlsx = tmp_path / "sổ vàng.xlsx"
    register.export(xlsx)
    assert wait_for_idle()
    sheet = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row and "Số sổ vàng" in row for row in values)
    assert sum(1 for row in values if "2/GK-2024" in row) == 3


def test_calibration_dialog_saves_offset_used_by_overlay(qtbot, db, filled, errors, page):
    from ui.calibration_dialog import CalibrationDialog

    dialog = CalibrationDialog(db, "Máy in phòng Thi đua")
    qtbot.addWidget(dialog)
    assert (dialog.dx.value(), dialog.dy.value()) == (0.0, 0.0)
    dialog.dx.setValue(1.5)
    dialog.dy.setValue(-2.0)
    dialog.save()
    assert not errors
    with db.session() as s:
        assert C.get_calibration(s, "Máy in phòng Thi đua") == (1.5, -2.0)
    # The test page carries the offset it is printed with.
    text = PdfReader(io.BytesIO(dialog._test_pdf())).pages[0].extract_text()
    assert "ngang +1.5 mm, dọc -2.0 mm" in text
    # A new dialog on that printer shows the saved offset; the page lists the printer.
    again = CalibrationDialog(db, "Máy in phòng Thi đua")
    qtbot.addWidget(again)
    assert (again.dx.value(), again.dy.value()) == (1.5, -2.0)
    page.reload(keep_selection=True)
    assert page.printer_combo.findText("Máy in phòng Thi đua") >= 0


def test_overlay_preview_moves_fields_by_the_printer_offset(db, filled):
    """The preview is the exact page: in overlay mode, fields moved by the calibration."""
    with db.session() as s:
        C.set_calibration(s, "HP", 3.0, 0.0)
        s.commit()
    plain, moved = io.BytesIO(), io.BytesIO()
    with db.session() as s:
        C.preview_certificates(s, [a for a in C.decision_award_ids(s, s.get(Decision, filled["older"]))][:1], plain,
                               mode="overlay", printer="Máy khác")
        ids = C.decision_award_ids(s, s.get(Decision, filled["older"]))[:1]
        result = C.preview_certificates(s, ids, moved, mode="overlay", printer="HP")
    assert result.pages == 1 and result.provisional == [True]

    def xs(data: bytes) -> dict[str, float]:
        found = {}

        def visit(text, cm, tm, font, size):
            if text.strip():
                found.setdefault(text.strip(), tm[4])
        PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
        return found

    a, b = xs(plain.getvalue()), xs(moved.getvalue())
    name = "Ông Lê Văn Ấn"
    assert name in a and abs((b[name] - a[name]) - 3.0 * C.MM) < 0.01
    assert "GIẤY KHEN" not in a  # overlay: the pre-printed words are not printed


def test_service_lists_and_register_rows(db, filled, tmp_path):
    with db.session() as s:
        summaries = C.printable_decisions(s)
        assert [(d.number, d.award_count, d.printed_count) for d in summaries] == [
            ("220/QĐ-SLĐTBXH", 1, 0), ("215/QĐ-SLĐTBXH", 3, 0)]
        C.issue_decision(s, filled["older"], tmp_path / "a.pdf", printed_by="lan")
        assert C.printable_decisions(s)[1].printed_count == 3
        lines = C.decision_award_lines(s, filled["older"])
        assert [(ln.default_layout, ln.register_no) for ln in lines] == [
            ("giay-khen", "1/GK-2024"), ("giay-khen", "2/GK-2024"), ("giay-khen", "3/GK-2024")]
        rows = C.register_rows(s, 2024)
        assert [(r.name, r.unit, r.title_name) for r in rows][0] == ("Lê Văn Ấn", "Văn phòng Sở", "Giấy khen của Giám đốc Sở")
        assert rows[0].decision == "215/QĐ-SLĐTBXH ngày 20/12/2024"
        assert C.register_rows(s, 2023) == [] and C.register_years(s) == [2024]
        assert s.scalar(select(func.count(CertificateRecord.id))) == 3
        with pytest.raises(C.CertificateError):
            C.reprint_records(s, [], io.BytesIO())
