"""Command line: the commands of ``services.records.demo``."""
from __future__ import annotations

import argparse
import sys

from services.records.demo import build_demo_exchange


def _cmd_demo_exchange(args: argparse.Namespace) -> int:
    from services.records.exchange import write_exchange_file

    doc = build_demo_exchange()
    try:
        path = write_exchange_file(doc, args.file)
    except OSError as exc:
        print(f"Lỗi: không ghi được tệp {args.file}: {exc.strerror or exc}. Hãy chọn thư mục khác.", file=sys.stderr)
        return 1
    print(f"Đã ghi dữ liệu mẫu ra {path}: {len(doc['people'])} cán bộ, {len(doc['evaluations'])} kết quả xếp loại, "
          f"{len(doc['awards'])} khen thưởng. Nhập thử bằng: python main.py --db TỆP.db import {path}")
    return 0



def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo-exchange", help="ghi dữ liệu mẫu (Sở LĐ-TBXH Hà Tĩnh) ra tệp trao đổi JSON")
    p.add_argument("file", metavar="TỆP.json")
    p.set_defaults(handler=_cmd_demo_exchange)

