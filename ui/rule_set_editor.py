"""The rule set editor: every parameter of a rule set, by title, with the article each
rule comes from; builtin sets are shown read-only (copy first), copies are editable."""
from __future__ import annotations

import copy
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from services.awards.rules_engine import TITLE_NAMES
from services.system import settings as svc
from services.system.text import format_date
from ui import unit_dialog as dialogs

HEADERS = ["Danh hiệu", "Tham số", "Giá trị", "Căn cứ (quy tắc: điều khoản [V đã đối chiếu / U chưa xác minh])"]
READ_ONLY = QBrush(QColor("#f1f3f6"))


class RuleSetEditor(QWidget):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.rule_sets: list[Any] = []
        self.rows: list[svc.ParamRow] = []
        self.combo = QComboBox()
        self.combo.setObjectName("rule_set_combo")
        self.combo.setMinimumWidth(320)
        self.combo.currentIndexChanged.connect(lambda _i: self.show_current())
        self.copy_button = QPushButton("Sao chép để sửa…")
        self.copy_button.setObjectName("copy_rule_set")
        # clicked(bool) must not reach copy_current as the new set's name.
        self.copy_button.clicked.connect(lambda _checked=False: self.copy_current())
        self.save_button = QPushButton("Lưu bộ quy định")
        self.save_button.setObjectName("save_rule_set")
        self.save_button.clicked.connect(self.save)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Bộ quy định:"))
        bar.addWidget(self.combo)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.save_button)
        bar.addStretch(1)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("rule_params")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setColumnWidth(0, 190)
        self.table.setColumnWidth(1, 260)
        self.table.setColumnWidth(2, 200)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)

    def reload(self, select_id: int | None = None) -> None:
        with self.database.session() as s, s.begin():
            self.rule_sets = svc.list_rule_sets(s)
        current = select_id if select_id is not None else self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        for rs in self.rule_sets:
            tag = "có sẵn" if rs.builtin else "bản sao"
            self.combo.addItem(f"{rs.name} (hiệu lực từ {format_date(rs.valid_from)}, {tag})", rs.id)
        index = self.combo.findData(current)
        self.combo.setCurrentIndex(index if index >= 0 else len(self.rule_sets) - 1)
        self.combo.blockSignals(False)
        self.show_current()

    def current(self) -> Any:
        rid = self.combo.currentData()
        return next((rs for rs in self.rule_sets if rs.id == rid), None)

    def show_current(self) -> None:
        rs = self.current()
        self.rows = svc.param_rows(rs.params) if rs else []
        editable = rs is not None and not rs.builtin
        self.save_button.setEnabled(editable)
        self.info.setText((rs.description + ("" if editable else " — Bộ có sẵn chỉ để xem: bấm “Sao chép để sửa” "
                                             "để tạo bản sao có thể sửa.")) if rs else "")
        self.table.setRowCount(len(self.rows))
        for r, p in enumerate(self.rows):
            cells = [f"{p.title} – {TITLE_NAMES.get(p.title, p.title)}", p.label, svc.format_value(p.value), p.article]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{p.title}.{p.key}" if c < 2 else text)
                if c != 2 or not editable:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    if c == 2:
                        item.setBackground(READ_ONLY)
                self.table.setItem(r, c, item)

    def edited_params(self) -> dict[str, Any]:
        rs = self.current()
        params = copy.deepcopy(rs.params)
        for r, p in enumerate(self.rows):
            text = self.table.item(r, 2).text()
            try:
                params[p.title][p.key] = svc.parse_value(text, p.value)
            except ValueError as exc:
                raise ValueError(f"{p.title} – {p.label}: {exc}") from None
        return params

    def save(self) -> bool:
        rs = self.current()
        if rs is None or rs.builtin:
            return False
        try:
            params = self.edited_params()
        except ValueError as exc:
            dialogs.tell(self, "Chưa lưu được bộ quy định", str(exc))
            return False
        if dialogs.run_change(self, self.database, lambda s: svc.update_rule_set(s, rs.id, params).id,
                              "Chưa lưu được bộ quy định") is None:
            return False
        self.reload(rs.id)
        return True

    def copy_current(self, name: str | None = None) -> int | None:
        rs = self.current()
        if rs is None:
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, "Sao chép bộ quy định", "Tên bộ quy định mới:",
                                            text=f"{rs.name} của Sở {date.today().year}")
            if not ok:
                return None
        new_id = dialogs.run_change(self, self.database, lambda s: svc.copy_for_editing(s, rs.id, name).id,
                                    "Không sao chép được bộ quy định")
        if new_id is not None:
            self.reload(new_id)
        return new_id


__all__ = ["RuleSetEditor"]
