"""Quản lý Thi đua - Khen thưởng: start the window, or run a command (``python main.py --help``)."""
from __future__ import annotations

import sys

from cli import build_parser, configure_stdio, run_command
from services.system.errors import setup_console_logging, setup_logging


def main(argv: list[str] | None = None) -> int:
    configure_stdio()
    # Warnings and errors on the console; everything from INFO up in the log file of the
    # user's data folder (services/system/errors.py).
    setup_console_logging()
    setup_logging()
    # Commands that need Qt widgets are registered from ui/ (which imports Qt lazily).
    from ui.commands import register as register_ui_commands

    parser = build_parser(extra=[register_ui_commands])
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from ui.app import run

        return run(args)
    return run_command(handler, args)


if __name__ == "__main__":
    sys.exit(main())
