"""Kế hoạch & đăng ký: the year's plan (number, theme, phases with dates, socio-economic
targets with actual figures) and the registrations of units and people for titles, with
totals per title against the plan (a target, never a quota)."""
from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.vocabulary import TITLES
from services.records import plan as svc
from services.records.people import parse_date
from services.system.text import format_date
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.export import export_model
from ui.unit_dialog import fill_unit_combo, tree_choices

PHASE_HEADERS = ["Tên đợt", "Từ ngày", "Đến ngày", "Nội dung"]
TARGET_HEADERS = ["Chỉ tiêu", "Đơn vị tính", "So sánh", "Chỉ tiêu (từ)", "Đến", "Thực hiện", "Đạt?", "Ghi chú"]
TOTAL_HEADERS = ["Danh hiệu", "Cá nhân đăng ký", "Tập thể đăng ký", "Kế hoạch", "Ghi chú kế hoạch"]
REG_HEADERS = ["Danh hiệu", "Đối tượng", "Mã", "Tên", "Đơn vị"]


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return (f"{v:g}").replace(".", ",")


def _parse_num(text: str, label: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{label} “{text}” không phải là số.") from None


def _table(headers: list[str], editable: bool = True) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setAlternatingRowColors(True)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if not editable:
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class PlanPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        context.database_changed.connect(lambda _db: self.reload())
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("plan_year")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(date.today().year)
        self.year_spin.valueChanged.connect(lambda _v: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        top.addWidget(self.year_spin)
        top.addStretch(1)

        # The plan tab.
        plan_tab = QWidget()
        form = QFormLayout()
        self.number_edit = QLineEdit()
        self.issued_edit = QLineEdit()
        self.issued_edit.setPlaceholderText("dd/mm/yyyy")
        self.title_edit = QLineEdit()
        self.theme_edit = QLineEdit()
        self.theme_edit.setObjectName("plan_theme")
        head = QHBoxLayout()
        head.addWidget(self.number_edit, 1)
        head.addWidget(QLabel("Ngày ban hành:"))
        head.addWidget(self.issued_edit)
        form.addRow("Số kế hoạch:", head)
        form.addRow("Tên kế hoạch:", self.title_edit)
        form.addRow("Chủ đề thi đua:", self.theme_edit)
        self.phases = _table(PHASE_HEADERS)
        self.phases.setObjectName("plan_phases")
        self.targets = _table(TARGET_HEADERS)
        self.targets.setObjectName("plan_targets")
        self.comparison_codes = list(svc.COMPARISONS)

        def row_buttons(table: QTableWidget, add: Any) -> QHBoxLayout:
            bar = QHBoxLayout()
            plus, minus = QPushButton("Thêm dòng"), QPushButton("Xóa dòng")
            plus.clicked.connect(add)
            minus.clicked.connect(lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None)
            bar.addWidget(plus)
            bar.addWidget(minus)
            bar.addStretch(1)
            return bar

        self.save_button = QPushButton("Lưu kế hoạch")
        self.save_button.setObjectName("save_plan")
        self.save_button.clicked.connect(self.save_plan)
        layout = QVBoxLayout(plan_tab)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Các đợt thi đua</b>"))
        layout.addWidget(self.phases, 1)
        layout.addLayout(row_buttons(self.phases, lambda: self._add_phase(svc.PhaseInput("", None, None))))
        layout.addWidget(QLabel("<b>Chỉ tiêu kinh tế - xã hội</b> (nhập kết quả thực hiện ở cột “Thực hiện”)"))
        layout.addWidget(self.targets, 2)
        bar = row_buttons(self.targets, lambda: self._add_target(svc.TargetInput("")))
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

        # The registrations tab.
        reg_tab = QWidget()
        self.totals = _table(TOTAL_HEADERS, editable=False)
        self.totals.setObjectName("registration_totals")
        self.registrations = _table(REG_HEADERS, editable=False)
        self.registrations.setObjectName("registrations")
        self.reg_title = QComboBox()
        self.reg_title.setObjectName("registration_title")
        for code, name, *_ in TITLES:
            self.reg_title.addItem(name, code)
        self.reg_person = QLineEdit()
        self.reg_person.setObjectName("registration_person")
        self.reg_person.setPlaceholderText("mã cán bộ (cá nhân)")
        self.reg_unit = QComboBox()
        self.reg_unit.setObjectName("registration_unit")
        self.reg_unit.setMinimumWidth(220)
        add = QPushButton("Thêm đăng ký")
        add.setObjectName("add_registration")
        add.clicked.connect(self.add_registration)
        remove = QPushButton("Xóa đăng ký")
        remove.clicked.connect(self.delete_registration)
        export = QPushButton("Xuất Excel")
        export.clicked.connect(lambda: export_model(self, self.registrations.model(),
                                                    f"Đăng ký thi đua năm {self.year_spin.value()}"))
        bar = QHBoxLayout()
        for w in (QLabel("Danh hiệu:"), self.reg_title, self.reg_person, QLabel("hoặc đơn vị:"), self.reg_unit, add,
                  remove):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(export)
        reg_layout = QVBoxLayout(reg_tab)
        reg_layout.addWidget(QLabel("<b>Tổng hợp theo danh hiệu</b> (so với kế hoạch; kế hoạch là chỉ tiêu phấn đấu, "
                                    "không phải tỷ lệ tối đa)"))
        reg_layout.addWidget(self.totals, 1)
        reg_layout.addLayout(bar)
        reg_layout.addWidget(self.registrations, 2)

        self.tabs = QTabWidget()
        self.tabs.addTab(plan_tab, "Kế hoạch thi đua")
        self.tabs.addTab(reg_tab, "Đăng ký thi đua")
        main = QVBoxLayout(self)
        main.setContentsMargins(0, 0, 0, 0)
        main.addLayout(top)
        main.addWidget(self.tabs, 1)
        self._loaded = False

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        if not self._loaded:
            with self.database.session() as s:
                from sqlalchemy import func, select

                from models import EmulationPlan
                latest = s.scalar(select(func.max(EmulationPlan.year)))
            if latest:
                self.year_spin.blockSignals(True)
                self.year_spin.setValue(latest)
                self.year_spin.blockSignals(False)
            self.reload()

    def reload(self) -> None:
        self._loaded = True
        year = self.year_spin.value()
        fill_unit_combo(self.reg_unit, tree_choices(self.database), "— chọn đơn vị —")
        with self.database.session() as s:
            plan = svc.load_plan(s, year)
            totals = svc.registration_totals(s, year)
            regs = svc.list_registrations(s, year)
        self.number_edit.setText(plan.number if plan else "")
        self.issued_edit.setText(format_date(plan.issued_on) if plan and plan.issued_on else "")
        self.title_edit.setText(plan.title if plan else "")
        self.theme_edit.setText(plan.theme if plan else "")
        self.general_goal = plan.general_goal if plan else ""
        self.phases.setRowCount(0)
        self.targets.setRowCount(0)
        for p in (plan.phases if plan else []):
            self._add_phase(svc.PhaseInput(p.name, p.start_date, p.end_date, p.description))
        for t in (plan.targets if plan else []):
            self._add_target(svc.TargetInput(t.description, t.unit_of_measure, t.comparison, t.target_value,
                                             t.target_max, t.actual_value, t.note))
        self.phases.resizeColumnsToContents()
        self.phases.setColumnWidth(0, 260)
        self.targets.setColumnWidth(0, 380)
        self.totals.setRowCount(len(totals))
        for r, t in enumerate(totals):
            for c, v in enumerate([t.title_name, str(t.people), str(t.units), t.target, t.note]):
                self.totals.setItem(r, c, QTableWidgetItem(v))
        self.totals.resizeColumnsToContents()
        self.registrations.setRowCount(len(regs))
        self._reg_ids = [r.id for r in regs]
        for r, g in enumerate(regs):
            for c, v in enumerate([g.title_name, "Cá nhân" if g.subject == "person" else "Tập thể", g.code, g.name,
                                   g.unit_name]):
                self.registrations.setItem(r, c, QTableWidgetItem(v))
        self.registrations.resizeColumnsToContents()

    def _add_phase(self, p: svc.PhaseInput) -> None:
        r = self.phases.rowCount()
        self.phases.insertRow(r)
        for c, v in enumerate([p.name, format_date(p.start_date) if p.start_date else "",
                               format_date(p.end_date) if p.end_date else "", p.description]):
            self.phases.setItem(r, c, QTableWidgetItem(v))

    def _add_target(self, t: svc.TargetInput) -> None:
        r = self.targets.rowCount()
        self.targets.insertRow(r)
        combo = QComboBox()
        for code, label in svc.COMPARISONS.items():
            combo.addItem(label, code)
        combo.setCurrentIndex(max(0, combo.findData(t.comparison)))
        met = svc.target_met(t)
        values = [t.description, t.unit_of_measure, None, _num(t.target_value), _num(t.target_max),
                  _num(t.actual_value), "" if met is None else ("Đạt" if met else "Chưa đạt"), t.note]
        for c, v in enumerate(values):
            if v is None:
                self.targets.setCellWidget(r, c, combo)
                continue
            item = QTableWidgetItem(v)
            if c == 6:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if met is not None:
                    item.setForeground(QBrush(QColor("#1d6b3a" if met else "#b03a2e")))
            self.targets.setItem(r, c, item)

    def _text(self, table: QTableWidget, r: int, c: int) -> str:
        item = table.item(r, c)
        return item.text().strip() if item else ""

    def plan_input(self) -> svc.PlanInput:
        """What is on screen; ValueError (Vietnamese) for a wrong date or number."""
        data = svc.PlanInput(self.number_edit.text(), parse_date(self.issued_edit.text(), "Ngày ban hành"),
                             self.title_edit.text(), self.theme_edit.text(), getattr(self, "general_goal", ""))
        for r in range(self.phases.rowCount()):
            data.phases.append(svc.PhaseInput(
                self._text(self.phases, r, 0), parse_date(self._text(self.phases, r, 1), f"Từ ngày (dòng {r + 1})"),
                parse_date(self._text(self.phases, r, 2), f"Đến ngày (dòng {r + 1})"), self._text(self.phases, r, 3)))
        for r in range(self.targets.rowCount()):
            combo = self.targets.cellWidget(r, 2)
            data.targets.append(svc.TargetInput(
                self._text(self.targets, r, 0), self._text(self.targets, r, 1), combo.currentData(),
                _parse_num(self._text(self.targets, r, 3), f"Chỉ tiêu dòng {r + 1}"),
                _parse_num(self._text(self.targets, r, 4), f"Giá trị đến dòng {r + 1}"),
                _parse_num(self._text(self.targets, r, 5), f"Thực hiện dòng {r + 1}"), self._text(self.targets, r, 7)))
        return data

    def save_plan(self) -> bool:
        try:
            data = self.plan_input()
        except ValueError as exc:
            dialogs.tell(self, "Chưa lưu được kế hoạch", str(exc))
            return False
        year = self.year_spin.value()
        if dialogs.run_change(self, self.database, lambda s: svc.save_plan(s, year, data).id,
                              "Chưa lưu được kế hoạch") is None:
            return False
        self.reload()
        return True

    def add_registration(self) -> bool:
        year, code = self.year_spin.value(), self.reg_title.currentData()
        person, unit = self.reg_person.text().strip() or None, self.reg_unit.currentData()
        if dialogs.run_change(self, self.database, lambda s: svc.add_registration(
                s, year, code, person_code=person, unit_id=None if person else unit).id,
                "Không thêm được đăng ký") is None:
            return False
        self.reg_person.clear()
        self.reload()
        return True

    def delete_registration(self) -> None:
        r = self.registrations.currentRow()
        if r < 0:
            return
        rid = self._reg_ids[r]
        if dialogs.run_change(self, self.database, lambda s: svc.delete_registration(s, rid) or True,
                              "Không xóa được đăng ký") is not None:
            self.reload()


__all__ = ["PlanPage"]
