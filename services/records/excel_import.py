"""Nhập từ Excel: people and evaluations from .xlsx files as offices have them.

1. ``list_sheets(path)``; 2. ``read_sheet(path, sheet)`` finds the header row (the row
among the first 15 that matches most known headers) and reads the rows under it;
3. ``guess_mapping(kind, headers)`` maps fields to columns from Vietnamese headers
("Họ và tên", "Ngày sinh", "Đơn vị", "Xếp loại"...), ignoring diacritics, case and
punctuation, with synonyms; 4. ``preview(session, kind, sheet, mapping, year)`` checks
every row and says, per row and column, what is wrong (in Vietnamese); 5.
``import_preview(session, preview)`` writes all rows in the caller's transaction, or
nothing when any row is bad. ``write_template(kind, path)`` writes an empty template.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import AuditEntry, Evaluation, Person, PersonUnitHistory, Unit
from models.vocabulary import DISCIPLINES, RATINGS
from services.records.evaluations import (
    parse_bool,
    parse_discipline,
    parse_int,
    parse_rating,
    parse_score,
)
from services.records.people import PersonInput, parse_date, validate_person
from services.records.units import ValidationError
from services.system import audit
from services.system.access import EDIT_RECORDS, require
from services.system.text import fold, nfc

KINDS = {"people": "Danh sách cán bộ", "evaluations": "Kết quả bình xét"}


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    required: bool
    synonyms: tuple[str, ...]


FIELDS: dict[str, list[FieldSpec]] = {
    "people": [
        FieldSpec("code", "Mã cán bộ", True, ("ma can bo", "ma cb", "ma so", "ma nhan vien", "ma", "so hieu")),
        FieldSpec("full_name", "Họ và tên", True, ("ho va ten", "ho ten", "ten can bo", "ho va ten can bo")),
        FieldSpec("gender", "Giới tính", True, ("gioi tinh", "nam nu", "gioi")),
        FieldSpec("birth_date", "Ngày sinh", False, ("ngay sinh", "ngay thang nam sinh", "nam sinh", "sinh ngay")),
        FieldSpec("unit", "Đơn vị", True, ("don vi", "don vi cong tac", "phong", "ma don vi", "phong ban", "bo phan")),
        FieldSpec("position", "Chức vụ", False, ("chuc vu", "chuc danh", "chuc vu chuc danh")),
        FieldSpec("joined", "Ngày vào cơ quan", False, ("ngay vao co quan", "ngay tuyen dung", "ngay vao",
                                                       "ngay bat dau cong tac", "ngay vao nganh")),
        FieldSpec("left", "Ngày nghỉ", False, ("ngay nghi", "ngay nghi viec", "ngay thoi viec")),
    ],
    "evaluations": [
        FieldSpec("code", "Mã cán bộ", False, ("ma can bo", "ma cb", "ma so", "ma nhan vien", "ma")),
        FieldSpec("full_name", "Họ và tên", False, ("ho va ten", "ho ten", "ten can bo")),
        FieldSpec("rating", "Xếp loại", True, ("xep loai", "xep loai chat luong", "ket qua xep loai", "muc xep loai",
                                               "danh gia xep loai", "ket qua danh gia")),
        FieldSpec("months_worked", "Số tháng công tác", False, ("so thang cong tac", "so thang", "thang cong tac",
                                                                "so thang lam viec")),
        FieldSpec("maternity_months", "Tháng nghỉ thai sản", False, ("thang nghi thai san", "nghi thai san",
                                                                     "so thang nghi thai san", "thai san")),
        FieldSpec("discipline", "Kỷ luật", False, ("ky luat", "hinh thuc ky luat")),
        FieldSpec("under_review", "Đang bị xem xét", False, ("dang bi xem xet", "dang xem xet", "xem xet ky luat",
                                                             "dang bi xem xet ky luat")),
        FieldSpec("votes_for", "Phiếu đồng ý", False, ("phieu dong y", "so phieu dong y", "phieu tin nhiem",
                                                       "so phieu tin nhiem", "so phieu bau")),
        FieldSpec("votes_total", "Tổng số phiếu", False, ("tong so phieu", "tong phieu", "so nguoi bo phieu")),
        FieldSpec("score", "Điểm thi đua", False, ("diem thi dua", "diem", "tong diem", "diem danh gia")),
        FieldSpec("note", "Ghi chú", False, ("ghi chu",)),
    ],
}
# Header words of a "số thứ tự" column, never mapped.
ORDINAL = {"stt", "tt", "so tt", "so thu tu"}


def _key(text: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(str(text or ""))).split())


@dataclass
class SheetData:
    name: str
    header_row: int  # 1-based row number of the headers in the sheet
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the sheet, values)


def list_sheets(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _all_synonyms() -> set[str]:
    return {s for specs in FIELDS.values() for f in specs for s in f.synonyms}


def read_sheet(path: Path, sheet: str | None = None) -> SheetData:
    """The header row and the non-empty rows under it. Raises ValueError (Vietnamese)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same advice
        raise ValueError(f"Không đọc được tệp {Path(path).name}: tệp không phải .xlsx hợp lệ hoặc đang bị khóa "
                         f"({exc}). Hãy mở bằng Excel, lưu lại dạng .xlsx rồi thử lại.") from exc
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        values = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    known = _all_synonyms()
    best, best_score = 0, -1
    for i, row in enumerate(values[:15]):
        score = sum(1 for v in row if _key(v) in known)
        if score > best_score:
            best, best_score = i, score
    if not values:
        return SheetData(ws.title, 1, [], [])
    headers = [nfc(str(v)).strip() if v is not None else "" for v in values[best]]
    rows = []
    for i, row in enumerate(values[best + 1:], start=best + 2):
        cells = [nfc(v) if isinstance(v, str) else v for v in row] + [None] * (len(headers) - len(row))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        rows.append((i, cells))
    return SheetData(ws.title, best + 1, headers, rows)


