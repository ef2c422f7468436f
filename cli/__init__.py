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


def open_from_args(args: argparse.Namespace) -> Database:
    return open_app_database(getattr(args, "db", None), demo=getattr(args, "demo", False))


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
