"""The exchange file (``/work/shared/reference/exchange-format.md``, version 1).

One JSON document carrying an agency's emulation records. ``validate_exchange`` lists
every problem by JSON path; ``import_exchange`` writes a valid document in the caller's
transaction (upserts by code or natural key, set-based); ``export_exchange`` writes the
whole database back in the same format, in a deterministic order, so that
export -> import into an empty database -> export gives the same document (apart from
``exported_at``).

Import rules that the format leaves open, decided here:
- Sections and optional keys may be left out. A key left out of a record keeps the
  stored value of an existing record (and takes the default for a new one), so a
  district office may send only what it has.
- ``agency: null`` (or no ``agency``) leaves the agency as it is; ``rule_set: null`` keeps
  the rule set in force (only a non-null ``rule_set`` puts overrides in force).
- A new unit's ``sort_order`` is its position in the file, so the tree order survives a
  round trip; existing units keep their order.
- A new person opens a unit period (``PersonUnitHistory``) on ``joined`` (or the import
  date), closed on ``left`` if given. A person moved to another unit has the open period
  closed and a new one opened on the import date.
- An award's ``decision_no``/``decision_date`` create or reuse one ``Decision`` per
  (number, date), its level the highest level of the titles it grants. An award listing
  ``initiatives`` owns exactly those (any it listed before are freed).
- Soft-deleted units and people are exported too (a backup keeps everything).
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from models import (
    Agency,
    AuditEntry,
    Award,
    Decision,
    Evaluation,
    Initiative,
    Person,
    PersonUnitHistory,
    Registration,
    Title,
    Unit,
    UnitEvaluation,
)
from models.vocabulary import (
    AUTHORITY_LEVELS,
    DISCIPLINES,
    GENDERS,
    INITIATIVE_LEVELS,
    RATINGS,
    TITLE_CODES,
    UNIT_KINDS,
)
from services.system.files import atomic_write

FORMAT = "tdkt-exchange"
VERSION = 1

SECTIONS = ("units", "people", "evaluations", "unit_evaluations", "initiatives", "awards", "registrations")
TOP_KEYS = ("format", "version", "exported_at", "agency", *SECTIONS, "rule_set")

# Vietnamese names of what an import adds or changes, in the order of the summary.
SECTION_LABELS: dict[str, str] = {
    "agency": "thông tin cơ quan",
    "units": "đơn vị",
    "people": "cán bộ",
    "evaluations": "kết quả xếp loại cá nhân",
    "unit_evaluations": "kết quả xếp loại đơn vị",
    "initiatives": "sáng kiến",
    "decisions": "quyết định khen thưởng",
    "awards": "khen thưởng",
    "registrations": "đăng ký thi đua",
    "rule_set": "bộ quy định",
}

_LEVEL_ORDER = {code: i for i, code in enumerate(AUTHORITY_LEVELS)}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_YEAR, MAX_YEAR = 1945, 2100


class ExchangeError(ValueError):
    """A file that cannot be read as an exchange document (Vietnamese message)."""


@dataclass
class ImportReport:
    """What an import added and changed, per section; or why it changed nothing."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary_lines(self) -> list[str]:
        """One Vietnamese line per section that something happened to."""
        lines = []
        for key, label in SECTION_LABELS.items():
            added, changed = self.added.get(key, 0), self.changed.get(key, 0)
            if added or changed:
                parts = []
                if added:
                    parts.append(f"thêm {added}")
                if changed:
                    parts.append(f"cập nhật {changed}")
                lines.append(f"{label[0].upper()}{label[1:]}: {', '.join(parts)}")
        return lines or ["Không có gì mới: dữ liệu trong tệp đã có sẵn trong CSDL."]


# --- reading ------------------------------------------------------------------------

_JSON_MESSAGES = {
    "Expecting value": "thiếu giá trị (hoặc giá trị không hợp lệ)",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Expecting property name enclosed in double quotes": "tên khóa phải đặt trong dấu ngoặc kép (hoặc thừa dấu phẩy)",
    "Unterminated string starting at": "chuỗi chưa đóng dấu ngoặc kép",
    "Invalid control character at": "ký tự điều khiển không hợp lệ trong chuỗi",
    "Invalid \\escape": "ký tự thoát (\\) không hợp lệ",
    "Extra data": "có dữ liệu thừa sau khi tài liệu đã kết thúc",
}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ExchangeError(f"khóa \"{key}\" xuất hiện hai lần trong cùng một đối tượng")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ExchangeError(f"giá trị {name} không được phép trong JSON")


def parse_exchange_text(text: str, source: str = "tệp") -> Any:
    """The JSON document in ``text``; raises ExchangeError with line and column."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        reason = next((vi for en, vi in _JSON_MESSAGES.items() if exc.msg.startswith(en)), exc.msg)
        raise ExchangeError(f"{source} không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}: {reason}. "
                            "Hãy sửa tệp rồi nhập lại.") from None
    except ExchangeError as exc:
        raise ExchangeError(f"{source} không hợp lệ: {exc}. Hãy sửa tệp rồi nhập lại.") from None


def read_exchange_file(path: str | os.PathLike[str]) -> Any:
    """The JSON document of an exchange file (UTF-8, with or without BOM).

    Raises ExchangeError (Vietnamese, with line and column for JSON errors)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExchangeError(f"Không tìm thấy tệp {path}. Hãy kiểm tra đường dẫn.") from None
    except OSError as exc:
        raise ExchangeError(f"Không đọc được tệp {path}: {exc.strerror or exc}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ExchangeError(f"Tệp {path} không phải văn bản UTF-8 (byte lỗi ở dòng {line}). "
                            "Hãy lưu lại tệp với mã hóa UTF-8.") from None
    return parse_exchange_text(text, f"Tệp {path}")


