"""Cán bộ: people. Validation of the person form (Vietnamese messages), create, edit,
move to another unit keeping the unit history, soft delete and restore, the person's
whole record (hồ sơ thành tích) and the set-based rows of the people list.

Every change is audited and made in the caller's transaction
(``with database.session() as s, s.begin(): ...``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Award,
    Decision,
    Evaluation,
    Initiative,
    Person,
    PersonUnitHistory,
    Title,
    Unit,
)
from models.vocabulary import (
    DECISION_STATES,
    DISCIPLINES,
    GENDERS,
    INITIATIVE_LEVELS,
    RATINGS,
)
from services.records.units import (
    NotFoundError,
    ValidationError,
    check_version,
    flush_or_stale,
)
from services.system import audit
from services.system.access import EDIT_RECORDS, require
from services.system.text import format_date, name_ranks, nfc

ENTITY = "person"
MIN_AGE = 16
MAX_AGE = 75

__all__ = [
    "ENTITY", "PeopleData", "PersonInput", "PersonRecord", "create_person", "delete_person", "get_person",
    "load_people", "move_person", "parse_date", "person_details", "person_record", "restore_person",
    "search_fold", "search_fold_many", "update_person", "validate_person",
]


# Dates ---------------------------------------------------------------------------------

_DATE_RE = re.compile(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*")


def parse_date(text: str | None, label: str = "Ngày") -> date | None:
    """dd/mm/yyyy (also d/m/yyyy, with - or .) to a date; empty text gives None.

    Raises ValueError with a Vietnamese message naming the field.
    """
    text = nfc(text or "").strip()
    if not text:
        return None
    match = _DATE_RE.fullmatch(text)
    if not match:
        raise ValueError(f"{label} “{text}” không đúng dạng ngày/tháng/năm (ví dụ 02/03/1985).")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{label} “{text}” không có thật trên lịch; hãy kiểm tra lại ngày, tháng.") from None


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# Folding for search. ``search_fold`` gives the same result as ``services.system.text.fold`` for
# Vietnamese text, but works on one big string at C speed (normalise, drop the marks by
# encoding to ASCII), which matters for 50,000 rows. Characters outside Latin script are
# dropped, in the rows and in the query alike.


def search_fold(text: str | None) -> str:
    """Lower case, no diacritics, single spaces: "Nguyễn Văn Đức" -> "nguyen van duc"."""
    if not text:
        return ""
    return " ".join(_fold_raw(text).split())


def _fold_raw(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def search_fold_many(texts: list[str]) -> list[str]:
    """``search_fold`` of many texts in one pass (the texts must not contain NUL)."""
    if not texts:
        return []
    return _fold_raw("\x00".join(texts)).split("\x00")


# The people list ------------------------------------------------------------------------

# Positions in the compact row tuples of ``PeopleData.rows``.
R_ID, R_UNIT, R_ACTIVE, R_DELETED, R_NAME, R_CODE, R_POSITION = range(7)
# Positions in the detail tuples of ``person_details``.
D_GENDER, D_BIRTH, D_JOINED, D_LEFT = range(4)


@dataclass
class PeopleData:
    """Everything the people table needs to open, read in one go.

    ``rows`` holds one compact tuple per person, deleted ones included (see ``R_*``);
    ``search`` the folded text a search matches (code, name, position); ``name_rank`` the
    row's position in Vietnamese name order; ``unit_names`` and ``unit_search`` (folded)
    the units by id; ``parents`` the unit tree, to filter by a unit with its sub-units.
    The other columns (gender, dates) are read per screenful with ``person_details``.
    """

    rows: list[tuple[Any, ...]]
    search: list[str]
    name_rank: list[int]
    unit_names: dict[int, str]
    unit_search: dict[int, str]
    parents: dict[int, int | None]


def _fetch_plain(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """Run a Core select straight on the DBAPI cursor: plain tuples, no per-row result
    processing (half the time for 50,000 rows). Only for columns whose driver values are
    already right (integers, text, booleans as 0/1)."""
    connection = session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # a checked-out connection always has one
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def load_people(session: Session) -> PeopleData:
    """Every person (deleted ones too, flagged) as compact tuples, with folded search text
    and Vietnamese name ranks: one query over the people, one over the units."""
    rows = _fetch_plain(session, select(
        Person.id, Person.unit_id, Person.active, Person.deleted_at.is_not(None), Person.full_name, Person.code,
        Person.position,
    ))
    units = session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    unit_names = {u.id: u.name for u in units}
    unit_search = dict(zip(unit_names, search_fold_many(list(unit_names.values()))))
    search = search_fold_many([f"{r[R_CODE]} {r[R_NAME]} {r[R_POSITION]}" for r in rows])
    ranks = name_ranks({r[R_NAME] for r in rows})
    name_rank = [ranks[r[R_NAME]] for r in rows]
    return PeopleData(rows, search, name_rank, unit_names, unit_search, {u.id: u.parent_id for u in units})


def person_details(session: Session, ids: list[int] | None = None) -> dict[int, tuple[Any, ...]]:
    """id -> (gender, birth date, joined, left) for ``ids`` (None: everyone)."""
    stmt = select(Person.id, Person.gender, Person.birth_date, Person.joined, Person.left_on)
    if ids is None:
        return {r[0]: tuple(r[1:]) for r in session.execute(stmt)}
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 900):  # stay under SQLite's limit of bound parameters
        chunk = ids[start:start + 900]
        found.update({r[0]: tuple(r[1:]) for r in session.execute(stmt.where(Person.id.in_(chunk)))})
    return found


# The form ---------------------------------------------------------------------------------


@dataclass
class PersonInput:
    """What the person form sends (dates already parsed)."""

    code: str
    full_name: str
    gender: str
    unit_id: int | None
    birth_date: date | None = None
    position: str = ""
    joined: date | None = None
    left_on: date | None = None

    def normalised(self) -> PersonInput:
        return PersonInput(
            code=nfc(self.code or "").strip(), full_name=" ".join(nfc(self.full_name or "").split()),
            gender=self.gender, unit_id=self.unit_id, birth_date=self.birth_date,
            position=" ".join(nfc(self.position or "").split()), joined=self.joined, left_on=self.left_on,
        )


def validate_person(session: Session, data: PersonInput, person_id: int | None = None,
                    today: date | None = None) -> list[str]:
    """Vietnamese messages for everything wrong with ``data`` (empty when it can be saved)."""
    data = data.normalised()
    today = today or date.today()
    problems: list[str] = []
    if not data.code:
        problems.append("Chưa nhập mã cán bộ.")
    elif len(data.code) > 50:
        problems.append("Mã cán bộ dài quá 50 ký tự.")
    else:
        other = session.execute(
            select(Person.id, Person.full_name, Person.deleted_at).where(Person.code == data.code)
        ).first()
        if other is not None and other.id != person_id:
            where = " (người này đang ở mục Đã xóa, có thể khôi phục)" if other.deleted_at else ""
            problems.append(f"Mã “{data.code}” đã dùng cho cán bộ {other.full_name}{where}. Hãy dùng mã khác.")
    if not data.full_name:
        problems.append("Chưa nhập họ và tên.")
    elif len(data.full_name) > 200:
        problems.append("Họ và tên dài quá 200 ký tự.")
    elif len(data.full_name.split()) < 2:
        problems.append("Họ và tên cần có cả họ và tên (ví dụ: Nguyễn Thị Hoa).")
    if data.gender not in GENDERS:
        problems.append("Chưa chọn giới tính.")
    if data.unit_id is None:
        problems.append("Chưa chọn đơn vị công tác.")
    else:
        unit = session.get(Unit, data.unit_id)
        if unit is None or unit.deleted_at is not None:
            problems.append("Đơn vị đã chọn không còn tồn tại; hãy chọn lại.")
    if len(data.position) > 200:
        problems.append("Chức vụ dài quá 200 ký tự.")
    if data.birth_date is not None:
        if data.birth_date > today:
            problems.append("Ngày sinh ở tương lai; hãy kiểm tra lại.")
        else:
            on = data.left_on or today
            age = _age(data.birth_date, on)
            if not MIN_AGE <= age <= MAX_AGE:
                when = "khi nghỉ" if data.left_on else "hiện nay"
                problems.append(
                    f"Ngày sinh {format_date(data.birth_date)} cho tuổi {when} là {age}, ngoài khoảng "
                    f"{MIN_AGE}–{MAX_AGE} tuổi của người đang làm việc; hãy kiểm tra lại năm sinh."
                )
        if data.joined is not None and _age(data.birth_date, data.joined) < MIN_AGE - 1:
            problems.append("Ngày vào cơ quan sớm hơn lúc cán bộ đủ tuổi đi làm; hãy kiểm tra lại.")
    if data.joined is not None and data.joined > today + timedelta(days=366):
        problems.append("Ngày vào cơ quan quá xa trong tương lai; hãy kiểm tra lại.")
    if data.left_on is not None and data.joined is not None and data.left_on < data.joined:
        problems.append("Ngày nghỉ trước ngày vào cơ quan; hãy kiểm tra lại.")
    return problems


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("Không tìm thấy cán bộ này (có thể đã bị xóa hẳn). Hãy tải lại danh sách.")
    return person


def _what(person: Person) -> str:
    return f"Hồ sơ cán bộ {person.full_name}"


def create_person(session: Session, data: PersonInput, today: date | None = None) -> Person:
    """Add a person and open their first unit period (from the joining date, or today)."""
    require(EDIT_RECORDS)
    data = data.normalised()
    problems = validate_person(session, data, today=today)
    if problems:
        raise ValidationError(problems)
    person = Person(code=data.code, full_name=data.full_name, gender=data.gender, birth_date=data.birth_date,
                    position=data.position, unit_id=data.unit_id, joined=data.joined, left_on=data.left_on,
                    active=data.left_on is None)
    person.unit_history.append(PersonUnitHistory(unit_id=data.unit_id, start_date=data.joined or today or date.today(),
                                                 end_date=data.left_on))
    session.add(person)
    session.flush()
    audit.record(session, "create", ENTITY, person.id, new=audit.snapshot(person))
    return person


def update_person(session: Session, person_id: int, data: PersonInput, expected_version: int | None = None,
                  *, move_date: date | None = None, move_note: str = "", today: date | None = None) -> Person:
    """Save the form. A different unit moves the person on ``move_date`` (default today),
    keeping the history; a leaving date closes the open period."""
    require(EDIT_RECORDS)
    data = data.normalised()
    person = get_person(session, person_id)
    check_version(person, expected_version, _what(person))
    problems = validate_person(session, data, person_id, today=today)
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(person)
    if data.unit_id != person.unit_id:
        assert data.unit_id is not None
        _move(session, person, data.unit_id, move_date or today or date.today(), move_note)
    person.code, person.full_name, person.gender, person.birth_date = (
        data.code, data.full_name, data.gender, data.birth_date)
    person.position, person.joined, person.left_on = data.position, data.joined, data.left_on
    person.active = data.left_on is None
    if data.left_on is not None:
        for period in person.unit_history:
            if period.end_date is None and period.start_date <= data.left_on:
                period.end_date = data.left_on
    flush_or_stale(session, _what(person))
    old, new = audit.changes(before, audit.snapshot(person))
    if new:
        audit.record(session, "update", ENTITY, person.id, old=old, new=new)
    return person


def _move(session: Session, person: Person, unit_id: int, on: date, note: str) -> None:
    """Close the open period the day before ``on`` and open one in ``unit_id`` from ``on``."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.deleted_at is not None:
        raise ValidationError("Đơn vị chuyển đến không còn tồn tại; hãy chọn lại.")
    if not note:
        old_unit = session.get(Unit, person.unit_id)
        note = f"Chuyển từ {old_unit.name}" if old_unit is not None else ""
    periods = person.unit_history
    open_periods = [p for p in periods if p.end_date is None]
    if periods and max(p.start_date for p in periods) > on:
        raise ValidationError(
            f"Ngày chuyển {format_date(on)} trước một giai đoạn công tác đã ghi "
            f"(từ {format_date(max(p.start_date for p in periods))}); hãy chọn ngày chuyển muộn hơn."
        )
    if not open_periods:
        # Records imported without history: the old unit from joining (or the move day).
        start = person.joined if person.joined and person.joined < on else None
        if start is not None:
            periods.append(PersonUnitHistory(unit_id=person.unit_id, start_date=start, end_date=on - timedelta(days=1)))
    for period in open_periods:
        if period.start_date >= on:
            # Opened the same day: a correction of that period, not a second move.
            period.unit_id = unit_id
            period.note = note or period.note
            person.unit_id = unit_id
            return
        period.end_date = on - timedelta(days=1)
    periods.append(PersonUnitHistory(unit_id=unit_id, start_date=on, note=note))
    person.unit_id = unit_id


