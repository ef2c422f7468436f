"""Dated rule sets (bộ quy định): the builtin sets shipped in ``resources/rules/``,
copies edited by the secretariat, the one in force for a year, and their JSON form.

A rule set's ``params`` maps every title code to that title's parameters (quota,
scope, rounding, thresholds...) plus ``rules``: for each rule (P1..P8, U1..U5) the
legal article it cites and whether that article was checked (``V``) or is an
unconfirmed default (``U``). See ``resources/rules/2024.json``.

Which rule set is in force for year Y: the one with the latest ``valid_from`` on or
before 31 December of Y; among several with that same date, a copy made by the
agency wins over a builtin set, and the most recently added copy wins over older ones.
"""
from __future__ import annotations

import copy
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import RuleSet
from models.base import nfc
from models.vocabulary import DISCIPLINES, INITIATIVE_LEVELS, RATINGS, TITLE_CODES

log = logging.getLogger(__name__)

RULES_DIR = Path(__file__).resolve().parents[2] / "resources" / "rules"
BUILTIN_BASE = "2024"  # the builtin set exchange-file overrides apply to
FORMAT = "tdkt-rule-set"
FORMAT_VERSION = 1

RULE_IDS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "U1", "U2", "U3", "U4", "U5")


class RuleSetError(ValueError):
    """A rule set or an override that cannot be used; ``problems`` are Vietnamese messages."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# --- parameter validation -----------------------------------------------------------

def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_percent_or_null(v: Any) -> str | None:
    if v is None or (_is_number(v) and 0 <= v <= 100):
        return None
    return "phải là số từ 0 đến 100, hoặc null (không áp dụng)"


def _check_percent(v: Any) -> str | None:
    return None if _is_number(v) and 0 <= v <= 100 else "phải là số từ 0 đến 100"


def _int_range(lo: int, hi: int | None = None):
    def check(v: Any) -> str | None:
        if _is_int(v) and v >= lo and (hi is None or v <= hi):
            return None
        return f"phải là số nguyên từ {lo} đến {hi}" if hi is not None else f"phải là số nguyên từ {lo} trở lên"
    return check


def _one_of(codes: dict[str, str] | list[str] | tuple[str, ...], what: str):
    def check(v: Any) -> str | None:
        if isinstance(v, str) and v in codes:
            return None
        return f"{what} không hợp lệ {json.dumps(v, ensure_ascii=False)}; chọn một trong: {', '.join(codes)}"
    return check


def _list_of(codes: dict[str, str] | list[str], what: str):
    def check(v: Any) -> str | None:
        if not isinstance(v, list):
            return f"phải là danh sách {what} (có thể rỗng)"
        bad = [x for x in v if not isinstance(x, str) or x not in codes]
        if bad:
            return f"{what} không hợp lệ: {', '.join(json.dumps(b, ensure_ascii=False) for b in bad)}; dùng: {', '.join(codes)}"
        if len(set(v)) != len(v):
            return f"có {what} bị lặp"
        return None
    return check


def _check_bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "phải là true hoặc false"


def _check_text(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "phải là một chuỗi không rỗng"


def _check_rules(v: Any) -> str | None:
    if not isinstance(v, dict):
        return "phải là một đối tượng {mã quy tắc: {article, status}}"
    for rule, entry in v.items():
        if rule not in RULE_IDS:
            return f"quy tắc không hợp lệ {json.dumps(rule, ensure_ascii=False)}; dùng: {', '.join(RULE_IDS)}"
        if not isinstance(entry, dict) or set(entry) - {"article", "status", "note"}:
            return f"{rule}: chỉ được có các khóa article, status, note"
        if not isinstance(entry.get("article"), str) or not entry["article"].strip():
            return f"{rule}.article: phải ghi điều khoản văn bản (chuỗi không rỗng)"
        if entry.get("status") not in ("V", "U"):
            return f"{rule}.status: phải là \"V\" (đã đối chiếu) hoặc \"U\" (chưa xác minh)"
        if "note" in entry and not isinstance(entry["note"], str):
            return f"{rule}.note: phải là chuỗi"
    return None


PARAM_CHECKS: dict[str, Any] = {
    "drafted": _check_bool,
    "rules": _check_rules,
    "quota_percent": _check_percent_or_null,
    "quota_scope": _one_of(("agency", "unit"), "phạm vi tỷ lệ"),
    "rounding": _one_of(("floor", "half_up"), "cách làm tròn"),
    "min_vote_percent": _check_percent_or_null,
    "min_months": _int_range(0, 12),
    "min_rating": _one_of(RATINGS, "xếp loại"),
    "excellent_rating": _one_of(RATINGS, "xếp loại"),
    "unit_min_rating": _one_of(RATINGS, "xếp loại"),
    "min_member_rating": _one_of(RATINGS, "xếp loại"),
    "blocking_discipline": _list_of(DISCIPLINES, "hình thức kỷ luật"),
    "blocking_member_discipline": _list_of(DISCIPLINES, "hình thức kỷ luật"),
    "min_initiative_level": _one_of(INITIATIVE_LEVELS, "cấp sáng kiến"),
    "min_initiatives": _int_range(0, 20),
    "years": _int_range(1, 20),
    "unit_years": _int_range(1, 20),
    "min_years_since": _int_range(1, 50),
    "min_cstdcs_years": _int_range(0, 50),
    "min_ldtt_percent": _check_percent,
    "min_cstdcs_members": _int_range(0),
    "qualifying_titles": _list_of(TITLE_CODES, "mã danh hiệu"),
    "unit_qualifying_titles": _list_of(TITLE_CODES, "mã danh hiệu"),
    "under_review_article": _check_text,
    "initiative_article": _check_text,
}


def _builtin_doc(name: str = BUILTIN_BASE) -> dict[str, Any]:
    path = RULES_DIR / f"{name}.json"
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def _template() -> dict[str, Any]:
    """The parameters every title must have: those of the builtin 2024 set."""
    return _builtin_doc()["params"]


def validate_overrides(obj: Any) -> list[str]:
    """Problems (Vietnamese, paths like ``CSTDCS.quota_percent: ...``) with an override
    object ``{title code: {parameter: value}}``; an empty list when it can be applied."""
    if not isinstance(obj, dict):
        return ["phải là một đối tượng {mã danh hiệu: {tham số: giá trị}}"]
    template = _template()
    problems: list[str] = []
    for title, values in obj.items():
        if title not in template:
            problems.append(f"{title}: không có danh hiệu mã {json.dumps(title, ensure_ascii=False)}; "
                            f"dùng một trong: {', '.join(template)}")
            continue
        if not isinstance(values, dict):
            problems.append(f"{title}: phải là một đối tượng {{tham số: giá trị}}")
            continue
        for key, value in values.items():
            if key not in template[title]:
                problems.append(f"{title}.{key}: danh hiệu {title} không có tham số này; "
                                f"các tham số: {', '.join(template[title])}")
                continue
            problem = PARAM_CHECKS[key](value)
            if problem:
                problems.append(f"{title}.{key}: {problem}")
    return problems


def validate_params(params: Any) -> list[str]:
    """Problems with a complete ``params`` object (every title, every parameter)."""
    problems = validate_overrides(params)
    if problems or not isinstance(params, dict):
        return problems
    template = _template()
    for title, keys in template.items():
        if title not in params:
            problems.append(f"{title}: thiếu tham số của danh hiệu này")
            continue
        missing = [k for k in keys if k not in params[title]]
        if missing:
            problems.append(f"{title}: thiếu tham số {', '.join(missing)}")
    return problems


def merge_params(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for title, values in overrides.items():
        merged.setdefault(title, {}).update(copy.deepcopy(values))
    return _nfc_tree(merged)


def diff_params(base: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The overrides that turn ``base`` into ``params`` (whole values per parameter)."""
    diff: dict[str, Any] = {}
    for title, values in params.items():
        for key, value in values.items():
            if base.get(title, {}).get(key) != value:
                diff.setdefault(title, {})[key] = copy.deepcopy(value)
    return diff