def guess_mapping(kind: str, headers: list[str]) -> dict[str, int | None]:
    """field key -> column index (None: not found). Exact synonym first, then a header
    containing a synonym; every column used once."""
    keys = [_key(h) for h in headers]
    mapping: dict[str, int | None] = {f.key: None for f in FIELDS[kind]}
    used: set[int] = {i for i, k in enumerate(keys) if k in ORDINAL}
    for exact in (True, False):
        for f in FIELDS[kind]:
            if mapping[f.key] is not None:
                continue
            for syn in f.synonyms:
                found = next((i for i, k in enumerate(keys) if i not in used and k and
                              (k == syn if exact else (len(syn) > 3 and syn in k))), None)
                if found is not None:
                    mapping[f.key] = found
                    used.add(found)
                    break
    return mapping


@dataclass
class RowResult:
    row_number: int
    values: dict[str, Any]  # parsed values by field key
    raw: list[Any]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field label, message)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    kind: str
    sheet: str
    year: int | None
    rows: list[RowResult]
    problems: list[str] = field(default_factory=list)  # about the whole sheet (missing columns...)
    file_name: str = ""

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.rows) and not self.bad_rows

    def problem_lines(self) -> list[str]:
        out = list(self.problems)
        for r in self.bad_rows:
            for label, msg in r.problems:
                out.append(f"Dòng {r.row_number}, cột {label}: {msg}")
        return out


def _cell(raw: list[Any], mapping: dict[str, int | None], key: str) -> Any:
    i = mapping.get(key)
    if i is None or i >= len(raw):
        return None
    v = raw[i]
    return v.strip() if isinstance(v, str) else v


def _as_date(value: Any, label: str, year_ok: bool = False) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if year_ok and (isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"\d{4}", value))):
        y = int(value)
        if 1900 <= y <= 2100:
            return date(y, 1, 1)
    return parse_date(str(value), label)


def _gender(value: Any) -> str:
    key = _key(value)
    if key in ("nam", "m", "male", "1"):
        return "nam"
    if key in ("nu", "f", "female", "0", "n"):
        return "nu"
    raise ValueError(f"Giới tính “{value}” không rõ; ghi “Nam” hoặc “Nữ”.")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).split())


