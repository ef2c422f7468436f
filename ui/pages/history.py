"""Hồ sơ thành tích: find a person or unit (diacritics-insensitive) and see every title
and award by year with its decision number, the yearly ratings and the initiatives; and
"Đề xuất khen cao": who reaches the conditions for the higher forms this year and whose
chains complete next year."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Award, Decision, Evaluation, Person, Unit
from models.db import Database
from models.vocabulary import INITIATIVE_LEVELS, RATINGS
from services.awards import history as svc
from services.system.text import fold, name_sort_key
from ui.context import AppContext
from ui.pages.nominations import _table, title_names
from ui.worker import run_in_background, show_error

MAX_SHOWN = 300


@dataclass
class Subject:
    kind: str  # person / unit
    id: int
    code: str
    name: str
    unit: str
    awards: int
    key: str  # folded text searched


def load_subjects(session: Session) -> list[Subject]:
    valid = (Award.decision_id.is_(None)) | (Decision.state != "da_huy")
    person_awards = dict(session.execute(
        select(Award.person_id, func.count()).outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Award.person_id.is_not(None), valid).group_by(Award.person_id)).all())
    unit_awards = dict(session.execute(
        select(Award.unit_id, func.count()).outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Award.unit_id.is_not(None), valid).group_by(Award.unit_id)).all())
    units = {u.id: u for u in session.scalars(select(Unit))}
    out = []
    for pid, code, name, unit_id in session.execute(
            select(Person.id, Person.code, Person.full_name, Person.unit_id).where(Person.deleted_at.is_(None))):
        unit = units[unit_id].name if unit_id in units else ""
        out.append(Subject("person", pid, code, name, unit, person_awards.get(pid, 0), fold(f"{code} {name} {unit}")))
    for u in units.values():
        parent = units[u.parent_id].name if u.parent_id in units else ""
        out.append(Subject("unit", u.id, u.code, u.name, parent, unit_awards.get(u.id, 0), fold(f"{u.code} {u.name}")))
    # The most decorated first, so the page opens on a meaningful record.
    out.sort(key=lambda x: (-x.awards, x.kind != "person", name_sort_key(x.name) if x.kind == "person" else x.name))
    return out


def latest_year(session: Session) -> int | None:
    return session.scalar(select(func.max(Evaluation.year)))


class HistoryPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.subjects: list[Subject] = []
        self.shown: list[Subject] = []
        self._loaded = False
        self._higher_year: int | None = None
        context.database_changed.connect(lambda _db: self.reload())

        self.tabs = QTabWidget()
        self.tabs.setObjectName("history_tabs")
        self.tabs.addTab(self._build_records(), "Hồ sơ thành tích")
        self.tabs.addTab(self._build_higher(), "Đề xuất khen cao")
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    # Building ---------------------------------------------------------------------------------

    def _build_records(self) -> QWidget:
        self.search = QLineEdit()
        self.search.setObjectName("history_search")
        self.search.setPlaceholderText("Tìm cán bộ hoặc đơn vị theo tên, mã… (gõ không dấu cũng được)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.filter())
        self.found = _table("subjects_table", ["Mã", "Họ và tên / Đơn vị", "Thuộc", "KT"])
        for c, w in enumerate([64, 165, 110, 34]):
            self.found.setColumnWidth(c, w)
        self.found.horizontalHeaderItem(3).setToolTip("Số khen thưởng còn hiệu lực")
        self.found.horizontalHeader().setStretchLastSection(True)
        self.found.itemSelectionChanged.connect(self.show_current)
        self.found_count = QLabel("")
        self.found_count.setObjectName("loadStatus")
        self.found_count.setWordWrap(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.search)
        ll.addWidget(self.found, 1)
        ll.addWidget(self.found_count)

        self.who = QLabel("")
        self.who.setObjectName("history_who")
        self.who.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f4e79;")
        self.who.setWordWrap(True)
        self.record = _table("record_table", ["Năm", "Xếp loại", "Danh hiệu, khen thưởng", "Số quyết định",
                                              "Ngày", "Cơ quan, người ký", "Sáng kiến đã dùng"])
        for c, w in enumerate([42, 66, 210, 125, 80, 130]):
            self.record.setColumnWidth(c, w)
        self.record.horizontalHeader().setStretchLastSection(True)
        self.initiatives = _table("initiatives_table", ["Năm", "Mã", "Cấp", "Tên sáng kiến", "Đã dùng cho QĐ"])
        for c, w in enumerate([45, 95, 95, 330]):
            self.initiatives.setColumnWidth(c, w)
        self.initiatives.horizontalHeader().setStretchLastSection(True)
        init_box = QGroupBox("Sáng kiến")
        ib = QVBoxLayout(init_box)
        ib.setContentsMargins(4, 4, 4, 4)
        ib.addWidget(self.initiatives)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.who)
        inner = QSplitter(Qt.Orientation.Vertical)
        inner.addWidget(self.record)
        inner.addWidget(init_box)
        inner.setSizes([380, 150])
        inner.setChildrenCollapsible(False)
        rl.addWidget(inner, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([395, 720])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _build_higher(self) -> QWidget:
        self.higher_year = QComboBox()
        self.higher_year.setObjectName("higher_year")
        self.higher_year.currentIndexChanged.connect(lambda _i: self.load_higher())
        self.higher_status = QLabel("")
        self.higher_status.setObjectName("loadStatus")
        self.higher_status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm xét:"))
        top.addWidget(self.higher_year)
        top.addWidget(self.higher_status, 1)
        headers = ["Hình thức", "Mã", "Họ và tên / Tập thể", "Đơn vị", "Căn cứ"]
        self.this_year = _table("higher_this_year", headers)
        self.next_year = _table("higher_next_year", ["Hình thức", "Mã", "Họ và tên", "Đơn vị", "Còn cần"])
        for t in (self.this_year, self.next_year):
            for c, w in enumerate([235, 70, 175, 80]):
                t.setColumnWidth(c, w)
            t.horizontalHeader().setStretchLastSection(True)
        self.this_box = QGroupBox("Đủ điều kiện năm nay")
        QVBoxLayout(self.this_box).addWidget(self.this_year)
        self.next_box = QGroupBox("Sẽ đủ chuỗi vào năm sau")
        QVBoxLayout(self.next_box).addWidget(self.next_year)
        w = QWidget()
        layout = QVBoxLayout(w)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.this_box)
        split.addWidget(self.next_box)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        return w

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        if not self._loaded:
            self.reload()
        else:
            self._refresh_subjects()

    # Records ----------------------------------------------------------------------------------

    def reload(self) -> None:
        self._loaded = True
        self._higher_year = None
        with self.database.session() as s:
            year = latest_year(s)
            years = sorted(set(s.scalars(select(Evaluation.year).distinct())), reverse=True)
        self.higher_year.blockSignals(True)
        self.higher_year.clear()
        for y in years:
            self.higher_year.addItem(str(y), y)
        self.higher_year.setCurrentIndex(max(0, self.higher_year.findData(year)))
        self.higher_year.blockSignals(False)
        self._refresh_subjects()
        if self.tabs.currentIndex() == 1:
            self.load_higher()

    def _refresh_subjects(self) -> None:
        current = self.current()
        with self.database.session() as s:
            self.subjects = load_subjects(s)
        self.filter(keep=(current.kind, current.id) if current else None)

    def filter(self, keep: tuple[str, int] | None = None) -> None:
        if keep is None and self.current() is not None:
            c = self.current()
            keep = (c.kind, c.id)
        words = fold(self.search.text()).split()
        matched = [x for x in self.subjects if all(w in x.key for w in words)]
        self.shown = matched[:MAX_SHOWN]
        t = self.found
        t.blockSignals(True)
        t.setRowCount(len(self.shown))
        bold = QFont()
        bold.setBold(True)
        for r, x in enumerate(self.shown):
            for c, text in enumerate([x.code, x.name, x.unit, str(x.awards) if x.awards else ""]):
                item = QTableWidgetItem(text)
                if x.kind == "unit":
                    item.setForeground(QColor("#1f4e79"))
                    item.setToolTip("Tập thể (đơn vị)")
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(r, c, item)
        t.blockSignals(False)
        more = f" (hiện {MAX_SHOWN} đầu tiên, hãy gõ thêm để thu hẹp)" if len(matched) > MAX_SHOWN else ""
        self.found_count.setText(f"{len(matched)} kết quả{more}. Xếp theo số khen thưởng.")
        index = next((r for r, x in enumerate(self.shown) if keep and (x.kind, x.id) == keep), 0 if self.shown else -1)
        if index >= 0:
            t.selectRow(index)
        self.show_current()

    def current(self) -> Subject | None:
        model = self.found.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows:
            return None
        r = rows[0].row()
        return self.shown[r] if 0 <= r < len(self.shown) else None

    def select_code(self, code: str) -> None:
        """Search ``code`` and show its record (for tests and links)."""
        self.search.setText(code)
        for r, x in enumerate(self.shown):
            if x.code == code:
                self.found.selectRow(r)
                self.show_current()
                return
        raise KeyError(code)

    def show_current(self) -> None:
        x = self.current()
        if x is None:
            self.who.setText("Không tìm thấy ai. Hãy gõ tên, mã cán bộ hoặc tên đơn vị "
                             "(có dấu hay không dấu đều được).")
            self.record.setRowCount(0)
            self.initiatives.setRowCount(0)
            return
        with self.database.session() as s:
            h = svc.person_history(s, x.id) if x.kind == "person" else svc.unit_history(s, x.id)
        kind = "Cán bộ" if x.kind == "person" else "Tập thể"
        self.who.setText(f"{kind}: {h.code} — {h.name}" + (f" ({h.unit})" if h.unit else "")
                         + f" · {len(h.awards)} khen thưởng")
        rows: list[tuple[list[str], str | None]] = []
        by_year = h.by_year()
        for y in h.years():
            rating = h.ratings.get(y)
            rating_text = rating or "chưa có"
            awards = by_year.get(y, [])
            if not awards:
                rows.append(([str(y), rating_text, "", "", "", "", ""], None))
            for i, a in enumerate(awards):
                rows.append(([str(y) if i == 0 else "", rating_text if i == 0 else "", a.title_name,
                              a.decision_number or "(không ghi số)", a.decision_date, a.authority,
                              ", ".join(a.used_initiatives)], None))
        for a in h.cancelled:
            rows.append(([str(a.year), "", f"{a.title_name} (đã hủy, không tính)", a.decision_number, a.decision_date,
                          a.authority, ""], "#b03a2e"))
        self.record.setRowCount(len(rows))
        for r, (cells, color) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if color:
                    item.setForeground(QColor(color))
                elif c == 2 and text:
                    item.setForeground(QColor("#1f4e79"))
                if c in (2, 5) and text:
                    item.setToolTip(text)
                if c == 1 and text in RATINGS:
                    item.setToolTip(RATINGS[text])
                self.record.setItem(r, c, item)
        self.initiatives.setRowCount(len(h.initiatives))
        for r, (y, code, level, title, used) in enumerate(h.initiatives):
            for c, text in enumerate([str(y), code, INITIATIVE_LEVELS.get(level, level), title, used or "Chưa dùng"]):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setToolTip(title)
                self.initiatives.setItem(r, c, item)

    def record_text(self) -> str:
        """Every cell of the record table (for tests)."""
        return "\n".join(" | ".join(self.record.item(r, c).text() for c in range(self.record.columnCount()))
                         for r in range(self.record.rowCount()))

    # Higher forms -------------------------------------------------------------------------------

    def _tab_changed(self) -> None:
        if self.tabs.currentIndex() == 1 and self._higher_year != self.higher_year.currentData():
            self.load_higher()

    def load_higher(self) -> None:
        year = self.higher_year.currentData()
        if year is None:
            self.higher_status.setText("Chưa có kết quả bình xét năm nào.")
            return
        database = self.database
        self._higher_year = year
        self.higher_status.setText(f"Đang xét năm {year}…")

        def work():
            with database.session() as s:
                return svc.higher_forms(s, year)

        def failed(exc: BaseException) -> None:
            self.higher_status.setText("Không xét được.")
            show_error(self, f"Không xét được đề xuất khen cao năm {year}.", exc,
                       "Hãy kiểm tra bộ quy định của năm ở trang Cài đặt rồi thử lại.")

        run_in_background(work, on_success=self._show_higher, on_error=failed, parent=self)

    def _show_higher(self, hf: svc.HigherForms) -> None:
        if hf.year != self.higher_year.currentData():
            return
        with self.database.session() as s:
            names = title_names(s)
        self.this_box.setTitle(f"Đủ điều kiện năm {hf.year} ({len(hf.this_year)})")
        self.next_box.setTitle(f"Sẽ đủ chuỗi vào năm {hf.year + 1} nếu tiếp tục đạt ({len(hf.next_year)})")
        for table, items in ((self.this_year, hf.this_year), (self.next_year, hf.next_year)):
            table.setRowCount(len(items))
            for r, c in enumerate(items):
                for col, text in enumerate([names.get(c.title_code, c.title_code), c.code, c.name, c.unit, c.basis]):
                    item = QTableWidgetItem(text)
                    if col == 4:
                        item.setToolTip(text)
                    table.setItem(r, col, item)
        self.higher_status.setText(f"Theo dự thảo năm {hf.year} và lịch sử khen thưởng: không bỏ sót ai đủ điều kiện "
                                   "khen cao. Chỉ là đề xuất; danh sách chính thức lập ở trang «Danh sách đề nghị».")


__all__ = ["HistoryPage"]
