"""Sao lưu: the backups of the open database, a backup now, and restoring one (administrators)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.db import backup_dir
from services.system import access
from services.system.about import APP_TITLE
from services.system.app import open_app_database
from services.system.backup import (
    BackupError,
    BackupInfo,
    keep_count,
    list_backups,
    make_backup,
    restore_file,
)
from ui.context import AppContext
from ui.worker import show_error

COLUMNS = ["Thời điểm", "Loại", "Tệp", "Dung lượng"]


class BackupPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        bar = QHBoxLayout()
        self.backup_button = QPushButton("Sao lưu ngay")
        self.backup_to_button = QPushButton("Sao lưu ra tệp…")
        self.restore_button = QPushButton("Khôi phục bản đã chọn…")
        self.restore_file_button = QPushButton("Khôi phục từ tệp…")
        self.folder_button = QPushButton("Mở thư mục sao lưu")
        for button in (self.backup_button, self.backup_to_button, self.restore_button, self.restore_file_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.folder_button)
        layout.addLayout(bar)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.backups: list[BackupInfo] = []
        self.backup_button.clicked.connect(lambda: self.backup_now())
        self.backup_to_button.clicked.connect(self._backup_to)
        self.restore_button.clicked.connect(self._restore_selected)
        self.restore_file_button.clicked.connect(self._restore_from_file)
        self.folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(backup_dir()))))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        context.database_changed.connect(lambda _db: self.reload())
        self.reload()

    def page_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        path = self.context.database.path
        self.backups = list_backups(path.stem) if path else []
        if path is None:
            self.info.setText("CSDL đang dùng là máy chủ PostgreSQL: hãy sao lưu bằng công cụ của máy chủ (pg_dump).")
        else:
            self.info.setText(f"Phần mềm tự sao lưu {path.name} mỗi ngày và khi đóng, giữ {keep_count()} bản tự động "
                              f"mới nhất, trong thư mục {backup_dir()}. Khôi phục kiểm tra tệp trước, và giữ lại "
                              "dữ liệu hiện tại thành một bản sao lưu.")
        self.table.setRowCount(len(self.backups))
        for r, b in enumerate(self.backups):
            for c, text in enumerate((b.created.strftime("%d/%m/%Y %H:%M:%S"), b.kind_label, b.path.name,
                                      f"{b.size / 1024:,.0f} KB".replace(",", "."))):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._update_buttons()

    def _update_buttons(self) -> None:
        sqlite = self.context.database.path is not None
        admin = access.allowed(access.ADMINISTER)
        for button in (self.backup_button, self.backup_to_button):
            button.setEnabled(sqlite)
        self.restore_file_button.setEnabled(sqlite and admin)
        self.restore_button.setEnabled(sqlite and admin and bool(self.table.selectedItems()))
        tip = "" if admin else "Chỉ người quản trị được khôi phục dữ liệu."
        self.restore_button.setToolTip(tip)
        self.restore_file_button.setToolTip(tip)

    def backup_now(self, dest: Path | None = None) -> Path | None:
        path = self.context.database.path
        if path is None:
            return None
        try:
            saved = make_backup(path, dest)
        except BackupError as exc:
            show_error(self, "Không sao lưu được.", exc)
            return None
        self.reload()
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(f"Đã sao lưu vào {saved}", 8000)
        return saved

    def _backup_to(self) -> None:
        path = self.context.database.path
        if path is None:
            return
        dest, _ = QFileDialog.getSaveFileName(self, "Sao lưu ra tệp", str(Path.home() / f"{path.stem}-sao-luu.db"),
                                              "Cơ sở dữ liệu (*.db)")
        if dest:
            self.backup_now(Path(dest))

    def _restore_selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if rows:
            self.restore(self.backups[rows.pop()].path)

    def _restore_from_file(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(backup_dir()),
                                                "Cơ sở dữ liệu (*.db *.sqlite);;Tất cả các tệp (*)")
        if source:
            self.restore(Path(source))

    def restore(self, source: Path, *, confirm: bool = True) -> bool:
        """Replace the open database by ``source`` after checking it; reopen it in the window."""
        target = self.context.database.path
        if target is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self, APP_TITLE,
                f"Thay toàn bộ dữ liệu đang dùng bằng bản sao lưu {source.name}?\n\n"
                "Dữ liệu hiện tại sẽ được giữ lại thành một bản sao lưu “Trước khi khôi phục”.")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            access.require(access.ADMINISTER)
            self.context.database.close()  # drop this window's connections to the file
            result = restore_file(target, source)
        except (BackupError, access.PermissionDenied) as exc:
            show_error(self, "Không khôi phục được; dữ liệu không thay đổi.", exc)
            return False
        self.context.set_database(open_app_database(target))
        self.reload()
        QMessageBox.information(self, APP_TITLE, f"Đã khôi phục dữ liệu từ {source.name}."
                                + (f"\nDữ liệu trước đó được giữ ở {result.previous_saved_to}."
                                   if result.previous_saved_to else ""))
        return True
