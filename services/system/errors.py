"""Errors: the log file in the user's data folder, the details of an unexpected error,
the Vietnamese wording of the errors users can act on, and edit conflicts.

``setup_logging()`` is called once at start-up (window and command line); everything
logged, and every unexpected error, goes to ``<data folder>/logs/tdkt.log``, rotated at
1 MB with 5 old files kept.
"""
from __future__ import annotations

import json
import logging
import logging.handlers
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from services.system.about import APP_TITLE, VERSION

LOG_FILE_NAME = "tdkt.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5
RECOVERY_DIR_NAME = "khoi-phuc"
_HANDLER_NAME = "tdkt-file"

log = logging.getLogger(__name__)


def log_dir() -> Path:
    from models.db import data_dir

    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the app's log to the rotating file in the user's data folder (once per process;
    again when the data folder changed). Returns the log file's path."""
    root = logging.getLogger()
    path = log_file()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            if Path(getattr(handler, "baseFilename", "")) == path.absolute():
                return path
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8", delay=True)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path


class _ConsoleHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (it may be replaced, e.g. by tests).
    Tracebacks go to the log file only: the console gets the message line."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text:
            record = logging.makeLogRecord(record.__dict__)
            record.exc_info = None
            record.exc_text = None
        return super().format(record)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup_console_logging(level: int = logging.WARNING) -> None:
    """Warnings and errors on the console as well (once per process)."""
    root = logging.getLogger()
    if any(isinstance(h, _ConsoleHandler) for h in root.handlers):
        return
    handler = _ConsoleHandler()
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def error_details(exc_info: ExcInfo) -> str:
    """Everything a maintainer needs, as plain text (what "Sao chép chi tiết" copies)."""
    exc_type, exc, tb = exc_info
    lines = [
        f"{APP_TITLE} {VERSION}",
        f"Thời điểm: {datetime.now():%d/%m/%Y %H:%M:%S}",
        f"Hệ điều hành: {platform.platform()}; Python {platform.python_version()}"
        + ("; bản đóng gói" if getattr(sys, "frozen", False) else ""),
        f"Nhật ký: {log_file()}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
    ]
    return "\n".join(lines)


class EditConflict(Exception):
    """Someone else saved the same record since it was loaded: nothing of ours was written."""


CONFLICT_MESSAGE = ("Bản ghi này vừa được người khác sửa và lưu trong lúc bạn đang sửa, nên thay đổi của bạn "
                    "chưa được lưu (để không ghi đè lên thay đổi của họ). Hãy tải lại dữ liệu, xem thay đổi của "
                    "người kia rồi sửa lại.")


def commit_or_conflict(session: Session) -> None:
    """Commit; when a versioned record was changed by someone else meanwhile, roll back and
    raise EditConflict (in Vietnamese) instead of overwriting their change."""
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise EditConflict(CONFLICT_MESSAGE) from exc


DISK_FULL = ("Ổ đĩa đã đầy, không ghi được dữ liệu.", "Hãy giải phóng chỗ trống trên ổ đĩa rồi làm lại. "
             "Dữ liệu đã lưu trước đó không bị ảnh hưởng.")
READ_ONLY = ("Không ghi được: cơ sở dữ liệu hoặc thư mục chỉ đọc (ổ đĩa, thư mục hoặc tệp được bảo vệ chống ghi).",
             "Hãy chép tệp về một thư mục ghi được trên máy rồi mở bản chép đó, hoặc bỏ thuộc tính chỉ đọc của tệp. "
             "Không có gì bị thay đổi.")
BUSY = ("Cơ sở dữ liệu đang bận (một người hoặc chương trình khác đang ghi).",
        "Hãy chờ vài giây rồi làm lại. Nếu lỗi lặp lại, hãy đóng các cửa sổ phần mềm khác đang mở cùng tệp "
        "(kể cả chương trình khác đang mở tệp CSDL, như DB Browser).")
_ERRNO_DISK_FULL = {28, 122}  # ENOSPC, EDQUOT
_ERRNO_READ_ONLY = {30}       # EROFS
_ERRNO_DENIED = {1, 13}       # EPERM, EACCES


