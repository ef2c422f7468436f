"""The dialog for unexpected errors, and the hook that shows it.

``install_excepthook()`` replaces ``sys.excepthook`` (and ``threading.excepthook``):
an exception nobody caught is written to the log file, then shown in Vietnamese with
what to do, the log's location and a "Sao chép chi tiết" button. The window stays
open, so what the user typed stays on screen; forms that hold unsaved input may also
``register_unsaved(fn)``, and their content is written to the data folder before the
dialog appears (the dialog says where).
"""
from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from services.system.about import APP_TITLE
from services.system.errors import (
    error_details,
    log_dir,
    save_recovery,
    setup_logging,
    user_message,
)

log = logging.getLogger(__name__)

# Callables returning {label: unsaved content}; see register_unsaved.
_unsaved_providers: list[Callable[[], dict[str, Any]]] = []


def register_unsaved(provider: Callable[[], dict[str, Any]]) -> None:
    """``provider()`` returns what a form holds that is not saved yet ({} when nothing)."""
    _unsaved_providers.append(provider)


def unregister_unsaved(provider: Callable[[], dict[str, Any]]) -> None:
    if provider in _unsaved_providers:
        _unsaved_providers.remove(provider)


def _collect_unsaved() -> dict[str, Any]:
    items: dict[str, Any] = {}
    for provider in list(_unsaved_providers):
        try:
            items.update(provider() or {})
        except Exception:  # noqa: BLE001 - one broken form must not hide the others
            log.exception("Không lấy được dữ liệu chưa lưu của một biểu mẫu")
    return items


class ErrorDialog(QDialog):
    def __init__(self, what: str, advice: str, details: str, recovery: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Lỗi - {APP_TITLE}")
        self.setMinimumWidth(560)
        self.details = details
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        text = QVBoxLayout()
        self.what_label = QLabel(f"<b>{_html(what)}</b>")
        self.what_label.setWordWrap(True)
        text.addWidget(self.what_label)
        if advice:
            self.advice_label = QLabel(advice)
            self.advice_label.setWordWrap(True)
            text.addWidget(self.advice_label)
        if recovery:
            saved = QLabel(f"Những gì bạn đã nhập mà chưa lưu được ghi lại trong tệp: {recovery}")
            saved.setWordWrap(True)
            saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.addWidget(saved)
        top.addLayout(text, 1)
        layout.addLayout(top)
        self.details_box = QPlainTextEdit(details)
        self.details_box.setReadOnly(True)
        self.details_box.setVisible(False)
        self.details_box.setMinimumHeight(200)
        layout.addWidget(self.details_box)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Sao chép chi tiết")
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button = QPushButton("Xem chi tiết")
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self._toggle_details)
        self.log_button = QPushButton("Mở thư mục nhật ký")
        self.log_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir()))))
        close = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.AcceptRole)
        for button in (self.copy_button, self.show_button, self.log_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details_box.setVisible(shown)
        self.show_button.setText("Ẩn chi tiết" if shown else "Xem chi tiết")
        self.adjustSize()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Đã sao chép")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report_exception(exc_info: tuple[type[BaseException], BaseException, TracebackType | None], *,
                     block: bool = True, parent: QWidget | None = None) -> ErrorDialog | None:
    """Log an exception, save unsaved input, and show the dialog (modal when ``block``).
    Returns the dialog (None without a QApplication: then the error goes to stderr)."""
    setup_logging()
    log.error("Lỗi không lường trước", exc_info=exc_info)
    recovery = None
    try:
        recovery = save_recovery(_collect_unsaved())
    except Exception:  # noqa: BLE001 - never fail while reporting a failure
        log.exception("Không ghi được dữ liệu chưa lưu")
    details = error_details(exc_info)
    what, advice = user_message(exc_info[1])
    if QApplication.instance() is None:
        print(f"{what}\n{advice}\n\n{details}", file=sys.stderr)
        return None
    dialog = ErrorDialog(what, advice, details, str(recovery) if recovery else None,
                         parent or QApplication.activeWindow())
    if block:
        dialog.exec()
    else:
        dialog.show()
    return dialog


class _ThreadBridge(QObject):
    """Carries an exception from another thread to the GUI thread, where dialogs live."""

    raised = Signal(object)


_bridge: _ThreadBridge | None = None
_showing = False


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if _showing:  # an error while the dialog is up: log it, do not stack dialogs
        log.error("Lỗi tiếp theo trong khi đang báo lỗi", exc_info=(exc_type, exc, tb))
        return
    _showing = True
    try:
        report_exception((exc_type, exc, tb))
    finally:
        _showing = False


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or _bridge is None:
        return
    _bridge.raised.emit((args.exc_type, args.exc_value, args.exc_traceback))


def install_excepthook() -> None:
    """Show every uncaught exception in the dialog instead of ending the app."""
    global _bridge
    setup_logging()
    if _bridge is None and QApplication.instance() is not None:
        _bridge = _ThreadBridge()
        _bridge.moveToThread(QApplication.instance().thread())
        _bridge.raised.connect(lambda info: _excepthook(*info), Qt.ConnectionType.QueuedConnection)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_hook
