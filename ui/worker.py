"""Running slow work (queries, imports, PDF rendering) off the GUI thread.

``run_in_background(fn, on_success=..., on_error=...)`` runs ``fn`` on a worker
thread of a QThreadPool; its result or exception is delivered to the callbacks on the
GUI thread through queued signals, so callbacks may touch widgets and ``fn`` must not.
An optional modal QProgressDialog shows that something is happening; ``fn`` reports
progress through the ``Progress`` object it receives when ``with_progress=True``::

    def work(progress):
        for i, row in enumerate(rows):
            progress.check()                 # raises TaskCancelled if the user cancelled
            progress.update(i, len(rows), "Đang nhập dòng ...")
        return result

    run_in_background(work, with_progress=True, on_success=show,
                      progress_text="Đang nhập dữ liệu…", parent=window)
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

log = logging.getLogger(__name__)

# Modal dialogs wait this long before appearing, so quick tasks don't flash one.
PROGRESS_DELAY_MS = 400
# Shortest time between two progress updates sent to the GUI thread.
PROGRESS_INTERVAL_S = 0.05

_pool: QThreadPool | None = None
# Jobs whose callbacks have not run yet (kept alive here until then).
_active: set[Job] = set()


class TaskCancelled(Exception):
    """Raised inside the task when the user pressed "Hủy" on the progress dialog."""


def thread_pool() -> QThreadPool:
    """The pool that runs background tasks (its own, so it can be waited on alone)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
    return _pool


class Progress:
    """Handed to a task: reports progress to the GUI thread and tells it about cancellation."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self._cancelled = threading.Event()
        self._last_update = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise TaskCancelled if the user cancelled."""
        if self._cancelled.is_set():
            raise TaskCancelled

    def update(self, done: int, total: int | None = None, text: str | None = None) -> None:
        """``done`` out of ``total`` steps (``total`` None: unknown); ``text`` replaces the label.

        Cheap to call often: the dialog is updated at most every PROGRESS_INTERVAL_S.
        """
        now = time.monotonic()
        if now - self._last_update < PROGRESS_INTERVAL_S and (total is None or done < total):
            return
        self._last_update = now
        self._job.progressed.emit(int(done), -1 if total is None else int(total), text if text is not None else "")


