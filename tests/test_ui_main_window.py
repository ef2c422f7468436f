"""The main window on a database filled through the ORM: title, status bar, navigation,
the overview's figures, opening another database from the menu, the About box."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox, QWidget

from models.db import Database, open_database
from services.system.about import APP_TITLE
from tests.test_ui_overview import fill
from ui import main_window as main_window_module
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages import PAGES, PageSpec
from ui.worker import wait_for_idle


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def make_window(qtbot, database: Database) -> MainWindow:
    window = MainWindow(AppContext(database))
    qtbot.addWidget(window)
    window.show()
    assert wait_for_idle(10)
    return window


def figure(window: MainWindow, key: str) -> str:
    label = window.findChild(QLabel, f"figure_{key}")
    assert label is not None, key
    return label.text()


def test_window_shows_agency_database_and_real_figures(qtbot, db: Database) -> None:
    fill(db)
    window = make_window(qtbot, db)
    assert window.windowTitle() == f"Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh — {APP_TITLE}"
    status = window.findChild(QLabel, "database_label")
    assert str(db.path) in status.text()
    assert "hồ sơ.db" in status.text()

    assert window.current_page_key() == "overview"
    assert figure(window, "units") == "3"
    assert figure(window, "people_active") == "6"
    assert figure(window, "people_evaluated") == "6"
    assert figure(window, "initiatives") == "2"
    assert figure(window, "awards") == "5"
    assert "1 thuộc quyết định đã hủy" in window.findChild(QLabel, "note_awards").text()
    assert window.findChild(QLabel, "caption_people_evaluated").text() == "Đã bình xét năm 2024"

    page = window.hosts["overview"].page
    assert page.ratings.cell_texts()[:2] == [["Hoàn thành xuất sắc nhiệm vụ", "2", "33,3%", "1"],
                                             ["Hoàn thành tốt nhiệm vụ", "3", "50,0%", "1"]]
    assert page.awards.cell_texts() == [["Lao động tiên tiến", "3"], ["Chiến sĩ thi đua cơ sở", "1"],
                                        ["Tập thể lao động tiên tiến", "1"], ["Tổng số", "5"]]
    assert "Trách nhiệm, hiệu quả" in window.findChild(QLabel, "plan_theme").text()
    assert page.phases.cell_texts() == [["Đợt 1", "01/01/2024", "30/06/2024"], ["Đợt 2", "01/07/2024", "31/12/2024"]]

    # The year selector lists the years with evaluations, newest first; choosing one reloads.
    combo = window.findChild(QComboBox, "year_combo")
    assert [combo.itemText(i) for i in range(combo.count())] == ["2024", "2023"]
    combo.setCurrentIndex(1)
    assert wait_for_idle(10)
    assert figure(window, "people_evaluated") == "2"
    assert figure(window, "awards") == "1"
    assert figure(window, "initiatives") == "1"
    assert "Chưa có kế hoạch thi đua năm 2023" in window.findChild(QLabel, "plan_heading").text()


def test_empty_database(qtbot, db: Database) -> None:
    window = make_window(qtbot, db)
    assert window.windowTitle().startswith("Chưa đặt tên cơ quan — ")
    assert figure(window, "people_active") == "0"
    assert window.hosts["overview"].page.ratings.empty.text().startswith("Chưa có kết quả bình xét")


class Probe(QWidget):
    """A second page for navigation tests; records how often it was shown."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.shown = 0

    def page_shown(self) -> None:
        self.shown += 1


@pytest.fixture
def extra_pages(monkeypatch):
    pages = PAGES[:1] + [PageSpec("probe", "Trang thử", "SP_FileIcon", Probe),
                     PageSpec("probe2", "Trang thử 2", "SP_DirIcon", Probe)]
    monkeypatch.setattr(main_window_module, "PAGES", pages)
    return pages


def test_navigation_by_sidebar_and_shortcuts(qtbot, db: Database, extra_pages) -> None:
    window = make_window(qtbot, db)
    assert window.sidebar.count() == 3
    assert [window.sidebar.item(i).text() for i in range(3)] == ["Tổng quan", "Trang thử", "Trang thử 2"]
    # Pages are built when first shown.
    assert window.hosts["probe"].page is None

    rect = window.sidebar.visualItemRect(window.sidebar.item(1))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page_key() == "probe"
    assert window.hosts["probe"].page.shown == 1

    # Ctrl+3, Ctrl+1 through the window's shortcuts.
    shortcuts = {a.shortcut().toString(): a for a in window.page_actions}
    assert set(shortcuts) == {"Ctrl+1", "Ctrl+2", "Ctrl+3"}
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "probe2"
    assert window.sidebar.currentRow() == 2
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "overview"
    shortcuts["Ctrl+2"].trigger()
    assert window.current_page_key() == "probe"
    assert window.hosts["probe"].page.shown == 2


def test_open_another_database_from_menu(qtbot, db: Database, tmp_path: Path, monkeypatch) -> None:
    fill(db)
    other_path = tmp_path / "Phòng Nội vụ" / "khác.db"
    other = open_database(other_path)
    fill(other, agency="Sở Nội vụ tỉnh Hà Tĩnh", people=10, year=2025, prefix="N")
    other.close()

    window = make_window(qtbot, db)
    assert figure(window, "people_evaluated") == "6"
    calls: list[tuple] = []

    def fake_dialog(parent, caption, directory, filters):
        calls.append((caption, directory, filters))
        return str(other_path), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.open_action in file_menu.actions()
    window.open_action.trigger()
    assert wait_for_idle(10)
    assert calls and calls[0][0] == "Mở cơ sở dữ liệu" and "*.db" in calls[0][2]

    status = window.findChild(QLabel, "database_label")
    assert str(other_path.resolve()) in status.text()
    assert window.windowTitle().startswith("Sở Nội vụ tỉnh Hà Tĩnh — ")
    assert window.context.database.path == other_path.resolve()
    # The overview reloaded on the new database, on its latest year.
    combo = window.findChild(QComboBox, "year_combo")
    assert combo.currentText() == "2025"
    assert figure(window, "people_evaluated") == "10"
    assert figure(window, "people_active") == "10"
    window.context.close()


