"""The sign-in dialog, shown at start when the database has accounts."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from services.system import accounts
from services.system.about import APP_TITLE


class SignInDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.actor = None
        self.setWindowTitle(f"Đăng nhập - {APP_TITLE}")
        layout = QVBoxLayout(self)
        intro = QLabel(f"Cơ sở dữ liệu: {database.display_name()}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Tên đăng nhập", self.username)
        form.addRow("Mật khẩu", self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #b03a2e")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("Đăng nhập", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Thoát", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def try_sign_in(self) -> None:
        with self.database.session() as s:
            try:
                self.actor = accounts.sign_in(s, self.username.text(), self.password.text())
            except accounts.SignInFailed as exc:
                self.error.setText(str(exc))
                self.password.clear()
                self.password.setFocus()
                return
        self.accept()


def sign_in_if_needed(database: Database, parent: QWidget | None = None) -> bool:
    """Ask for a user name and password when the database has accounts. False when the user
    gave up (the app then closes); True when signed in or when sign-in is not in use."""
    with database.session() as s:
        if not accounts.accounts_exist(s):
            accounts.sign_out()
            return True
    return SignInDialog(database, parent).exec() == QDialog.DialogCode.Accepted
