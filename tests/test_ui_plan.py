"""Kế hoạch & đăng ký page through its widgets: save a plan typed on screen (a wrong date
refused), add a registration and see the totals."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTableWidgetItem

from models import Person
from services.records import plan as svc
from services.records import units
from services.records.units import UnitInput
from ui.context import AppContext
from ui.pages.plan import PlanPage


@pytest.fixture(autouse=True)
def app(qapp, monkeypatch):
    from ui.app import ensure_application

    return ensure_application()


def test_plan_page(qtbot, db, monkeypatch) -> None:
    told = []
    monkeypatch.setattr("ui.unit_dialog.tell", lambda *a, **k: told.append(a[2]))
    with db.session() as s, s.begin():
        u = units.create_unit(s, UnitInput("VP", "Văn phòng"))
        s.add(Person(code="CB1", full_name="Nguyễn Văn An", gender="nam", unit_id=u.id))
    page = PlanPage(AppContext(db))
    qtbot.addWidget(page)
    page.year_spin.setValue(2024)
    page.page_shown()
    page.number_edit.setText("18/KH-SLĐTBXH")
    page.theme_edit.setText("Trách nhiệm, hiệu quả")
    page._add_phase(svc.PhaseInput("Đợt 1", None, None))
    page.phases.setItem(0, 1, QTableWidgetItem("01/01/2024"))
    page.phases.setItem(0, 2, QTableWidgetItem("31/13/2024"))
    assert page.save_plan() is False and "Đến ngày" in told[0]
    page.phases.setItem(0, 2, QTableWidgetItem("30/06/2024"))
    assert page.save_plan() is True
    with db.session() as s:
        plan = svc.load_plan(s, 2024)
        assert plan.theme == "Trách nhiệm, hiệu quả" and plan.phases[0].end_date.month == 6
    page.reg_title.setCurrentIndex(page.reg_title.findData("CSTDCS"))
    page.reg_person.setText("CB1")
    assert page.add_registration() is True
    assert page.registrations.rowCount() == 1 and page.registrations.item(0, 2).text() == "CB1"
    assert page.totals.item(0, 0).text() == "Chiến sĩ thi đua cơ sở" and page.totals.item(0, 1).text() == "1"
