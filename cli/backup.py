"""Command line: the commands of ``services.system.backup``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.db import Database
from services.system.access import PermissionDenied
from services.system.backup import BackupError, make_backup, restore_file


def _require_sqlite(database: Database) -> Path:
    path = database.path
    if path is None:
        raise BackupError(
            "CSDL đang dùng là máy chủ (PostgreSQL), không phải tệp: hãy sao lưu bằng công cụ của máy chủ "
            "(pg_dump) hoặc nhờ người quản trị máy chủ.")
    return path



def _cmd_backup(args: argparse.Namespace) -> int:
    from cli import open_from_args

    database = open_from_args(args)
    try:
        dest = make_backup(_require_sqlite(database), Path(args.dest) if args.dest else None)
    except BackupError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"Đã sao lưu {database.display_name()} sang {dest}.")
    return 0



def _restore_target(args: argparse.Namespace) -> Path:
    """The file to restore into, found from the options without opening it (a database that
    cannot be opened any more must still be restorable)."""
    from models.db import DEMO_DB_NAME, data_dir, resolve_url, sqlite_path
    from services.system.errors import DatabaseMissing

    if getattr(args, "demo", False):
        return data_dir() / DEMO_DB_NAME
    url = resolve_url(getattr(args, "db", None))
    path = sqlite_path(url)
    if path is None:
        raise BackupError(
            "CSDL đang dùng là máy chủ (PostgreSQL), không phải tệp: hãy khôi phục bằng công cụ của máy chủ "
            "(pg_restore) hoặc nhờ người quản trị máy chủ.")
    if getattr(args, "db", None) and not path.exists() and not getattr(args, "create", False):
        raise DatabaseMissing(f"Không có tệp cơ sở dữ liệu {path} để khôi phục vào. Hãy kiểm tra lại đường dẫn; "
                              "muốn khôi phục thành một tệp mới ở đó thì thêm tùy chọn --create.")
    return path


def _cmd_restore(args: argparse.Namespace) -> int:
    from services.system.storage_check import check_database_path

    try:
        target = _restore_target(args)
        check_database_path(target)
    except BackupError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    try:
        result = restore_file(target, Path(args.src))
    except BackupError as exc:
        print(f"Lỗi: {exc} CSDL không thay đổi.", file=sys.stderr)
        return 2
    except PermissionDenied as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    print(f"Đã khôi phục {target} từ {result.restored_from}.")
    if result.previous_saved_to:
        print(f"Dữ liệu trước khi khôi phục được giữ ở {result.previous_saved_to}.")
    if result.upgraded:
        print("Bản sao lưu từ phiên bản cũ hơn đã được nâng cấp lược đồ.")
    return 0



def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "backup", help="sao lưu CSDL ra một tệp (SQLite online backup)",
        description="Sao lưu CSDL đang chọn (--db/--demo/mặc định) ra tệp ĐÍCH, hoặc vào thư mục ĐÍCH với tên tự đặt; "
                    "không có ĐÍCH: vào thư mục sao lưu trong thư mục dữ liệu người dùng.")
    p.add_argument("dest", nargs="?", metavar="ĐÍCH")
    p.set_defaults(handler=_cmd_backup)
    p = subparsers.add_parser(
        "restore", help="khôi phục CSDL từ một bản sao lưu (kiểm tra trước, giữ bản cũ)",
        description="Kiểm tra tệp NGUỒN (toàn vẹn, đúng CSDL của phần mềm, phiên bản lược đồ) rồi mới thay CSDL đang "
                    "chọn; CSDL cũ được sao lưu vào thư mục sao lưu trước khi thay.")
    p.add_argument("src", metavar="NGUỒN")
    p.set_defaults(handler=_cmd_restore)

