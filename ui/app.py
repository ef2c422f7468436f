"""Starting the application: the QApplication, its look, the database, the main window."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from models.db import Database
from services.system.about import APP_TITLE, ORGANISATION, VERSION
from services.system.app import open_app_database
from ui.style import apply_style, icon
from ui.worker import collect_garbage_on_gui_thread

log = logging.getLogger(__name__)

_CONFIGURED = "tdktConfigured"


def ensure_application() -> QApplication:
    """The QApplication, created and set up on first call: name, locale, style, font."""
    app = QApplication.instance()
    if app is None:
        _refuse_unsafe_qt_runtime()
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if not app.property(_CONFIGURED):
        # Also when something else (a test runner) created the application.
        app.setProperty(_CONFIGURED, True)
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        app.setApplicationName(APP_TITLE)
        app.setApplicationDisplayName(APP_TITLE)
        app.setApplicationVersion(VERSION)
        app.setOrganizationName(ORGANISATION)
        app.setWindowIcon(icon("app"))
        apply_style(app)
        install_vietnamese_translation(app)
        collect_garbage_on_gui_thread(app)
    return app


TRANSLATION_QM = Path(__file__).resolve().parent.parent / "resources" / "translations" / "qtbase_vi.qm"


def install_vietnamese_translation(app: QApplication) -> bool:
    """Qt's own texts (standard buttons, text fields' context menus, file dialogs, wizards)
    in Vietnamese: PySide6 ships no Vietnamese translation, so the app carries its own
    (resources/translations/qtbase_vi.ts, compiled with PySide6's lrelease)."""
    translator = QTranslator(app)  # owned by the application, lives as long as it
    if not translator.load(str(TRANSLATION_QM)):
        log.warning("Không nạp được bản dịch tiếng Việt của Qt: %s", TRANSLATION_QM)
        return False
    app.installTranslator(translator)
    return True


def _refuse_unsafe_qt_runtime() -> None:
    """End the program, with a message, on a Python/PySide6 pairing known to abort it."""
    from ui.qt_runtime import check_qt_runtime

    problem = check_qt_runtime()
    if problem is None:
        return
    log.error("Môi trường chạy không an toàn: %s", problem.what)
    print(problem.text(), file=sys.stderr)
    # A handful of Qt calls is safe even on a faulty pairing: show the reason once.
    box_app = QApplication(sys.argv[:1])
    box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE, problem.what)
    box.setInformativeText(problem.advice)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("Đóng")
    if not QApplication.platformName() == "offscreen":
        box.exec()
    del box, box_app
    raise SystemExit(3)


def open_database_from_args(args: argparse.Namespace, *, create: bool | None = None) -> Database:
    """The database of ``--db``/``--demo``; a ``--db`` file that does not exist is created only
    with ``--create`` (or ``create``: the window asks first, see ``confirm_new_database``)."""
    if create is None:
        create = getattr(args, "create", False) or not getattr(args, "db", None)
    return open_app_database(getattr(args, "db", None), demo=getattr(args, "demo", False), create=create)


