"""Sáng kiến: the initiatives register (level, recognising decision, year) with the award
that used each one; add, edit, delete (only while unused), filter, export."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.vocabulary import INITIATIVE_LEVELS
from services.records import initiatives as svc
from services.system.text import matches
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.export import export_model

HEADERS = ["Năm", "Mã", "Tên sáng kiến, đề tài", "Cấp công nhận", "Quyết định công nhận", "Tác giả", "Đơn vị",
           "Đã dùng cho khen thưởng"]


class InitiativeDialog(QDialog):
    def __init__(self, database: Database, row: svc.InitiativeRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database, self.row, self.saved_id = database, row, None
        self.setWindowTitle("Sửa sáng kiến" if row else "Thêm sáng kiến")
        self.resize(560, 0)
        self.code = QLineEdit(row.code if row else "")
        self.person = QLineEdit(row.person_code if row else "")
        self.person.setPlaceholderText("mã cán bộ, vd. CB0001")
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(row.year if row else 2024)
        self.level = QComboBox()
        for code, label in INITIATIVE_LEVELS.items():
            self.level.addItem(label, code)
        if row:
            self.level.setCurrentIndex(self.level.findData(row.level))
        self.title = QLineEdit(row.title if row else "")
        self.recognized_by = QLineEdit(row.recognized_by if row else "")
        self.recognized_by.setPlaceholderText("vd. QĐ 12/QĐ-SLĐTBXH")
        self.error = QLabel("")
        self.error.setStyleSheet(dialogs.ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QFormLayout()
        for label, w in (("Mã sáng kiến:", self.code), ("Tác giả (mã cán bộ):", self.person), ("Năm công nhận:", self.year),
                         ("Cấp công nhận:", self.level), ("Tên sáng kiến, đề tài:", self.title),
                         ("Quyết định công nhận:", self.recognized_by)):
            form.addRow(label, w)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Lưu", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        data = svc.InitiativeInput(self.code.text(), self.person.text(), self.year.value(), self.level.currentData(),
                                   self.title.text(), self.recognized_by.text())
        rid = self.row.id if self.row else None
        try:
            with self.database.session() as s, s.begin():
                self.saved_id = svc.save_initiative(s, data, rid).id
        except Exception as exc:  # noqa: BLE001 - validation and permission errors shown in the form
            self.error.setText(str(exc))
            return
        self.accept()


class InitiativesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[svc.InitiativeRow] = []
        self.shown: list[svc.InitiativeRow] = []
        context.database_changed.connect(lambda _db: self.reload())
        self.search = QLineEdit()
        self.search.setObjectName("initiative_search")
        self.search.setPlaceholderText("Tìm theo tên sáng kiến, tác giả, mã… (gõ không dấu cũng được)")
        self.search.textChanged.connect(lambda _t: self.fill())
        self.year = QComboBox()
        self.year.setObjectName("initiative_year")
        self.year.currentIndexChanged.connect(lambda _i: self.fill())
        self.only_free = QComboBox()
        self.only_free.addItem("Tất cả", None)
        self.only_free.addItem("Chưa dùng cho khen thưởng", False)
        self.only_free.addItem("Đã dùng cho khen thưởng", True)
        self.only_free.currentIndexChanged.connect(lambda _i: self.fill())
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(QLabel("Năm:"))
        top.addWidget(self.year)
        top.addWidget(self.only_free)
        buttons = QHBoxLayout()
        for text, slot in (("Thêm sáng kiến", self.add), ("Sửa", self.edit), ("Xóa", self.delete)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        self.count = QLabel("")
        buttons.addWidget(self.count, 1)
        export = QPushButton("Xuất Excel")
        export.clicked.connect(lambda: export_model(self, self.table.model(), "Danh sách sáng kiến"))
        buttons.addWidget(export)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("initiatives_table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        for c, w in enumerate([45, 95, 250, 110, 150, 170, 150]):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._loaded = False

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        if not self._loaded:
            self.reload()

    def reload(self) -> None:
        self._loaded = True
        with self.database.session() as s:
            self.rows = svc.list_initiatives(s)
        current = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem("Tất cả các năm", None)
        for y in sorted({r.year for r in self.rows}, reverse=True):
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(current)))
        self.year.blockSignals(False)
        self.fill()

    def fill(self) -> None:
        text, year, used = self.search.text(), self.year.currentData(), self.only_free.currentData()
        self.shown = [r for r in self.rows if (year is None or r.year == year)
                      and (used is None or bool(r.used_by) == used)
                      and (not text or matches(text, r.code, r.title, r.person_name, r.person_code, r.recognized_by))]
        self.table.setRowCount(len(self.shown))
        for i, r in enumerate(self.shown):
            for c, v in enumerate([str(r.year), r.code, r.title, r.level_label, r.recognized_by,
                                   f"{r.person_name} ({r.person_code})", r.unit_name, r.used_by or "Chưa dùng"]):
                item = QTableWidgetItem(v)
                if c == 2:
                    item.setToolTip(r.title)
                self.table.setItem(i, c, item)
        used_count = sum(1 for r in self.shown if r.used_by)
        self.count.setText(f"{len(self.shown)} sáng kiến · {used_count} đã dùng cho khen thưởng")

    def current(self) -> svc.InitiativeRow | None:
        r = self.table.currentRow()
        return self.shown[r] if 0 <= r < len(self.shown) else None

    def add(self) -> None:
        if InitiativeDialog(self.database, parent=self).exec():
            self.reload()

    def edit(self) -> None:
        row = self.current()
        if row and InitiativeDialog(self.database, row, parent=self).exec():
            self.reload()

    def delete(self) -> None:
        row = self.current()
        if row is None or not dialogs.ask(self, "Xóa sáng kiến", f"Xóa sáng kiến “{row.title}”?", yes="Xóa"):
            return
        if dialogs.run_change(self, self.database, lambda s: svc.delete_initiative(s, row.id) or True,
                              "Không xóa được sáng kiến") is not None:
            self.reload()


__all__ = ["InitiativeDialog", "InitiativesPage"]
