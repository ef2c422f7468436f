"""Bình xét: the yearly evaluation grid of one unit. Load the members of a unit (with its
sub-units) for a year with their evaluations, parse what the user types (codes, labels,
abbreviations), validate every cell with Vietnamese messages, and save the whole grid and
the unit's own rating in the caller's transaction, audited.

Members of a unit for year Y: people not deleted whose unit during Y (the latest unit
history period overlapping Y; else their current unit) is the unit or one of its
sub-units, and who either have an evaluation for Y or were working during Y.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models import Evaluation, Person, PersonUnitHistory, Unit, UnitEvaluation
from models.vocabulary import DISCIPLINES, RATINGS
from services.records.units import (
    StaleRecordError,
    ValidationError,
    descendants,
    get_unit,
    parent_map,
)
from services.system import audit
from services.system.access import EDIT_RECORDS, require
from services.system.text import fold, name_ranks, nfc

ENTITY = "evaluation"
UNIT_ENTITY = "unit_evaluation"

# Short forms people type for ratings and discipline, folded (no diacritics, lower case).
RATING_ALIASES: dict[str, str] = {
    "xuat sac": "HTXSNV", "htxs": "HTXSNV", "xs": "HTXSNV",
    "tot": "HTTNV", "htt": "HTTNV", "ht tot": "HTTNV",
    "hoan thanh": "HTNV", "ht": "HTNV",
    "khong hoan thanh": "KHTNV", "kht": "KHTNV", "khong ht": "KHTNV",
}
DISCIPLINE_ALIASES: dict[str, str] = {
    "kt": "khien_trach", "cc": "canh_cao", "hbl": "ha_bac_luong", "gc": "giang_chuc",
    "cch": "cach_chuc", "btv": "buoc_thoi_viec", "ha bac": "ha_bac_luong", "buoc thoi": "buoc_thoi_viec",
}
NO_VALUE = {"", "khong", "-", "khong co", "0"}
TRUE_WORDS = {"x", "co", "1", "true", "yes", "dang xem xet", "dang bi xem xet", "v", "c"}
FALSE_WORDS = {"", "khong", "0", "false", "no", "k"}


def _match_code(text: Any, codes: dict[str, str], aliases: dict[str, str], what: str,
                allow_empty: bool = True) -> str | None:
    """A code from what the user typed: the code (any case), a unique prefix of a code, the
    Vietnamese label (no need for diacritics), or a usual abbreviation. Empty gives None.
    Raises ValueError with a Vietnamese message."""
    raw = nfc(str(text if text is not None else "")).strip()
    key = fold(raw).replace("_", " ")
    if key in NO_VALUE:
        if allow_empty:
            return None
        raise ValueError(f"Chưa nhập {what}.")
    for code, label in codes.items():
        if key in (code.lower().replace("_", " "), fold(label)):
            return code
    if key in aliases:
        return aliases[key]
    compact = key.replace(" ", "")
    prefixed = [c for c in codes if c.lower().replace("_", "").startswith(compact)]
    if len(prefixed) == 1:
        return prefixed[0]
    by_label = [c for c, label in codes.items() if fold(label).startswith(key)]
    if len(by_label) == 1:
        return by_label[0]
    choices = ", ".join(f"{c} ({label})" for c, label in codes.items())
    raise ValueError(f"{what.capitalize()} “{raw}” không có trong danh mục; dùng một trong: {choices}.")


def parse_rating(text: Any) -> str | None:
    """"htx", "xuất sắc", "HTXSNV", "Hoàn thành xuất sắc nhiệm vụ" -> "HTXSNV"; empty -> None."""
    return _match_code(text, RATINGS, RATING_ALIASES, "xếp loại")


def parse_discipline(text: Any) -> str | None:
    """"cảnh cáo", "canh_cao", "cc" -> "canh_cao"; empty or "không" -> None."""
    return _match_code(text, DISCIPLINES, DISCIPLINE_ALIASES, "hình thức kỷ luật")


def parse_bool(text: Any) -> bool:
    if isinstance(text, bool):
        return text
    if isinstance(text, (int, float)):
        return bool(text)
    key = fold(str(text or ""))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError(f"“{text}” không phải có/không; ghi “x” (hoặc “có”) nếu đang bị xem xét, để trống nếu không.")


def parse_int(text: Any, label: str, lo: int, hi: int | None = None, allow_empty: bool = True) -> int | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        if allow_empty:
            return None
        raise ValueError(f"Chưa nhập {label}.")
    if isinstance(text, float) and text.is_integer():
        value = int(text)
    elif isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        raw = str(text).strip()
        try:
            value = int(raw)
        except ValueError:
            try:
                as_float = float(raw.replace(",", "."))
            except ValueError:
                raise ValueError(f"{label.capitalize()} “{raw}” không phải là số.") from None
            if not as_float.is_integer():
                raise ValueError(f"{label.capitalize()} “{raw}” phải là số nguyên.") from None
            value = int(as_float)
    if value < lo or (hi is not None and value > hi):
        span = f"từ {lo} đến {hi}" if hi is not None else f"từ {lo} trở lên"
        raise ValueError(f"{label.capitalize()} {value} không hợp lệ; phải {span}.")
    return value


def parse_score(text: Any) -> float | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text).strip().replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"Điểm “{text}” không phải là số (ví dụ 95 hoặc 92,5).") from None
    if not 0 <= value <= 1000:
        raise ValueError(f"Điểm {text} ngoài khoảng 0–1000; hãy kiểm tra lại.")
    return value


# The grid -------------------------------------------------------------------------------

# Editable fields of a row, in grid order.
FIELDS = ("rating", "months_worked", "maternity_months", "discipline", "under_review", "votes_for", "votes_total",
          "score", "note")
FIELD_LABELS = {
    "rating": "Xếp loại", "months_worked": "Số tháng công tác", "maternity_months": "Tháng nghỉ thai sản",
    "discipline": "Kỷ luật", "under_review": "Đang bị xem xét", "votes_for": "Phiếu đồng ý",
    "votes_total": "Tổng số phiếu", "score": "Điểm thi đua", "note": "Ghi chú",
}


@dataclass
class GridRow:
    """One member of the unit and their evaluation for the year (defaults when none yet)."""

    person_id: int
    code: str
    full_name: str
    gender: str
    unit_id: int
    unit_name: str
    position: str = ""
    evaluation_id: int | None = None
    version: int | None = None
    rating: str | None = None
    months_worked: int = 12
    maternity_months: int = 0
    discipline: str | None = None
    under_review: bool = False
    votes_for: int | None = None
    votes_total: int | None = None
    score: float | None = None
    note: str = ""

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in FIELDS}

    def is_blank(self) -> bool:
        """Nothing entered: no rating and every other field at its default."""
        return (self.rating is None and self.months_worked == 12 and self.maternity_months == 0
                and self.discipline is None and not self.under_review and self.votes_for is None
                and self.votes_total is None and self.score is None and not self.note)


@dataclass
class Grid:
    year: int
    unit_id: int
    unit_name: str
    rows: list[GridRow]
    unit_rating: str | None = None
    unit_evaluation_id: int | None = None
    unit_version: int | None = None
    unit_ids: set[int] = field(default_factory=set)


def member_ids(session: Session, year: int, unit_id: int) -> dict[int, int]:
    """person id -> unit id (during ``year``) of the members of ``unit_id`` and its sub-units."""
    units = descendants(parent_map(session), unit_id)
    start, end = date(year, 1, 1), date(year, 12, 31)
    unit_in_year: dict[int, int] = {}
    for pid, uid in session.execute(
        select(PersonUnitHistory.person_id, PersonUnitHistory.unit_id)
        .where(PersonUnitHistory.start_date <= end,
               or_(PersonUnitHistory.end_date.is_(None), PersonUnitHistory.end_date >= start))
        .order_by(PersonUnitHistory.person_id, PersonUnitHistory.start_date, PersonUnitHistory.id)
    ):
        unit_in_year[pid] = uid
    evaluated = set(session.scalars(select(Evaluation.person_id).where(Evaluation.year == year)))
    found: dict[int, int] = {}
    for pid, uid, joined, left in session.execute(
        select(Person.id, Person.unit_id, Person.joined, Person.left_on).where(Person.deleted_at.is_(None))
    ):
        u = unit_in_year.get(pid, uid)
        if u not in units:
            continue
        working = (joined is None or joined <= end) and (left is None or left >= start)
        if working or pid in evaluated:
            found[pid] = u
    return found


def load_grid(session: Session, year: int, unit_id: int) -> Grid:
    """The grid of ``unit_id`` (with its sub-units) for ``year``, in Vietnamese name order."""
    unit = get_unit(session, unit_id)
    members = member_ids(session, year, unit_id)
    unit_names = dict(session.execute(select(Unit.id, Unit.name)).all())
    rows: list[GridRow] = []
    ids = list(members)
    people: list[Any] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        people += session.execute(
            select(Person.id, Person.code, Person.full_name, Person.gender, Person.position, Evaluation)
            .outerjoin(Evaluation, and_(Evaluation.person_id == Person.id, Evaluation.year == year))
            .where(Person.id.in_(chunk))
        ).all()
    for pid, code, full_name, gender, position, ev in people:
        row = GridRow(pid, code, full_name, gender, members[pid], unit_names.get(members[pid], ""), position or "")
        if ev is not None:
            row.evaluation_id, row.version = ev.id, ev.version
            for f in FIELDS:
                setattr(row, f, getattr(ev, f))
            row.note = row.note or ""
            row.under_review = bool(row.under_review)
        rows.append(row)
    ranks = name_ranks(r.full_name for r in rows)
    rows.sort(key=lambda r: (ranks[r.full_name], r.code))
    ue = session.scalars(select(UnitEvaluation).where(UnitEvaluation.unit_id == unit_id,
                                                      UnitEvaluation.year == year)).first()
    return Grid(year, unit_id, unit.name, rows, ue.rating if ue else None, ue.id if ue else None,
                ue.version if ue else None, descendants(parent_map(session), unit_id))


def validate_row(row: GridRow) -> dict[str, str]:
    """field -> Vietnamese problem, for the row's typed values (empty when it can be saved)."""
    problems: dict[str, str] = {}
    if row.rating is not None and row.rating not in RATINGS:
        problems["rating"] = f"Xếp loại “{row.rating}” không có trong danh mục."
    if row.discipline is not None and row.discipline not in DISCIPLINES:
        problems["discipline"] = f"Hình thức kỷ luật “{row.discipline}” không có trong danh mục."
    if not isinstance(row.months_worked, int) or not 0 <= row.months_worked <= 12:
        problems["months_worked"] = "Số tháng công tác phải từ 0 đến 12."
    if not isinstance(row.maternity_months, int) or not 0 <= row.maternity_months <= 12:
        problems["maternity_months"] = "Số tháng nghỉ thai sản phải từ 0 đến 12."
    elif isinstance(row.months_worked, int) and row.months_worked + row.maternity_months > 12:
        problems["maternity_months"] = (f"Số tháng công tác ({row.months_worked}) cộng tháng nghỉ thai sản "
                                        f"({row.maternity_months}) vượt quá 12 tháng.")
    if row.votes_total is not None and row.votes_total <= 0:
        problems["votes_total"] = "Tổng số phiếu phải lớn hơn 0."
    if row.votes_for is not None:
        if row.votes_total is None:
            problems["votes_total"] = "Có số phiếu đồng ý thì phải nhập tổng số phiếu."
        elif row.votes_for < 0 or row.votes_for > row.votes_total:
            problems["votes_for"] = f"Số phiếu đồng ý ({row.votes_for}) phải từ 0 đến tổng số phiếu ({row.votes_total})."
    if row.score is not None and not 0 <= row.score <= 1000:
        problems["score"] = "Điểm phải trong khoảng 0–1000."
    if len(row.note or "") > 500:
        problems["note"] = "Ghi chú dài quá 500 ký tự."
    if row.rating is None and not row.is_blank():
        problems["rating"] = "Chưa chọn xếp loại (các cột khác đã có số liệu)."
    return problems


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unit_changed: bool = False

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted + int(self.unit_changed)

    def message(self) -> str:
        parts = []
        if self.created:
            parts.append(f"thêm {self.created}")
        if self.updated:
            parts.append(f"sửa {self.updated}")
        if self.deleted:
            parts.append(f"xóa {self.deleted}")
        text = ("Đã lưu kết quả bình xét: " + ", ".join(parts) + " dòng.") if parts else "Không có dòng nào thay đổi."
        if self.unit_changed:
            text += " Đã lưu xếp loại của tập thể."
        return text