def nfc_tree(value: Any) -> Any:
    """``value`` with every string (keys included) in Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return {nfc_tree(k): nfc_tree(v) for k, v in value.items()}
    return value


# --- field checks -------------------------------------------------------------------

def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Invalid(Exception):
    pass


def _text(max_len: int, *, blank_ok: bool = True) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, str):
            raise _Invalid(f"phải là chuỗi văn bản, nhận được {_show(v)}")
        if not blank_ok and not v.strip():
            raise _Invalid("không được để trống")
        if len(v) > max_len:
            raise _Invalid(f"dài {len(v)} ký tự, tối đa {max_len}")
        return v
    return check


def _code(v: Any) -> Any:
    if not isinstance(v, str) or not v.strip():
        raise _Invalid(f"phải là một mã (chuỗi không rỗng), nhận được {_show(v)}")
    if v != v.strip():
        raise _Invalid(f"mã {_show(v)} có khoảng trắng ở đầu hoặc cuối")
    if len(v) > 50:
        raise _Invalid(f"mã dài {len(v)} ký tự, tối đa 50")
    return v


def _int(lo: int, hi: int | None = None) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, int) or isinstance(v, bool):
            raise _Invalid(f"phải là số nguyên, nhận được {_show(v)}")
        if v < lo or (hi is not None and v > hi):
            raise _Invalid(f"phải từ {lo} đến {hi}, nhận được {v}" if hi is not None
                           else f"phải từ {lo} trở lên, nhận được {v}")
        return v
    return check


_year = _int(MIN_YEAR, MAX_YEAR)


def _number(v: Any) -> Any:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        raise _Invalid(f"phải là số, nhận được {_show(v)}")
    return v


def _bool(v: Any) -> Any:
    if not isinstance(v, bool):
        raise _Invalid(f"phải là true hoặc false, nhận được {_show(v)}")
    return v


def _date(v: Any) -> Any:
    if not isinstance(v, str) or not _DATE_RE.match(v):
        raise _Invalid(f"phải là ngày dạng YYYY-MM-DD, nhận được {_show(v)}")
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise _Invalid(f"ngày không tồn tại {_show(v)}") from None


def _datetime(v: Any) -> Any:
    if not isinstance(v, str):
        raise _Invalid(f"phải là thời điểm dạng YYYY-MM-DDTHH:MM:SS, nhận được {_show(v)}")
    try:
        return datetime.fromisoformat(v)
    except ValueError:
        raise _Invalid(f"thời điểm không hợp lệ {_show(v)}; cần dạng YYYY-MM-DDTHH:MM:SS") from None


def _choice(codes: dict[str, str] | list[str], what: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, str) or v not in codes:
            listed = ", ".join(f"{c} ({codes[c]})" if isinstance(codes, dict) else c for c in codes)
            raise _Invalid(f"{what} {_show(v)} không hợp lệ; dùng một trong: {listed}")
        return v
    return check


def _code_list(v: Any) -> Any:
    if not isinstance(v, list):
        raise _Invalid(f"phải là danh sách mã sáng kiến (có thể rỗng), nhận được {_show(v)}")
    return v


@dataclass(frozen=True)
class _F:
    check: Callable[[Any], Any]
    required: bool = False
    nullable: bool = True
    default: Any = None


_TITLE = _choice(TITLE_CODES, "mã danh hiệu")

SCHEMA: dict[str, dict[str, _F]] = {
    "agency": {
        "name": _F(_text(300, blank_ok=False), required=True, nullable=False),
        "short_name": _F(_text(100), nullable=False, default=""),
        "place": _F(_text(100), nullable=False, default=""),
    },
    "units": {
        "code": _F(_code, required=True, nullable=False),
        "name": _F(_text(300, blank_ok=False), required=True, nullable=False),
        "parent": _F(_code),
        "kind": _F(_choice(UNIT_KINDS, "loại đơn vị"), nullable=False, default="phong"),
    },
    "people": {
        "code": _F(_code, required=True, nullable=False),
        "full_name": _F(_text(200, blank_ok=False), required=True, nullable=False),
        "gender": _F(_choice(GENDERS, "giới tính"), required=True, nullable=False),
        "birth_date": _F(_date),
        "unit": _F(_code, required=True, nullable=False),
        "position": _F(_text(200), default=""),
        "joined": _F(_date),
        "left": _F(_date),
    },
    "evaluations": {
        "year": _F(_year, required=True, nullable=False),
        "person": _F(_code, required=True, nullable=False),
        "rating": _F(_choice(RATINGS, "xếp loại"), required=True),
        "months_worked": _F(_int(0, 12), nullable=False, default=12),
        "maternity_months": _F(_int(0, 12), nullable=False, default=0),
        "discipline": _F(_choice(DISCIPLINES, "hình thức kỷ luật")),
        "under_review": _F(_bool, nullable=False, default=False),
        "votes_for": _F(_int(0)),
        "votes_total": _F(_int(1)),
        "score": _F(_number),
    },
    "unit_evaluations": {
        "year": _F(_year, required=True, nullable=False),
        "unit": _F(_code, required=True, nullable=False),
        "rating": _F(_choice(RATINGS, "xếp loại"), required=True),
    },
    "initiatives": {
        "code": _F(_code, required=True, nullable=False),
        "person": _F(_code, required=True, nullable=False),
        "year": _F(_year, required=True, nullable=False),
        "level": _F(_choice(INITIATIVE_LEVELS, "cấp sáng kiến"), required=True, nullable=False),
        "title": _F(_text(500, blank_ok=False), required=True, nullable=False),
        "recognized_by": _F(_text(200), default=""),
    },
    "awards": {
        "year": _F(_year, required=True, nullable=False),
        "title": _F(_TITLE, required=True, nullable=False),
        "person": _F(_code),
        "unit": _F(_code),
        "decision_no": _F(_text(100, blank_ok=False)),
        "decision_date": _F(_date),
        "initiatives": _F(_code_list, nullable=False, default=()),
    },
    "registrations": {
        "year": _F(_year, required=True, nullable=False),
        "title": _F(_TITLE, required=True, nullable=False),
        "unit": _F(_code),
        "person": _F(_code),
    },
}


def _check_record(obj: Any, path: str, schema: dict[str, _F], problems: list[str]) -> dict[str, Any] | None:
    """The record's present fields, parsed (None when it is not an object). Problems are appended."""
    if not isinstance(obj, dict):
        problems.append(f"{path}: phải là một đối tượng {{...}}, nhận được {_show(obj)}")
        return None
    out: dict[str, Any] = {}
    for key in obj:
        if key not in schema:
            problems.append(f"{path}.{key}: khóa không được hỗ trợ; các khóa hợp lệ: {', '.join(schema)}")
    for key, spec in schema.items():
        if key not in obj:
            if spec.required:
                problems.append(f"{path}.{key}: thiếu khóa bắt buộc")
            continue
        value = obj[key]
        if value is None:
            if spec.nullable:
                out[key] = None
            else:
                problems.append(f"{path}.{key}: không được là null")
            continue
        try:
            out[key] = spec.check(value)
        except _Invalid as exc:
            problems.append(f"{path}.{key}: {exc}")
    return out


