"""Căn chỉnh máy in: the x/y offset (mm) of a printer for printing onto pre-printed forms
(phôi), and the test page with a millimetre grid and crosshairs to measure it."""
from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.db import Database, data_dir
from services.output.certificates import (
    DEFAULT_PRINTER,
    CertificateError,
    get_calibration,
    list_calibrations,
    render_test_page,
    set_calibration,
)
from services.system.access import PermissionDenied
from services.system.text import nfc
from ui.pdf_preview import PdfPages
from ui.printing import ask_printer, print_pages, printer_names
from ui.worker import run_in_background, show_error

PAPERS = [("A4 ngang", "A4", "landscape"), ("A4 dọc", "A4", "portrait"), ("A3 ngang", "A3", "landscape"),
          ("A3 dọc", "A3", "portrait")]
_LAST_DIR_KEY = "certificates/last_dir"


def known_printers(database: Database) -> list[str]:
    """Installed printers (default first), then printers calibrated before, then «Mặc định»."""
    names = printer_names()
    with database.session() as s:
        saved = sorted(list_calibrations(s))
    for name in [*saved, DEFAULT_PRINTER]:
        if name not in names:
            names.append(name)
    return names


class CalibrationDialog(QDialog):
    """Choose a printer, print the test page, type the measured offset, save it."""

    def __init__(self, database: Database, printer: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setWindowTitle("Căn chỉnh máy in cho in lên phôi")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Mỗi máy in kéo giấy lệch một chút. In trang thử với tỷ lệ 100%, đo từ mép giấy tới tâm dấu chữ thập "
            "ở góc trên bên trái (đúng ra 20 mm, 20 mm), rồi ghi độ lệch: ngang dương dời chữ sang phải, "
            "dọc dương dời chữ xuống dưới."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.printer = QComboBox()
        self.printer.setEditable(True)
        self.printer.addItems(known_printers(database))
        if printer:
            index = self.printer.findText(printer)
            if index < 0:
                self.printer.addItem(printer)
                index = self.printer.count() - 1
            self.printer.setCurrentIndex(index)
        self.printer.currentTextChanged.connect(self._load)
        self.printer.setToolTip("Tên máy in; có thể gõ một tên khác (vd. máy in ở phòng khác)")
        form.addRow("Máy in", self.printer)
        self.dx = self._spin("Dương: dời chữ sang phải; âm: sang trái")
        self.dy = self._spin("Dương: dời chữ xuống dưới; âm: lên trên")
        form.addRow("Độ lệch ngang", self.dx)
        form.addRow("Độ lệch dọc", self.dy)
        self.paper = QComboBox()
        for label, size, orientation in PAPERS:
            self.paper.addItem(label, (size, orientation))
        form.addRow("Khổ trang thử", self.paper)
        layout.addLayout(form)
        tests = QHBoxLayout()
        self.print_test_button = QPushButton("In trang thử…")
        self.print_test_button.clicked.connect(self.print_test_page)
        self.save_test_button = QPushButton("Lưu trang thử ra PDF…")
        self.save_test_button.clicked.connect(self.save_test_page)
        tests.addWidget(self.print_test_button)
        tests.addWidget(self.save_test_button)
        tests.addStretch(1)
        layout.addLayout(tests)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Lưu độ lệch", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._load(self.printer.currentText())

    @staticmethod
    def _spin(tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-50.0, 50.0)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        spin.setSuffix(" mm")
        spin.setToolTip(tip)
        return spin

    def printer_name(self) -> str:
        return nfc(self.printer.currentText().strip()) or DEFAULT_PRINTER

    def offset(self) -> tuple[float, float]:
        return round(self.dx.value(), 2), round(self.dy.value(), 2)

    def _load(self, _name: str = "") -> None:
        with self.database.session() as s:
            dx, dy = get_calibration(s, self.printer_name())
        self.dx.setValue(dx)
        self.dy.setValue(dy)
        self.status.setText(f"Độ lệch đã lưu của «{self.printer_name()}»: ngang {dx:+.1f} mm, dọc {dy:+.1f} mm.")

    def save(self) -> None:
        name, (dx, dy) = self.printer_name(), self.offset()
        try:
            with self.database.session() as s:
                set_calibration(s, name, dx, dy)
                s.commit()
        except (CertificateError, PermissionDenied) as exc:
            show_error(self, "Không lưu được độ lệch của máy in.", exc, "Hãy sửa độ lệch hoặc nhờ người quản trị lưu giúp.")
            return
        self.accept()

    def _test_pdf(self) -> bytes:
        size, orientation = self.paper.currentData()
        buffer = io.BytesIO()
        render_test_page(buffer, self.printer_name(), self.offset(), size, orientation)
        return buffer.getvalue()

    def print_test_page(self) -> None:
        pages = PdfPages(self._test_pdf())
        printer = ask_printer(self, pages, self.printer_name(), "In trang thử căn chỉnh")
        if printer is None:
            pages.close()
            return

        def done(count: int) -> None:
            pages.close()
            self.status.setText(f"Đã gửi trang thử tới máy in (độ lệch ngang {self.dx.value():+.1f} mm, "
                                f"dọc {self.dy.value():+.1f} mm). Hãy đo rồi ghi độ lệch mới.")

        def failed(exc: BaseException) -> None:
            pages.close()
            show_error(self, "Không in được trang thử.", exc, "Hãy kiểm tra máy in rồi in lại.")

        run_in_background(print_pages, printer, pages, on_success=done, on_error=failed,
                          progress_text="Đang gửi trang thử tới máy in…", parent=self)

    def save_test_page(self) -> None:
        settings = QSettings()
        start = Path(str(settings.value(_LAST_DIR_KEY, "") or data_dir()))
        chosen, _ = QFileDialog.getSaveFileName(self, "Lưu trang thử căn chỉnh", str(start / "trang-thu-can-chinh.pdf"),
                                                "Tệp PDF (*.pdf)")
        if not chosen:
            return
        path = Path(chosen).with_suffix(".pdf")
        try:
            path.write_bytes(self._test_pdf())
        except OSError as exc:
            show_error(self, f"Không ghi được tệp {path}.", exc, "Hãy đóng tệp nếu đang mở, hoặc chọn thư mục khác.")
            return
        settings.setValue(_LAST_DIR_KEY, str(path.parent))
        self.status.setText(f"Đã lưu trang thử vào {path}.")
