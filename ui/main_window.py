"""The main window: sidebar of pages, page stack, menus and the status bar."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.db import Database, data_dir
from services.output.overview import agency_name
from services.system.about import APP_TITLE, ORGANISATION, VERSION
from services.system.app import open_app_database
from ui.context import AppContext
from ui.pages import PAGES, PageSpec
from ui.style import icon
from ui.worker import run_in_background, show_error

DATABASE_FILE_FILTER = "Cơ sở dữ liệu (*.db *.sqlite *.sqlite3);;Tất cả các tệp (*)"
# How many pages get a Ctrl+digit shortcut.
SHORTCUT_PAGES = 9
# How often the window checks whether today's automatic backup is still to be made.
BACKUP_CHECK_MS = 60 * 60 * 1000

log = logging.getLogger(__name__)


class PageHost(QWidget):
    """One slot of the stack: a header (title, description) and the page, built on first show."""

    def __init__(self, spec: PageSpec, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.context = context
        self.page: QWidget | None = None
        self.setObjectName("pageArea")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(20, 14, 20, 8)
        self._layout.setSpacing(4)
        title = QLabel(spec.label)
        title.setObjectName("pageTitle")
        self._layout.addWidget(title)
        if spec.description:
            description = QLabel(spec.description)
            description.setObjectName("pageDescription")
            description.setWordWrap(True)
            self._layout.addWidget(description)
        self._layout.addSpacing(6)

    def ensure_page(self) -> QWidget:
        if self.page is None:
            self.page = self.spec.factory(self.context)
            self.page.setObjectName(f"page_{self.spec.key}")
            self._layout.addWidget(self.page, 1)
        return self.page


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowIcon(icon("app"))
        self.resize(1366, 768)
        self.setMinimumSize(QSize(960, 600))

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(220)
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.hosts: dict[str, PageHost] = {}
        for i, spec in enumerate(PAGES):
            item = QListWidgetItem(icon(spec.icon), spec.label)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            # A fixed row height: the style's padding alone does not size the rows.
            item.setSizeHint(QSize(0, 38))
            if i < SHORTCUT_PAGES:
                item.setToolTip(f"{spec.label} (Ctrl+{i + 1})")
            self.sidebar.addItem(item)
            host = PageHost(spec, context)
            self.hosts[spec.key] = host
            self.stack.addWidget(host)
        self.sidebar.currentRowChanged.connect(self._row_changed)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.database_label = QLabel()
        self.database_label.setObjectName("database_label")
        self.statusBar().addPermanentWidget(self.database_label, 1)

        self._build_menus()
        context.database_changed.connect(self._database_changed)
        # The daily automatic backup, also for a window left open for days.
        self._backup_timer = QTimer(self)
        self._backup_timer.timeout.connect(self._daily_backup)
        self._backup_timer.start(BACKUP_CHECK_MS)
        self._show_database()
        if PAGES:
            self.sidebar.setCurrentRow(0)

    # Menus and shortcuts ------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Tệp")
        self.open_action = QAction("&Mở cơ sở dữ liệu khác…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip("Chọn một tệp cơ sở dữ liệu (.db, .sqlite) để làm việc")
        self.open_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.open_action)
        self.demo_action = QAction("Mở cơ sở dữ liệu &mẫu", self)
        self.demo_action.triggered.connect(self.open_demo_database)
        self.demo_action.setStatusTip("Mở CSDL mẫu lập từ Kế hoạch thi đua 2024 (tạo nếu chưa có)")
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        quit_action = QAction("T&hoát", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&Xem")
        self.page_actions: list[QAction] = []
        for i, spec in enumerate(PAGES):
            action = QAction(icon(spec.icon), spec.label, self)
            if i < SHORTCUT_PAGES:
                action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_page(key))
            view_menu.addAction(action)
            self.page_actions.append(action)

        help_menu = self.menuBar().addMenu("Trợ &giúp")
        about_action = QAction("&Giới thiệu", self)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    # Pages ---------------------------------------------------------------------------

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        host = self.stack.widget(row)
        assert isinstance(host, PageHost)
        page = host.ensure_page()
        self.stack.setCurrentIndex(row)
        shown = getattr(page, "page_shown", None)
        if callable(shown):
            shown()

    def show_page(self, key: str) -> QWidget:
        """Switch to the page ``key`` (building it if needed) and return it."""
        keys = [spec.key for spec in PAGES]
        self.sidebar.setCurrentRow(keys.index(key))
        return self.hosts[key].ensure_page()

    def current_page_key(self) -> str:
        host = self.stack.currentWidget()
        return host.spec.key if isinstance(host, PageHost) else ""

    # Database ------------------------------------------------------------------------

    def _show_database(self) -> None:
        database = self.context.database
        try:
            name = agency_name(database)
        except Exception:  # noqa: BLE001 - the title must not stop the window from opening
            name = "Không đọc được tên cơ quan"
        self.setWindowTitle(f"{name} — {APP_TITLE}")
        shown = database.display_name()
        self.database_label.setText(f"Cơ sở dữ liệu: {shown}")
        self.database_label.setToolTip(shown)

    def _daily_backup(self) -> None:
        from services.system import backup

        database = self.context.database

        def failed(exc: BaseException) -> None:
            log.warning("Sao lưu tự động hằng ngày không thành công: %s", exc)

        if backup.daily_backup_due(database):
            run_in_background(backup.daily_backup, database, on_error=failed, parent=self)

    def _database_changed(self, _database: Any) -> None:
        self._show_database()
        self.statusBar().showMessage("Đã mở cơ sở dữ liệu.", 5000)

    def choose_database(self) -> None:
        current = self.context.database.path
        start = str(current.parent) if current else str(data_dir())
        path, _filter = QFileDialog.getOpenFileName(self, "Mở cơ sở dữ liệu", start, DATABASE_FILE_FILTER)
        if path:
            self.open_database(Path(path))

    def open_demo_database(self) -> None:
        self._open_in_background(
            lambda: open_app_database(demo=True), "Đang mở cơ sở dữ liệu mẫu…", "Không mở được cơ sở dữ liệu mẫu."
        )

    def open_database(self, path: Path) -> None:
        """Open ``path`` (upgrading its schema if older) and show its data in every page."""
        self._open_in_background(
            lambda: open_app_database(path), f"Đang mở {path.name}…", f"Không mở được cơ sở dữ liệu {path}."
        )

    def _open_in_background(self, opener: Any, progress: str, failure: str) -> None:
        def done(database: Database) -> None:
            # The accounts of the database just opened decide who may work on it.
            from ui.sign_in import sign_in_if_needed

            if not sign_in_if_needed(database, self):
                database.close()
                self.statusBar().showMessage("Chưa đăng nhập: vẫn giữ cơ sở dữ liệu đang mở.", 8000)
                return
            self.context.set_database(database)
            from ui.app import show_notices

            show_notices(database, self)

        def failed(exc: BaseException) -> None:
            show_error(self, failure, exc,
                       "Hãy kiểm tra đó đúng là tệp cơ sở dữ liệu của phần mềm này và bạn có quyền đọc, ghi "
                       "thư mục chứa nó. Cơ sở dữ liệu đang mở vẫn được giữ nguyên.")

        run_in_background(opener, on_success=done, on_error=failed, progress_text=progress, parent=self)

    # Help ----------------------------------------------------------------------------

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Giới thiệu")
        box.setIconPixmap(icon("app").pixmap(64, 64))
        box.setText(f"<b>{APP_TITLE}</b><br>Phiên bản {VERSION}")
        box.setInformativeText(
            f"Phần mềm phục vụ {ORGANISATION}.\n\n"
            f"Cơ sở dữ liệu đang mở:\n{self.context.database.display_name()}\n\n"
            f"Thư mục dữ liệu:\n{data_dir()}"
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText("Đóng")
        box.setObjectName("about_box")
        box.exec()
