"""Command line: the commands of ``services.system.accounts``."""
from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.orm import Session

from models.vocabulary import ROLES
from services.system import access
from services.system.accounts import (
    AccountError,
    SignInFailed,
    accounts_exist,
    add_account,
    list_accounts,
    remove_account,
    set_password,
    set_role,
    sign_in,
    sign_out,
)


def _read_password(prompt: str) -> str:
    """From the keyboard without echo, or one line of standard input when it is not a terminal."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")



def _cli_sign_in(session: Session, args: argparse.Namespace) -> None:
    """When accounts exist, the command acts as ``--admin`` (asking for its password)."""
    if not accounts_exist(session):
        return
    if not args.admin:
        raise AccountError("CSDL đã có tài khoản: hãy chạy lệnh với --admin TÊN (một người quản trị) "
                           "và nhập mật khẩu của người đó.")
    sign_in(session, args.admin, _read_password(f"Mật khẩu của {args.admin}: "))



def _cmd_users(args: argparse.Namespace) -> int:
    from cli import open_from_args

    database = open_from_args(args)
    try:
        with database.session() as session:
            try:
                if args.users_action == "list":
                    rows = list_accounts(session)
                    if not rows:
                        print("Chưa có tài khoản nào: phần mềm chạy không cần đăng nhập, mọi người có quyền quản trị.")
                    for a in rows:
                        state = "" if a.active else " (đã khóa)"
                        print(f"{a.username}\t{a.role_label}\t{a.full_name}{state}")
                    return 0
                _cli_sign_in(session, args)
                if args.users_action == "add":
                    password = _read_password(f"Mật khẩu cho {args.username}: ")
                    add_account(session, args.username, password, args.role, args.full_name or "")
                    message = f"Đã tạo tài khoản {args.username} ({ROLES[args.role]})."
                elif args.users_action == "passwd":
                    set_password(session, args.username, _read_password(f"Mật khẩu mới cho {args.username}: "))
                    message = f"Đã đổi mật khẩu của {args.username}."
                elif args.users_action == "role":
                    set_role(session, args.username, args.role)
                    message = f"Đã đổi vai trò của {args.username} thành {ROLES[args.role]}."
                else:
                    remove_account(session, args.username)
                    message = f"Đã khóa tài khoản {args.username}."
                session.commit()
            except (AccountError, SignInFailed, access.PermissionDenied) as exc:
                session.rollback()
                print(f"Lỗi: {exc} Không có gì thay đổi.", file=sys.stderr)
                return 2
            finally:
                sign_out()
    finally:
        database.close()
    print(message)
    return 0



def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "users", help="quản lý tài khoản đăng nhập (thêm, liệt kê, đổi mật khẩu, đổi vai trò, khóa)",
        description="Tài khoản đăng nhập. Khi chưa có tài khoản nào, phần mềm không hỏi đăng nhập. "
                    "Mật khẩu được hỏi khi chạy (hoặc đọc từng dòng từ đầu vào chuẩn), không ghi trên dòng lệnh.",
    )
    sub = parser.add_subparsers(dest="users_action", metavar="THAO_TÁC", required=True)
    roles = list(ROLES)
    p = sub.add_parser("list", help="liệt kê các tài khoản")
    p = sub.add_parser("add", help="thêm tài khoản")
    p.add_argument("username", metavar="TÊN")
    p.add_argument("--role", choices=roles, default="chuyen_vien",
                   help="quan_tri (quản trị), chuyen_vien (chuyên viên), xem (chỉ xem); mặc định chuyen_vien")
    p.add_argument("--full-name", metavar="HỌ_TÊN", default="")
    p = sub.add_parser("passwd", help="đặt lại mật khẩu")
    p.add_argument("username", metavar="TÊN")
    p = sub.add_parser("role", help="đổi vai trò")
    p.add_argument("username", metavar="TÊN")
    p.add_argument("role", choices=roles)
    p = sub.add_parser("remove", help="khóa tài khoản (giữ tên trong nhật ký)")
    p.add_argument("username", metavar="TÊN")
    for name, sp in sub.choices.items():
        if name != "list":
            sp.add_argument("--admin", metavar="TÊN", help="người quản trị thực hiện (bắt buộc khi đã có tài khoản)")
    parser.set_defaults(handler=_cmd_users)

