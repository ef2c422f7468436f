"""Quản lý Thi đua - Khen thưởng: start the window, or run a command (``python main.py --help``)."""
from __future__ import annotations

import logging
import sys

from services.cli import build_parser, configure_stdio


def main(argv: list[str] | None = None) -> int:
    configure_stdio()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # Commands that need Qt widgets are registered from ui/ (which imports Qt lazily).
    from ui.commands import register as register_ui_commands

    parser = build_parser(extra=[register_ui_commands])
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from ui.app import run

        return run(args)
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
