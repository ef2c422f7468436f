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
    """Writes to whatever ``sys.stderr`` is at the time (it may be replaced, e.g. by tests)."""

    @property  # type: ignore[override]
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


def user_message(exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do), in Vietnamese, for an error shown to the user."""
    from services.system.access import PermissionDenied

    if isinstance(exc, (PermissionDenied, EditConflict)):
        return str(exc), ""
    if isinstance(exc, StaleDataError):
        return CONFLICT_MESSAGE, ""
    if isinstance(exc, OperationalError) and "locked" in str(exc).lower():
        return ("Cơ sở dữ liệu đang bận (một người hoặc chương trình khác đang ghi).",
                "Hãy chờ vài giây rồi làm lại. Nếu lỗi lặp lại, hãy đóng các cửa sổ phần mềm khác đang mở cùng tệp.")
    if isinstance(exc, OSError) and getattr(exc, "errno", None) == 28:
        return "Ổ đĩa đã đầy, không ghi được dữ liệu.", "Hãy giải phóng chỗ trống trên ổ đĩa rồi làm lại."
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
