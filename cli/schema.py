"""Command line: the commands of ``services.system.schema``."""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from cli import open_from_args
from models.db import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)


def _current(args: argparse.Namespace) -> int:
    database = open_from_args(args)
    try:
        print(f"CSDL: {database.display_name()}")
        print(f"Phiên bản lược đồ: {current_revision(database.engine)} (mới nhất: {head_revision()})")
    finally:
        database.close()
    return 0



def _revision(args: argparse.Namespace) -> int:
    """Autogenerate a migration: compare the models with a scratch database built by the
    existing migrations, and write the difference as a new revision file."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        try:
            upgrade(engine)
            command.revision(alembic_config(engine), message=args.message, autogenerate=True)
        finally:
            engine.dispose()
    return 0



def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("schema", help="lược đồ CSDL: phiên bản hiện tại, tạo migration mới")
    sub = parser.add_subparsers(dest="schema_command", required=True, metavar="VIỆC")
    current = sub.add_parser("current", help="phiên bản lược đồ của CSDL đang mở")
    current.set_defaults(handler=_current)
    revision = sub.add_parser("revision", help="tạo migration Alembic từ thay đổi của models/ (cho lập trình viên)")
    revision.add_argument("--message", "-m", required=True, metavar="MÔ_TẢ", help="mô tả ngắn của thay đổi")
    revision.set_defaults(handler=_revision)

