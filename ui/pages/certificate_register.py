"""Sổ vàng: every certificate printed, with its register number, who it was for, the
decision, when and by whom it was printed, and whether it was a reprint. Filter by year
and text, export to Excel, and print chosen entries again (a reprint keeps its number)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.db import Database, data_dir
from services.output.certificates import (
    DEFAULT_PRINTER,
    IssueResult,
    RegisterRow,
    available_layouts,
    register_rows,
    register_years,
    reprint_records,
)
from services.system import access
from services.system.text import fold
from ui.context import AppContext
from ui.export import export_model
from ui.printing import PrintError, ask_printer, chosen_printer_name, print_and_record
from ui.unit_dialog import tell
from ui.worker import run_in_background, show_error

COLUMNS = ["Số sổ vàng", "Họ tên / Tập thể", "Đơn vị", "Danh hiệu / hình thức", "Năm", "Quyết định", "Mẫu",
           "Cách in", "Ngày in", "Người in", "Lần in"]
MODE_LABELS = {"full": "Giấy trắng", "overlay": "Lên phôi"}
_LAST_DIR_KEY = "certificates/last_dir"


def _local(stored: datetime | None, utc: bool) -> str:
    if stored is None:
        return ""
    when = stored.replace(tzinfo=UTC).astimezone().replace(tzinfo=None) if utc else stored
    return when.strftime("%d/%m/%Y %H:%M")


def reprint_and_print(progress, database: Database, record_ids: list[int], printer, printer_name: str,
                      printed_by: str | None) -> IssueResult:
    return print_and_record(
        progress, database, printer,
        lambda s, buffer: reprint_records(s, record_ids, buffer, printer=printer_name, printed_by=printed_by),
        "Đang dựng các trang in lại…")


class CertificateRegisterPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._rows: list[RegisterRow] = []
        self._visible: list[RegisterRow] = []
        self.last_message = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Năm"))
        self.year = QComboBox()
        self.year.setMinimumContentsLength(8)
        bar.addWidget(self.year)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm số sổ, họ tên, đơn vị, danh hiệu, quyết định (không cần dấu)…")
        bar.addWidget(self.search, 1)
        reload_button = QPushButton("Tải lại")
        reload_button.clicked.connect(self.reload)
        bar.addWidget(reload_button)
        layout.addLayout(bar)
        # A QStandardItemModel (not a QTableWidget): "Xuất Excel" walks the model.
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(COLUMNS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("loadStatus")
        self.status.setWordWrap(True)
        actions.addWidget(self.status, 1)
        self.export_button = QPushButton("Xuất Excel…")
        self.export_button.clicked.connect(lambda: self.export())
        self.save_button = QPushButton("Lưu bản in lại ra PDF…")
        self.save_button.clicked.connect(lambda: self.save_reprint())
        self.reprint_button = QPushButton("In lại…")
        self.reprint_button.setToolTip("In lại các mục đã chọn; bản in lại giữ số sổ vàng cũ và được ghi vào sổ")
        self.reprint_button.clicked.connect(self.reprint)
        for button in (self.export_button, self.save_button, self.reprint_button):
            actions.addWidget(button)
        layout.addLayout(actions)
        self.year.currentIndexChanged.connect(lambda _i: self._load_rows())
        self.search.textChanged.connect(self._apply_filter)
        context.database_changed.connect(lambda _db: self.reload())
        self.reload()

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        with self.database.session() as s:
            years = register_years(s)
        current = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem("Tất cả", None)
        for y in years:
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(current)))
        self.year.blockSignals(False)
        self._load_rows()

    def _load_rows(self) -> None:
        self._utc = self.database.engine.dialect.name == "sqlite"
        try:
            self._layout_labels = {name: lay.label for name, lay in available_layouts().items()}
        except Exception:  # noqa: BLE001 - names are shown instead
            self._layout_labels = {}
        with self.database.session() as s:
            self._rows = register_rows(s, self.year.currentData())
        self._apply_filter()

    def visible_rows(self) -> list[RegisterRow]:
        return list(self._visible)

    def _apply_filter(self) -> None:
        query = fold(self.search.text().strip())
        self._visible = [r for r in self._rows if not query or query in r.search_text]
        numbers = {r.record_id: r.register_no for r in self._rows}
        model = self.model
        model.removeRows(0, model.rowCount())
        for r in self._visible:
            again = "Bản gốc" if r.reprint_of_id is None else "In lại"
            cells: list[Any] = [r.register_no, r.name, r.unit, r.title_name, str(r.year), r.decision,
                                self._layout_labels.get(r.layout, r.layout), MODE_LABELS.get(r.mode, r.mode),
                                _local(r.printed_at, self._utc), r.printed_by, again]
            items = []
            for c, text in enumerate(cells):
                item = QStandardItem(text)
                item.setEditable(False)
                item.setData(r.record_id, Qt.ItemDataRole.UserRole)
                if c == 10 and r.reprint_of_id is not None:
                    item.setToolTip(f"In lại bản gốc {numbers.get(r.reprint_of_id, '')}; giữ nguyên số sổ vàng.")
                items.append(item)
            model.appendRow(items)
        originals = sum(1 for r in self._visible if r.reprint_of_id is None)
        self.status.setText(f"{len(self._visible)} lần in: {originals} giấy khen vào sổ, "
                            f"{len(self._visible) - originals} bản in lại."
                            + (f" {self.last_message}" if self.last_message else ""))
        self._update_buttons()

    def selected_record_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def select_records(self, record_ids: set[int]) -> None:
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        for r in range(self.model.rowCount()):
            if self.model.item(r, 0).data(Qt.ItemDataRole.UserRole) in record_ids:
                selection.select(self.model.index(r, 0), self.model.index(r, self.model.columnCount() - 1))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)

    def _update_buttons(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.reprint_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen)
        self.export_button.setEnabled(self.model.rowCount() > 0)

    # Actions -------------------------------------------------------------------------------------

    def export(self, path: Path | None = None) -> None:
        year = self.year.currentData()
        title = "Sổ vàng - giấy khen đã in" + (f" năm {year}" if year else "")
        export_model(self, self.model, title, header=self.table.horizontalHeader(),
                     file_stem="so-vang" + (f"-{year}" if year else ""), path=path)

    def _ready(self) -> list[int] | None:
        ids = self.selected_record_ids()
        if not ids:
            tell(self, "In lại", "Hãy chọn (bôi đen) những dòng cần in lại trong sổ vàng.")
            return None
        if not access.allowed(access.DECIDE):
            tell(self, "In lại", "Tài khoản đang dùng không có quyền in giấy khen. "
                                 "Hãy đăng nhập bằng tài khoản chuyên viên hoặc quản trị.")
            return None
        return ids

    def _done(self, result: IssueResult, where: str) -> None:
        self.last_message = f"Đã {where} {result.pages} bản in lại (giữ số sổ vàng cũ)."
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(self.last_message, 10000)
        self.reload()

    @staticmethod
    def _acting_user() -> str | None:
        actor = access.current_actor()
        return actor.username if actor is not None else None

    def reprint(self) -> None:
        """The system print dialog, then print the chosen entries again and record the reprints."""
        ids = self._ready()
        if ids is None:
            return
        printer = ask_printer(self, [(841.89, 595.28)], "", "In lại giấy khen")
        if printer is None:
            return
        name = chosen_printer_name(printer) or DEFAULT_PRINTER

        def failed(exc: BaseException) -> None:
            show_error(self, "Không in lại được giấy khen.", exc,
                       "Không có bản in lại nào được ghi vào sổ vàng. Hãy kiểm tra máy in rồi in lại."
                       if isinstance(exc, PrintError) else "")

        run_in_background(reprint_and_print, self.database, ids, printer, name, self._acting_user(),
                          with_progress=True, on_success=lambda r: self._done(r, "gửi tới máy in"), on_error=failed,
                          progress_text="Đang in lại giấy khen…", parent=self)

    def save_reprint(self, path: Path | None = None) -> None:
        """Write the chosen entries again into a PDF and record the reprints."""
        ids = self._ready()
        if ids is None:
            return
        if path is None:
            settings = QSettings()
            start = Path(str(settings.value(_LAST_DIR_KEY, "") or data_dir()))
            chosen, _ = QFileDialog.getSaveFileName(self, "Lưu bản in lại ra PDF", str(start / "giay-khen-in-lai.pdf"),
                                                    "Tệp PDF (*.pdf)")
            if not chosen:
                return
            path = Path(chosen).with_suffix(".pdf")
            settings.setValue(_LAST_DIR_KEY, str(path.parent))
        database, target, who = self.database, path, self._acting_user()

        def work() -> IssueResult:
            with database.session() as s:
                return reprint_records(s, ids, target, printed_by=who)

        run_in_background(work, on_success=lambda r: self._done(r, f"ghi vào {target}"),
                          on_error=lambda exc: show_error(self, "Không lưu được bản in lại.", exc),
                          progress_text="Đang ghi tệp PDF…", parent=self)