# --- validation ---------------------------------------------------------------------

@dataclass
class _DbState:
    """What validation needs to know of the database: codes and how they hang together."""

    unit_parent: dict[str, str | None]
    people: set[str]
    # initiative code -> (person code, key of the award using it or None)
    initiatives: dict[str, tuple[str, tuple | None]]
    titles: dict[str, tuple[str, str]]  # code -> (subject, level)


def _load_db_state(session: Session) -> _DbState:
    parent = aliased(Unit)
    unit_parent = dict(session.execute(
        select(Unit.code, parent.code).outerjoin(parent, Unit.parent_id == parent.id)).all())
    people = set(session.scalars(select(Person.code)))
    owner, award_person, award_unit = aliased(Person), aliased(Person), aliased(Unit)
    rows = session.execute(
        select(Initiative.code, owner.code, Award.id, Award.year, Award.title_code, award_person.code,
               award_unit.code, Decision.number, Decision.issued_on)
        .join(owner, Initiative.person_id == owner.id)
        .outerjoin(Award, Initiative.used_by_award_id == Award.id)
        .outerjoin(award_person, Award.person_id == award_person.id)
        .outerjoin(award_unit, Award.unit_id == award_unit.id)
        .outerjoin(Decision, Award.decision_id == Decision.id)
    ).all()
    initiatives = {
        code: (person, None if award_id is None else (year, title, apc, auc, dno, ddate))
        for code, person, award_id, year, title, apc, auc, dno, ddate in rows
    }
    titles = {code: (subject, level) for code, subject, level in
              session.execute(select(Title.code, Title.subject, Title.level)).all()}
    return _DbState(unit_parent, people, initiatives, titles)


@dataclass
class _Parsed:
    agency: dict[str, Any] | None = None
    has_agency: bool = False
    sections: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    rule_set: Any = None
    has_rule_set: bool = False


def _award_key(r: dict[str, Any]) -> tuple:
    return (r["year"], r["title"], r.get("person"), r.get("unit"), r.get("decision_no"), r.get("decision_date"))


def _describe_award(key: tuple) -> str:
    year, title, person, unit, dno, _ = key
    subject = f"cán bộ {person}" if person else f"đơn vị {unit}"
    decision = f", QĐ {dno}" if dno else ""
    return f"{title} năm {year} của {subject}{decision}"


def _analyse(doc: Any, session: Session) -> tuple[list[str], _Parsed]:
    problems: list[str] = []
    parsed = _Parsed()
    if not isinstance(doc, dict):
        return [f"tài liệu: phải là một đối tượng JSON {{\"format\": \"{FORMAT}\", ...}}, nhận được {_show(doc)[:60]}"], parsed

    for key in doc:
        if key not in TOP_KEYS:
            problems.append(f"{key}: khóa không được hỗ trợ; các khóa hợp lệ: {', '.join(TOP_KEYS)}")
    if "format" not in doc:
        problems.append(f"format: thiếu khóa bắt buộc (phải là \"{FORMAT}\")")
    elif doc["format"] != FORMAT:
        problems.append(f"format: phải là \"{FORMAT}\", nhận được {_show(doc['format'])}")
    if "version" not in doc:
        problems.append(f"version: thiếu khóa bắt buộc (phải là {VERSION})")
    elif doc["version"] != VERSION or isinstance(doc["version"], bool):
        problems.append(f"version: phiên bản {_show(doc['version'])} không được hỗ trợ; ứng dụng đọc phiên bản {VERSION}")
    if doc.get("exported_at") is not None:
        try:
            _datetime(doc["exported_at"])
        except _Invalid as exc:
            problems.append(f"exported_at: {exc}")

    if "agency" in doc and doc["agency"] is not None:
        parsed.has_agency = True
        parsed.agency = _check_record(doc["agency"], "agency", SCHEMA["agency"], problems)

    for section in SECTIONS:
        items = doc.get(section)
        records: list[tuple[int, dict[str, Any]]] = []
        if items is None:
            pass
        elif not isinstance(items, list):
            problems.append(f"{section}: phải là một danh sách [...], nhận được {_show(items)[:60]}")
        else:
            for i, item in enumerate(items):
                record = _check_record(item, f"{section}[{i}]", SCHEMA[section], problems)
                if record is not None:
                    records.append((i, record))
                    if section == "evaluations" and record.get("votes_for") is not None \
                            and item.get("votes_total") is None:
                        problems.append(f"evaluations[{i}].votes_total: có số phiếu đồng ý thì phải có tổng số phiếu")
        parsed.sections[section] = records

    if "rule_set" in doc and doc["rule_set"] is not None:
        parsed.has_rule_set = True
        parsed.rule_set = doc["rule_set"]
        try:
            from services.awards.rulesets import validate_overrides
        except ImportError:  # pragma: no cover - the module ships with the app
            problems.append("rule_set: ứng dụng chưa hỗ trợ điều chỉnh bộ quy định qua tệp trao đổi")
        else:
            for message in validate_overrides(doc["rule_set"]):
                sep = "." if isinstance(doc["rule_set"], dict) else ": "
                problems.append(f"rule_set{sep}{message}")

    db = _load_db_state(session)
    _check_references(parsed, db, problems)
    return _in_document_order(problems), parsed


