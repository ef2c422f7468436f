"""Command line: the commands of ``services.records.exchange``."""
from __future__ import annotations

from services.records.exchange import (
    ExchangeError,
    export_exchange,
    import_exchange,
    read_exchange_file,
    write_exchange_file,
)


def _cmd_import(args) -> int:
    import sys

    from sqlalchemy.exc import SQLAlchemyError

    from cli import open_from_args
    from services.system.errors import storage_fault

    try:
        doc = read_exchange_file(args.file)
    except ExchangeError as exc:
        print(f"Lỗi: {exc} Không có gì thay đổi.", file=sys.stderr)
        return 2
    database = open_from_args(args)
    try:
        with database.session() as session:
            try:
                report = import_exchange(session, doc)
            except SQLAlchemyError as exc:
                session.rollback()
                fault = storage_fault(exc)
                if fault is None:
                    raise
                print(f"Lỗi: không nhập được {args.file}. {fault[0]} {fault[1]}".rstrip(), file=sys.stderr)
                return 1
            if report.problems:
                session.rollback()
                print(f"Không nhập tệp {args.file}: có {len(report.problems)} lỗi, CSDL không thay đổi. "
                      "Hãy sửa các lỗi sau rồi nhập lại:", file=sys.stderr)
                for problem in report.problems:
                    print(problem, file=sys.stderr)
                return 2
            session.commit()
    finally:
        database.close()
    print(f"Đã nhập tệp {args.file} vào {database.display_name()}:")
    for line in report.summary_lines():
        print(f"  {line}")
    return 0



def _cmd_export(args) -> int:
    import sys

    from cli import open_from_args

    database = open_from_args(args)
    try:
        with database.session() as session:
            doc = export_exchange(session)
            session.commit()
    finally:
        database.close()
    try:
        path = write_exchange_file(doc, args.file)
    except OSError as exc:
        print(f"Lỗi: không ghi được tệp {args.file}: {exc.strerror or exc}. Hãy chọn thư mục khác.", file=sys.stderr)
        return 1
    print(f"Đã xuất ra {path}: {len(doc['units'])} đơn vị, {len(doc['people'])} cán bộ, "
          f"{len(doc['evaluations'])} kết quả xếp loại cá nhân, {len(doc['unit_evaluations'])} kết quả xếp loại "
          f"đơn vị, {len(doc['initiatives'])} sáng kiến, {len(doc['awards'])} khen thưởng, "
          f"{len(doc['registrations'])} đăng ký thi đua.")
    return 0



def register(subparsers) -> None:
    p = subparsers.add_parser("import", help="nhập tệp trao đổi dữ liệu JSON (tdkt-exchange)",
                              description="Nhập tệp trao đổi dữ liệu. Tệp có lỗi bị từ chối toàn bộ: in ra mọi lỗi "
                                          "(mã thoát 2) và CSDL giữ nguyên.")
    p.add_argument("file", metavar="TỆP.json")
    p.set_defaults(handler=_cmd_import)
    p = subparsers.add_parser("export", help="xuất toàn bộ dữ liệu ra tệp trao đổi JSON (tdkt-exchange)")
    p.add_argument("file", metavar="TỆP.json")
    p.set_defaults(handler=_cmd_export)

