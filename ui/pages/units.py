"""Đơn vị: the unit tree. Drag a unit onto another to re-parent it (cycles are refused),
order with Lên/Xuống, deactivate, add, edit, delete (restorable) and export."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import (
    QDropEvent,
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from services.records import units as svc
from services.records.units import UnitRow
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.export import export_model
from ui.style import format_int
from ui.unit_dialog import UnitDialog
from ui.worker import error_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HEADERS = ["Tên đơn vị", "Mã", "Loại đơn vị", "Số cán bộ (gồm cấp dưới)", "Tình trạng"]


class UnitTreeView(QTreeView):
    """The tree; a drop asks the page to move the unit (the tree is then re-read)."""

    def __init__(self, page: UnitsPage) -> None:
        super().__init__()
        self.page = page
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def dropEvent(self, event: QDropEvent) -> None:
        source = self.currentIndex()
        target = self.indexAt(event.position().toPoint())
        # The model never moves items itself: the service decides, then the tree is reloaded.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.ignore()
        if not source.isValid():
            return
        unit_id = source.siblingAtColumn(0).data(ID_ROLE)
        where = self.dropIndicatorPosition()
        if not target.isValid() or where == QAbstractItemView.DropIndicatorPosition.OnViewport:
            self.page.move_unit(unit_id, None, None)
            return
        target = target.siblingAtColumn(0)
        if where == QAbstractItemView.DropIndicatorPosition.OnItem:
            self.page.move_unit(unit_id, target.data(ID_ROLE), None)
            return
        parent = target.parent()
        parent_id = parent.data(ID_ROLE) if parent.isValid() else None
        row = target.row() + (1 if where == QAbstractItemView.DropIndicatorPosition.BelowItem else 0)
        if source.parent() == parent and source.row() < row:
            row -= 1  # the unit itself leaves its old place above
        self.page.move_unit(unit_id, parent_id, row)


class DeletedUnitsDialog(QDialog):
    """The deleted units, to restore."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.restored: list[int] = []
        self.setWindowTitle("Đơn vị đã xóa")
        self.resize(640, 380)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("deleted_units")
        self.table.setHorizontalHeaderLabels(["Tên đơn vị", "Mã", "Ngày xóa"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel("Không có đơn vị nào đã xóa.")
        self.empty.setObjectName("emptyNote")
        self.restore_button = QPushButton("Khôi phục")
        self.restore_button.setObjectName("restore_unit")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox()
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Chọn đơn vị rồi bấm “Khôi phục” để đưa đơn vị trở lại cây đơn vị."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        with self.database.session() as session:
            rows = svc.list_units(session, deleted=True)
        self.table.setRowCount(len(rows))
        for r, unit in enumerate(rows):
            item = QTableWidgetItem(unit.name)
            item.setData(ID_ROLE, unit.id)
            self.table.setItem(r, 0, item)
            self.table.setItem(r, 1, QTableWidgetItem(unit.code))
            stamp = unit.deleted_at.strftime("%d/%m/%Y %H:%M") if unit.deleted_at else ""
            self.table.setItem(r, 2, QTableWidgetItem(stamp))
        self.empty.setVisible(not rows)
        self.restore_button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        unit_id = self.table.item(row, 0).data(ID_ROLE)
        if dialogs.run_change(self, self.database, lambda s: svc.restore_unit(s, unit_id).id,
                              "Không khôi phục được đơn vị") is not None:
            self.restored.append(unit_id)
            self.reload()


class UnitsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: dict[int, UnitRow] = {}
        self._loaded = False
        self._request = 0
        context.database_changed.connect(lambda _db: self.reload())

        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(HEADERS)
        self.tree = UnitTreeView(self)
        self.tree.setObjectName("unit_tree")
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.doubleClicked.connect(lambda _i: self.edit_unit())
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())

        def button(text: str, name: str, slot: Any, tip: str) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            return b

        self.add_button = button("Thêm đơn vị", "add_unit", lambda: self.add_unit(False), "Thêm đơn vị ngang cấp (Ctrl+N)")
        self.add_child_button = button("Thêm đơn vị cấp dưới", "add_child_unit", lambda: self.add_unit(True),
                                       "Thêm đơn vị trực thuộc đơn vị đang chọn")
        self.edit_button = button("Sửa", "edit_unit", self.edit_unit, "Sửa thông tin đơn vị đang chọn (Enter)")
        self.up_button = button("▲ Lên", "unit_up", lambda: self.reorder(-1), "Đưa đơn vị lên trên trong cùng cấp")
        self.down_button = button("▼ Xuống", "unit_down", lambda: self.reorder(+1), "Đưa đơn vị xuống dưới trong cùng cấp")
        self.active_button = button("Ngừng hoạt động", "toggle_unit_active", self.toggle_active,
                                    "Đánh dấu đơn vị ngừng hoạt động (không xóa, vẫn giữ hồ sơ)")
        self.delete_button = button("Xóa", "delete_unit", self.delete_unit,
                                    "Xóa đơn vị không còn cán bộ và đơn vị cấp dưới (có thể khôi phục)")
        self.deleted_button = button("Đã xóa…", "deleted_units", self.show_deleted, "Xem và khôi phục đơn vị đã xóa")
        self.export_button = button("Xuất Excel", "export_units", self.export, "Xuất cây đơn vị ra tệp Excel")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_button, self.add_child_button, self.edit_button, self.up_button, self.down_button,
                  self.active_button, self.delete_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.deleted_button)
        bar.addWidget(self.export_button)
        QShortcut(QKeySequence.StandardKey.New, self, activated=lambda: self.add_unit(False))
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.tree, activated=self.edit_unit)
        QShortcut(QKeySequence.StandardKey.Delete, self.tree, activated=self.delete_unit)

        # The selected unit's details.
        self.details = QGroupBox("Thông tin đơn vị")
        self.details.setObjectName("unit_details")
        form = QFormLayout(self.details)
        self.detail_labels: dict[str, QLabel] = {}
        for key, label in (("name", "Tên đơn vị:"), ("code", "Mã:"), ("kind", "Loại:"), ("parent", "Trực thuộc:"),
                           ("people", "Cán bộ đang công tác:"), ("people_total", "Gồm cả đơn vị cấp dưới:"),
                           ("children", "Đơn vị cấp dưới:"), ("state", "Tình trạng:")):
            value = QLabel("")
            value.setObjectName(f"unit_detail_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail_labels[key] = value
            form.addRow(label, value)
        hint = QLabel("Mẹo: kéo một đơn vị thả vào đơn vị khác để chuyển làm cấp dưới; "
                      "thả vào giữa hai đơn vị để đặt thứ tự.")
        hint.setWordWrap(True)
        hint.setObjectName("emptyNote")
        form.addRow(hint)

        self.status = QLabel("")
        self.status.setObjectName("loadStatus")
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._selection_changed()

    # Loading --------------------------------------------------------------------------

    def page_shown(self) -> None:
        if not self._loaded:
            self.reload()

    @property
    def database(self) -> Database:
        return self.context.database

    def reload(self, select_id: int | None = None) -> None:
        """Re-read the tree (two queries) and select ``select_id`` (default: the current unit)."""
        if select_id is None:
            select_id = self.current_unit_id()
        expanded = self._expanded_ids()
        try:
            with self.database.session() as session:
                rows = svc.list_units(session)
        except Exception as exc:  # noqa: BLE001 - shown on the page
            self.status.setText(f"Không đọc được danh sách đơn vị: {error_text(exc)}. Hãy mở lại trang hoặc cơ sở dữ liệu.")
            return
        self._loaded = True
        self.rows = {r.id: r for r in rows}
        self.model.removeRows(0, self.model.rowCount())
        items: dict[int, QStandardItem] = {}
        root = self.model.invisibleRootItem()
        for r in rows:
            parent_item = items.get(r.parent_id) if r.parent_id is not None else None
            row_items = self._items(r)
            (parent_item or root).appendRow(row_items)
            items[r.id] = row_items[0]
        if expanded is None:
            self.tree.expandToDepth(0)
        else:
            for unit_id in expanded:
                if unit_id in items:
                    self.tree.setExpanded(items[unit_id].index(), True)
        active = sum(1 for r in rows if r.active)
        people = sum(r.people for r in rows)
        self.status.setText(f"{format_int(len(rows))} đơn vị ({format_int(active)} đang hoạt động), "
                            f"{format_int(people)} cán bộ đang công tác.")
        if select_id in items:
            index = items[select_id].index()
            parent = index.parent()
            while parent.isValid():
                self.tree.setExpanded(parent, True)
                parent = parent.parent()
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.tree.scrollTo(index)
        elif rows:
            self.tree.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._selection_changed()

    def _items(self, r: UnitRow) -> list[QStandardItem]:
        values = [r.name, r.code, r.kind_label, format_int(r.people_total), "Đang hoạt động" if r.active else "Ngừng hoạt động"]
        items = []
        for col, text in enumerate(values):
            item = QStandardItem(text)
            item.setData(r.id, ID_ROLE)
            item.setEditable(False)
            item.setDropEnabled(True)
            if col == 3:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(f"{r.people} cán bộ trực tiếp, {r.people_total} kể cả đơn vị cấp dưới")
            if not r.active:
                item.setForeground(Qt.GlobalColor.gray)
            items.append(item)
        return items

    def _expanded_ids(self) -> set[int] | None:
        if not self._loaded:
            return None
        found: set[int] = set()

        def walk(parent: QModelIndex) -> None:
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                if self.tree.isExpanded(index):
                    found.add(index.data(ID_ROLE))
                walk(index)

        walk(QModelIndex())
        return found

    # Selection --------------------------------------------------------------------------

    def current_unit_id(self) -> int | None:
        index = self.tree.currentIndex()
        return index.siblingAtColumn(0).data(ID_ROLE) if index.isValid() else None

    def select_unit(self, unit_id: int) -> None:
        self.reload(unit_id)

    def _selection_changed(self) -> None:
        unit = self.rows.get(self.current_unit_id() or -1)
        for b in (self.add_child_button, self.edit_button, self.up_button, self.down_button, self.active_button,
                  self.delete_button):
            b.setEnabled(unit is not None)
        if unit is None:
            for label in self.detail_labels.values():
                label.setText("")
            self.details.setTitle("Thông tin đơn vị")
            return
        self.active_button.setText("Ngừng hoạt động" if unit.active else "Hoạt động trở lại")
        parent = self.rows.get(unit.parent_id) if unit.parent_id else None
        values = {
            "name": unit.name, "code": unit.code, "kind": unit.kind_label,
            "parent": parent.name if parent else "Trực thuộc Sở (cấp cao nhất)",
            "people": format_int(unit.people), "people_total": format_int(unit.people_total),
            "children": format_int(len(unit.children)) if unit.children else "Không có",
            "state": "Đang hoạt động" if unit.active else "Ngừng hoạt động",
        }
        for key, text in values.items():
            self.detail_labels[key].setText(text)

    # Actions ----------------------------------------------------------------------------

    def add_unit(self, as_child: bool) -> int | None:
        current = self.rows.get(self.current_unit_id() or -1)
        parent_id = current.id if (as_child and current) else (current.parent_id if current else None)
        dialog = UnitDialog(self.database, parent_id=parent_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_id:
            self.reload(dialog.saved_id)
            return dialog.saved_id
        return None

    def edit_unit(self) -> None:
        unit_id = self.current_unit_id()
        if unit_id is None:
            return
        dialog = UnitDialog(self.database, unit_id=unit_id, parent=self)
        dialog.exec()
        self.reload(unit_id)  # also after a refused stale edit: show the current data

    def move_unit(self, unit_id: int, parent_id: int | None, position: int | None) -> bool:
        done = dialogs.run_change(self, self.database, lambda s: svc.move_unit(s, unit_id, parent_id, position).id,
                                  "Không chuyển được đơn vị")
        self.reload(unit_id)
        return done is not None

    def reorder(self, delta: int) -> None:
        unit_id = self.current_unit_id()
        if unit_id is not None:
            dialogs.run_change(self, self.database, lambda s: svc.reorder_unit(s, unit_id, delta))
            self.reload(unit_id)

    def toggle_active(self) -> None:
        unit = self.rows.get(self.current_unit_id() or -1)
        if unit is None:
            return
        if unit.active and unit.people_total and not dialogs.ask(
                self, "Ngừng hoạt động",
                f"“{unit.name}” còn {unit.people_total} cán bộ đang công tác (kể cả đơn vị cấp dưới). "
                "Đơn vị ngừng hoạt động sẽ không còn được chọn khi thêm cán bộ mới. Tiếp tục?"):
            return
        dialogs.run_change(self, self.database, lambda s: svc.set_unit_active(s, unit.id, not unit.active, unit.version).id)
        self.reload(unit.id)

    def delete_unit(self) -> None:
        unit = self.rows.get(self.current_unit_id() or -1)
        if unit is None:
            return
        if not dialogs.ask(self, "Xóa đơn vị", f"Xóa đơn vị “{unit.name}”? Có thể khôi phục lại trong mục “Đã xóa…”.",
                           yes="Xóa"):
            return
        if dialogs.run_change(self, self.database, lambda s: svc.delete_unit(s, unit.id, unit.version).id,
                              "Không xóa được đơn vị") is not None:
            self.reload(unit.parent_id)

    def show_deleted(self) -> None:
        dialog = DeletedUnitsDialog(self.database, self)
        dialog.exec()
        if dialog.restored:
            self.reload(dialog.restored[-1])

    def export(self) -> None:
        export_model(self, self.model, "Danh sách đơn vị", file_stem="Danh sách đơn vị")
