"""Nhật ký: who changed what and when, with the old and new values, newest first."""
from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from models import AuditEntry
from services.system.text import fold
from ui.context import AppContext

PAGE_LIMIT = 2000
ACTION_LABELS = {
    "create": "Thêm", "update": "Sửa", "delete": "Xóa", "restore": "Khôi phục", "import": "Nhập dữ liệu",
    "override": "Điều chỉnh", "decide": "Ra quyết định", "cancel": "Hủy", "sign_in": "Đăng nhập", "print": "In",
}
ENTITY_LABELS = {
    "unit": "Đơn vị", "person": "Cán bộ", "evaluation": "Bình xét cá nhân", "unit_evaluation": "Bình xét đơn vị",
    "initiative": "Sáng kiến", "award": "Khen thưởng", "decision": "Quyết định", "nomination": "Đề nghị",
    "nomination_list": "Danh sách đề nghị", "user_account": "Tài khoản", "agency": "Cơ quan", "signer": "Người ký",
    "rule_set": "Bộ quy định", "setting": "Cài đặt", "database": "Cơ sở dữ liệu", "registration": "Đăng ký thi đua",
    "emulation_plan": "Kế hoạch", "certificate_record": "Sổ vàng",
}
COLUMNS = ["Thời điểm", "Người dùng", "Thao tác", "Đối tượng", "Mã", "Giá trị cũ", "Giá trị mới", "Lý do"]


def _values(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    return "; ".join(f"{k}: {json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}" for k, v in data.items())


def _to_stored(local: datetime, utc: bool) -> datetime:
    """A local time as the database stores it (SQLite's CURRENT_TIMESTAMP is UTC)."""
    return local.astimezone(UTC).replace(tzinfo=None) if utc else local


def _to_local(stored: datetime, utc: bool) -> datetime:
    return stored.replace(tzinfo=UTC).astimezone().replace(tzinfo=None) if utc else stored


class AuditPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.entity = QComboBox()
        self.user = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm trong giá trị, lý do (không cần dấu)…")
        self.date_from = QDateEdit(QDate.currentDate().addMonths(-1))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        reload_button = QPushButton("Tải lại")
        reload_button.clicked.connect(self.reload)
        for label, widget in (("Đối tượng", self.entity), ("Người dùng", self.user), ("Từ ngày", self.date_from),
                              ("đến", self.date_to)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        bar.addWidget(reload_button)
        layout.addLayout(bar)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (5, 6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self._entries: list[AuditEntry] = []
        for widget in (self.entity, self.user):
            widget.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        context.database_changed.connect(lambda _db: self.reload())
        self.reload()

    def page_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        start = datetime.combine(self.date_from.date().toPython(), time.min)
        end = datetime.combine(self.date_to.date().toPython(), time.min) + timedelta(days=1)
        self._utc = self.context.database.engine.dialect.name == "sqlite"
        start, end = _to_stored(start, self._utc), _to_stored(end, self._utc)
        with self.context.database.session() as s:
            self._entries = list(s.scalars(
                select(AuditEntry).where(AuditEntry.at >= start, AuditEntry.at < end)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(PAGE_LIMIT)))
        self._fill_combo(self.entity, "Mọi đối tượng", sorted({e.entity for e in self._entries}),
                         lambda code: ENTITY_LABELS.get(code, code))
        self._fill_combo(self.user, "Mọi người dùng", sorted({e.username for e in self._entries}),
                         lambda name: name or "(không đăng nhập)")
        self._apply_filter()

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, codes: list[str], label) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for code in codes:
            combo.addItem(label(code), code)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def visible_entries(self) -> list[AuditEntry]:
        entity, user = self.entity.currentData(), self.user.currentData()
        query = fold(self.search.text().strip())
        rows = []
        for e in self._entries:
            if entity is not None and e.entity != entity:
                continue
            if user is not None and e.username != user:
                continue
            if query and query not in fold(f"{_values(e.old)} {_values(e.new)} {e.reason}"):
                continue
            rows.append(e)
        return rows

    def _apply_filter(self) -> None:
        rows = self.visible_entries()
        self.table.setRowCount(len(rows))
        for r, e in enumerate(rows):
            cells = [
                _to_local(e.at, self._utc).strftime("%d/%m/%Y %H:%M:%S") if e.at else "",
                e.username or "(không đăng nhập)",
                ACTION_LABELS.get(e.action, e.action),
                ENTITY_LABELS.get(e.entity, e.entity),
                "" if e.entity_id is None else str(e.entity_id),
                _values(e.old),
                _values(e.new),
                e.reason,
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        more = f" (chỉ hiện {PAGE_LIMIT} dòng mới nhất; hãy thu hẹp khoảng ngày)" if len(self._entries) >= PAGE_LIMIT else ""
        self.status.setText(f"{len(rows)} mục nhật ký{more}.")