def test_open_failure_keeps_current_database(qtbot, db: Database, tmp_path: Path, monkeypatch) -> None:
    not_a_db = tmp_path / "ghi chú.db"
    not_a_db.write_text("đây không phải cơ sở dữ liệu " * 200, encoding="utf-8")
    errors: list[str] = []
    monkeypatch.setattr(main_window_module, "show_error",
                        lambda parent, what, exc=None, advice="": errors.append(what + " " + advice))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(not_a_db), "")))
    window = make_window(qtbot, db)
    window.open_action.trigger()
    assert wait_for_idle(10)
    assert len(errors) == 1 and "Không mở được cơ sở dữ liệu" in errors[0]
    assert "vẫn được giữ nguyên" in errors[0]
    assert window.context.database is db
    assert str(db.path) in window.findChild(QLabel, "database_label").text()


def test_about_box(qtbot, db: Database, monkeypatch, data_dir: Path) -> None:
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.append(box.text() + "\n" + box.informativeText()))
    window = make_window(qtbot, db)
    help_menu = window.menuBar().actions()[-1].menu()
    about = next(a for a in help_menu.actions() if a.text() == "&Giới thiệu")
    about.trigger()
    assert len(seen) == 1
    assert "Phiên bản" in seen[0] and str(db.path) in seen[0] and str(data_dir) in seen[0]


def test_run_shows_window_and_closes_database(qtbot, db: Database, monkeypatch) -> None:
    import argparse

    from PySide6.QtWidgets import QApplication

    from ui import app as app_module

    fill(db)
    seen: list[MainWindow] = []

    def fake_exec(*_args) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend(windows)
        for w in windows:
            w.close()
            w.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert app_module.run(argparse.Namespace(db=str(db.path), demo=False)) == 0
    assert len(seen) == 1 and seen[0].windowTitle().startswith("Sở Lao động")


def test_run_reports_unopenable_database(qtbot, tmp_path: Path, monkeypatch) -> None:
    import argparse

    from ui import app as app_module

    bad = tmp_path / "hỏng.db"
    bad.write_bytes(b"not a database" * 100)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text() + "\n" + box.informativeText()))
    assert app_module.run(argparse.Namespace(db=str(bad), demo=False)) == 1
    assert len(shown) == 1
    assert "Không mở được cơ sở dữ liệu “" in shown[0] and "hỏng.db" in shown[0] and "--db" in shown[0]


def test_page_registry_is_sound() -> None:
    keys = [spec.key for spec in PAGES]
    assert len(keys) == len(set(keys)) and "window" not in keys  # window.png is the whole window
    assert all(spec.label and spec.factory for spec in PAGES)


def test_opening_a_database_with_accounts_asks_to_sign_in(qtbot, db: Database, tmp_path: Path, monkeypatch) -> None:
    from services.system import access, accounts
    from ui import sign_in

    fill(db)
    other_path = tmp_path / "có tài khoản.db"
    other = open_database(other_path)
    fill(other, agency="Sở Nội vụ tỉnh Hà Tĩnh", people=4, year=2025, prefix="N")
    with other.session() as s:
        accounts.add_account(s, "admin", "mật khẩu quản trị", "quan_tri")
        accounts.add_account(s, "lan", "mật khẩu của Lan", "xem")
        s.commit()
    other.close()
    window = make_window(qtbot, db)
    errors: list[str] = []
    monkeypatch.setattr(main_window_module, "show_error", lambda _p, what, exc=None, advice="": errors.append(f"{what} {exc}"))
    asked: list[Path] = []

    def refuse(dialog) -> int:
        asked.append(dialog.database.path)
        return 0

    monkeypatch.setattr(sign_in.SignInDialog, "exec", refuse)
    window.open_database(other_path)
    assert wait_for_idle(10)
    # Not signed in: the database already open stays open.
    assert asked == [other_path.resolve()]
    assert window.context.database is db

    def accept(dialog) -> int:
        access.sign_in_as(access.Actor("lan", "xem"))
        return 1

    monkeypatch.setattr(sign_in.SignInDialog, "exec", accept)
    try:
        window.open_database(other_path)
        assert wait_for_idle(10)
        assert window.context.database.path == other_path.resolve()
        assert access.current_actor() == access.Actor("lan", "xem")
        # Back to a database without accounts: nobody is signed in any more.
        window.open_database(db.path)
        assert wait_for_idle(10)
        assert errors == []
        assert access.current_actor() is None
    finally:
        access.sign_in_as(None)
        window.context.close()


def test_the_window_makes_the_daily_backup_when_it_is_due(qtbot, tmp_path: Path) -> None:
    from services.system import backup

    database = open_database(tmp_path / "hằng ngày.db")
    fill(database)
    window = make_window(qtbot, database)
    assert backup.daily_backup_due(database)
    window._daily_backup()
    assert wait_for_idle(10)
    assert not backup.daily_backup_due(database)
    assert [b.kind for b in backup.list_backups(database.path.stem)] == [backup.KIND_DAILY]
    window.context.close()