class _Runnable(QRunnable):
    def __init__(self, job: Job, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job = job
        self._fn = fn
        self._args = args

    def run(self) -> None:  # worker thread: only emits signals, never touches widgets
        try:
            result = self._fn(*self._args)
        except BaseException as exc:  # noqa: BLE001 - everything is reported to the GUI thread
            self._job.failed_in_worker.emit(exc)
        else:
            self._job.succeeded_in_worker.emit(result)


class Job(QObject):
    """One background task. Lives in the GUI thread; its slots run there."""

    # Emitted from the worker thread, received (queued) in the GUI thread.
    succeeded_in_worker = Signal(object)
    failed_in_worker = Signal(object)
    progressed = Signal(int, int, str)
    # Emitted in the GUI thread once the callbacks ran.
    finished = Signal()

    def __init__(
        self,
        on_success: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_cancel: Callable[[], None] | None,
        parent_widget: QWidget | None,
    ) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_error = on_error
        self._on_cancel = on_cancel
        self._parent_widget = parent_widget
        self.progress = Progress(self)
        self.dialog: QProgressDialog | None = None
        self._cancel_connected = False
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        queued = Qt.ConnectionType.QueuedConnection
        self.succeeded_in_worker.connect(self._deliver_success, queued)
        self.failed_in_worker.connect(self._deliver_failure, queued)
        self.progressed.connect(self._show_progress, queued)

    @property
    def cancelled(self) -> bool:
        return self.progress.cancelled

    def cancel(self) -> None:
        """Ask the task to stop (it does at its next ``progress.check()``)."""
        self.progress._cancelled.set()
        if self.dialog is not None:
            self.dialog.setLabelText("Đang dừng…")

    def _open_dialog(self, text: str, cancellable: bool) -> None:
        dialog = QProgressDialog(self._parent_widget)
        dialog.setWindowTitle("Vui lòng chờ")
        dialog.setLabelText(text)
        dialog.setRange(0, 0)  # indeterminate until the task reports a total
        dialog.setWindowModality(Qt.WindowModality.WindowModal if self._parent_widget else Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if cancellable:
            dialog.setCancelButtonText("Hủy")
            dialog.canceled.connect(self.cancel)
            self._cancel_connected = True
        else:
            dialog.setCancelButton(None)
        dialog.setValue(0)
        self.dialog = dialog

    @Slot(int, int, str)
    def _show_progress(self, done: int, total: int, text: str) -> None:
        dialog = self.dialog
        if dialog is None or self.done:
            return
        if dialog.wasCanceled() and not self.cancelled:
            self.cancel()
        if text and not self.cancelled:
            dialog.setLabelText(text)
        if total >= 0:
            if dialog.maximum() != total:
                dialog.setRange(0, max(total, 0))
            # A modal QProgressDialog processes events in setValue: this job may finish
            # (and drop its dialog) inside this call, so nothing may follow it.
            dialog.setValue(min(done, total))

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            if self._cancel_connected:
                self.dialog.canceled.disconnect(self.cancel)
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None

    def _finish(self) -> None:
        self.done = True
        self._close_dialog()
        _active.discard(self)
        self.finished.emit()

    def _owner_gone(self) -> bool:
        """True when the widget the job was started for has been destroyed meanwhile."""
        return self._parent_widget is not None and not shiboken6.isValid(self._parent_widget)

    @Slot(object)
    def _deliver_success(self, result: Any) -> None:
        self.result = result
        self._finish()
        if self._owner_gone():
            return
        if self._on_success is not None:
            self._on_success(result)

    @Slot(object)
    def _deliver_failure(self, exc: BaseException) -> None:
        self.error = exc
        self._finish()
        if self._owner_gone():
            log.info("Tác vụ nền kết thúc sau khi cửa sổ đã đóng: %s", error_text(exc))
            return
        if isinstance(exc, TaskCancelled):
            if self._on_cancel is not None:
                self._on_cancel()
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.error("Lỗi khi chạy tác vụ nền", exc_info=(type(exc), exc, exc.__traceback__))
            show_error(self._parent_widget, "Không thực hiện được thao tác.", exc)


def run_in_background(
    fn: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    with_progress: bool = False,
    progress_text: str | None = None,
    cancellable: bool = False,
    parent: QWidget | None = None,
) -> Job:
    """Run ``fn(*args)`` (``fn(progress, *args)`` when ``with_progress``) on a worker thread.

    ``on_success(result)`` or ``on_error(exception)`` then runs on the GUI thread (not at all
    if ``parent`` has been destroyed by then: pass the widget the callbacks touch); without
    ``on_error`` a failure is logged and shown in a Vietnamese message box. When
    ``progress_text`` is given a modal progress dialog with that text is shown while the
    task runs (after a short delay); with ``cancellable`` it has a "Hủy" button, and a
    cancelled task ends in ``on_cancel()`` instead.
    """
    if QCoreApplication.instance() is None:
        raise RuntimeError("run_in_background needs a QApplication")
    job = Job(on_success, on_error, on_cancel, parent)
    if progress_text is not None:
        job._open_dialog(progress_text, cancellable)
    call_args = (job.progress, *args) if with_progress else args
    _active.add(job)
    thread_pool().start(_Runnable(job, fn, call_args))
    return job


def pending_jobs() -> int:
    """How many jobs have not delivered their result yet."""
    return len(_active)


def wait_for_idle(timeout_s: float = 30.0) -> bool:
    """Process events until every job has delivered its result (screenshots, tests).

    Returns False if some were still running after ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    app = QCoreApplication.instance()
    while _active:
        if time.monotonic() > deadline:
            return False
        thread_pool().waitForDone(20)
        if app is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    # Let what the callbacks scheduled (layout, repaint) happen too.
    if app is not None:
        app.processEvents()
    return True


def error_text(exc: BaseException) -> str:
    """A one-line description of an exception for a message box (storage faults in the
    same Vietnamese words as on the command line)."""
    from services.system.errors import storage_fault

    fault = storage_fault(exc)
    if fault is not None:
        return " ".join(part for part in fault if part)
    text = str(exc).strip()
    return text or type(exc).__name__


def show_error(parent: QWidget | None, what: str, exc: BaseException | None = None, advice: str = "") -> None:
    """A Vietnamese error box: what failed, the cause, and what to do."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Lỗi")
    box.setText(what)
    details = []
    if exc is not None:
        details.append(f"Nguyên nhân: {error_text(exc)}")
    details.append(advice or "Hãy thử lại; nếu lỗi còn lặp lại, hãy báo cho người quản trị phần mềm kèm nội dung thông báo này.")
    box.setInformativeText("\n\n".join(details))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("Đóng")
    box.exec()


__all__ = [
    "Job", "Progress", "TaskCancelled", "error_text", "pending_jobs", "run_in_background", "show_error",
    "thread_pool", "wait_for_idle",
]


class MainThreadGarbageCollector(QObject):
    """Run Python's cycle collector only on the GUI thread (as Anki does).

    With worker threads, an automatic collection may start on a worker and destroy Qt
    objects there, which crashes. So automatic collection is switched off and this
    collects every few seconds from a timer on the GUI thread instead.
    """

    INTERVAL_MS = 2_000

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(self.INTERVAL_MS)

    def collect(self) -> None:
        gc.collect()


def collect_garbage_on_gui_thread(app: QObject) -> None:
    """Install the collector once for ``app``."""
    if app.findChild(MainThreadGarbageCollector) is None:
        MainThreadGarbageCollector(app)
