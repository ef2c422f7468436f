"""Báo cáo: pick a kind, a year and a period, and write the report as Word or Excel."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.output.overview import available_years
from services.output.reports import (
    FORMATS,
    KINDS,
    PERIODS,
    default_file_name,
    make_report,
)
from ui.context import AppContext
from ui.worker import error_text, run_in_background

DESCRIPTIONS = {
    "phong-trao": "Báo cáo định kỳ theo mục VII của kế hoạch: các đợt thi đua trong kỳ, kết quả thực hiện chỉ "
                  "tiêu, đăng ký thi đua so với dự thảo và quyết định, kết quả bình xét, khen thưởng trong kỳ.",
    "thong-ke": "Số lượt khen thưởng của năm theo danh hiệu, đơn vị, giới tính, cấp khen thưởng và qua 5 năm gần "
                "nhất (không tính quyết định đã hủy).",
    "lien-tuc": "Cán bộ theo số năm liên tục đạt Lao động tiên tiến, Chiến sĩ thi đua cơ sở, cấp tỉnh và số năm "
                "từ Bằng khen gần nhất: ai gần đạt hình thức cao hơn.",
}
FORMAT_LABELS = {".docx": "Word (.docx)", ".xlsx": "Excel (.xlsx)"}
FILE_FILTERS = {".docx": "Văn bản Word (*.docx)", ".xlsx": "Bảng tính Excel (*.xlsx)"}


class ReportsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.last_path: Path | None = None
        self._busy = False
        context.database_changed.connect(lambda _db: self._fill_years())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox("Lập báo cáo")
        box.setMaximumWidth(820)
        form = QFormLayout(box)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind_combo")
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        self.kind_note = QLabel("")
        self.kind_note.setWordWrap(True)
        self.kind_note.setStyleSheet("color: #5b6777;")
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("year_combo")
        self.year_combo.setMinimumWidth(110)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period_combo")
        for key, label in PERIODS.items():
            self.period_combo.addItem(label.capitalize(), key)
        self.period_combo.setCurrentIndex(self.period_combo.findData("year"))
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("format_combo")
        for suffix in FORMATS:
            self.format_combo.addItem(FORMAT_LABELS[suffix], suffix)
        form.addRow("Loại báo cáo:", self.kind_combo)
        form.addRow("", self.kind_note)
        form.addRow("Năm:", self.year_combo)
        form.addRow("Kỳ báo cáo:", self.period_combo)
        form.addRow("Định dạng:", self.format_combo)
        buttons = QHBoxLayout()
        self.make_button = QPushButton("Lập báo cáo…")
        self.make_button.setObjectName("make_button")
        self.make_button.setDefault(True)
        self.make_button.setToolTip("Chọn nơi lưu tệp rồi lập báo cáo từ cơ sở dữ liệu đang mở")
        self.make_button.clicked.connect(self.choose_and_make)
        buttons.addWidget(self.make_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        layout.addWidget(box)
        for combo in (self.year_combo, self.period_combo, self.format_combo):
            combo.setMaximumWidth(220)

        result = QHBoxLayout()
        self.status = QLabel("")
        self.status.setObjectName("report_status")
        self.status.setWordWrap(True)
        self.open_file_button = QPushButton("Mở tệp")
        self.open_folder_button = QPushButton("Mở thư mục chứa tệp")
        self.open_folder_button.setObjectName("open_folder_button")
        self.open_file_button.clicked.connect(lambda: self._open(self.last_path))
        self.open_folder_button.clicked.connect(lambda: self._open(self.last_path.parent if self.last_path else None))
        for b in (self.open_file_button, self.open_folder_button):
            b.hide()
        result.addWidget(self.status, 1)
        result.addWidget(self.open_file_button)
        result.addWidget(self.open_folder_button)
        layout.addLayout(result)
        layout.addStretch(1)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self._fill_years()

    # Choices -----------------------------------------------------------------------------

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def year(self) -> int:
        return int(self.year_combo.currentData())

    def period(self) -> str:
        return self.period_combo.currentData() if self.kind() == "phong-trao" else "year"

    def suffix(self) -> str:
        return self.format_combo.currentData()

    def _kind_changed(self) -> None:
        self.kind_note.setText(DESCRIPTIONS.get(self.kind(), ""))
        self.period_combo.setEnabled(self.kind() == "phong-trao")
        self.period_combo.setToolTip("" if self.kind() == "phong-trao" else "Chỉ áp dụng cho báo cáo phong trào thi đua")

    def _fill_years(self) -> None:
        try:
            # The years with records, and the current one (a 6-month report of a year in progress).
            years = sorted({*available_years(self.context.database), date.today().year}, reverse=True)
        except Exception as exc:  # noqa: BLE001 - shown on the page, the user can open another database
            years = []
            self.status.setText(f"Không đọc được các năm có số liệu: {error_text(exc)}")
        current = self.year_combo.currentData()
        self.year_combo.clear()
        for y in years:
            self.year_combo.addItem(str(y), y)
        index = self.year_combo.findData(current)
        if index < 0:  # default: the latest year that has records
            records = [y for y in years if y != date.today().year] or years
            index = self.year_combo.findData(records[0]) if records else 0
        self.year_combo.setCurrentIndex(max(index, 0))

    # Making the report ---------------------------------------------------------------------

    def choose_and_make(self) -> None:
        suffix = self.suffix()
        folder = self.last_path.parent if self.last_path else Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        start = folder / default_file_name(self.kind(), self.year(), self.period(), suffix)
        path, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo", str(start), FILE_FILTERS[suffix])
        if not path:
            return
        path = Path(path)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.produce(path)

    def produce(self, path: Path) -> None:
        """Write the chosen report to ``path`` on a worker thread, with a progress dialog."""
        if self._busy:
            return
        self._busy = True
        self.make_button.setEnabled(False)
        kind, year, period = self.kind(), self.year(), self.period()
        self.status.setStyleSheet("")
        self.status.setText(f"Đang lập {KINDS[kind].lower()} năm {year}…")
        run_in_background(make_report, self.context.database, kind, year, period, path,
                          on_success=self._done, on_error=self._failed,
                          progress_text=f"Đang lập {KINDS[kind].lower()} năm {year}…", parent=self)

    def _done(self, path: Any) -> None:
        self._busy = False
        self.make_button.setEnabled(True)
        self.last_path = Path(path)
        self.status.setText(f"Đã lập báo cáo: {self.last_path}")
        self.open_file_button.show()
        self.open_folder_button.show()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.make_button.setEnabled(True)
        message = error_text(exc)
        if isinstance(exc, OSError):
            message = (f"không ghi được tệp ({message}). Hãy đóng tệp nếu đang mở trong Word hoặc Excel, "
                       "hoặc chọn thư mục khác")
        self.status.setText(f"Chưa lập được báo cáo: {message}.")
        self.status.setStyleSheet("color: #b03a2e;")
        self.open_file_button.hide()
        self.open_folder_button.hide()

    def _open(self, path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
