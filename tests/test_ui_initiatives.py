"""Sáng kiến page: add through the form (errors shown in it), filter without diacritics,
the award that used an initiative shown."""
from __future__ import annotations

import pytest

from models import Award, Initiative, Person
from services.records import units
from services.records.units import UnitInput
from ui.context import AppContext
from ui.pages.initiatives import InitiativeDialog, InitiativesPage


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def test_initiatives_page(qtbot, db, monkeypatch) -> None:
    with db.session() as s, s.begin():
        u = units.create_unit(s, UnitInput("VP", "Văn phòng"))
        p = Person(code="CB1", full_name="Nguyễn Văn An", gender="nam", unit_id=u.id)
        s.add(p)
        s.flush()
        award = Award(year=2023, title_code="CSTDCS", person_id=p.id)
        s.add(award)
        s.flush()
        s.add(Initiative(code="SK1", person_id=p.id, year=2023, level="co_so", title="Số hóa hồ sơ người có công",
                         used_by_award_id=award.id))
    page = InitiativesPage(AppContext(db))
    qtbot.addWidget(page)
    page.page_shown()
    assert page.table.item(0, 7).text() == "Chiến sĩ thi đua cơ sở năm 2023"

    def fill(dialog: InitiativeDialog) -> int:
        dialog.code.setText("SK2")
        dialog.person.setText("CB9")
        dialog.title.setText("Phần mềm quản lý")
        dialog.save_button.click()
        assert "Không có cán bộ mã" in dialog.error.text()
        dialog.person.setText("CB1")
        dialog.save_button.click()
        return dialog.result()

    monkeypatch.setattr(InitiativeDialog, "exec", fill)
    page.add()
    assert page.table.rowCount() == 2
    page.search.setText("so hoa")
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "SK1"
