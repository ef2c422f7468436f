"""Cài đặt page: agency saved from the form; the rule set editor refuses builtin sets,
copies one, edits a parameter in the table and saves it (a wrong value refused)."""
from __future__ import annotations

import pytest

from services.awards.rulesets import rule_set_for_year
from services.system import settings as svc
from ui.context import AppContext
from ui.pages.settings import SettingsPage


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def test_settings_page(qtbot, db, monkeypatch) -> None:
    told = []
    monkeypatch.setattr("ui.unit_dialog.tell", lambda *a, **k: told.append(a[2]))
    page = SettingsPage(AppContext(db))
    qtbot.addWidget(page)
    page.page_shown()
    page.fields["name"].setText("Sở Lao động - Thương binh và Xã hội")
    page.fields["place"].setText("Hà Tĩnh")
    assert "Hà Tĩnh, ngày" in page.place_example.text()
    assert page.save_agency()
    with db.session() as s:
        assert svc.get_agency(s).place == "Hà Tĩnh"
    editor = page.rule_editor
    assert not editor.save_button.isEnabled()  # builtin: read-only
    assert editor.copy_current("2024 của Sở") is not None
    assert editor.save_button.isEnabled()
    row = next(i for i, p in enumerate(editor.rows) if (p.title, p.key) == ("CSTDCS", "quota_percent"))
    assert "Điều 23" in editor.table.item(row, 3).text()
    editor.table.item(row, 2).setText("abc")
    assert editor.save() is False and "quota_percent" in told[-1]
    editor.table.item(row, 2).setText("20")
    assert editor.save() is True
    with db.session() as s:
        assert rule_set_for_year(s, 2024).params["CSTDCS"]["quota_percent"] == 20


def test_copy_button_asks_for_a_name_and_copies(qtbot, db, monkeypatch) -> None:
    # The button's clicked(bool) once reached copy_current as the name and crashed.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog

    asked = []

    def get_text(*args, **kwargs):
        asked.append(kwargs.get("text"))
        return "Bộ của Sở 2024", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    page = SettingsPage(AppContext(db))
    qtbot.addWidget(page)
    page.page_shown()
    editor = page.rule_editor
    qtbot.mouseClick(editor.copy_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0]
    assert editor.save_button.isEnabled()
    assert editor.current().name == "Bộ của Sở 2024"