def storage_fault(exc: BaseException) -> tuple[str, str] | None:
    """(what happened, what to do) in Vietnamese when ``exc`` is a fault of the storage or of
    the database file (full disk, read-only medium, file locked by another program, damaged
    or foreign file, failed upgrade...); None for anything else. The window and the command
    line both word these faults through here."""
    from models.db import NotAnAppDatabase, ReadOnlyDatabase, UpgradeError
    from services.system.storage_check import NetworkLocationError

    if isinstance(exc, (NotAnAppDatabase, ReadOnlyDatabase, UpgradeError, NetworkLocationError, DatabaseMissing)):
        return str(exc), ""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # the driver's error under SQLAlchemy's
        seen.add(id(current))
        found = _one_storage_fault(current)
        if found:
            return found
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def _one_storage_fault(exc: BaseException) -> tuple[str, str] | None:
    import sqlite3

    message = str(exc).lower()
    if isinstance(exc, OSError):
        number = getattr(exc, "errno", None)
        name = f" “{exc.filename}”" if getattr(exc, "filename", None) else ""
        if number in _ERRNO_DISK_FULL:
            return DISK_FULL
        if number in _ERRNO_READ_ONLY:
            return READ_ONLY
        if number in _ERRNO_DENIED or isinstance(exc, PermissionError):
            return (f"Không có quyền ghi hoặc đọc tệp{name}, hoặc tệp đang bị chương trình khác mở.",
                    "Hãy đóng chương trình đang mở tệp, kiểm tra quyền của thư mục (hoặc chọn thư mục khác) rồi "
                    "làm lại. Không có gì bị thay đổi.")
        if number == 5:  # EIO
            return ("Lỗi đọc, ghi ổ đĩa (ổ đĩa bị rút ra hoặc hỏng).",
                    "Hãy kiểm tra ổ đĩa rồi làm lại; nếu lỗi lặp lại, hãy khôi phục từ bản sao lưu.")
        return None
    if not isinstance(exc, (sqlite3.Error, OperationalError)) and "sqlalchemy" not in type(exc).__module__:
        return None
    if "locked" in message or "busy" in message:
        return BUSY
    if "disk is full" in message or "database or disk is full" in message:
        return DISK_FULL
    if "readonly" in message or "read-only" in message:
        return READ_ONLY
    if "unable to open database file" in message:
        return ("Không mở được tệp cơ sở dữ liệu: thư mục không có, không có quyền, hoặc tệp đang bị khóa.",
                "Hãy kiểm tra đường dẫn và quyền của thư mục, đóng chương trình khác đang mở tệp, rồi làm lại.")
    if "disk i/o error" in message:
        return ("Lỗi đọc, ghi ổ đĩa khi làm việc với cơ sở dữ liệu (ổ đĩa bị rút ra, đầy hoặc hỏng).",
                "Hãy kiểm tra ổ đĩa rồi làm lại; nếu lỗi lặp lại, hãy khôi phục từ bản sao lưu.")
    if "not a database" in message or "malformed" in message:
        return ("Tệp cơ sở dữ liệu bị hỏng hoặc không phải tệp CSDL.",
                "Hãy khôi phục từ một bản sao lưu (trang Sao lưu hoặc lệnh restore).")
    return None


class DatabaseMissing(Exception):
    """The database file named does not exist (and was not to be created)."""


def user_message(exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do), in Vietnamese, for an error shown to the user."""
    from services.system.access import PermissionDenied

    if isinstance(exc, (PermissionDenied, EditConflict)):
        return str(exc), ""
    if isinstance(exc, StaleDataError):
        return CONFLICT_MESSAGE, ""
    fault = storage_fault(exc)
    if fault is not None:
        return fault
    if isinstance(exc, MemoryError):
        return "Máy tính không đủ bộ nhớ để làm việc này.", "Hãy đóng bớt chương trình khác rồi làm lại."
    return ("Phần mềm gặp một lỗi không lường trước.",
            "Dữ liệu đã lưu trước đó không bị ảnh hưởng; thao tác vừa làm có thể chưa hoàn tất. Hãy thử lại. "
            "Nếu lỗi lặp lại, hãy bấm “Sao chép chi tiết” và gửi nội dung cho người hỗ trợ kỹ thuật "
            f"(kèm tệp nhật ký {log_file()}).")


def save_recovery(items: dict[str, Any]) -> Path | None:
    """Write what the user had typed and not saved to ``<data folder>/khoi-phuc/`` as JSON,
    so that an error never loses it silently. Returns the file, or None when nothing was given."""
    if not items:
        return None
    from models.db import data_dir

    folder = data_dir() / RECOVERY_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"chua-luu-{datetime.now():%Y%m%d-%H%M%S-%f}.json"
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    log.warning("Đã ghi dữ liệu chưa lưu vào %s", path)
    return path