_PATH_RE = re.compile(r"^([A-Za-z_]+)(?:\[(\d+)\])?")


def _in_document_order(problems: list[str]) -> list[str]:
    """Problems sorted by where they are in the file (section, then record), stable otherwise."""
    def key(item: tuple[int, str]) -> tuple[int, int, int]:
        match = _PATH_RE.match(item[1])
        section = match.group(1) if match else ""
        rank = TOP_KEYS.index(section) if section in TOP_KEYS else -1
        return rank, int(match.group(2)) if match and match.group(2) else -1, item[0]
    return [p for _, p in sorted(enumerate(problems), key=key)]


def _check_references(parsed: _Parsed, db: _DbState, problems: list[str]) -> None:
    sec = parsed.sections

    def first_seen(section: str, key_of: Callable[[dict], Any], describe: Callable[[Any], str]) -> dict[Any, int]:
        seen: dict[Any, int] = {}
        for i, r in sec[section]:
            key = key_of(r)
            if key is None:
                continue
            if key in seen:
                problems.append(f"{section}[{i}]: trùng với {section}[{seen[key]}] ({describe(key)}); "
                                "mỗi bản ghi chỉ được có một lần trong tệp")
            else:
                seen[key] = i
        return seen

    def need(*keys: str) -> Callable[[dict], Any]:
        return lambda r: tuple(r[k] for k in keys) if all(r.get(k) is not None for k in keys) else None

    # Codes defined in the file, and duplicates.
    file_units = first_seen("units", lambda r: r.get("code"), lambda k: f"mã đơn vị \"{k}\"")
    file_people = first_seen("people", lambda r: r.get("code"), lambda k: f"mã cán bộ \"{k}\"")
    first_seen("initiatives", lambda r: r.get("code"), lambda k: f"mã sáng kiến \"{k}\"")
    first_seen("evaluations", need("person", "year"), lambda k: f"cán bộ \"{k[0]}\", năm {k[1]}")
    first_seen("unit_evaluations", need("unit", "year"), lambda k: f"đơn vị \"{k[0]}\", năm {k[1]}")
    first_seen("registrations", lambda r: (r["year"], r["title"], r.get("person"), r.get("unit"))
               if "year" in r and "title" in r else None,
               lambda k: f"đăng ký {k[1]} năm {k[0]} của {k[2] or k[3]}")
    first_seen("awards", lambda r: _award_key(r) if "year" in r and "title" in r else None, _describe_award)

    units = set(db.unit_parent) | set(file_units)
    people = db.people | set(file_people)

    def check_unit(path: str, code: Any) -> bool:
        if code is not None and code not in units:
            problems.append(f"{path}: không có đơn vị mã \"{code}\"")
            return False
        return True

    def check_person(path: str, code: Any) -> bool:
        if code is not None and code not in people:
            problems.append(f"{path}: không có cán bộ mã \"{code}\"")
            return False
        return True

    # The unit tree: parents exist, no cycles (file parents override the database's).
    parent_of = dict(db.unit_parent)
    for i, r in sec["units"]:
        if "code" in r and "parent" in r:
            if r["parent"] == r["code"]:
                problems.append(f"units[{i}].parent: đơn vị \"{r['code']}\" không thể là đơn vị cấp trên của chính nó")
                parent_of[r["code"]] = None
                continue
            if check_unit(f"units[{i}].parent", r["parent"]):
                parent_of[r["code"]] = r["parent"]
        elif "code" in r:
            parent_of.setdefault(r["code"], None)
    reported: set[str] = set()
    for i, r in sec["units"]:
        start = r.get("code")
        if start is None or start in reported:
            continue
        chain, node = [start], parent_of.get(start)
        while node is not None and node not in chain and len(chain) <= len(parent_of):
            chain.append(node)
            node = parent_of.get(node)
        if node == start:
            cycle = chain + [start]
            reported.update(chain)
            problems.append(f"units[{i}].parent: cây đơn vị bị vòng lặp: {' → '.join(cycle)}")

    for i, r in sec["people"]:
        check_unit(f"people[{i}].unit", r.get("unit"))
        if r.get("joined") and r.get("left") and r["left"] < r["joined"]:
            problems.append(f"people[{i}].left: ngày thôi việc {r['left'].isoformat()} trước ngày vào cơ quan "
                            f"{r['joined'].isoformat()}")
        if r.get("birth_date") and r.get("joined") and r["joined"] <= r["birth_date"]:
            problems.append(f"people[{i}].joined: ngày vào cơ quan không thể trước ngày sinh")

    for i, r in sec["evaluations"]:
        check_person(f"evaluations[{i}].person", r.get("person"))
        worked, maternity = r.get("months_worked"), r.get("maternity_months")
        if worked is not None and maternity is not None and worked + maternity > 12:
            problems.append(f"evaluations[{i}].maternity_months: số tháng làm việc ({worked}) cộng số tháng "
                            f"nghỉ thai sản ({maternity}) vượt quá 12")
        votes_for, votes_total = r.get("votes_for"), r.get("votes_total")
        if votes_for is not None and votes_total is not None and votes_for > votes_total:
            problems.append(f"evaluations[{i}].votes_for: số phiếu đồng ý ({votes_for}) lớn hơn tổng số phiếu "
                            f"({votes_total})")

    for i, r in sec["unit_evaluations"]:
        check_unit(f"unit_evaluations[{i}].unit", r.get("unit"))

    init_owner = {code: owner for code, (owner, _) in db.initiatives.items()}
    for i, r in sec["initiatives"]:
        check_person(f"initiatives[{i}].person", r.get("person"))
        if r.get("code") is not None and r.get("person") is not None:
            init_owner[r["code"]] = r["person"]

    def check_subject(section: str, i: int, r: dict[str, Any]) -> None:
        person, unit = r.get("person"), r.get("unit")
        if (person is None) == (unit is None):
            problems.append(f"{section}[{i}]: phải có đúng một trong hai khóa person (cá nhân) và unit (tập thể) "
                            "khác null")
        ok = check_person(f"{section}[{i}].person", person) & check_unit(f"{section}[{i}].unit", unit)
        title = r.get("title")
        if title in db.titles and ok:
            subject = db.titles[title][0]
            if subject == "person" and unit is not None:
                problems.append(f"{section}[{i}].unit: {title} chỉ dành cho cá nhân, không dành cho tập thể")
            elif subject == "unit" and person is not None:
                problems.append(f"{section}[{i}].person: {title} chỉ dành cho tập thể, không dành cho cá nhân")

    for i, r in sec["registrations"]:
        check_subject("registrations", i, r)

    used_in_file: dict[str, int] = {}
    file_award_inits: dict[tuple, set[str]] = {}
    for i, r in sec["awards"]:
        check_subject("awards", i, r)
        if r.get("decision_date") is not None and r.get("decision_no") is None:
            problems.append(f"awards[{i}].decision_no: có ngày quyết định thì phải có số quyết định")
        if "year" in r and "title" in r and "initiatives" in r:
            file_award_inits[_award_key(r)] = {c for c in r["initiatives"] if isinstance(c, str)}
    for i, r in sec["awards"]:
        codes = r.get("initiatives") or []
        key = _award_key(r) if "year" in r and "title" in r else None
        for j, code in enumerate(codes):
            path = f"awards[{i}].initiatives[{j}]"
            if not isinstance(code, str):
                problems.append(f"{path}: phải là mã sáng kiến (chuỗi), nhận được {_show(code)}")
                continue
            if code not in init_owner:
                problems.append(f"{path}: không có sáng kiến mã \"{code}\"")
                continue
            if code in used_in_file:
                other = used_in_file[code]
                problems.append(f"{path}: sáng kiến \"{code}\" đã được dùng cho awards[{other}]; "
                                "mỗi sáng kiến chỉ được dùng cho một khen thưởng")
                continue
            used_in_file[code] = i
            person = r.get("person")
            if person is not None and init_owner[code] != person:
                problems.append(f"{path}: sáng kiến \"{code}\" là của cán bộ \"{init_owner[code]}\", "
                                f"không phải của \"{person}\"")
            stored = db.initiatives.get(code)
            owner_key = stored[1] if stored else None
            if owner_key is not None and key is not None and owner_key != key:
                freed = owner_key in file_award_inits and code not in file_award_inits[owner_key]
                if not freed:
                    problems.append(f"{path}: sáng kiến \"{code}\" đã được dùng cho khen thưởng "
                                    f"{_describe_award(owner_key)} trong CSDL; mỗi sáng kiến chỉ được dùng cho "
                                    "một khen thưởng")


