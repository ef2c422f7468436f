"""Command line of the nomination workflow: nominations, council, decision, documents, history.

    nominations draft --year Y
    nominations show --year Y --title T
    nominations override --year Y --title T (--add CODE | --remove CODE | --clear CODE) --reason "..."
    nominations move --year Y --title T --code CODE (--up | --down)
    nominations submit|return|reopen --year Y --title T [--reason "..."]
    council record --year Y --title T --date YYYY-MM-DD --present N --total N [--chair ..] [--secretary ..]
    council votes --year Y --title T --votes CODE=N [CODE=N ...] | --all N
    council conclude --year Y --title T
    decision create --year Y --title T --number N --date YYYY-MM-DD [--signer NAME|ID] [--level co_so|tinh|...]
    decision cancel NUMBER --reason "..."
    documents (--decision NUMBER | --list ID | --person CODE --year Y) --out DIR
    history (--person CODE | --unit CODE) | history --higher --year Y
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from services.records.units import RecordError
from services.system.access import PermissionDenied


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ngày «{text}» không hợp lệ; ghi theo dạng NĂM-THÁNG-NGÀY, vd. 2024-12-20") from None


def _run(args, fn) -> int:
    from cli import open_from_args
    from services.awards.rulesets import RuleSetError
    from services.output.documents import DocumentError

    database = open_from_args(args)
    try:
        with database.session() as session:
            try:
                code = fn(session, args)
            except (RecordError, PermissionDenied, DocumentError, RuleSetError) as exc:
                session.rollback()
                print(f"Lỗi: {exc}", file=sys.stderr)
                return 2
            session.commit()
            return code
    finally:
        database.close()


def _list(session, args):
    from services.awards.nominations import require_list

    return require_list(session, args.year, args.title)


# --- nominations ------------------------------------------------------------------------

def _draft(session, args) -> int:
    from services.awards.nominations import lists_for_year, save_draft, state_label

    r = save_draft(session, args.year)
    for w in r.warnings:
        print(f"Lưu ý: {w}")
    print(f"Đã lưu dự thảo năm {args.year}: {len(r.saved)} danh sách ({', '.join(r.saved)}); giữ {r.kept_overrides} "
          f"thay đổi thủ công.")
    if r.locked:
        print(f"Không dự thảo lại (danh sách không còn ở trạng thái Nháp): {', '.join(r.locked)}.")
    for msg in r.lost_overrides:
        print(f"Cảnh báo: {msg}")
    for nl in lists_for_year(session, args.year):
        print(f"  {nl.id:>5}  {nl.title_code:<14} {state_label(nl.state)}")
    return 0


def _show(session, args) -> int:
    from services.awards.nominations import (
        state_label,
        subject_code,
        subject_name,
        tie_of,
        view_list,
    )

    nl = _list(session, args)
    v = view_list(session, nl)
    print(f"DANH SÁCH ĐỀ NGHỊ {v.title_name.upper()} NĂM {nl.year} (mã {nl.id}) - trạng thái: {state_label(nl.state)}")
    print(f"Tỷ lệ tối đa: {'không áp dụng' if nl.quota is None else nl.quota}"
          + (f" - cách tính: {nl.quota_basis}" if nl.quota_basis else ""))
    print(f"Được đề nghị: {len(v.proposed)}; vượt tỷ lệ: {len(v.over_quota)}; không đủ điều kiện: {len(v.ineligible)}; "
          f"loại thủ công: {len(v.removed)}")
    sections = [("ĐƯỢC ĐỀ NGHỊ", v.proposed), ("VƯỢT TỶ LỆ", v.over_quota), ("LOẠI THỦ CÔNG", v.removed)]
    if args.all:
        sections.append(("KHÔNG ĐỦ ĐIỀU KIỆN", v.ineligible))
    for label, entries in sections:
        if not entries:
            continue
        print(f"\n  {label} ({len(entries)})")
        for i, n in enumerate(entries, 1):
            tie, manual = tie_of(n)
            mark = f" [ngang nhóm {tie}{', đã đổi thứ tự' if manual else ''}]" if tie else ""
            votes = f" phiếu HĐ {n.council_votes_for}/{n.council_votes_total}" if n.council_votes_for is not None else ""
            print(f"  {i:>4}  {subject_code(n):<10} {subject_name(n):<30}{mark}{votes}")
            if n.override:
                print(f"        * {'Thêm' if n.override == 'added' else 'Loại'} thủ công: {n.override_reason}")
            if args.reasons or label == "KHÔNG ĐỦ ĐIỀU KIỆN":
                for r in n.reasons:
                    print(f"        - {r['rule']}: {r['text']} ({r['article']})")
    return 0


def _override(session, args) -> int:
    from services.awards.nominations import override

    nl = _list(session, args)
    action, code = (("add", args.add) if args.add else ("remove", args.remove) if args.remove else ("clear", args.clear))
    n = override(session, nl.id, code, action, args.reason)
    print(f"Đã ghi: {code} - {'thêm vào' if n.override == 'added' else 'loại khỏi' if n.override == 'removed' else 'bỏ thay đổi thủ công của'} "
          f"danh sách {nl.title_code} năm {nl.year}. Lý do: {args.reason}")
    return 0


def _move(session, args) -> int:
    from services.awards.nominations import move_within_tie

    nl = _list(session, args)
    moved = move_within_tie(session, nl.id, args.code, -1 if args.up else 1)
    print("Đã đổi thứ tự." if moved else "Đã ở đầu/cuối nhóm ngang nhau, không đổi.")
    return 0


def _state(to: str):
    def run(session, args) -> int:
        from services.awards.nominations import change_state, state_label

        nl = _list(session, args)
        change_state(session, nl.id, to, args.reason or "")
        print(f"Danh sách {nl.title_code} năm {nl.year} chuyển sang: {state_label(nl.state)}.")
        return 0
    return run


# --- council ---------------------------------------------------------------------------------

def _council_record(session, args) -> int:
    from services.awards.council import record_meeting

    nl = _list(session, args)
    m = record_meeting(session, [nl.id], held_on=args.date, members_total=args.total, members_present=args.present,
                       attendees=args.attendee or [], chair=args.chair or "", secretary=args.secretary or "",
                       place=args.place or "")
    print(f"Đã ghi cuộc họp Hội đồng (mã {m.id}) ngày {m.held_on:%d/%m/%Y}: {m.members_present}/{m.members_total} "
          "thành viên có mặt.")
    return 0


def _council_votes(session, args) -> int:
    from services.awards.council import record_votes, results
    from services.awards.nominations import is_proposed, load_entries, subject_code

    nl = _list(session, args)
    votes: dict[str, int] = {}
    if args.all is not None:
        votes = {subject_code(n): args.all for n in load_entries(session, nl) if is_proposed(n)}
    for item in args.votes or []:
        code, _, count = item.partition("=")
        if not count.strip().isdigit():
            print(f"Lỗi: «{item}» không đúng dạng MÃ=SỐ_PHIẾU, vd. CB0008=8", file=sys.stderr)
            return 2
        votes[code.strip()] = int(count)
    record_votes(session, nl.id, votes)
    rule, res = results(session, nl.id)
    print(f"Đã ghi phiếu cho {len(votes)} người/tập thể. Tiêu chuẩn: {rule.describe()}.")
    print(f"Đạt: {sum(r.passed for r in res)}; không đạt: {sum(not r.passed and r.votes_for is not None for r in res)}; "
          f"chưa có phiếu: {sum(r.votes_for is None for r in res)}.")
    return 0


def _council_conclude(session, args) -> int:
    from services.awards.council import conclude, results

    nl = _list(session, args)
    conclude(session, nl.id)
    _rule, res = results(session, nl.id)
    print(f"Hội đồng đã bình xét danh sách {nl.title_code} năm {nl.year}: {sum(r.passed for r in res)}/{len(res)} đạt.")
    return 0


# --- decisions ---------------------------------------------------------------------------

def _decision_create(session, args) -> int:
    from services.awards.decisions import create_decision, find_signer

    nl = _list(session, args)
    d = create_decision(session, nl.id, number=args.number, issued_on=args.date, signer=find_signer(session, args.signer),
                        level=args.level, issuing_authority=args.authority)
    session.flush()
    print(f"Đã lưu quyết định số {d.number} ngày {d.issued_on:%d/%m/%Y} ({d.issuing_authority}; người ký: "
          f"{d.signer_capacity} {d.signer_position} {d.signer_name}): {len(d.awards)} khen thưởng đã ghi vào hồ sơ.")
    return 0


def _decision_cancel(session, args) -> int:
    from services.awards.decisions import cancel_decision, find_decision

    d = find_decision(session, args.number)
    cancel_decision(session, d.id, args.reason)
    print(f"Đã hủy quyết định {d.number}. Lý do: {args.reason}. Các khen thưởng của quyết định không còn được tính.")
    return 0


# --- documents and history -----------------------------------------------------------------

def _documents(session, args) -> int:
    from services.awards.decisions import find_decision
    from services.output import documents

    if args.decision:
        docs = documents.decision_documents(session, find_decision(session, args.decision).id)
    elif args.list:
        docs = documents.list_documents(session, args.list)
    else:
        from sqlalchemy import select

        from models import Person

        pid = session.scalar(select(Person.id).where(Person.code == args.person))
        if pid is None:
            print(f"Lỗi: không có cán bộ mã «{args.person}».", file=sys.stderr)
            return 2
        docs = [documents.achievement_report(session, pid, args.year or date.today().year)]
    formats = ("docx", "pdf") if args.format == "both" else (args.format,)
    for doc in docs:
        for path in documents.write(doc, Path(args.out), formats):
            print(f"Đã ghi {path}")
    return 0


def _history(session, args) -> int:
    from services.awards.history import find_subject, higher_forms, history_to_text

    if args.higher:
        year = args.year or date.today().year
        hf = higher_forms(session, year)
        print(f"ĐỀ XUẤT KHEN CAO NĂM {year}")
        print(f"\nĐủ điều kiện năm {year} ({len(hf.this_year)}):")
        for c in hf.this_year:
            print(f"  {c.title_code:<14} {c.code:<10} {c.name:<28} {c.basis}")
        print(f"\nSẽ đủ chuỗi vào năm {year + 1} ({len(hf.next_year)}):")
        for c in hf.next_year:
            print(f"  {c.title_code:<14} {c.code:<10} {c.name:<28} {c.basis}")
        return 0
    if not (args.person or args.unit):
        print("Lỗi: hãy ghi --person MÃ_CÁN_BỘ, --unit MÃ_ĐƠN_VỊ hoặc --higher --year NĂM.", file=sys.stderr)
        return 2
    print(history_to_text(find_subject(session, person=args.person, unit=args.unit)))
    return 0


def register(subparsers) -> None:
    def yt(p, title=True):
        p.add_argument("--year", type=int, required=True, metavar="NĂM")
        if title:
            p.add_argument("--title", required=True, metavar="MÃ_DANH_HIỆU", help="vd. CSTDCS")

    def handler(fn):
        return lambda args: _run(args, fn)

    nom = subparsers.add_parser("nominations", help="danh sách đề nghị: dự thảo, xem, thêm/loại, trình Hội đồng")
    ns = nom.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = ns.add_parser("draft", help="dự thảo và lưu danh sách của một năm (giữ thay đổi thủ công)")
    yt(p, title=False)
    p.set_defaults(handler=handler(_draft))
    p = ns.add_parser("show", help="xem một danh sách")
    yt(p)
    p.add_argument("--reasons", action="store_true", help="in lý do của từng người")
    p.add_argument("--all", action="store_true", help="in cả những người không đủ điều kiện")
    p.set_defaults(handler=handler(_show))
    p = ns.add_parser("override", help="thêm hoặc loại một người (bắt buộc ghi lý do)")
    yt(p)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--add", metavar="MÃ")
    g.add_argument("--remove", metavar="MÃ")
    g.add_argument("--clear", metavar="MÃ", help="bỏ thay đổi thủ công trước đó")
    p.add_argument("--reason", required=True, metavar="LÝ_DO")
    p.set_defaults(handler=handler(_override))
    p = ns.add_parser("move", help="đổi thứ tự trong nhóm ngang nhau")
    yt(p)
    p.add_argument("--code", required=True, metavar="MÃ")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--up", action="store_true")
    g.add_argument("--down", action="store_true")
    p.set_defaults(handler=handler(_move))
    for name, to, helptext in (("submit", "trinh_hoi_dong", "trình Hội đồng"),
                               ("return", "nhap", "trả về Nháp (ghi lý do)"),
                               ("reopen", "trinh_hoi_dong", "mở lại để Hội đồng bình xét lại (ghi lý do)")):
        p = ns.add_parser(name, help=helptext)
        yt(p)
        p.add_argument("--reason", metavar="LÝ_DO")
        p.set_defaults(handler=handler(_state(to)))

    co = subparsers.add_parser("council", help="Hội đồng Thi đua - Khen thưởng: cuộc họp, phiếu bầu, kết luận")
    cs = co.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = cs.add_parser("record", help="ghi cuộc họp")
    yt(p)
    p.add_argument("--date", type=_date, required=True, metavar="NĂM-THÁNG-NGÀY")
    p.add_argument("--present", type=int, required=True, metavar="SỐ", help="số thành viên có mặt")
    p.add_argument("--total", type=int, required=True, metavar="SỐ", help="tổng số thành viên Hội đồng")
    p.add_argument("--chair", metavar="HỌ_TÊN")
    p.add_argument("--secretary", metavar="HỌ_TÊN")
    p.add_argument("--place", metavar="ĐỊA_ĐIỂM")
    p.add_argument("--attendee", action="append", metavar="HỌ_TÊN", help="thành viên có mặt (lặp lại)")
    p.set_defaults(handler=handler(_council_record))
    p = cs.add_parser("votes", help="ghi phiếu đồng ý: MÃ=SỐ ...")
    yt(p)
    p.add_argument("--votes", nargs="*", metavar="MÃ=SỐ")
    p.add_argument("--all", type=int, metavar="SỐ", help="cùng số phiếu cho mọi người được đề nghị")
    p.set_defaults(handler=handler(_council_votes))
    p = cs.add_parser("conclude", help="kết thúc bình xét")
    yt(p)
    p.set_defaults(handler=handler(_council_conclude))

    de = subparsers.add_parser("decision", help="quyết định khen thưởng: tạo từ danh sách đã bình xét, hủy")
    ds = de.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = ds.add_parser("create", help="tạo quyết định từ danh sách Hội đồng đã bình xét")
    yt(p)
    p.add_argument("--number", required=True, metavar="SỐ", help="vd. 215 (thành 215/QĐ-...) hoặc 215/QĐ-SLĐTBXH")
    p.add_argument("--date", type=_date, required=True, metavar="NĂM-THÁNG-NGÀY")
    p.add_argument("--signer", metavar="TÊN_HOẶC_MÃ", help="người ký (mặc định: người ký mặc định)")
    p.add_argument("--level", choices=["co_so", "tinh", "bo", "nha_nuoc"], help="cấp ra quyết định")
    p.add_argument("--authority", metavar="CƠ_QUAN", help="cơ quan/người có thẩm quyền, vd. Chủ tịch UBND tỉnh Hà Tĩnh")
    p.set_defaults(handler=handler(_decision_create))
    p = ds.add_parser("cancel", help="hủy quyết định (ghi lý do)")
    p.add_argument("number", metavar="SỐ_QUYẾT_ĐỊNH")
    p.add_argument("--reason", required=True, metavar="LÝ_DO")
    p.set_defaults(handler=handler(_decision_cancel))

    do = subparsers.add_parser("documents", help="lập văn bản .docx và PDF: tờ trình, biên bản, quyết định, báo cáo thành tích")
    g = do.add_mutually_exclusive_group(required=True)
    g.add_argument("--decision", metavar="SỐ_QUYẾT_ĐỊNH")
    g.add_argument("--list", type=int, metavar="MÃ_DANH_SÁCH")
    g.add_argument("--person", metavar="MÃ_CÁN_BỘ", help="báo cáo thành tích của một người")
    do.add_argument("--year", type=int, metavar="NĂM")
    do.add_argument("--out", required=True, metavar="THƯ_MỤC")
    do.add_argument("--format", choices=["docx", "pdf", "both"], default="both")
    do.set_defaults(handler=handler(_documents))

    hi = subparsers.add_parser("history", help="hồ sơ thành tích của một người/đơn vị; đề xuất khen cao")
    g = hi.add_mutually_exclusive_group()
    g.add_argument("--person", metavar="MÃ_CÁN_BỘ")
    g.add_argument("--unit", metavar="MÃ_ĐƠN_VỊ")
    g.add_argument("--higher", action="store_true", help="ai đủ điều kiện khen cao năm nay, ai sắp đủ năm sau")
    hi.add_argument("--year", type=int, metavar="NĂM")
    hi.set_defaults(handler=handler(_history))
