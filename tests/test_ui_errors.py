"""Unexpected errors: Vietnamese dialog, "Sao chép chi tiết", log file, unsaved input kept, conflicts."""
from __future__ import annotations

import json
import logging
import sys

import pytest
from PySide6.QtGui import QGuiApplication

from services.system import errors
from services.system.access import PermissionDenied
from ui import error_dialog


@pytest.fixture(autouse=True)
def _remove_file_log():
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == errors._HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()


def _raise(exc: BaseException):
    try:
        raise exc
    except BaseException:  # noqa: BLE001
        return sys.exc_info()


def test_dialog_copy_details_and_log_file(qtbot, data_dir):
    info = _raise(ZeroDivisionError("chia cho không"))
    dialog = error_dialog.report_exception(info, block=False)
    qtbot.addWidget(dialog)
    assert "không lường trước" in dialog.what_label.text()
    assert "Sao chép chi tiết" in [b.text() for b in dialog.findChildren(type(dialog.copy_button))]
    qtbot.mouseClick(dialog.copy_button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "ZeroDivisionError: chia cho không" in copied and "Traceback" in copied
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = errors.log_file().read_text(encoding="utf-8")
    assert errors.log_file().parent.parent == data_dir
    assert "ZeroDivisionError: chia cho không" in log_text


def test_known_errors_are_explained():
    what, _ = errors.user_message(PermissionDenied("Tài khoản xem không có quyền sửa hồ sơ."))
    assert what.startswith("Tài khoản xem")
    what, advice = errors.user_message(OSError(28, "No space left on device"))
    assert "Ổ đĩa đã đầy" in what and advice


def test_uncaught_exception_keeps_window_and_saves_unsaved_input(qtbot, monkeypatch, data_dir):
    shown = []
    monkeypatch.setattr(error_dialog.ErrorDialog, "exec", lambda self: shown.append(self) or 0)
    previous = sys.excepthook
    typed = {"Sửa cán bộ CB001 - Họ và tên": "Nguyễn Thị Hoà"}
    provider = lambda: typed  # noqa: E731
    error_dialog.register_unsaved(provider)
    try:
        error_dialog.install_excepthook()
        sys.excepthook(*_raise(RuntimeError("hỏng giữa chừng")))
    finally:
        error_dialog.unregister_unsaved(provider)
        sys.excepthook = previous
    assert len(shown) == 1
    files = list((data_dir / errors.RECOVERY_DIR_NAME).glob("*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text(encoding="utf-8")) == typed
    assert "chưa lưu" in " ".join(label.text() for label in shown[0].findChildren(type(shown[0].what_label)))
    qtbot.addWidget(shown[0])


def test_log_rotates(data_dir):
    path = errors.setup_logging()
    logger = logging.getLogger("tdkt.test")
    for _ in range(2000):
        logger.info("x" * 800)
    assert path.exists() and path.stat().st_size <= errors.LOG_MAX_BYTES
    assert (path.parent / f"{errors.LOG_FILE_NAME}.1").exists()
