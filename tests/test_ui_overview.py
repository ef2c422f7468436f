"""The overview page ("Tổng quan"): on the demo database the 2024 plan against the draft and
the decisions; the targets with their actual figures; to-do links that switch pages.

``fill`` (a small filled database) lives in tests/test_overview.py and is re-exported here
for the window tests that import it from this module."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from models.db import Database
from tests.test_overview import add_plan_details, fill  # noqa: F401 - re-exported
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages import PAGES
from ui.worker import wait_for_idle


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def make_window(qtbot, database: Database) -> MainWindow:
    window = MainWindow(AppContext(database))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert wait_for_idle(20)
    return window


def test_demo_overview_shows_the_2024_plan_against_draft_and_decisions(qtbot) -> None:
    from sqlalchemy import text

    from services.records.demo import open_demo_database

    database = open_demo_database()
    try:
        window = make_window(qtbot, database)
        page = window.hosts["overview"].page
        assert page.selected_year() == 2024
        progress = page.progress
        by_code = {t.code: t for t in progress.titles}
        with database.engine.connect() as c:
            registered = dict(c.execute(text(
                "SELECT title_code, count(*) FROM registration WHERE year = 2024 GROUP BY title_code")).all())
        # Section V of the plan: 04 TTLĐXS, 70 CSTĐCS, 01-02 CSTĐ tỉnh, over 85% LĐTT, 25 Bằng khen...
        assert {c: t.registered for c, t in by_code.items() if t.registered} == registered
        assert by_code["CSTDCS"].target_text == "70 cá nhân" and by_code["TTLDXS"].target_count == 4
        assert by_code["CSTDCS"].drafted == 61 and by_code["TTLDXS"].drafted == 6
        assert all(t.decided == 0 for t in progress.titles)  # 2024 is decided in 2025
        # The chart on screen carries the same figures.
        texts = page.progress_chart.texts()
        assert "Chiến sĩ thi đua cơ sở" in texts and "Kế hoạch: 70 cá nhân" in texts
        assert {"70", "61"} <= set(texts)
        assert page.share_chart.figure is not None and len(progress.unit_shares) >= 20
        rows = page.targets.cell_texts()
        assert rows[0] == ["Giải quyết việc làm mới", "23.000 người", "23.640 người", "Đạt"]
        assert ["Xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em", "75%", "73,5%", "Chưa đạt"] in rows
        window.close()
    finally:
        database.close()


def test_todo_links_switch_to_the_right_page(qtbot, db: Database) -> None:
    fill(db)
    add_plan_details(db)
    window = make_window(qtbot, db)
    page = window.hosts["overview"].page
    keys = {spec.key for spec in PAGES}
    assert "units_unrated" in {i.key for i in page.progress.todo}
    link = page.findChild(QPushButton, "todo_link_units_unrated")
    expected = "evaluations" if "evaluations" in keys else "units"
    assert link is not None and link.isVisible()
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert window.current_page_key() == expected

    # An item whose page does not exist shows no link (no dead link).
    window.show_page("overview")
    no_lists = page.findChild(QPushButton, "todo_link_no_lists")
    if not keys & {"nominations", "nomination_lists", "lists"}:
        assert no_lists is None
    else:
        qtbot.mouseClick(no_lists, Qt.MouseButton.LeftButton)
        assert window.current_page_key() in {"nominations", "nomination_lists", "lists"}

    # A year with nothing yet: every missing piece is listed, the people item links too.
    window.show_page("overview")
    page.reload(2026)
    assert wait_for_idle(20)
    assert {i.key for i in page.progress.todo} >= {"units_unrated", "people_unrated", "no_lists"}
    people = page.findChild(QPushButton, "todo_link_people_unrated")
    qtbot.mouseClick(people, Qt.MouseButton.LeftButton)
    assert window.current_page_key() == ("evaluations" if "evaluations" in keys else "people")
    window.close()


def test_todo_links_show_page_names_whole(qtbot, db: Database) -> None:
    # "Mở trang Kế hoạch & đăng ký" once read "Kế hoạch  đăng ký": the "&" became a shortcut.
    fill(db)
    window = make_window(qtbot, db)
    page = window.hosts["overview"].page
    page.reload(2026)
    assert wait_for_idle(20)
    links = [b for b in page.findChildren(QPushButton) if b.objectName().startswith("todo_link_")]
    assert links
    labels = {spec.label for spec in PAGES}
    for link in links:
        shown = link.text().replace("&&", "&")
        assert "&" not in link.text().replace("&&", ""), link.text()
        assert any(f"Mở trang {label} →" == shown for label in labels), shown
    plan = page.findChild(QPushButton, "todo_link_no_plan")
    assert plan is not None and plan.text().replace("&&", "&") == "Mở trang Kế hoạch & đăng ký →"
    window.close()