def confirm_new_database(args: argparse.Namespace) -> bool | None:
    """When ``--db`` names a file that does not exist: ask whether to create a new, empty
    database there. None when there is nothing to ask; True to create; False to stop."""
    from services.system.app import missing_database_file

    if getattr(args, "demo", False) or not getattr(args, "db", None) or getattr(args, "create", False):
        return None
    missing = missing_database_file(args.db)
    if missing is None:
        return None
    box = QMessageBox(QMessageBox.Icon.Question, APP_TITLE, f"Không có tệp cơ sở dữ liệu “{missing}”.")
    box.setObjectName("confirm_new_database")
    box.setInformativeText("Có thể đường dẫn bị gõ sai (tên thư mục, tên tệp hoặc dấu). Tạo một cơ sở dữ liệu "
                           "mới, trống ở đó, hay thoát để kiểm tra lại đường dẫn?")
    create = box.addButton("Tạo CSDL mới", QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton("Thoát", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.exec()
    return box.clickedButton() is create


def database_error_message(args: argparse.Namespace, exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do) when the database given on the command line fails to open."""
    if getattr(args, "demo", False):
        what = "Không mở được cơ sở dữ liệu mẫu."
    elif getattr(args, "db", None):
        what = f"Không mở được cơ sở dữ liệu “{args.db}”."
    else:
        what = "Không mở được cơ sở dữ liệu mặc định trong thư mục dữ liệu của phần mềm."
    from services.system.errors import storage_fault

    fault = storage_fault(exc)
    if fault is not None:  # the same words as the command line
        cause, todo = fault
        return what, (f"{cause}\n\n{todo}".strip()
                      + "\n\n(Có thể mở tệp khác bằng tùy chọn --db khi chạy phần mềm.)")
    advice = (f"Nguyên nhân: {str(exc).strip() or type(exc).__name__}\n\n"
              "Hãy kiểm tra đường dẫn, quyền đọc, ghi thư mục và tệp không bị phần mềm khác khóa, "
              "rồi mở lại phần mềm (có thể chỉ định tệp khác bằng tùy chọn --db).")
    return what, advice


def show_notices(database: Database, parent=None) -> None:  # type: ignore[no-untyped-def]
    """Tell the user what they must know about the database just opened (opened read-only,
    recovered from its pre-upgrade backup...)."""
    for notice in database.notices:
        box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, notice, parent=parent)
        box.setObjectName("database_notice")
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText("Đã hiểu")
        box.exec()


def run(args: argparse.Namespace) -> int:
    """Show the main window on the database chosen by ``--db``/``--demo``; the exit status."""
    app = ensure_application()
    # Unexpected errors go to the log and a Vietnamese dialog (ui/error_dialog.py).
    from ui.error_dialog import install_excepthook

    install_excepthook()
    answer = confirm_new_database(args)
    if answer is False:
        return 1
    try:
        database = open_database_from_args(args, create=True if answer else None)
    except Exception as exc:  # noqa: BLE001 - any failure is reported to the user
        log.exception("Không mở được cơ sở dữ liệu")
        what, advice = database_error_message(args, exc)
        box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE, what)
        box.setInformativeText(advice)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText("Đóng")
        box.exec()
        return 1
    show_notices(database)

    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.worker import thread_pool

    # First-run wizard, sign-in, daily backup (ui/first_run.py, ui/sign_in.py).
    database = _first_run_and_sign_in(args, database)
    if database is None:
        return 0
    context = AppContext(database)
    window = MainWindow(context)
    window.show()
    try:
        return app.exec()
    finally:
        # Let a query still running on a worker thread end before its engine goes.
        thread_pool().waitForDone(10_000)
        # Automatic backup on close.
        _backup_quietly(context.database, on_close=True)
        context.close()


# Start-up and close-down steps.


def _first_run_and_sign_in(args: argparse.Namespace, database: Database) -> Database | None:
    """The wizard for a new default database, sign-in when accounts exist, today's backup.
    None when the user gave up signing in (the app then ends)."""
    from ui.first_run import needs_first_run, run_first_run
    from ui.sign_in import sign_in_if_needed

    if not getattr(args, "db", None) and not getattr(args, "demo", False) and needs_first_run(database):
        chosen = run_first_run(database)
        if chosen is not database:
            database.close()
            database = chosen
    if not sign_in_if_needed(database):
        database.close()
        return None
    _backup_quietly(database, on_close=False)
    return database


def _backup_quietly(database: Database, *, on_close: bool) -> None:
    """Automatic backups never stop the app: a failure is logged (the next one will retry)."""
    from services.system import backup

    try:
        if on_close:
            backup.auto_backup(database, backup.KIND_ON_CLOSE)
        else:
            backup.daily_backup(database)
    except Exception:  # noqa: BLE001 - logged; the user's work is unaffected
        log.exception("Sao lưu tự động không thành công")