def save_grid(session: Session, year: int, unit_id: int, rows: list[GridRow], unit_rating: str | None = None,
              unit_version: int | None = None, save_unit: bool = True) -> SaveResult:
    """Write every row (a blank row with an evaluation deletes it) and the unit rating,
    audited, in the caller's transaction. Refuses (ValidationError, nothing written) when
    any row is invalid; StaleRecordError when someone else saved a row meanwhile."""
    require(EDIT_RECORDS)
    problems = []
    for r in rows:
        for f, text in validate_row(r).items():
            problems.append(f"{r.full_name} ({r.code}) – {FIELD_LABELS[f]}: {text}")
    if unit_rating is not None and unit_rating not in RATINGS:
        problems.append("Xếp loại tập thể không có trong danh mục.")
    if problems:
        raise ValidationError(problems)
    result = SaveResult()
    ids = [r.evaluation_id for r in rows if r.evaluation_id is not None]
    existing = {e.id: e for e in session.scalars(select(Evaluation).where(Evaluation.id.in_(ids)))} if ids else {}
    by_person = {e.person_id: e for e in session.scalars(
        select(Evaluation).where(Evaluation.year == year,
                                 Evaluation.person_id.in_([r.person_id for r in rows if r.evaluation_id is None])))}
    for r in rows:
        values = r.values()
        values["note"] = nfc(values["note"] or "").strip()
        ev = existing.get(r.evaluation_id) if r.evaluation_id is not None else None
        if r.evaluation_id is not None and (ev is None or ev.version != r.version):
            raise StaleRecordError(f"Kết quả bình xét của {r.full_name}")
        if ev is None and r.person_id in by_person:
            raise StaleRecordError(f"Kết quả bình xét của {r.full_name}")
        if ev is None:
            if r.is_blank():
                continue
            ev = Evaluation(year=year, person_id=r.person_id, **values)
            session.add(ev)
            session.flush()
            audit.record(session, "create", ENTITY, ev.id, new={"person": r.code, "year": year, **values})
            result.created += 1
        elif r.is_blank():
            old = audit.snapshot(ev)
            session.delete(ev)
            audit.record(session, "delete", ENTITY, ev.id, old={"person": r.code, **old})
            result.deleted += 1
        else:
            before = audit.snapshot(ev)
            for k, v in values.items():
                if getattr(ev, k) != v:
                    setattr(ev, k, v)
            old, new = audit.changes(before, {**before, **values})
            if new:
                audit.record(session, "update", ENTITY, ev.id, old={"person": r.code, **old},
                             new={"person": r.code, **new})
                result.updated += 1
    if save_unit:
        result.unit_changed = set_unit_rating(session, year, unit_id, unit_rating, unit_version)
    try:
        session.flush()
    except Exception as exc:  # StaleDataError from the version column
        from sqlalchemy.orm.exc import StaleDataError

        if isinstance(exc, StaleDataError):
            raise StaleRecordError("Kết quả bình xét của đơn vị") from exc
        raise
    return result


