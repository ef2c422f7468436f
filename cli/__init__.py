"""The command line: ``python main.py [--db X | --demo] SUBCOMMAND ...``.

Each feature module that has a command exposes ``register(subparsers)``, adding its
subparser with ``set_defaults(handler=fn)``; ``fn(args) -> int`` returns the exit status.
Add new modules to ``COMMAND_MODULES``. Commands that need widgets are registered by
``main.py`` itself, so nothing here imports QtWidgets.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from models.db import Database
from services.system.about import APP_TITLE, VERSION
from services.system.app import open_app_database

# Modules (under cli/) that add subcommands.
COMMAND_MODULES: list[str] = ["schema", "certificates", "exchange", "demo", "drafting", "rulesets", "accounts", "backup", "selftest", "workflow", "reports"]


ARGPARSE_VI = Path(__file__).resolve().parent.parent / "resources" / "translations" / "argparse_vi.json"


def install_vietnamese_argparse() -> None:
    """argparse's own words (usage, options, its error messages) in Vietnamese.

    argparse looks its texts up through the module-level names ``_`` and ``ngettext`` at
    the moment it prints them, so replacing those two with lookups in
    ``resources/translations/argparse_vi.json`` translates every parser, whenever built.
    A text missing from the file stays in English rather than failing."""
    table: dict[str, str] = json.loads(ARGPARSE_VI.read_text(encoding="utf-8"))

    def gettext(message: str) -> str:
        return table.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def add_database_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--db", metavar="TỆP_HOẶC_URL",
                       help="tệp SQLite hoặc URL SQLAlchemy (vd. postgresql+psycopg://...); mặc định: CSDL trong thư mục dữ liệu người dùng")
    group.add_argument("--demo", action="store_true", help="mở CSDL mẫu (tạo nếu chưa có) từ Kế hoạch thi đua 2024")
    parser.add_argument("--create", action="store_true",
                        help="với --db là một tệp chưa có: tạo CSDL mới, trống ở đó (không có tùy chọn này: báo lỗi)")


def open_from_args(args: argparse.Namespace) -> Database:
    """The database the options name. A ``--db`` file that does not exist is refused unless
    ``--create``; what the user must know about the opening (read-only, recovered from a
    backup) is printed on stderr."""
    database = open_app_database(getattr(args, "db", None), demo=getattr(args, "demo", False),
                                 create=getattr(args, "create", False) or not getattr(args, "db", None))
    for notice in database.notices:
        print(f"Lưu ý: {notice}", file=sys.stderr)
    return database


def run_command(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command's handler; a fault of the storage, of the database file or of a bad input
    (or anything unexpected) is reported in Vietnamese on stderr, with no traceback (that goes
    to the log file), and ends with a non-zero status."""
    import logging

    from services.system.access import PermissionDenied
    from services.system.errors import log_file, storage_fault

    try:
        return handler(args)
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except PermissionDenied as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # noqa: BLE001 - every failure is worded for the user
        fault = storage_fault(exc)
        # The traceback goes to the log file (the console shows the Vietnamese message only).
        logging.getLogger("cli").log(logging.INFO if fault else logging.ERROR, "Lệnh %s không thành công",
                                     getattr(args, "command", "?"), exc_info=True)
        if fault is not None:
            what, advice = fault
            print(f"Lỗi: {what}" + (f"\n{advice}" if advice else ""), file=sys.stderr)
            return 1
        print(f"Lỗi: phần mềm gặp một lỗi không lường trước ({type(exc).__name__}). Dữ liệu đã lưu trước đó không "
              f"bị ảnh hưởng; lệnh có thể chưa hoàn tất. Chi tiết đã ghi vào nhật ký {log_file()}; hãy gửi tệp đó "
              "cho người hỗ trợ kỹ thuật.", file=sys.stderr)
        return 1


def build_parser(extra: Iterable[Callable[[Any], None]] = ()) -> argparse.ArgumentParser:
    """The whole command line; ``extra`` are more ``register(subparsers)`` functions (ui's)."""
    install_vietnamese_argparse()
    parser = argparse.ArgumentParser(
        prog="main.py",
        description=f"{APP_TITLE}: hồ sơ thi đua, dự thảo danh sách đề nghị, quyết định và in giấy khen. "
                    "Không có lệnh con: mở cửa sổ ứng dụng.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}",
                        help="hiện số phiên bản rồi thoát")
    add_database_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")
    for name in COMMAND_MODULES:
        importlib.import_module(f"cli.{name}").register(sub)
    for register in extra:
        register(sub)
    return parser


def configure_stdio() -> None:
    """UTF-8 on the console whatever the Windows code page, so Vietnamese prints."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