def move_person(session: Session, person_id: int, unit_id: int, on: date | None = None, note: str = "",
                expected_version: int | None = None) -> Person:
    """Move a person to another unit from ``on`` (default today), keeping the history."""
    require(EDIT_RECORDS)
    person = get_person(session, person_id)
    check_version(person, expected_version, _what(person))
    if person.deleted_at is not None:
        raise ValidationError("Cán bộ này đã bị xóa; hãy khôi phục trước khi chuyển đơn vị.")
    if unit_id == person.unit_id:
        return person
    old_unit = person.unit_id
    _move(session, person, unit_id, on or date.today(), nfc(note))
    flush_or_stale(session, _what(person))
    audit.record(session, "move", ENTITY, person.id, old={"unit_id": old_unit},
                 new={"unit_id": unit_id, "from": (on or date.today()).isoformat()}, reason=note)
    return person


def delete_person(session: Session, person_id: int, expected_version: int | None = None, reason: str = "") -> Person:
    """Soft delete: the person leaves every list but their records stay and can be restored."""
    require(EDIT_RECORDS)
    person = get_person(session, person_id)
    check_version(person, expected_version, _what(person))
    if person.deleted_at is None:
        person.deleted_at = datetime.now().replace(microsecond=0)
        flush_or_stale(session, _what(person))
        audit.record(session, "delete", ENTITY, person.id, old=audit.snapshot(person), reason=reason)
    return person