def _nfc_tree(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): _nfc_tree(v) for k, v in value.items()}
    return value


# --- the database -------------------------------------------------------------------

def ensure_builtin_rule_sets(session: Session) -> list[RuleSet]:
    """Load every ``resources/rules/*.json`` absent from the database (by name) as a
    builtin rule set. Idempotent; flushes but does not commit. Returns those added."""
    existing = set(session.scalars(select(RuleSet.name)))
    added = []
    for path in sorted(RULES_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as f:
            doc = json.load(f)
        if doc["name"] in existing:
            continue
        rs = RuleSet(name=nfc(doc["name"]), valid_from=date.fromisoformat(doc["valid_from"]), builtin=True,
                     description=nfc(doc.get("description", "")), params=_nfc_tree(doc["params"]))
        session.add(rs)
        added.append(rs)
    if added:
        session.flush()
        log.info("Đã nạp bộ quy định có sẵn: %s", ", ".join(rs.name for rs in added))
    return added


def _in_force_order():
    # Latest start date first; on the same date a copy beats the builtin; then newest first.
    return (RuleSet.valid_from.desc(), RuleSet.builtin.asc(), RuleSet.id.desc())


def rule_set_for_year(session: Session, year: int) -> RuleSet:
    """The rule set in force for ``year`` (see the module docstring)."""
    ensure_builtin_rule_sets(session)
    rs = session.scalars(
        select(RuleSet).where(RuleSet.valid_from <= date(year, 12, 31)).order_by(*_in_force_order()).limit(1)
    ).first()
    if rs is None:
        first = session.scalars(select(RuleSet).order_by(RuleSet.valid_from).limit(1)).first()
        hint = f" Bộ sớm nhất có hiệu lực từ {first.valid_from.strftime('%d/%m/%Y')}." if first else ""
        raise RuleSetError(f"Không có bộ quy định nào có hiệu lực trong năm {year}.{hint} "
                           "Hãy sao chép một bộ quy định và đặt ngày hiệu lực phù hợp (lệnh: rules copy).")
    return rs


def get_rule_set(session: Session, name: str) -> RuleSet:
    ensure_builtin_rule_sets(session)
    rs = session.scalars(select(RuleSet).where(RuleSet.name == nfc(name))).first()
    if rs is None:
        names = ", ".join(session.scalars(select(RuleSet.name).order_by(RuleSet.valid_from, RuleSet.id)))
        raise RuleSetError(f"Không có bộ quy định tên \"{name}\". Các bộ hiện có: {names}.")
    return rs


def builtin_rule_set(session: Session) -> RuleSet:
    rs = get_rule_set(session, BUILTIN_BASE)
    if not rs.builtin:
        raise RuleSetError(f"Bộ quy định \"{BUILTIN_BASE}\" trong CSDL không phải bộ có sẵn của ứng dụng.")
    return rs


def copy_rule_set(session: Session, source: RuleSet, name: str, valid_from: date | None = None,
                  changes: dict[str, Any] | None = None, description: str = "") -> RuleSet:
    """A new (non-builtin) rule set: ``source``'s parameters with ``changes`` applied
    (``{title code: {parameter: value}}``), in force from ``valid_from`` (default: the
    source's date). Raises RuleSetError listing every problem. Flushes, no commit."""
    changes = changes or {}
    name = nfc(name).strip()
    problems = validate_overrides(changes)
    if not name:
        problems.append("name: tên bộ quy định không được để trống")
    elif session.scalars(select(RuleSet.id).where(RuleSet.name == name)).first() is not None:
        problems.append(f"name: đã có bộ quy định tên \"{name}\"; hãy chọn tên khác")
    if problems:
        raise RuleSetError(problems)
    rs = RuleSet(name=name, valid_from=valid_from or source.valid_from, based_on_id=source.id, builtin=False,
                 description=nfc(description) or f"Sao chép từ bộ \"{source.name}\"",
                 params=merge_params(source.params, changes))
    session.add(rs)
    session.flush()
    return rs


def _free_name(session: Session, stem: str) -> str:
    taken = set(session.scalars(select(RuleSet.name).where(RuleSet.name.like(f"{stem}%"))))
    n = 1
    while f"{stem} {n}" in taken:
        n += 1
    return f"{stem} {n}"


def apply_overrides(session: Session, overrides: dict[str, Any]) -> RuleSet:
    """Put in force, for every year the builtin 2024 set covers, a copy of it with
    ``overrides`` (the ``rule_set`` object of an exchange file). When the set already in
    force has exactly those parameters it is reused. Raises RuleSetError."""
    problems = validate_overrides(overrides)
    if problems:
        raise RuleSetError(problems)
    base = builtin_rule_set(session)
    wanted = merge_params(base.params, overrides)
    current = rule_set_for_year(session, base.valid_from.year)
    if not current.builtin and current.valid_from == base.valid_from and current.params == wanted:
        return current
    return copy_rule_set(session, base, _free_name(session, f"{base.name} điều chỉnh"), base.valid_from,
                         overrides, description="Điều chỉnh theo tệp trao đổi dữ liệu")


def overrides_in_force(session: Session, year: int | None = None) -> dict[str, Any] | None:
    """The overrides (vs the builtin 2024 set) of the rule set in force for ``year``
    (default: the current year, or 2024 if earlier); None when they are the builtin's."""
    base = builtin_rule_set(session)
    year = max(year or date.today().year, base.valid_from.year)
    diff = diff_params(base.params, rule_set_for_year(session, year).params)
    return diff or None


def export_rule_set(rs: RuleSet) -> dict[str, Any]:
    """The JSON document of a rule set (the same shape as resources/rules/2024.json)."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "name": rs.name,
        "valid_from": rs.valid_from.isoformat(),
        "based_on": rs.based_on.name if rs.based_on is not None else None,
        "description": rs.description,
        "params": copy.deepcopy(rs.params),
    }


DOC_KEYS = {"format", "version", "name", "valid_from", "based_on", "description", "params"}


def import_rule_set(session: Session, doc: Any, name: str | None = None) -> RuleSet:
    """Add the rule set of an exported document (``name`` renames it). A set with the same
    name and parameters already present is returned as is. Raises RuleSetError."""
    if not isinstance(doc, dict):
        raise RuleSetError("Tệp không phải một bộ quy định (cần một đối tượng JSON).")
    problems = [f"{k}: khóa không được hỗ trợ" for k in doc if k not in DOC_KEYS]
    if doc.get("format") != FORMAT:
        problems.append(f"format: phải là \"{FORMAT}\"")
    if doc.get("version") != FORMAT_VERSION:
        problems.append(f"version: phiên bản {doc.get('version')!r} không được hỗ trợ (cần {FORMAT_VERSION})")
    raw_name = name if name is not None else doc.get("name")
    rs_name = nfc(raw_name).strip() if isinstance(raw_name, str) else ""
    if not rs_name:
        problems.append("name: thiếu tên bộ quy định")
    valid_from = None
    try:
        valid_from = date.fromisoformat(str(doc.get("valid_from")))
    except (TypeError, ValueError):
        problems.append("valid_from: phải là ngày dạng YYYY-MM-DD")
    if not isinstance(doc.get("description", ""), str):
        problems.append("description: phải là chuỗi")
    problems += [f"params.{p}" for p in validate_params(doc.get("params"))]
    if problems:
        raise RuleSetError(problems)
    params = _nfc_tree(doc["params"])
    existing = session.scalars(select(RuleSet).where(RuleSet.name == rs_name)).first()
    if existing is not None:
        if existing.params == params and existing.valid_from == valid_from:
            return existing
        raise RuleSetError(f"Đã có bộ quy định tên \"{rs_name}\" với nội dung khác; "
                           "hãy nhập với tên khác (tùy chọn --name).")
    based_on = None
    if isinstance(doc.get("based_on"), str):
        based_on = session.scalars(select(RuleSet).where(RuleSet.name == nfc(doc["based_on"]))).first()
    rs = RuleSet(name=rs_name, valid_from=valid_from, builtin=False, based_on_id=based_on.id if based_on else None,
                 description=nfc(doc.get("description", "")), params=params)
    session.add(rs)
    session.flush()
    return rs


# --- command line -------------------------------------------------------------------











