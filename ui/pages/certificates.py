"""Giấy khen: choose a decision (or some of its awards), the layout, the mode and the
printer; see the exact pages; print them through the system print dialog or save the
PDF. Printing or saving records every certificate in the register (sổ vàng); a reprint
keeps its number. The preview records nothing."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.db import Database, data_dir
from models.vocabulary import AUTHORITY_LEVELS
from services.output.certificates import (
    DEFAULT_PRINTER,
    AwardLine,
    DecisionSummary,
    IssueResult,
    PreviewResult,
    available_layouts,
    decision_award_lines,
    get_calibration,
    issue_certificates,
    preview_certificates,
    printable_decisions,
)
from services.system import access
from services.system.text import fold, format_date, nfc
from ui.calibration_dialog import CalibrationDialog, known_printers
from ui.context import AppContext
from ui.pdf_preview import PdfPages, PdfPreview
from ui.printing import PrintError, ask_printer, chosen_printer_name, print_and_record
from ui.unit_dialog import tell
from ui.worker import run_in_background, show_error

DECISION_COLUMNS = ["Số quyết định", "Ngày", "Cấp", "Số khen thưởng", "Đã in"]
AWARD_COLUMNS = ["In", "Họ tên / Tập thể", "Danh hiệu", "Đơn vị", "Mẫu mặc định", "Số sổ vàng"]
PREVIEW_DELAY_MS = 350
PREVIEW_WIDTH_PX = 900  # first page image made with the preview, before the view asks for its own size
_LAST_DIR_KEY = "certificates/last_dir"
A4_LANDSCAPE_PT = (841.89, 595.28)


def _compact(text: str) -> str:
    """Letters and digits only, folded: «215 qd» finds «215/QĐ-SLĐTBXH»."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def acting_user() -> str | None:
    """Who prints: the signed-in account, else (None) the Windows user name."""
    actor = access.current_actor()
    return actor.username if actor is not None else None


def build_preview(database: Database, award_ids: list[int], layout_name: str | None, mode: str,
                  printer: str, width_px: int) -> tuple[PdfPages, PreviewResult, QImage]:
    """(pages, numbers, first page image) of a preview, made on a worker thread."""
    buffer = io.BytesIO()
    with database.session() as s:
        result = preview_certificates(s, award_ids, buffer, layout_name=layout_name, mode=mode, printer=printer)
    pages = PdfPages(buffer.getvalue())
    return pages, result, pages.render(0, width_px)


def issue_and_print(progress, database: Database, award_ids: list[int], printer, options: dict[str, Any]) -> IssueResult:
    """Record the certificates, make their PDF and send it to ``printer``."""
    return print_and_record(progress, database, printer,
                            lambda s, buffer: issue_certificates(s, award_ids, buffer, **options),
                            "Đang dựng các trang và ghi sổ vàng…")


def result_text(result: IssueResult, where: str) -> str:
    text = f"Đã {where} {result.pages} trang: {result.new_count} giấy khen mới vào sổ vàng"
    new = [c.register_no for c in result.certificates if not c.reprint]
    if new:
        text += f" (số {new[0]}" + (f" … {new[-1]}" if len(new) > 1 else "") + ")"
    if result.reprint_count:
        text += f", {result.reprint_count} bản in lại giữ số cũ"
    return text + "."


class CertificatesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._decisions: list[DecisionSummary] = []
        self._lines: list[AwardLine] = []
        self._layouts = {}
        self._preview_generation = 0
        self._preview_result: PreviewResult | None = None
        self._preview_key: tuple | None = None
        self._busy = False
        self._lines_decision: int | None = None
        self._shown_once = False
        self.last_message = ""
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        root.addWidget(splitter, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox("Quyết định khen thưởng")
        box_layout = QVBoxLayout(box)
        self.decision_filter = QLineEdit()
        self.decision_filter.setPlaceholderText("Tìm số quyết định (không cần dấu)…")
        self.decision_filter.textChanged.connect(self._filter_decisions)
        box_layout.addWidget(self.decision_filter)
        self.decisions = QTableWidget(0, len(DECISION_COLUMNS))
        self.decisions.setHorizontalHeaderLabels(DECISION_COLUMNS)
        self._table_style(self.decisions)
        self.decisions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.decisions.itemSelectionChanged.connect(self._decision_chosen)
        box_layout.addWidget(self.decisions)
        left_layout.addWidget(box, 1)

        box = QGroupBox("Khen thưởng sẽ in (đánh dấu để chọn)")
        box_layout = QVBoxLayout(box)
        self.awards = QTableWidget(0, len(AWARD_COLUMNS))
        self.awards.setHorizontalHeaderLabels(AWARD_COLUMNS)
        self._table_style(self.awards)
        self.awards.itemChanged.connect(self._tick_changed)
        box_layout.addWidget(self.awards)
        ticks = QHBoxLayout()
        all_button = QPushButton("Chọn tất cả")
        all_button.clicked.connect(lambda: self._tick_all(True))
        none_button = QPushButton("Bỏ chọn tất cả")
        none_button.clicked.connect(lambda: self._tick_all(False))
        self.tick_count = QLabel()
        ticks.addWidget(all_button)
        ticks.addWidget(none_button)
        ticks.addStretch(1)
        ticks.addWidget(self.tick_count)
        box_layout.addLayout(ticks)
        left_layout.addWidget(box, 1)

        box = QGroupBox("Cách in")
        options = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Mẫu"))
        self.layout_combo = QComboBox()
        self.layout_combo.setToolTip("Mặc định: mỗi khen thưởng in theo mẫu của danh hiệu")
        row.addWidget(self.layout_combo, 1)
        options.addLayout(row)
        row = QHBoxLayout()
        self.full_mode = QRadioButton("In đầy đủ (giấy trắng, có viền)")
        self.overlay_mode = QRadioButton("In lên phôi (chỉ các trường thay đổi)")
        self.full_mode.setChecked(True)
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.full_mode)
        self.mode_group.addButton(self.overlay_mode)
        row.addWidget(self.full_mode)
        row.addWidget(self.overlay_mode)
        row.addStretch(1)
        options.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("Máy in"))
        self.printer_combo = QComboBox()
        self.printer_combo.setMinimumContentsLength(14)
        self.printer_combo.setToolTip("Máy in dùng để lấy độ lệch căn chỉnh khi in lên phôi")
        row.addWidget(self.printer_combo, 1)
        self.offset_label = QLabel()
        self.offset_label.setObjectName("loadStatus")
        row.addWidget(self.offset_label)
        self.calibrate_button = QPushButton("Căn chỉnh…")
        self.calibrate_button.setToolTip("Độ lệch của máy in khi in lên phôi, và trang thử có lưới milimét")
        self.calibrate_button.clicked.connect(self.open_calibration)
        row.addWidget(self.calibrate_button)
        options.addLayout(row)
        left_layout.addWidget(box)

        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setObjectName("loadStatus")
        actions = QHBoxLayout()
        actions.addWidget(self.result_label, 1)
        self.print_button = QPushButton("In…")
        self.print_button.setToolTip("In qua hộp thoại in của Windows và ghi sổ vàng")
        self.print_button.clicked.connect(self.print_certificates)
        self.save_button = QPushButton("Lưu PDF…")
        self.save_button.setToolTip("Ghi các giấy khen ra một tệp PDF và ghi sổ vàng")
        self.save_button.clicked.connect(lambda: self.save_pdf())
        actions.addWidget(self.save_button)
        actions.addWidget(self.print_button)
        left_layout.addLayout(actions)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.preview_status = QLabel()
        self.preview_status.setObjectName("loadStatus")
        self.preview_status.setWordWrap(True)
        right_layout.addWidget(self.preview_status)
        self.preview = PdfPreview()
        right_layout.addWidget(self.preview, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([540, 760])

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.layout_combo.currentIndexChanged.connect(lambda _i: self._options_changed())
        self.mode_group.buttonToggled.connect(lambda _b, on: on and self._options_changed())
        self.printer_combo.currentIndexChanged.connect(lambda _i: self._options_changed())
        context.database_changed.connect(lambda _db: self.reload())
        self.reload()

    @staticmethod
    def _table_style(table: QTableWidget) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    # Loading ------------------------------------------------------------------------------

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        if self._shown_once:  # the first time, the page has just loaded itself
            self.reload(keep_selection=True)
        self._shown_once = True

    def reload(self, keep_selection: bool = False) -> None:
        """Decisions, layouts and printers from the database; the newest decision is chosen."""
        current = self.current_decision_id() if keep_selection else None
        if not keep_selection:
            self._lines_decision = None
        try:
            self._layouts = available_layouts()
        except Exception as exc:  # noqa: BLE001 - a broken layout file is shown, not fatal
            self._layouts = {}
            self.preview.clear(f"Không đọc được mẫu giấy khen: {exc}")
        self.layout_combo.blockSignals(True)
        chosen_layout = self.layout_combo.currentData()
        self.layout_combo.clear()
        self.layout_combo.addItem("Theo danh hiệu (mặc định)", None)
        for name, lay in sorted(self._layouts.items(), key=lambda kv: kv[1].label):
            self.layout_combo.addItem(f"{lay.label} ({lay.paper} {'ngang' if lay.orientation == 'landscape' else 'dọc'})", name)
        self.layout_combo.setCurrentIndex(max(0, self.layout_combo.findData(chosen_layout)))
        self.layout_combo.blockSignals(False)
        self.printer_combo.blockSignals(True)
        chosen_printer = self.printer_combo.currentText()
        self.printer_combo.clear()
        self.printer_combo.addItems(known_printers(self.database))
        index = self.printer_combo.findText(chosen_printer)
        self.printer_combo.setCurrentIndex(max(0, index))
        self.printer_combo.blockSignals(False)
        self._show_offset()
        with self.database.session() as s:
            self._decisions = printable_decisions(s)
        self._fill_decisions(current)

    def _fill_decisions(self, select_id: int | None = None) -> None:
        table = self.decisions
        table.blockSignals(True)
        table.setRowCount(len(self._decisions))
        for r, d in enumerate(self._decisions):
            cells = [d.number, format_date(d.issued_on), AUTHORITY_LEVELS.get(d.level, d.level),
                     str(d.award_count), f"{d.printed_count}/{d.award_count}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, d.id)
                if c >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if d.authority:
                    item.setToolTip(d.authority)
                table.setItem(r, c, item)
        table.blockSignals(False)
        self._filter_decisions()
        if not self._decisions:
            self._set_lines([])
            self.preview.clear("Chưa có quyết định khen thưởng nào (còn hiệu lực) trong cơ sở dữ liệu. "
                               "Hãy nhập hoặc lập quyết định trước khi in giấy khen.")
            return
        ids = [d.id for d in self._decisions]
        self.select_decision(select_id if select_id in ids else ids[0])

    def _filter_decisions(self) -> None:
        query = _compact(self.decision_filter.text())
        for r, d in enumerate(self._decisions):
            hidden = bool(query) and query not in _compact(f"{d.number} {format_date(d.issued_on)}")
            self.decisions.setRowHidden(r, hidden)

    def current_decision_id(self) -> int | None:
        rows = self.decisions.selectionModel().selectedRows() if self.decisions.selectionModel() else []
        if not rows:
            return None
        return self.decisions.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def select_decision(self, decision_id: int) -> None:
        """Choose a decision: its awards are listed (all ticked) and previewed."""
        for r, d in enumerate(self._decisions):
            if d.id == decision_id:
                self.decisions.blockSignals(True)
                self.decisions.selectRow(r)
                self.decisions.blockSignals(False)
                self.decisions.scrollToItem(self.decisions.item(r, 0))
                self._decision_chosen()
                return

    def _decision_chosen(self) -> None:
        decision_id = self.current_decision_id()
        if decision_id is None:
            return
        same = decision_id == self._lines_decision
        kept = set(self.ticked_award_ids()) if same else None
        try:
            with self.database.session() as s:
                lines = decision_award_lines(s, decision_id, self._layouts)
        except Exception as exc:  # noqa: BLE001 - shown on the page
            self._set_lines([])
            self.preview.clear(f"Không đọc được danh sách khen thưởng: {exc}")
            return
        self._lines_decision = decision_id
        self._set_lines(lines, kept)
        self.refresh_preview()

    def _set_lines(self, lines: list[AwardLine], ticked: set[int] | None = None) -> None:
        self._lines = lines
        table = self.awards
        table.blockSignals(True)
        table.setRowCount(len(lines))
        for r, line in enumerate(lines):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            on = ticked is None or line.award_id in ticked
            tick.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, line.award_id)
            table.setItem(r, 0, tick)
            lay = self._layouts.get(line.default_layout)
            cells = [line.name, line.title_name, line.unit,
                     lay.label if lay is not None else "(không có mẫu phù hợp)", line.register_no or "chưa in"]
            for c, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, c, item)
        table.blockSignals(False)
        self._update_tick_count()

    # Selection and options ------------------------------------------------------------------

    def ticked_award_ids(self) -> list[int]:
        ids = []
        for r in range(self.awards.rowCount()):
            item = self.awards.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(Qt.ItemDataRole.UserRole))
        return ids

    def set_ticked(self, award_ids: set[int]) -> None:
        self.awards.blockSignals(True)
        for r in range(self.awards.rowCount()):
            item = self.awards.item(r, 0)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in award_ids
                               else Qt.CheckState.Unchecked)
        self.awards.blockSignals(False)
        self._update_tick_count()
        self.refresh_preview()

    def _tick_all(self, on: bool) -> None:
        self.set_ticked({line.award_id for line in self._lines} if on else set())

    def _tick_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self._update_tick_count()
            self._timer.start()

    def _update_tick_count(self) -> None:
        ticked = len(self.ticked_award_ids())
        self.tick_count.setText(f"Đã chọn {ticked}/{len(self._lines)}")
        enabled = ticked > 0 and not self._busy
        self.print_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def mode(self) -> str:
        return "overlay" if self.overlay_mode.isChecked() else "full"

    def set_mode(self, mode: str) -> None:
        (self.overlay_mode if mode == "overlay" else self.full_mode).setChecked(True)

    def printer_name(self) -> str:
        return nfc(self.printer_combo.currentText().strip()) or DEFAULT_PRINTER

    def layout_name(self) -> str | None:
        return self.layout_combo.currentData()

    def _options_changed(self) -> None:
        self._show_offset()
        self._timer.start()

    def _show_offset(self) -> None:
        with self.database.session() as s:
            dx, dy = get_calibration(s, self.printer_name())
        self.offset_label.setText(f"lệch ngang {dx:+.1f} mm, dọc {dy:+.1f} mm")
        self.offset_label.setToolTip("Độ lệch căn chỉnh của máy in này; chỉ dùng khi in lên phôi.")
        self.offset_label.setEnabled(self.mode() == "overlay")

    def open_calibration(self) -> None:
        dialog = CalibrationDialog(self.database, self.printer_name(), self)
        if dialog.exec():
            name = dialog.printer_name()
            if self.printer_combo.findText(name) < 0:
                self.printer_combo.addItem(name)
            self.printer_combo.setCurrentIndex(self.printer_combo.findText(name))
            self._options_changed()

    # Preview ------------------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Make the preview of the ticked awards with the chosen options (in the background)."""
        self._timer.stop()
        ids = self.ticked_award_ids()
        self._preview_generation += 1
        generation = self._preview_generation
        self._preview_result = None
        if not ids:
            self.preview.clear("Chưa chọn khen thưởng nào. Hãy đánh dấu ở cột «In» những người/tập thể cần in.")
            self.preview_status.setText("")
            return
        key = (tuple(ids), self.layout_name(), self.mode(), self.printer_name())
        self.preview_status.setText(f"Đang dựng {len(ids)} trang xem trước…")
        width = max(PREVIEW_WIDTH_PX // 2, self.preview.scroll.viewport().width() - 30)

        def done(payload: tuple[PdfPages, PreviewResult, QImage]) -> None:
            pages, result, image = payload
            if generation != self._preview_generation:
                pages.close()
                return
            self._preview_result = result
            self._preview_key = key
            self.preview.set_document(pages, first_image=image)
            new = sum(result.provisional)
            text = f"Xem trước {result.pages} trang, đúng như khi in."
            if new:
                text += f" {new} giấy khen chưa vào sổ: số sổ vàng trên trang là số sẽ cấp khi in hoặc lưu."
            if result.pages - new:
                text += f" {result.pages - new} giấy khen đã in trước đây: in lại giữ số cũ."
            self.preview_status.setText(text)

        def failed(exc: BaseException) -> None:
            if generation != self._preview_generation:
                return
            self.preview.clear(f"Không dựng được trang xem trước: {exc}")
            self.preview_status.setText("")

        run_in_background(build_preview, self.database, ids, self.layout_name(), self.mode(), self.printer_name(),
                          width, on_success=done, on_error=failed, parent=self)

    # Print and save ------------------------------------------------------------------------------

    def _check_ready(self) -> list[int] | None:
        ids = self.ticked_award_ids()
        if not ids:
            tell(self, "In giấy khen", "Chưa chọn khen thưởng nào. Hãy đánh dấu ở cột «In» rồi in lại.")
            return None
        if not access.allowed(access.DECIDE):
            tell(self, "In giấy khen", "Tài khoản đang dùng không có quyền in giấy khen (ghi sổ vàng). "
                                       "Hãy đăng nhập bằng tài khoản chuyên viên hoặc quản trị.")
            return None
        return ids

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_tick_count()

    def _after_issue(self, result: IssueResult, where: str) -> None:
        self._set_busy(False)
        message = result_text(result, where)
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(message, 10000)
        self.last_message = message
        self.result_label.setText(message)
        self.reload(keep_selection=True)

    def _options(self, printer: str) -> dict[str, Any]:
        return dict(layout_name=self.layout_name(), mode=self.mode(), printer=printer, printed_by=acting_user())

    def print_certificates(self) -> None:
        """The system print dialog, then record and print the ticked certificates."""
        ids = self._check_ready()
        if ids is None:
            return
        sizes = self.preview.pages.sizes if self.preview.pages is not None else [A4_LANDSCAPE_PT]
        printer_name = self.printer_name()
        printer = ask_printer(self, sizes, printer_name if printer_name != DEFAULT_PRINTER else "",
                              "In giấy khen")
        if printer is None:
            return
        calibration_printer = printer_name
        if self.mode() == "overlay" and chosen_printer_name(printer):
            calibration_printer = chosen_printer_name(printer)
        self._set_busy(True)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            advice = ("Không có giấy khen nào được ghi vào sổ vàng. Hãy kiểm tra máy in rồi in lại."
                      if isinstance(exc, PrintError) else "")
            show_error(self, "Không in được giấy khen.", exc, advice)

        run_in_background(issue_and_print, self.database, ids, printer, self._options(calibration_printer),
                          with_progress=True, on_success=lambda r: self._after_issue(r, "gửi tới máy in"),
                          on_error=failed, progress_text="Đang in giấy khen…", parent=self)

    def save_pdf(self, path: Path | None = None) -> None:
        """Ask where (unless ``path`` is given), then write the PDF and record the certificates."""
        ids = self._check_ready()
        if ids is None:
            return
        if path is None:
            settings = QSettings()
            start = Path(str(settings.value(_LAST_DIR_KEY, "") or data_dir()))
            number = next((d.number for d in self._decisions if d.id == self.current_decision_id()), "giay-khen")
            stem = "giấy khen " + "".join("-" if ch in '<>:"/\\|?*' else ch for ch in number)
            chosen, _ = QFileDialog.getSaveFileName(self, "Lưu giấy khen ra PDF", str(start / f"{stem}.pdf"),
                                                    "Tệp PDF (*.pdf)")
            if not chosen:
                return
            path = Path(chosen)
            if path.suffix.lower() != ".pdf":
                path = path.with_suffix(".pdf")
            settings.setValue(_LAST_DIR_KEY, str(path.parent))
        target = path
        options = self._options(self.printer_name())
        database = self.database

        def work() -> IssueResult:
            with database.session() as s:
                return issue_certificates(s, ids, target, **options)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            show_error(self, "Không lưu được tệp PDF giấy khen.", exc,
                       "Không có giấy khen nào được ghi vào sổ vàng. Hãy sửa theo thông báo rồi lưu lại.")

        self._set_busy(True)
        run_in_background(work, on_success=lambda r: self._after_issue(r, f"ghi vào {target}"), on_error=failed,
                          progress_text="Đang ghi tệp PDF giấy khen…", parent=self)
