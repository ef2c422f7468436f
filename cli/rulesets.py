"""Command line: the commands of ``services.awards.rulesets``."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from models import RuleSet
from models.base import nfc
from services.awards.rulesets import (
    BUILTIN_BASE,
    RuleSetError,
    copy_rule_set,
    diff_params,
    ensure_builtin_rule_sets,
    export_rule_set,
    get_rule_set,
    import_rule_set,
    rule_set_for_year,
)


def _parse_set(item: str) -> tuple[str, str, Any]:
    path, sep, raw = item.partition("=")
    title, dot, key = path.strip().partition(".")
    if not sep or not dot or not title or not key:
        raise RuleSetError(f"--set {item}: cần dạng DANH_HIỆU.tham_số=giá_trị, vd. CSTDCS.quota_percent=20")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = nfc(raw.strip())
    return title, key, value



def _cmd_list(args) -> int:
    from cli import open_from_args

    database = open_from_args(args)
    try:
        with database.session() as session:
            ensure_builtin_rule_sets(session)
            year = date.today().year
            try:
                in_force = rule_set_for_year(session, year).id
            except RuleSetError:
                in_force = None
            rows = session.scalars(select(RuleSet).order_by(RuleSet.valid_from, RuleSet.id)).all()
            print(f"{'Tên':<28} {'Hiệu lực từ':<12} {'Loại':<10} {'Sao chép từ':<20} Ghi chú")
            for rs in rows:
                kind = "có sẵn" if rs.builtin else "tự tạo"
                note = f"đang áp dụng cho năm {year}" if rs.id == in_force else ""
                based = rs.based_on.name if rs.based_on else ""
                print(f"{rs.name:<28} {rs.valid_from.strftime('%d/%m/%Y'):<12} {kind:<10} {based:<20} {note}")
            session.commit()
    finally:
        database.close()
    return 0



def _cmd_export(args) -> int:
    import sys

    from cli import open_from_args

    database = open_from_args(args)
    try:
        with database.session() as session:
            try:
                rs = get_rule_set(session, args.name) if args.name else rule_set_for_year(session, date.today().year)
            except RuleSetError as exc:
                print(f"Lỗi: {exc}", file=sys.stderr)
                return 2
            doc = export_rule_set(rs)
            session.commit()
    finally:
        database.close()
    path = Path(args.file)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Đã xuất bộ quy định \"{doc['name']}\" (hiệu lực từ {date.fromisoformat(doc['valid_from']).strftime('%d/%m/%Y')}) ra {path}")
    return 0



def _cmd_import(args) -> int:
    import sys

    from cli import open_from_args

    path = Path(args.file)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"Lỗi: không đọc được tệp {path}: {exc.strerror or exc}. Hãy kiểm tra đường dẫn.", file=sys.stderr)
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(f"Lỗi: tệp {path} không phải JSON UTF-8 hợp lệ ({exc}). Không có gì thay đổi.", file=sys.stderr)
        return 2
    database = open_from_args(args)
    try:
        with database.session() as session:
            try:
                rs = import_rule_set(session, doc, name=args.name)
            except RuleSetError as exc:
                session.rollback()
                print("Lỗi: không nhập được bộ quy định, không có gì thay đổi:", file=sys.stderr)
                for p in exc.problems:
                    print(f"  - {p}", file=sys.stderr)
                return 2
            session.commit()
            print(f"Đã nhập bộ quy định \"{rs.name}\" (hiệu lực từ {rs.valid_from.strftime('%d/%m/%Y')}).")
    finally:
        database.close()
    return 0



def _cmd_copy(args) -> int:
    import sys

    from cli import open_from_args

    database = open_from_args(args)
    try:
        with database.session() as session:
            try:
                changes: dict[str, Any] = {}
                for item in args.set or []:
                    title, key, value = _parse_set(item)
                    changes.setdefault(title, {})[key] = value
                valid_from = None
                if args.valid_from:
                    try:
                        valid_from = date.fromisoformat(args.valid_from)
                    except ValueError:
                        raise RuleSetError(f"--valid-from {args.valid_from}: cần ngày dạng YYYY-MM-DD") from None
                source = get_rule_set(session, args.source)
                rs = copy_rule_set(session, source, args.name, valid_from, changes)
            except RuleSetError as exc:
                session.rollback()
                print("Lỗi: không tạo được bộ quy định, không có gì thay đổi:", file=sys.stderr)
                for p in exc.problems:
                    print(f"  - {p}", file=sys.stderr)
                return 2
            session.commit()
            print(f"Đã tạo bộ quy định \"{rs.name}\" từ \"{source.name}\", hiệu lực từ "
                  f"{rs.valid_from.strftime('%d/%m/%Y')}.")
            for title, values in diff_params(source.params, rs.params).items():
                for key, value in values.items():
                    print(f"  {title}.{key} = {json.dumps(value, ensure_ascii=False)}")
    finally:
        database.close()
    return 0



def register(subparsers) -> None:
    parser = subparsers.add_parser("rules", help="bộ quy định, tiêu chuẩn thi đua (xem, sao chép, xuất, nhập)",
                                   description="Quản lý các bộ quy định có ngày hiệu lực.")
    sub = parser.add_subparsers(dest="rules_command", metavar="LỆNH", required=True)
    p = sub.add_parser("list", help="liệt kê các bộ quy định")
    p.set_defaults(handler=_cmd_list)
    p = sub.add_parser("export", help="xuất một bộ quy định ra tệp JSON")
    p.add_argument("file", metavar="TỆP")
    p.add_argument("--name", metavar="TÊN", help="tên bộ quy định (mặc định: bộ đang áp dụng năm nay)")
    p.set_defaults(handler=_cmd_export)
    p = sub.add_parser("import", help="nhập một bộ quy định từ tệp JSON")
    p.add_argument("file", metavar="TỆP")
    p.add_argument("--name", metavar="TÊN", help="đặt tên khác cho bộ quy định được nhập")
    p.set_defaults(handler=_cmd_import)
    p = sub.add_parser("copy", help="sao chép một bộ quy định và sửa tham số")
    p.add_argument("--from", dest="source", default=BUILTIN_BASE, metavar="BỘ_NGUỒN", help="bộ nguồn (mặc định 2024)")
    p.add_argument("--name", required=True, metavar="TÊN", help="tên bộ mới")
    p.add_argument("--valid-from", metavar="NGÀY", help="ngày hiệu lực YYYY-MM-DD (mặc định: như bộ nguồn)")
    p.add_argument("--set", action="append", metavar="DANH_HIỆU.tham_số=giá_trị",
                   help="sửa một tham số, vd. CSTDCS.quota_percent=20 (giá trị dạng JSON); lặp lại được")
    p.set_defaults(handler=_cmd_copy)