def set_unit_rating(session: Session, year: int, unit_id: int, rating: str | None,
                    expected_version: int | None = None) -> bool:
    """The unit's own rating for the year (None removes it); True when something changed."""
    require(EDIT_RECORDS)
    if rating is not None and rating not in RATINGS:
        raise ValidationError("Xếp loại tập thể không có trong danh mục.")
    unit = get_unit(session, unit_id)
    ue = session.scalars(select(UnitEvaluation).where(UnitEvaluation.unit_id == unit_id,
                                                      UnitEvaluation.year == year)).first()
    if ue is not None and expected_version is not None and ue.version != expected_version:
        raise StaleRecordError(f"Xếp loại của {unit.name}")
    if ue is None:
        if rating is None:
            return False
        ue = UnitEvaluation(year=year, unit_id=unit_id, rating=rating)
        session.add(ue)
        session.flush()
        audit.record(session, "create", UNIT_ENTITY, ue.id, new={"unit": unit.code, "year": year, "rating": rating})
        return True
    if ue.rating == rating:
        return False
    old = ue.rating
    if rating is None:
        session.delete(ue)
        audit.record(session, "delete", UNIT_ENTITY, ue.id, old={"unit": unit.code, "year": year, "rating": old})
    else:
        ue.rating = rating
        audit.record(session, "update", UNIT_ENTITY, ue.id, old={"rating": old}, new={"rating": rating})
    return True


__all__ = [
    "FIELDS", "FIELD_LABELS", "Grid", "GridRow", "SaveResult", "load_grid", "member_ids", "parse_bool",
    "parse_discipline", "parse_int", "parse_rating", "parse_score", "save_grid", "set_unit_rating", "validate_row",
]
