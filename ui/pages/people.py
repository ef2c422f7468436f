"""Cán bộ: the people list. Filter as you type (no need for diacritics), by unit with its
sub-units and by status; sort, hide, move and resize columns (remembered); add, edit,
delete and restore people; export what is shown to Excel."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QPoint,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from services.records import people as svc
from services.records.people import PeopleData, load_people, person_details
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.export import export_model
from ui.people_model import (
    COLUMNS,
    STATUS_ACTIVE,
    STATUS_DELETED,
    STATUS_LEFT,
    STATUSES,
    PeopleTableModel,
)
from ui.person_dialog import PersonDialog
from ui.style import format_int
from ui.unit_dialog import fill_unit_combo, tree_choices
from ui.worker import error_text, run_in_background

SETTINGS_HEADER = "people/header_state"
# Default widths of the columns, in the order of COLUMNS.
DEFAULT_WIDTHS = [85, 190, 65, 90, 140, 250, 85, 85, 110]


def _load(database: Database) -> PeopleData:
    """Worker thread: every person, for the table model."""
    with database.session() as session:
        return load_people(session)


class PeoplePage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._loaded = False
        self._loading = False
        self._request = 0
        self._select_after_load: int | None = None
        context.database_changed.connect(lambda _db: self.reload())

        self.model = PeopleTableModel(details_loader=self._details, parent=self)
        self.model.counts_changed.connect(self._show_counts)

        # Filters.
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("people_search")
        self.search_edit.setPlaceholderText("Tìm theo họ tên, mã, chức vụ, đơn vị… (gõ không dấu cũng được)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(320)
        self.search_edit.textChanged.connect(lambda text: self.model.set_filter(text=text))
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("people_unit_filter")
        self.unit_combo.setMinimumWidth(260)
        self.unit_combo.setMaxVisibleItems(25)
        self.unit_combo.setToolTip("Chỉ hiện cán bộ của đơn vị này và các đơn vị cấp dưới")
        self.unit_combo.currentIndexChanged.connect(lambda _i: self.model.set_filter(unit_id=self.unit_combo.currentData()))
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("people_status_filter")
        for code, label in STATUSES.items():
            self.status_combo.addItem(label, code)
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search_edit, 2)
        unit_label = QLabel("Đơn vị:")
        unit_label.setBuddy(self.unit_combo)
        filters.addWidget(unit_label)
        filters.addWidget(self.unit_combo, 1)
        status_label = QLabel("Tình trạng:")
        status_label.setBuddy(self.status_combo)
        filters.addWidget(status_label)
        filters.addWidget(self.status_combo)

        # Actions.
        def button(text: str, name: str, slot: Any, tip: str) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            return b

        self.add_button = button("Thêm cán bộ", "add_person", self.add_person, "Thêm cán bộ mới (Ctrl+N)")
        self.edit_button = button("Xem, sửa hồ sơ", "edit_person", self.edit_person,
                                  "Mở hồ sơ cán bộ đang chọn (Enter hoặc nháy đúp)")
        self.delete_button = button("Xóa", "delete_person", self.delete_person,
                                    "Xóa cán bộ đang chọn (có thể khôi phục từ mục Tình trạng: Đã xóa)")
        self.restore_button = button("Khôi phục", "restore_person", self.restore_person,
                                     "Đưa cán bộ đã xóa trở lại danh sách")
        self.export_button = button("Xuất Excel", "export_people", self.export,
                                    "Xuất danh sách đang hiện (theo bộ lọc, các cột đang hiện) ra tệp Excel")
        self.refresh_button = button("Làm mới", "refresh_people", lambda: self.reload(), "Đọc lại danh sách (F5)")
        self.refresh_button.setShortcut("F5")
        self.count_label = QLabel("")
        self.count_label.setObjectName("people_count")
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_button, self.edit_button, self.delete_button, self.restore_button):
            actions.addWidget(b)
        actions.addSpacing(12)
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.refresh_button)
        self.import_button = button("Nhập từ Excel…", "import_people", self.import_excel,
                                    "Thêm cán bộ từ tệp .xlsx: chọn trang, kiểm tra cột, xem trước, nhập tất cả hoặc không")
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        # The table.
        self.view = QTableView()
        self.view.setObjectName("people_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        self.view.doubleClicked.connect(lambda _i: self.edit_person())
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip("Bấm vào tiêu đề để sắp xếp; kéo để đổi chỗ, đổi độ rộng; chuột phải để ẩn, hiện cột")
        for col, width in enumerate(DEFAULT_WIDTHS):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        header.setSortIndicator(*self.model.sort_state())
        self._restore_columns()
        # After the indicator is set: enabling sorting sorts by it.
        self.view.setSortingEnabled(True)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_columns)
        for signal in (header.sectionMoved, header.sectionResized, header.sortIndicatorChanged):
            signal.connect(lambda *_: self._save_timer.start())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.empty_label = QLabel("")
        self.empty_label.setObjectName("emptyNote")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)

        QShortcut(QKeySequence.StandardKey.New, self, activated=self.add_person)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=lambda: self.search_edit.setFocus())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view, activated=self.edit_person)
        QShortcut(QKeySequence.StandardKey.Delete, self.view, activated=self.delete_person)
        self._update_buttons()

    @property
    def database(self) -> Database:
        return self.context.database

    def _details(self, ids: list[int] | None) -> dict[int, tuple[Any, ...]]:
        with self.database.session() as session:
            return person_details(session, ids)

    # Loading --------------------------------------------------------------------------

    def page_shown(self) -> None:
        if not self._loaded and not self._loading:
            self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Re-read the people (in the background) and the unit list; keep filters and sort."""
        self._request += 1
        request = self._request
        self._loading = True
        self._select_after_load = select_id if select_id is not None else self.current_person_id()
        self._fill_units()
        self.count_label.setText("Đang tải danh sách cán bộ…")
        run_in_background(_load, self.database, on_success=lambda data: self._loaded_data(request, data),
                          on_error=lambda exc: self._failed(request, exc), parent=self)

    def _fill_units(self) -> None:
        current = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        try:
            fill_unit_combo(self.unit_combo, tree_choices(self.database), "Tất cả đơn vị")
        except Exception:  # noqa: BLE001 - the list load reports the database error
            fill_unit_combo(self.unit_combo, [], "Tất cả đơn vị")
        index = self.unit_combo.findData(current)
        self.unit_combo.setCurrentIndex(max(0, index))
        self.unit_combo.blockSignals(False)
        if index < 0 and current is not None:
            self.model.set_filter(unit_id=None)

    def _loaded_data(self, request: int, data: PeopleData) -> None:
        if request != self._request:
            return
        self._loading = False
        self._loaded = True
        self.model.set_data(data)
        target = self._select_after_load
        if target is not None:
            self.select_person(target)
        self._update_buttons()

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self._loading = False
        self.count_label.setText(f"Không đọc được danh sách cán bộ: {error_text(exc)}. Hãy bấm “Làm mới” để thử lại.")

    def _show_counts(self, shown: int, total: int) -> None:
        status = self.model.status
        label = {STATUS_ACTIVE: "đang công tác", STATUS_LEFT: "đã nghỉ", STATUS_DELETED: "đã xóa"}.get(status, "")
        what = f"{format_int(shown)} cán bộ {label}".strip()
        filtered = bool(self.model.filter_text.strip()) or self.model.unit_id is not None
        text = f"Tìm thấy {what}" if filtered else what
        self.count_label.setText(text)
        if shown == 0 and self._loaded:
            if total == 0 and status != STATUS_DELETED:
                self.empty_label.setText("Chưa có cán bộ nào. Bấm “Thêm cán bộ” để nhập người đầu tiên "
                                         "(cần có đơn vị trước: trang Đơn vị).")
            elif status == STATUS_DELETED:
                self.empty_label.setText("Không có cán bộ nào đã xóa.")
            else:
                self.empty_label.setText("Không có cán bộ nào khớp điều kiện lọc. Hãy gõ ít chữ hơn, "
                                         "chọn “Tất cả đơn vị” hoặc tình trạng khác.")
        self.empty_label.setVisible(shown == 0 and self._loaded)
        self._update_buttons()

    def _status_changed(self, _index: int) -> None:
        self.model.set_filter(status=self.status_combo.currentData())
        self._update_buttons()

    # Selection ------------------------------------------------------------------------

    def current_person_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.person_id(index.row())

    def select_person(self, person_id: int) -> bool:
        row = self.model.row_of_person(person_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _update_buttons(self) -> None:
        deleted_view = self.model.status == STATUS_DELETED
        has = self.current_person_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setVisible(not deleted_view)
        self.delete_button.setEnabled(has and not deleted_view)
        self.restore_button.setVisible(deleted_view)
        self.restore_button.setEnabled(has and deleted_view)

    # Actions ----------------------------------------------------------------------------

    def add_person(self) -> int | None:
        dialog = PersonDialog(self.database, unit_id=self.unit_combo.currentData(), parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_id:
            # Show the new person even if the text filter would hide them.
            if self.search_edit.text():
                self.search_edit.clear()
            self.reload(dialog.saved_id)
            return dialog.saved_id
        return None

    def edit_person(self) -> None:
        person_id = self.current_person_id()
        if person_id is None:
            return
        dialog = PersonDialog(self.database, person_id=person_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(person_id)

    def delete_person(self) -> None:
        person_id = self.current_person_id()
        if person_id is None or self.model.status == STATUS_DELETED:
            return
        row = self.view.currentIndex().row()
        name = self.model.full_name(row)
        if not dialogs.ask(self, "Xóa cán bộ",
                           f"Xóa {name} khỏi danh sách? Hồ sơ vẫn được giữ và có thể khôi phục "
                           "(chọn Tình trạng: Đã xóa, rồi bấm “Khôi phục”).", yes="Xóa"):
            return
        if dialogs.run_change(self, self.database, lambda s: svc.delete_person(s, person_id).id,
                              "Không xóa được cán bộ") is not None:
            self.reload()

    def restore_person(self) -> None:
        person_id = self.current_person_id()
        if person_id is None:
            return
        if dialogs.run_change(self, self.database, lambda s: svc.restore_person(s, person_id).id,
                              "Không khôi phục được cán bộ") is not None:
            self.reload()

    def import_excel(self) -> None:
        from ui.excel_import_dialog import ExcelImportDialog

        dialog = ExcelImportDialog(self.database, "people", parent=self)
        if dialog.exec() and dialog.imported:
            self.reload()

    def export(self) -> None:
        titles = {STATUS_DELETED: "Danh sách cán bộ đã xóa"}
        title = titles.get(self.model.status, "Danh sách cán bộ")
        if self.unit_combo.currentData() is not None:
            title += f" – {self.unit_combo.currentText().strip()}"
        export_model(self, self.model, title, header=self.view.horizontalHeader(), file_stem="Danh sách cán bộ")

    # Columns ------------------------------------------------------------------------------

    def _header_menu(self, pos: QPoint) -> None:
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        for col, (_key, label) in enumerate(COLUMNS):
            action = QAction(label, menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.toggled.connect(lambda checked, c=col: self.set_column_visible(c, checked))
            menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction("Khôi phục cột mặc định")
        reset.triggered.connect(self.reset_columns)
        menu.exec(header.mapToGlobal(pos))

    def set_column_visible(self, column: int, visible: bool) -> None:
        header = self.view.horizontalHeader()
        if not visible and header.count() - header.hiddenSectionCount() <= 1:
            return  # keep at least one column
        header.setSectionHidden(column, not visible)
        self.save_columns()

    def reset_columns(self) -> None:
        header = self.view.horizontalHeader()
        for col, width in enumerate(DEFAULT_WIDTHS):
            header.setSectionHidden(col, False)
            header.moveSection(header.visualIndex(col), col)
            header.resizeSection(col, width)
        self.save_columns()

    def save_columns(self) -> None:
        QSettings().setValue(SETTINGS_HEADER, self.view.horizontalHeader().saveState())

    def _restore_columns(self) -> None:
        state = QSettings().value(SETTINGS_HEADER)
        if isinstance(state, QByteArray) and not state.isEmpty():
            header = self.view.horizontalHeader()
            header.restoreState(state)

    def hideEvent(self, event: Any) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_columns()
        super().hideEvent(event)


__all__ = ["PeoplePage"]