def restore_person(session: Session, person_id: int) -> Person:
    require(EDIT_RECORDS)
    person = get_person(session, person_id)
    if person.deleted_at is not None:
        deleted_at = person.deleted_at.isoformat()
        unit = session.get(Unit, person.unit_id)
        if unit is None or unit.deleted_at is not None:
            raise ValidationError(
                f"Không khôi phục được {person.full_name}: đơn vị “{unit.name if unit else '?'}” của người này "
                "đã bị xóa. Hãy khôi phục đơn vị trước (Đơn vị > Đã xóa)."
            )
        person.deleted_at = None
        flush_or_stale(session, _what(person))
        audit.record(session, "restore", ENTITY, person.id, old={"deleted_at": deleted_at}, new={"deleted_at": None})
    return person


# The whole record ----------------------------------------------------------------------


@dataclass
class PersonRecord:
    """A person's hồ sơ: evaluations by year, initiatives, awards and titles, unit history.

    Each list holds rows of display-ready values (text, dates as dd/mm/yyyy).
    """

    evaluations: list[tuple[Any, ...]]
    initiatives: list[tuple[Any, ...]]
    awards: list[tuple[Any, ...]]
    history: list[tuple[Any, ...]]

    EVALUATION_HEADERS = ("Năm", "Xếp loại", "Số tháng công tác", "Kỷ luật", "Phiếu tín nhiệm", "Điểm", "Ghi chú")
    INITIATIVE_HEADERS = ("Năm", "Mã", "Tên sáng kiến, đề tài", "Cấp công nhận", "Đơn vị công nhận", "Đã dùng cho khen thưởng")
    AWARD_HEADERS = ("Năm", "Danh hiệu, hình thức khen thưởng", "Số quyết định", "Ngày quyết định", "Tình trạng")
    HISTORY_HEADERS = ("Đơn vị", "Từ ngày", "Đến ngày", "Ghi chú")