def preview(session: Session, kind: str, sheet: SheetData, mapping: dict[str, int | None],
            year: int | None = None, today: date | None = None) -> Preview:
    """Check every row; nothing is written."""
    result = Preview(kind, sheet.name, year, [])
    for f in FIELDS[kind]:
        if f.required and mapping.get(f.key) is None:
            result.problems.append(f"Chưa chọn cột cho “{f.label}” (bắt buộc).")
    if kind == "evaluations":
        if mapping.get("code") is None and mapping.get("full_name") is None:
            result.problems.append("Cần cột “Mã cán bộ” hoặc “Họ và tên” để biết kết quả của ai.")
        if year is None:
            result.problems.append("Chưa chọn năm bình xét.")
    if not sheet.rows:
        result.problems.append(f"Trang “{sheet.name}” không có dòng dữ liệu nào dưới dòng tiêu đề.")
    if result.problems:
        return result
    labels = {f.key: f.label for f in FIELDS[kind]}
    if kind == "people":
        _preview_people(session, sheet, mapping, result, labels, today)
    else:
        _preview_evaluations(session, sheet, mapping, result, labels)
    return result


def _units_lookup(session: Session) -> dict[str, int | str]:
    """Folded unit code or name -> id ("?" when a name is shared by several units)."""
    lookup: dict[str, int | str] = {}
    for uid, code, name in session.execute(select(Unit.id, Unit.code, Unit.name).where(Unit.deleted_at.is_(None))):
        lookup[_key(code)] = uid
        k = _key(name)
        lookup[k] = "?" if k in lookup and lookup[k] != uid else uid
    return lookup


def _preview_people(session: Session, sheet: SheetData, mapping: dict[str, int | None], result: Preview,
                    labels: dict[str, str], today: date | None) -> None:
    units = _units_lookup(session)
    existing = set(session.scalars(select(Person.code)))
    seen: dict[str, int] = {}
    for number, raw in sheet.rows:
        row = RowResult(number, {}, raw)
        values = row.values
        for key, parse in (("birth_date", lambda v: _as_date(v, "Ngày sinh", year_ok=True)),
                           ("joined", lambda v: _as_date(v, "Ngày vào cơ quan")),
                           ("left", lambda v: _as_date(v, "Ngày nghỉ")), ("gender", _gender)):
            try:
                v = _cell(raw, mapping, key)
                values[key] = parse(v) if v not in (None, "") or key == "gender" else None
            except ValueError as exc:
                row.problems.append((labels[key], str(exc)))
        values["code"] = _text(_cell(raw, mapping, "code"))
        values["full_name"] = _text(_cell(raw, mapping, "full_name"))
        values["position"] = _text(_cell(raw, mapping, "position"))
        unit_text = _text(_cell(raw, mapping, "unit"))
        unit_id = units.get(_key(unit_text)) if unit_text else None
        values["unit_text"] = unit_text
        if not unit_text:
            row.problems.append((labels["unit"], "Chưa ghi đơn vị."))
        elif unit_id is None:
            row.problems.append((labels["unit"], f"Không có đơn vị “{unit_text}” (theo mã hoặc tên); hãy thêm đơn vị "
                                                 "ở trang Đơn vị hoặc sửa lại tên trong tệp."))
        elif unit_id == "?":
            row.problems.append((labels["unit"], f"Có nhiều đơn vị tên “{unit_text}”; hãy ghi mã đơn vị."))
            unit_id = None
        values["unit_id"] = unit_id if isinstance(unit_id, int) else None
        code = values["code"]
        if code in seen:
            row.problems.append((labels["code"], f"Mã “{code}” trùng với dòng {seen[code]} trong tệp."))
        elif code:
            seen[code] = number
        if code in existing:
            row.problems.append((labels["code"], f"Mã “{code}” đã có trong danh sách cán bộ; tệp này chỉ để thêm người mới."))
        bad_fields = {label for label, _m in row.problems}
        data = PersonInput(code, values["full_name"], values.get("gender") or "", values["unit_id"],
                           values.get("birth_date"), values["position"], values.get("joined"), values.get("left"))
        for msg in validate_person(session, data, today=today):
            label = _label_for(msg, labels)
            if label in bad_fields or "đã dùng cho" in msg:
                continue
            row.problems.append((label, msg))
        result.rows.append(row)


