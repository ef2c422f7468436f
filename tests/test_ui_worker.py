"""ui/worker.py: results and errors come back on the GUI thread; progress and cancelling."""
from __future__ import annotations

import threading
import time

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from ui import worker
from ui.worker import TaskCancelled, run_in_background, wait_for_idle


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def test_result_is_delivered_on_gui_thread(qtbot) -> None:
    gui = threading.get_ident()
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["worker_thread"] = threading.get_ident()
        return a + b

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback_thread"] = threading.get_ident()

    job = run_in_background(work, 2, 3, on_success=done)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert seen["result"] == 5
    assert seen["worker_thread"] != gui
    assert seen["callback_thread"] == gui
    assert worker.pending_jobs() == 0


def test_error_is_delivered_on_gui_thread(qtbot) -> None:
    gui = threading.get_ident()
    errors: list[tuple[BaseException, int]] = []
    successes: list[object] = []

    def work() -> None:
        raise ValueError("tệp hỏng")

    run_in_background(work, on_success=successes.append,
                      on_error=lambda exc: errors.append((exc, threading.get_ident())))
    assert wait_for_idle(5)
    assert successes == []
    assert len(errors) == 1
    exc, thread = errors[0]
    assert isinstance(exc, ValueError) and str(exc) == "tệp hỏng"
    assert thread == gui


def test_unhandled_error_is_shown_to_the_user(qtbot, monkeypatch) -> None:
    shown: list[tuple[str, BaseException]] = []
    monkeypatch.setattr(worker, "show_error", lambda parent, what, exc=None, advice="": shown.append((what, exc)))
    run_in_background(lambda: 1 / 0)
    assert wait_for_idle(5)
    assert len(shown) == 1 and isinstance(shown[0][1], ZeroDivisionError)
    assert "Không thực hiện được" in shown[0][0]


def test_progress_dialog_and_cancel(qtbot) -> None:
    started = threading.Event()
    cancelled: list[bool] = []
    results: list[object] = []

    def work(progress, total: int) -> str:
        for i in range(total):
            progress.check()
            progress.update(i, total, f"Đang xử lý dòng {i + 1}/{total}")
            started.set()
            time.sleep(0.01)
        return "xong"

    job = run_in_background(work, 10_000, with_progress=True, progress_text="Đang nhập dữ liệu…", cancellable=True,
                            on_success=results.append, on_cancel=lambda: cancelled.append(True))
    assert job.dialog is not None and job.dialog.labelText() == "Đang nhập dữ liệu…"
    assert started.wait(5)
    qtbot.waitUntil(lambda: job.dialog is not None and job.dialog.maximum() == 10_000, timeout=5000)
    assert job.dialog.labelText().startswith("Đang xử lý dòng")
    button = job.dialog.findChild(QPushButton)
    assert button is not None and button.text() == "Hủy"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert cancelled == [True] and results == []
    assert job.dialog is None  # closed


def test_indeterminate_dialog_closes_when_done(qtbot) -> None:
    job = run_in_background(lambda: "ok", progress_text="Đang tải…")
    assert job.dialog is not None and job.dialog.maximum() == 0  # indeterminate
    assert job.dialog.findChild(QPushButton) is None  # not cancellable: no "Hủy" button
    assert wait_for_idle(5)
    assert job.result == "ok" and job.dialog is None


def test_progress_check_raises_once_cancelled(qtbot) -> None:
    reached: list[int] = []

    def work(progress) -> None:
        progress.update(0, None, "Bắt đầu")
        while not progress.cancelled:
            time.sleep(0.005)
        reached.append(1)
        progress.check()  # raises TaskCancelled
        reached.append(2)

    errors: list[BaseException] = []
    cancelled: list[bool] = []
    job = run_in_background(work, with_progress=True, on_error=errors.append, on_cancel=lambda: cancelled.append(True))
    job.cancel()
    assert wait_for_idle(5)
    assert reached == [1] and cancelled == [True] and errors == []
    assert isinstance(job.error, TaskCancelled)


def test_no_callback_after_parent_widget_is_destroyed(qtbot) -> None:
    release = threading.Event()
    called: list[object] = []
    parent = QWidget()
    job = run_in_background(lambda: release.wait(5) and "ok", on_success=called.append, on_error=called.append,
                            parent=parent)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(parent), timeout=5000)
    release.set()
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert job.result == "ok" and called == []
