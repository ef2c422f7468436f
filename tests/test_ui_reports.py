"""The "Báo cáo" page: choose kind, year, period and format; the report is written on a
worker thread and the page offers to open it; errors are shown in Vietnamese."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from models.db import Database
from tests.test_overview import add_plan_details, fill
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.worker import wait_for_idle


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def test_reports_page_writes_word_and_excel(qtbot, db: Database, tmp_path: Path) -> None:
    fill(db)
    add_plan_details(db)
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("reports")
    assert window.current_page_key() == "reports"
    years = [page.year_combo.itemText(i) for i in range(page.year_combo.count())]
    assert {"2024", "2023", str(date.today().year)} == set(years) and page.year() == 2024

    page.kind_combo.setCurrentIndex(page.kind_combo.findData("phong-trao"))
    page.period_combo.setCurrentIndex(page.period_combo.findData("6m"))
    assert page.period_combo.isEnabled()
    target = tmp_path / "Báo cáo" / "phong trào 6 tháng.docx"
    page.produce(target)
    assert wait_for_idle(30)
    assert page.last_path == target and target.exists()
    assert "Đã lập báo cáo" in page.status.text() and page.open_folder_button.isVisible()
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "Kết quả thực hiện phong trào thi đua 6 tháng đầu năm 2024" in text

    page.kind_combo.setCurrentIndex(page.kind_combo.findData("thong-ke"))
    assert not page.period_combo.isEnabled() and page.period() == "year"
    page.format_combo.setCurrentIndex(page.format_combo.findData(".xlsx"))
    xlsx = tmp_path / "thống kê.xlsx"
    page.produce(xlsx)
    assert wait_for_idle(30)
    assert "Theo danh hiệu" in load_workbook(xlsx).sheetnames

    # A file that cannot be written: the message says what to do, nothing is left behind.
    blocked = tmp_path / "là thư mục.xlsx"
    blocked.mkdir()
    page.produce(blocked)
    assert wait_for_idle(30)
    assert page.status.text().startswith("Chưa lập được báo cáo") and "thư mục khác" in page.status.text()
    assert not page.open_folder_button.isVisible()
    assert page.make_button.isEnabled()
    window.close()
