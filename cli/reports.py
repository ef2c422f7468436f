"""Command line: the commands of ``services.output.reports``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.output.reports import KINDS, PERIODS, ReportError, make_report


def _cmd_report(args: argparse.Namespace) -> int:
    from cli import open_from_args

    out = Path(args.out)
    database = open_from_args(args)
    try:
        path = make_report(database, args.kind, args.year, args.period, out)
    except ReportError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Lỗi: không ghi được tệp {out}: {exc.strerror or exc}. Hãy đóng tệp nếu đang mở trong Word/Excel "
              "hoặc chọn thư mục khác.", file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"Đã lập {KINDS[args.kind].lower()} năm {args.year}: {path}")
    return 0



def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="lập báo cáo (.docx hoặc .xlsx): phong trào thi đua, thống kê khen thưởng, danh hiệu liên tục",
        description="Lập báo cáo từ cơ sở dữ liệu; định dạng theo đuôi tệp: .docx (Word) hoặc .xlsx (Excel). "
                    + "; ".join(f"{k}: {v}" for k, v in KINDS.items()) + ".")
    p.add_argument("kind", choices=list(KINDS), metavar="LOẠI", help="phong-trao | thong-ke | lien-tuc")
    p.add_argument("--year", type=int, required=True, metavar="NĂM", help="năm báo cáo")
    p.add_argument("--period", choices=list(PERIODS), default="year",
                   help="kỳ báo cáo phong trào: 6m (6 tháng đầu năm) hoặc year (cả năm; mặc định)")
    p.add_argument("--out", required=True, metavar="TỆP", help="tệp kết quả, .docx hoặc .xlsx")
    p.set_defaults(handler=_cmd_report)