def _label_for(message: str, labels: dict[str, str]) -> str:
    m = fold(message)
    for key, words in (("code", "ma can bo"), ("full_name", "ho va ten"), ("gender", "gioi tinh"),
                       ("unit", "don vi"), ("position", "chuc vu"), ("birth_date", "ngay sinh"),
                       ("left", "ngay nghi"), ("joined", "ngay vao")):
        if words in m:
            return labels[key]
    if "ma " in m:
        return labels["code"]
    return "Dòng"


def _preview_evaluations(session: Session, sheet: SheetData, mapping: dict[str, int | None], result: Preview,
                         labels: dict[str, str]) -> None:
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    pid: int | None
    for pid, code, name in session.execute(select(Person.id, Person.code, Person.full_name)
                                           .where(Person.deleted_at.is_(None))):
        by_code[_key(code)] = pid
        by_name.setdefault(_key(name), []).append(pid)
        names[pid] = name
    seen: dict[int, int] = {}
    parsers = {
        "rating": lambda v: parse_rating(v),
        "months_worked": lambda v: 12 if v in (None, "") else parse_int(v, "số tháng công tác", 0, 12),
        "maternity_months": lambda v: parse_int(v, "số tháng nghỉ thai sản", 0, 12) or 0,
        "discipline": parse_discipline,
        "under_review": parse_bool,
        "votes_for": lambda v: parse_int(v, "số phiếu đồng ý", 0),
        "votes_total": lambda v: parse_int(v, "tổng số phiếu", 1),
        "score": parse_score,
        "note": _text,
    }
    for number, raw in sheet.rows:
        row = RowResult(number, {}, raw)
        code, name = _text(_cell(raw, mapping, "code")), _text(_cell(raw, mapping, "full_name"))
        pid = None
        if code:
            pid = by_code.get(_key(code))
            if pid is None:
                row.problems.append((labels["code"], f"Không có cán bộ mã “{code}”."))
            elif name and _key(names[pid]) != _key(name):
                row.problems.append((labels["full_name"], f"Mã “{code}” là của {names[pid]}, không phải “{name}”."))
        elif name:
            found = by_name.get(_key(name), [])
            if len(found) == 1:
                pid = found[0]
            elif not found:
                row.problems.append((labels["full_name"], f"Không có cán bộ tên “{name}”."))
            else:
                row.problems.append((labels["full_name"], f"Có {len(found)} cán bộ tên “{name}”; hãy ghi mã cán bộ."))
        else:
            row.problems.append((labels["code"], "Chưa ghi mã cán bộ hoặc họ và tên."))
        if pid is not None:
            if pid in seen:
                row.problems.append((labels["code"], f"{names[pid]} đã có ở dòng {seen[pid]} trong tệp."))
            seen[pid] = number
        row.values["person_id"], row.values["code"], row.values["full_name"] = pid, code, name or (names.get(pid, "") if pid is not None else "")
        for key, parse in parsers.items():
            try:
                row.values[key] = parse(_cell(raw, mapping, key))
            except ValueError as exc:
                row.problems.append((labels[key], str(exc)))
        v = row.values
        if "rating" in v and v["rating"] is None:
            row.problems.append((labels["rating"], "Chưa ghi xếp loại."))
        if isinstance(v.get("months_worked"), int) and isinstance(v.get("maternity_months"), int) \
                and v["months_worked"] + v["maternity_months"] > 12:
            row.problems.append((labels["maternity_months"], "Số tháng công tác cộng tháng nghỉ thai sản vượt quá 12."))
        if v.get("votes_for") is not None:
            if v.get("votes_total") is None:
                row.problems.append((labels["votes_total"], "Có số phiếu đồng ý thì phải có tổng số phiếu."))
            elif v["votes_for"] > v["votes_total"]:
                row.problems.append((labels["votes_for"], f"Số phiếu đồng ý ({v['votes_for']}) lớn hơn tổng số phiếu "
                                                          f"({v['votes_total']})."))
        result.rows.append(row)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0

    def message(self, kind: str) -> str:
        what = "cán bộ" if kind == "people" else "kết quả bình xét"
        text = f"Đã nhập {self.created} {what} mới"
        if self.updated:
            text += f", cập nhật {self.updated}"
        return text + "."