def validate_exchange(doc: Any, session: Session) -> list[str]:
    """Every problem of an exchange document, each prefixed by its JSON path, in Vietnamese.
    An empty list means ``import_exchange`` will accept it."""
    problems, _ = _analyse(nfc_tree(doc), session)
    return problems


# --- import -------------------------------------------------------------------------

def _changed_fields(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in wanted.items() if current.get(k) != v}


def _bulk_update(session: Session, model: Any, updates: list[tuple[int, dict[str, Any]]], versioned: bool) -> None:
    """UPDATE rows by id, grouped by the set of columns that change (one executemany each)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in updates:
        groups.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **{f"_{k}": v for k, v in values.items()}})
    table = model.__table__
    for columns, rows in groups.items():
        values: dict[str, Any] = {c: bindparam(f"_{c}") for c in columns}
        if versioned:
            values["version"] = table.c.version + 1
        stmt = update(table).where(table.c.id == bindparam("_id")).values(values)
        session.connection().execute(stmt, rows)


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def import_exchange(session: Session, doc: Any, *, today: date | None = None) -> ImportReport:
    """Validate ``doc`` and, when it has no problem, write it in ``session``'s transaction
    (the caller commits). With any problem nothing is written and the report lists them."""
    doc = nfc_tree(doc)
    session.flush()
    problems, parsed = _analyse(doc, session)
    report = ImportReport(problems=problems)
    if problems:
        return report
    today = today or date.today()
    sec = parsed.sections
    added, changed = report.added, report.changed

    # Agency (one row).
    if parsed.has_agency and parsed.agency is not None:
        agency = session.scalars(select(Agency).order_by(Agency.id).limit(1)).first()
        wanted = {k: parsed.agency.get(k, SCHEMA["agency"][k].default) for k in parsed.agency}
        if agency is None:
            session.add(Agency(name=wanted["name"], short_name=wanted.get("short_name", ""),
                               place=wanted.get("place", "")))
            added["agency"] = 1
        elif _changed_fields({k: getattr(agency, k) for k in wanted}, wanted):
            for k, v in wanted.items():
                setattr(agency, k, v)
            changed["agency"] = 1
        session.flush()

    # Units: insert new ones without parents, then set parents once every id exists.
    stored = {code: (uid, name, kind, parent_id) for uid, code, name, kind, parent_id in
              session.execute(select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id)).all()}
    new_units = [(i, r) for i, r in sec["units"] if r["code"] not in stored]
    _insert(session, Unit, [{"code": r["code"], "name": r["name"], "kind": r.get("kind") or "phong",
                             "sort_order": i, "parent_id": None} for i, r in new_units])
    unit_id = dict(session.execute(select(Unit.code, Unit.id)).all())
    updates = []
    n_changed = 0
    for _, r in sec["units"]:
        wanted = {k: r[k] for k in ("name", "kind") if k in r}
        if "parent" in r:
            wanted["parent_id"] = unit_id[r["parent"]] if r["parent"] is not None else None
        if r["code"] in stored:
            _, name, kind, parent_id = stored[r["code"]]
            diff = _changed_fields({"name": name, "kind": kind, "parent_id": parent_id}, wanted)
            n_changed += bool(diff)
        else:
            diff = {"parent_id": wanted["parent_id"]} if wanted.get("parent_id") is not None else {}
        if diff:
            updates.append((unit_id[r["code"]], diff))
    _bulk_update(session, Unit, updates, versioned=True)
    added["units"], changed["units"] = len(new_units), n_changed

    # People, and their unit history.
    cols = ("full_name", "gender", "birth_date", "unit_id", "position", "joined", "left_on", "active")
    stored_people = {row[1]: dict(zip(("id", "code", *cols), row)) for row in session.execute(
        select(Person.id, Person.code, *(getattr(Person, c) for c in cols))).all()}

    def person_values(r: dict[str, Any]) -> dict[str, Any]:
        values = {k: r[k] for k in ("full_name", "gender", "birth_date", "joined") if k in r}
        if "position" in r:
            values["position"] = r["position"] or ""
        if "left" in r:
            values["left_on"] = r["left"]
            # Still working here unless the leaving date has come.
            values["active"] = r["left"] is None or r["left"] > today
        if "unit" in r:
            values["unit_id"] = unit_id[r["unit"]]
        return values

    new_people = [r for _, r in sec["people"] if r["code"] not in stored_people]
    _insert(session, Person, [{"code": r["code"], "position": "", **person_values(r)} for r in new_people])
    person_id = dict(session.execute(select(Person.code, Person.id)).all())
    updates, moved, leaving = [], [], []
    for _, r in sec["people"]:
        current = stored_people.get(r["code"])
        if current is None:
            continue
        diff = _changed_fields(current, person_values(r))
        if diff:
            updates.append((current["id"], diff))
            if "unit_id" in diff:
                moved.append((current["id"], diff["unit_id"]))
            elif diff.get("left_on") is not None:
                leaving.append((current["id"], diff["left_on"]))
    _bulk_update(session, Person, updates, versioned=True)
    added["people"], changed["people"] = len(new_people), len(updates)

    history = []
    for r in new_people:
        start = r.get("joined") or today
        end = r.get("left")
        history.append({"person_id": person_id[r["code"]], "unit_id": unit_id[r["unit"]], "start_date": start,
                        "end_date": end if end is not None and end >= start else None})
    closing = {pid: today for pid, _ in moved} | {pid: left for pid, left in leaving}
    if closing:
        open_periods = session.execute(
            select(PersonUnitHistory.id, PersonUnitHistory.person_id, PersonUnitHistory.start_date)
            .where(PersonUnitHistory.end_date.is_(None), PersonUnitHistory.person_id.in_(list(closing)))).all()
        _bulk_update(session, PersonUnitHistory,
                     [(hid, {"end_date": max(closing[pid], start)}) for hid, pid, start in open_periods],
                     versioned=False)
    history += [{"person_id": pid, "unit_id": uid, "start_date": today, "end_date": None,
                 "note": "Chuyển đơn vị theo tệp trao đổi dữ liệu"} for pid, uid in moved]
    _insert(session, PersonUnitHistory, history)

    # Initiatives (which award uses them is set with the awards).
    icols = ("person_id", "year", "level", "title", "recognized_by")
    stored_inits = {row[1]: dict(zip(("id", "code", *icols), row)) for row in session.execute(
        select(Initiative.id, Initiative.code, *(getattr(Initiative, c) for c in icols))).all()}

    def initiative_values(r: dict[str, Any]) -> dict[str, Any]:
        values = {k: r[k] for k in ("year", "level", "title") if k in r}
        values["person_id"] = person_id[r["person"]]
        if "recognized_by" in r:
            values["recognized_by"] = r["recognized_by"] or ""
        return values

    new_inits = [r for _, r in sec["initiatives"] if r["code"] not in stored_inits]
    _insert(session, Initiative, [{"code": r["code"], "recognized_by": "", **initiative_values(r)} for r in new_inits])
    updates = [(stored_inits[r["code"]]["id"], diff) for _, r in sec["initiatives"] if r["code"] in stored_inits
               for diff in [_changed_fields(stored_inits[r["code"]], initiative_values(r))] if diff]
    _bulk_update(session, Initiative, updates, versioned=False)
    added["initiatives"], changed["initiatives"] = len(new_inits), len(updates)

    # Evaluations, by (person, year).
    ecols = ("rating", "months_worked", "maternity_months", "discipline", "under_review", "votes_for",
             "votes_total", "score")
    years = sorted({r["year"] for _, r in sec["evaluations"]})
    stored_evals = {(row[1], row[2]): dict(zip(("id", "person_id", "year", *ecols), row)) for row in session.execute(
        select(Evaluation.id, Evaluation.person_id, Evaluation.year, *(getattr(Evaluation, c) for c in ecols))
        .where(Evaluation.year.in_(years))).all()} if years else {}
    inserts, updates = [], []
    for _, r in sec["evaluations"]:
        pid = person_id[r["person"]]
        values = {k: r[k] for k in ecols if k in r}
        current = stored_evals.get((pid, r["year"]))
        if current is None:
            row = {k: SCHEMA["evaluations"][k].default for k in ecols}
            inserts.append({**row, **values, "person_id": pid, "year": r["year"]})
        else:
            diff = _changed_fields(current, values)
            if diff:
                updates.append((current["id"], diff))
    _insert(session, Evaluation, inserts)
    _bulk_update(session, Evaluation, updates, versioned=True)
    added["evaluations"], changed["evaluations"] = len(inserts), len(updates)

    # Unit evaluations, by (unit, year).
    stored_uevals = {(uid, year): (eid, rating) for eid, uid, year, rating in session.execute(
        select(UnitEvaluation.id, UnitEvaluation.unit_id, UnitEvaluation.year, UnitEvaluation.rating)).all()}
    inserts, updates = [], []
    for _, r in sec["unit_evaluations"]:
        uid = unit_id[r["unit"]]
        current = stored_uevals.get((uid, r["year"]))
        if current is None:
            inserts.append({"unit_id": uid, "year": r["year"], "rating": r["rating"]})
        elif current[1] != r["rating"]:
            updates.append((current[0], {"rating": r["rating"]}))
    _insert(session, UnitEvaluation, inserts)
    _bulk_update(session, UnitEvaluation, updates, versioned=True)
    added["unit_evaluations"], changed["unit_evaluations"] = len(inserts), len(updates)

    # Decisions, one per (number, date); the level is the highest of the titles granted.
    titles = dict(session.execute(select(Title.code, Title.level)).all())
    stored_decisions = {(no, d): did for did, no, d in
                        session.execute(select(Decision.id, Decision.number, Decision.issued_on)).all()}
    wanted_decisions: dict[tuple, str] = {}
    for _, r in sec["awards"]:
        if r.get("decision_no") is not None:
            key = (r["decision_no"], r.get("decision_date"))
            level = titles[r["title"]]
            if key not in wanted_decisions or _LEVEL_ORDER[level] > _LEVEL_ORDER[wanted_decisions[key]]:
                wanted_decisions[key] = level
    new_decisions = [(k, lv) for k, lv in wanted_decisions.items() if k not in stored_decisions]
    _insert(session, Decision, [{"number": no, "issued_on": d, "level": lv} for (no, d), lv in new_decisions])
    added["decisions"] = len(new_decisions)
    if new_decisions:
        stored_decisions = {(no, d): did for did, no, d in
                            session.execute(select(Decision.id, Decision.number, Decision.issued_on)).all()}

    # Awards, by (year, title, subject, decision); then the initiatives each one used.
    def award_row_key(r: dict[str, Any]) -> tuple:
        did = stored_decisions[(r["decision_no"], r.get("decision_date"))] if r.get("decision_no") else None
        return (r["year"], r["title"], person_id.get(r.get("person")), unit_id.get(r.get("unit")), did)

    def stored_awards() -> dict[tuple, int]:
        return {(y, t, p, u, d): aid for aid, y, t, p, u, d in session.execute(
            select(Award.id, Award.year, Award.title_code, Award.person_id, Award.unit_id, Award.decision_id)).all()}

    existing_awards = stored_awards()
    keyed = [(award_row_key(r), r) for _, r in sec["awards"]]
    new_awards = [(k, r) for k, r in keyed if k not in existing_awards]
    _insert(session, Award, [{"year": k[0], "title_code": k[1], "person_id": k[2], "unit_id": k[3],
                              "decision_id": k[4]} for k, _ in new_awards])
    award_id = stored_awards() if new_awards else existing_awards
    added["awards"] = len(new_awards)

    listing = [(award_id[k], set(r["initiatives"])) for k, r in keyed if "initiatives" in r]
    listed_ids = [aid for aid, _ in listing]
    current_use: dict[int, set[str]] = {}
    if listed_ids:
        for code, aid in session.execute(select(Initiative.code, Initiative.used_by_award_id)
                                         .where(Initiative.used_by_award_id.in_(listed_ids))).all():
            current_use.setdefault(aid, set()).add(code)
    init_id = dict(session.execute(select(Initiative.code, Initiative.id)).all())
    freeing, using = [], []
    new_award_ids = {award_id[k] for k, _ in new_awards}
    n_changed = 0
    for aid, codes in listing:
        before = current_use.get(aid, set())
        if codes != before:
            n_changed += aid not in new_award_ids
            freeing += [(init_id[c], {"used_by_award_id": None}) for c in sorted(before - codes)]
            using += [(init_id[c], {"used_by_award_id": aid}) for c in sorted(codes - before)]
    _bulk_update(session, Initiative, freeing, versioned=False)
    _bulk_update(session, Initiative, using, versioned=False)
    changed["awards"] = n_changed

    # Registrations, by (year, title, subject): nothing else to change.
    stored_regs = set(session.execute(select(Registration.year, Registration.title_code, Registration.person_id,
                                             Registration.unit_id)).all())
    inserts = []
    for _, r in sec["registrations"]:
        key = (r["year"], r["title"], person_id.get(r.get("person")), unit_id.get(r.get("unit")))
        if key not in stored_regs:
            stored_regs.add(key)
            inserts.append(dict(zip(("year", "title_code", "person_id", "unit_id"), key)))
    _insert(session, Registration, inserts)
    added["registrations"] = len(inserts)

    if parsed.has_rule_set:
        from models import RuleSet
        from services.awards.rulesets import apply_overrides

        before = session.scalar(select(func.max(RuleSet.id)))
        rule_set = apply_overrides(session, parsed.rule_set)
        if before is None or rule_set.id > before:
            added["rule_set"] = 1

    session.add(AuditEntry(action="import", entity="exchange", entity_id=None,
                           new={"added": {k: v for k, v in added.items() if v},
                                "changed": {k: v for k, v in changed.items() if v}},
                           reason="Nhập tệp trao đổi dữ liệu"))
    session.flush()
    # Core statements bypassed the identity map: make loaded objects reread their rows.
    session.expire_all()
    return report


# --- export -------------------------------------------------------------------------

def _number_out(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_exchange(session: Session) -> dict[str, Any]:
    """The whole database as an exchange document, in a deterministic order."""
    agency = session.scalars(select(Agency).order_by(Agency.id).limit(1)).first()

    unit_rows = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.sort_order)).all()
    code_of_unit = {r.id: r.code for r in unit_rows}
    children: dict[int | None, list] = {}
    for r in unit_rows:
        children.setdefault(r.parent_id if r.parent_id in code_of_unit else None, []).append(r)
    ordered_units: list = []
    seen: set[int] = set()

    def walk(parent: int | None) -> None:
        for r in sorted(children.get(parent, []), key=lambda r: (r.sort_order, r.code)):
            if r.id not in seen:
                seen.add(r.id)
                ordered_units.append(r)
                walk(r.id)

    walk(None)
    # Units caught in a cycle (a damaged database) still go out, after the tree.
    ordered_units += sorted((r for r in unit_rows if r.id not in seen), key=lambda r: r.code)
    units = [{"code": r.code, "name": r.name, "parent": code_of_unit.get(r.parent_id), "kind": r.kind}
             for r in ordered_units]

    person_rows = session.execute(select(Person.id, Person.code, Person.full_name, Person.gender, Person.birth_date,
                                         Person.unit_id, Person.position, Person.joined, Person.left_on)).all()
    code_of_person = {r.id: r.code for r in person_rows}
    people = [{"code": r.code, "full_name": r.full_name, "gender": r.gender, "birth_date": _iso(r.birth_date),
               "unit": code_of_unit[r.unit_id], "position": r.position or "", "joined": _iso(r.joined),
               "left": _iso(r.left_on)} for r in sorted(person_rows, key=lambda r: r.code)]

    eval_rows = session.execute(
        select(Evaluation.year, Evaluation.person_id, Evaluation.rating, Evaluation.months_worked,
               Evaluation.maternity_months, Evaluation.discipline, Evaluation.under_review, Evaluation.votes_for,
               Evaluation.votes_total, Evaluation.score)).all()
    evaluations = [{"year": r.year, "person": code_of_person[r.person_id], "rating": r.rating,
                    "months_worked": r.months_worked, "maternity_months": r.maternity_months,
                    "discipline": r.discipline, "under_review": bool(r.under_review), "votes_for": r.votes_for,
                    "votes_total": r.votes_total, "score": _number_out(r.score)} for r in eval_rows]
    evaluations.sort(key=lambda e: (e["year"], e["person"]))

    unit_evaluations = [{"year": y, "unit": code_of_unit[u], "rating": rating} for y, u, rating in session.execute(
        select(UnitEvaluation.year, UnitEvaluation.unit_id, UnitEvaluation.rating)).all()]
    unit_evaluations.sort(key=lambda e: (e["year"], e["unit"]))

    init_rows = session.execute(select(Initiative.code, Initiative.person_id, Initiative.year, Initiative.level,
                                       Initiative.title, Initiative.recognized_by,
                                       Initiative.used_by_award_id)).all()
    initiatives = [{"code": r.code, "person": code_of_person[r.person_id], "year": r.year, "level": r.level,
                    "title": r.title, "recognized_by": r.recognized_by or ""}
                   for r in sorted(init_rows, key=lambda r: (r.year, r.code))]
    used_by: dict[int, list[str]] = {}
    for r in init_rows:
        if r.used_by_award_id is not None:
            used_by.setdefault(r.used_by_award_id, []).append(r.code)

    title_order = dict(session.execute(select(Title.code, Title.sort_order)).all())
    award_rows = session.execute(
        select(Award.id, Award.year, Award.title_code, Award.person_id, Award.unit_id, Decision.number,
               Decision.issued_on).outerjoin(Decision, Award.decision_id == Decision.id)).all()
    awards = [{"year": r.year, "title": r.title_code, "person": code_of_person.get(r.person_id),
               "unit": code_of_unit.get(r.unit_id), "decision_no": r.number, "decision_date": _iso(r.issued_on),
               "initiatives": sorted(used_by.get(r.id, []))} for r in award_rows]
    awards.sort(key=lambda a: (a["year"], title_order.get(a["title"], 99), a["title"], a["person"] or "",
                               a["unit"] or "", a["decision_date"] or "", a["decision_no"] or ""))

    registrations = [{"year": y, "title": t, "unit": code_of_unit.get(u), "person": code_of_person.get(p)}
                     for y, t, p, u in session.execute(select(Registration.year, Registration.title_code,
                                                              Registration.person_id, Registration.unit_id)).all()]
    registrations.sort(key=lambda g: (g["year"], title_order.get(g["title"], 99), g["title"], g["unit"] is None,
                                      g["unit"] or "", g["person"] or ""))

    from services.awards.rulesets import overrides_in_force

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now().replace(microsecond=0).isoformat(),
        "agency": None if agency is None else {"name": agency.name, "short_name": agency.short_name or "",
                                               "place": agency.place or ""},
        "units": units,
        "people": people,
        "evaluations": evaluations,
        "unit_evaluations": unit_evaluations,
        "initiatives": initiatives,
        "awards": awards,
        "registrations": registrations,
        "rule_set": overrides_in_force(session),
    }


def write_exchange_file(doc: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``doc`` as UTF-8 JSON (indent 2), replacing ``path`` only once fully written."""
    path = Path(path)
    with atomic_write(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return path


# --- command line -------------------------------------------------------------------





