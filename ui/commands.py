"""Commands that need Qt widgets (``python main.py screenshot ...``).

Qt is imported inside the handlers so that ``--help`` stays fast.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

DEFAULT_SIZE = "1366x768"
WINDOW_FILE = "window"


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"kích thước “{text}” không hợp lệ; hãy ghi dạng RỘNGxCAO, vd. 1366x768")
    return int(match.group(1)), int(match.group(2))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "screenshot",
        help="chụp ảnh từng trang của cửa sổ (không cần màn hình) ra tệp PNG",
        description="Dựng cửa sổ ứng dụng trên CSDL chọn bằng --db/--demo mà không hiện lên màn hình, "
                    "chụp mỗi trang ra một tệp PNG mang mã của trang, và cả cửa sổ ra window.png.",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="THƯ_MỤC", help="thư mục ghi ảnh (tạo nếu chưa có)")
    parser.add_argument("--size", type=_size, default=_size(DEFAULT_SIZE), metavar="RỘNGxCAO",
                        help=f"kích thước cửa sổ (mặc định {DEFAULT_SIZE})")
    parser.set_defaults(handler=screenshot_command)


def screenshot_command(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import (
        database_error_message,
        ensure_application,
        open_database_from_args,
    )

    ensure_application()
    try:
        database = open_database_from_args(args)
    except Exception as exc:  # noqa: BLE001 - reported to the user
        what, advice = database_error_message(args, exc)
        print(f"{what}\n{advice}", file=sys.stderr)
        return 1
    try:
        written = take_screenshots(database, Path(args.out), args.size)
    except OSError as exc:
        print(f"Không ghi được ảnh vào thư mục {args.out}: {exc}. Hãy chọn thư mục khác có quyền ghi.",
              file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"Đã ghi {len(written)} ảnh vào {Path(args.out).resolve()}.")
    return 0


def take_screenshots(database, out_dir: Path, size: tuple[int, int]) -> list[Path]:
    """Render every page of a main window on ``database`` to OUT/KEY.png, and the window
    (on its first page) to OUT/window.png. Closes ``database`` when done."""
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.pages import PAGES
    from ui.worker import wait_for_idle

    app = ensure_app()
    out_dir.mkdir(parents=True, exist_ok=True)
    context = AppContext(database)
    window = MainWindow(context)
    written: list[Path] = []
    try:
        window.resize(*size)
        window.show()
        for spec in PAGES:
            window.show_page(spec.key)
            _settle(app, wait_for_idle)
            path = out_dir / f"{spec.key}.png"
            # The page with its header, as it sits in the window.
            if not window.hosts[spec.key].grab().save(str(path), "PNG"):
                raise OSError(f"không lưu được {path}")
            written.append(path)
        if PAGES:
            window.show_page(PAGES[0].key)
            _settle(app, wait_for_idle)
        path = out_dir / f"{WINDOW_FILE}.png"
        if not window.grab().save(str(path), "PNG"):
            raise OSError(f"không lưu được {path}")
        written.append(path)
    finally:
        window.close()
        window.deleteLater()
        context.close()
        app.processEvents()
    return written


def ensure_app():
    from ui.app import ensure_application

    return ensure_application()


def _settle(app, wait_for_idle) -> None:
    """Let background loads finish and the layout settle before grabbing."""
    for _ in range(3):
        app.processEvents()
        wait_for_idle(60.0)
    app.processEvents()