EVAL_KEYS = ("rating", "months_worked", "maternity_months", "discipline", "under_review", "votes_for", "votes_total",
             "score", "note")


def import_preview(session: Session, pv: Preview, today: date | None = None) -> ImportResult:
    """Write every row of a clean preview in the caller's transaction (set-based), audited.
    Raises ValidationError (nothing written) when any row is bad."""
    require(EDIT_RECORDS)
    if not pv.can_import:
        raise ValidationError(pv.problem_lines() or ["Tệp không có dòng dữ liệu nào để nhập."])
    result = ImportResult()
    if pv.kind == "people":
        rows = [{"code": r.values["code"], "full_name": r.values["full_name"], "gender": r.values["gender"],
                 "birth_date": r.values.get("birth_date"), "position": r.values["position"],
                 "unit_id": r.values["unit_id"], "joined": r.values.get("joined"), "left_on": r.values.get("left"),
                 "active": r.values.get("left") is None, "version": 1} for r in pv.rows]
        session.execute(insert(Person), rows)
        ids = dict(session.execute(select(Person.code, Person.id).where(Person.code.in_([r["code"] for r in rows]))).all())
        start = today or date.today()
        session.execute(insert(PersonUnitHistory), [
            {"person_id": ids[r["code"]], "unit_id": r["unit_id"], "start_date": r["joined"] or start,
             "end_date": r["left_on"], "note": "Nhập từ Excel"} for r in rows])
        session.execute(insert(AuditEntry), [
            {"username": audit.current_user(), "action": "import", "entity": "person", "entity_id": ids[r["code"]],
             "new": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()},
             "reason": f"Nhập từ Excel: {pv.file_name} / {pv.sheet}"} for r in rows])
        result.created = len(rows)
        return result
    year = pv.year
    assert year is not None
    pids = [r.values["person_id"] for r in pv.rows]
    existing = {e.person_id: e for e in session.scalars(
        select(Evaluation).where(Evaluation.year == year, Evaluation.person_id.in_(pids)))}
    new_rows, audits = [], []
    for r in pv.rows:
        values = {k: r.values[k] for k in EVAL_KEYS}
        ev = existing.get(r.values["person_id"])
        if ev is None:
            new_rows.append({"year": year, "person_id": r.values["person_id"], "version": 1, **values})
            continue
        before = audit.snapshot(ev)
        for k, v in values.items():
            setattr(ev, k, v)
        old, new = audit.changes(before, {**before, **values})
        if new:
            result.updated += 1
            audits.append({"username": audit.current_user(), "action": "import", "entity": "evaluation",
                           "entity_id": ev.id, "old": old, "new": new,
                           "reason": f"Nhập từ Excel: {pv.file_name} / {pv.sheet}"})
    if new_rows:
        session.execute(insert(Evaluation), new_rows)
        eval_ids = dict(session.execute(select(Evaluation.person_id, Evaluation.id).where(
            Evaluation.year == year, Evaluation.person_id.in_([r["person_id"] for r in new_rows]))).all())
        audits += [{"username": audit.current_user(), "action": "import", "entity": "evaluation",
                    "entity_id": eval_ids[r["person_id"]], "new": r,
                    "reason": f"Nhập từ Excel: {pv.file_name} / {pv.sheet}"} for r in new_rows]
    if audits:
        session.execute(insert(AuditEntry), audits)
    session.flush()
    result.created = len(new_rows)
    return result