def person_record(session: Session, person_id: int) -> PersonRecord:
    """The person's whole record for the read-only tabs of the form (four queries)."""
    evaluations = [
        (e.year, RATINGS.get(e.rating or "", "Chưa xếp loại"), e.months_worked,
         DISCIPLINES.get(e.discipline or "", "") + (" (đang xem xét kỷ luật)" if e.under_review else ""),
         f"{e.votes_for}/{e.votes_total}" if e.votes_total else "",
         "" if e.score is None else f"{e.score:g}", e.note)
        for e in session.scalars(select(Evaluation).where(Evaluation.person_id == person_id)
                                 .order_by(Evaluation.year.desc()))
    ]
    initiatives = []
    for i, used_year, used_title in session.execute(
        select(Initiative, Award.year, Award.title_code).outerjoin(Award, Award.id == Initiative.used_by_award_id)
        .where(Initiative.person_id == person_id).order_by(Initiative.year.desc(), Initiative.code)
    ):
        initiatives.append((i.year, i.code, i.title, INITIATIVE_LEVELS.get(i.level, i.level), i.recognized_by,
                            f"{used_title} năm {used_year}" if used_title else "Chưa dùng"))
    awards = [
        (a.year, title_name or a.title_code, number or "", format_date(issued), DECISION_STATES.get(state or "", "")
         if number else "Chưa có quyết định trong hệ thống")
        for a, title_name, number, issued, state in session.execute(
            select(Award, Title.name, Decision.number, Decision.issued_on, Decision.state)
            .outerjoin(Title, Title.code == Award.title_code)
            .outerjoin(Decision, Decision.id == Award.decision_id)
            .where(Award.person_id == person_id).order_by(Award.year.desc(), Title.sort_order)
        )
    ]
    history = [
        (name, format_date(h.start_date), format_date(h.end_date) or "nay", h.note)
        for h, name in session.execute(
            select(PersonUnitHistory, Unit.name).join(Unit, Unit.id == PersonUnitHistory.unit_id)
            .where(PersonUnitHistory.person_id == person_id).order_by(PersonUnitHistory.start_date.desc())
        )
    ]
    return PersonRecord(evaluations, initiatives, awards, history)
