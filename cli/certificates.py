"""Command line: the commands of ``services.output.certificates``."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from services.output.certificates import (
    DEFAULT_PRINTER,
    ORIENTATIONS,
    CertificateError,
    LayoutError,
    available_layouts,
    get_calibration,
    get_layout,
    issue_certificates,
    issue_decision,
    render_test_page,
    set_calibration,
)
from services.system.text import nfc


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "certificates", help="in giấy khen, giấy chứng nhận, bằng khen ra PDF; trang thử căn chỉnh máy in",
        description="In giấy khen của một quyết định ra một tệp PDF (mỗi người/tập thể một trang) và ghi sổ vàng. "
                    "Ví dụ: certificates --decision \"215/QĐ-SLĐTBXH\" --out giay-khen.pdf",
    )
    parser.add_argument("--decision", metavar="SỐ", help="số quyết định (vd. 215/QĐ-SLĐTBXH) hoặc mã số của nó")
    parser.add_argument("--awards", metavar="MÃ,...", help="chỉ in các khen thưởng có mã này (cách nhau bởi dấu phẩy), theo thứ tự ghi")
    parser.add_argument("--out", metavar="TỆP.pdf", help="tệp PDF cần ghi")
    parser.add_argument("--overlay", action="store_true", help="in lên phôi: chỉ in các trường thay đổi, theo độ lệch của máy in")
    parser.add_argument("--layout", metavar="TÊN", help="dùng mẫu này cho mọi trang (mặc định: theo danh hiệu)")
    parser.add_argument("--printer", metavar="TÊN", help="tên máy in (để lấy độ lệch căn chỉnh)")
    parser.add_argument("--test-page", action="store_true", help="in trang thử có lưới milimét và dấu chữ thập")
    parser.add_argument("--list-layouts", action="store_true", help="liệt kê các mẫu hiện có")
    sub = parser.add_subparsers(dest="certificates_action", metavar="THAO_TÁC")
    cal = sub.add_parser("calibrate", help="lưu độ lệch căn chỉnh (mm) của một máy in",
                         description="Lưu độ lệch của máy in: dx dương dời chữ sang phải, dy dương dời chữ xuống dưới.")
    cal.add_argument("--printer", metavar="TÊN", required=True, help="tên máy in")
    cal.add_argument("--dx", type=float, required=True, metavar="MM", help="độ lệch ngang (mm)")
    cal.add_argument("--dy", type=float, required=True, metavar="MM", help="độ lệch dọc (mm)")
    parser.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    import sys

    from cli import open_from_args

    def fail(message: str) -> int:
        print(f"Lỗi: {message}", file=sys.stderr)
        return 2

    try:
        if args.list_layouts and not getattr(args, "certificates_action", None):
            for name, lay in sorted(available_layouts().items()):
                print(f"{name}\t{lay.paper} {ORIENTATIONS[lay.orientation]}\tsổ {lay.register_code}\t{lay.label}")
            return 0
        database = open_from_args(args)
        try:
            with database.session() as session:
                if getattr(args, "certificates_action", None) == "calibrate":
                    set_calibration(session, args.printer, args.dx, args.dy)
                    session.commit()
                    print(f"Đã lưu độ lệch của máy in «{nfc(args.printer)}»: ngang {args.dx:+.1f} mm, dọc {args.dy:+.1f} mm.")
                    return 0
                if not args.out:
                    return fail("thiếu --out TỆP.pdf (nơi ghi tệp PDF).")
                out = Path(args.out)
                if args.test_page:
                    offset = get_calibration(session, args.printer)
                    paper, orientation = "A4", "landscape"
                    if args.layout:
                        lay = get_layout(args.layout)
                        paper, orientation = lay.paper, lay.orientation
                    render_test_page(out, nfc(args.printer or DEFAULT_PRINTER), offset, paper, orientation)
                    print(f"Đã ghi trang thử căn chỉnh vào {out} (độ lệch ngang {offset[0]:+.1f} mm, dọc {offset[1]:+.1f} mm).")
                    return 0
                mode = "overlay" if args.overlay else "full"
                options = dict(layout_name=args.layout, mode=mode, printer=args.printer)
                if args.awards:
                    try:
                        ids = [int(x) for x in args.awards.replace(";", ",").split(",") if x.strip()]
                    except ValueError:
                        return fail("--awards phải là các mã số cách nhau bởi dấu phẩy, vd. 12,15,20.")
                    result = issue_certificates(session, ids, out, **options)
                elif args.decision:
                    result = issue_decision(session, args.decision, out, **options)
                else:
                    return fail("hãy ghi --decision SỐ (in cả quyết định), --awards MÃ,... hoặc --test-page.")
                print(f"Đã ghi {result.pages} trang vào {out}: {result.new_count} giấy khen mới vào sổ, "
                      f"{result.reprint_count} bản in lại (giữ số cũ).")
                if result.certificates:
                    first, last = result.certificates[0].register_no, result.certificates[-1].register_no
                    print(f"Số sổ vàng: {first} ... {last}")
                return 0
        finally:
            database.close()
    except (CertificateError, LayoutError, FileNotFoundError) as exc:
        return fail(str(exc))