def write_template(kind: str, path: Path) -> Path:
    """An empty .xlsx with the expected headers, and a sheet explaining the codes."""
    wb = Workbook()
    ws = wb.active
    ws.title = KINDS[kind]
    headers = ["STT"] + [f.label for f in FIELDS[kind]]
    ws.append(headers)
    for i, _h in enumerate(headers, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        ws.column_dimensions[get_column_letter(i)].width = 6 if i == 1 else 20
    ws.freeze_panes = "A2"
    # Text cells, so codes like 001 and dates typed dd/mm/yyyy keep their form.
    for col in range(2, len(headers) + 1):
        for row in range(2, 202):
            ws.cell(row=row, column=col).number_format = "@"
    guide = wb.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 90
    guide.append(["Cột", "Cách ghi"])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    notes = {
        "Mã cán bộ": "Mã duy nhất của mỗi người (ví dụ CB0001).",
        "Họ và tên": "Đầy đủ họ, tên đệm và tên, có dấu.",
        "Giới tính": "Nam hoặc Nữ.",
        "Ngày sinh": "Dạng ngày/tháng/năm, ví dụ 02/03/1985 (hoặc chỉ năm sinh).",
        "Đơn vị": "Mã đơn vị hoặc tên đơn vị đúng như trong phần mềm.",
        "Ngày vào cơ quan": "Dạng ngày/tháng/năm.",
        "Ngày nghỉ": "Để trống nếu đang công tác.",
        "Xếp loại": "; ".join(f"{c} = {label}" for c, label in RATINGS.items()),
        "Số tháng công tác": "0 đến 12 (để trống: 12).",
        "Tháng nghỉ thai sản": "0 đến 12; được tính như thời gian công tác.",
        "Kỷ luật": "Để trống nếu không; hoặc: " + ", ".join(DISCIPLINES.values()) + ".",
        "Đang bị xem xét": "Ghi x nếu đang bị xem xét kỷ luật, điều tra, thanh tra, xác minh khiếu nại.",
        "Phiếu đồng ý": "Số phiếu tín nhiệm đồng ý (nếu có bỏ phiếu).",
        "Tổng số phiếu": "Tổng số phiếu bầu (bắt buộc nếu có phiếu đồng ý).",
        "Điểm thi đua": "Điểm chấm thi đua (nếu có).",
    }
    for f in FIELDS[kind]:
        guide.append([f.label + (" (bắt buộc)" if f.required else ""), notes.get(f.label, "")])
    if kind == "evaluations":
        guide.append(["", "Cần ít nhất một trong hai cột Mã cán bộ, Họ và tên. Năm bình xét chọn khi nhập."])
    wb.save(path)
    return path


__all__ = ["FIELDS", "KINDS", "ImportResult", "Preview", "RowResult", "SheetData", "guess_mapping", "import_preview",
           "list_sheets", "preview", "read_sheet", "write_template"]


def create_missing_units(session: Session, sheet: SheetData, mapping: dict[str, int | None]) -> list[str]:
    """Add a unit for every name in the sheet's "Đơn vị" column that matches no unit yet
    (for a new database whose staff list is the only record of its units). Codes are
    DV001, DV002... Returns the names added."""
    require(EDIT_RECORDS)
    column = mapping.get("unit")
    if column is None:
        return []
    known = _units_lookup(session)
    wanted: dict[str, str] = {}
    for _number, raw in sheet.rows:
        name = _text(raw[column] if column < len(raw) else None)
        if name and _key(name) not in known:
            wanted.setdefault(_key(name), name)
    if not wanted:
        return []
    codes = set(session.scalars(select(Unit.code)))
    added, n = [], 0
    for name in wanted.values():
        n += 1
        while f"DV{n:03d}" in codes:
            n += 1
        unit = Unit(code=f"DV{n:03d}", name=name, kind="phong", sort_order=n)
        session.add(unit)
        added.append(name)
    session.flush()
    audit.record(session, "import", "unit", None, new={"names": added}, reason="Tạo đơn vị từ cột Đơn vị của tệp Excel")
    return added


def import_workbook(session: Session, path: Path, *, create_units: bool = False,
                    today: date | None = None) -> ImportResult:
    """Import the staff list on the first sheet of ``path`` in one go (the first-run wizard's
    route): guess the columns, optionally create the units it names, check every row, and
    write all or nothing. Raises ValueError / ValidationError (Vietnamese) with every problem."""
    sheet = read_sheet(Path(path))
    mapping = guess_mapping("people", sheet.headers)
    if create_units:
        create_missing_units(session, sheet, mapping)
    pv = preview(session, "people", sheet, mapping, today=today)
    pv.file_name = Path(path).name
    return import_preview(session, pv, today=today)
