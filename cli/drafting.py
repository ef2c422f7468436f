"""Command line: the commands of ``services.awards.drafting``."""
from __future__ import annotations

import json
import sys

from services.awards.drafting import draft_to_json, draft_to_text, draft_year, log
from services.awards.rulesets import RuleSetError


def _cmd_draft(args) -> int:
    from cli import open_from_args

    database = open_from_args(args)
    try:
        with database.session() as session:
            try:
                draft = draft_year(session, args.year)
            except RuleSetError as exc:
                print(f"Lỗi: {exc}", file=sys.stderr)
                return 2
            session.rollback()
    finally:
        database.close()
    for w in draft.warnings:
        log.warning(w)
    if args.json:
        sys.stdout.write(json.dumps(draft_to_json(draft), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(draft_to_text(draft) + "\n")
    return 0



def register(subparsers) -> None:
    p = subparsers.add_parser("draft", help="dự thảo danh sách đề nghị khen thưởng của một năm",
                              description="Áp dụng bộ quy định có hiệu lực cho năm được chọn và in danh sách "
                                          "đề nghị của từng danh hiệu, kèm lý do theo điều khoản.")
    p.add_argument("--year", type=int, required=True, metavar="NĂM", help="năm bình xét, vd. 2024")
    p.add_argument("--json", action="store_true", help="in dạng JSON (theo định dạng trao đổi) thay vì bảng")
    p.set_defaults(handler=_cmd_draft)

