"""Đơn vị: the agency's unit tree. Create, edit, re-parent, order, deactivate, soft delete
and restore units; count their people (with sub-units). Every change is audited and
made in the caller's transaction (``with database.session() as s, s.begin(): ...``).

The errors raised here (``RecordError`` and its subclasses) carry a Vietnamese message
for the user; ``services.records.people`` raises the same ones.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import Person, Unit
from models.vocabulary import UNIT_KINDS
from services.system import audit
from services.system.access import EDIT_RECORDS, require
from services.system.text import nfc

ENTITY = "unit"


class RecordError(Exception):
    """A change the services refused; ``str(exc)`` is the Vietnamese message for the user."""


class ValidationError(RecordError):
    """The data entered breaks one or more rules; ``problems`` lists them, one message each."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class StaleRecordError(RecordError):
    """Someone else saved the record after it was opened here."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} vừa được người khác sửa (hoặc xóa) sau khi bạn mở. Thay đổi của bạn chưa được lưu. "
            "Hãy đóng, tải lại dữ liệu mới nhất rồi sửa lại."
        )


class NotFoundError(RecordError):
    pass


def flush_or_stale(session: Session, what: str) -> None:
    """Flush, turning SQLAlchemy's optimistic-locking failure into a Vietnamese StaleRecordError."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleRecordError(what) from exc


def check_version(obj: Any, expected_version: int | None, what: str) -> None:
    """Refuse to change ``obj`` if it is no longer at the version the user opened."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleRecordError(what)


# Reading -------------------------------------------------------------------------------


@dataclass
class UnitRow:
    """One unit as the tree shows it."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    sort_order: int
    active: bool
    deleted_at: datetime | None
    version: int
    people: int = 0  # active, not deleted people directly in the unit
    people_total: int = 0  # the same, including every sub-unit
    children: list[UnitRow] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)


def list_units(session: Session, *, deleted: bool = False) -> list[UnitRow]:
    """Every unit that is not deleted (or, with ``deleted``, only the deleted ones) in tree
    order (parents before children, siblings by ``sort_order`` then name), with people counts.

    Two queries whatever the size of the tree.
    """
    cond = Unit.deleted_at.is_not(None) if deleted else Unit.deleted_at.is_(None)
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.sort_order, Unit.active,
               Unit.deleted_at, Unit.version).where(cond)
    ).all()
    counts = dict(session.execute(
        select(Person.unit_id, func.count()).where(Person.deleted_at.is_(None), Person.active.is_(True))
        .group_by(Person.unit_id)
    ).all())
    units = {r.id: UnitRow(*r, people=counts.get(r.id, 0)) for r in rows}
    if deleted:
        return sorted(units.values(), key=lambda u: (u.deleted_at or datetime.min), reverse=True)
    roots: list[UnitRow] = []
    for u in units.values():
        parent = units.get(u.parent_id) if u.parent_id is not None else None
        (parent.children if parent else roots).append(u)
    ordered: list[UnitRow] = []

    def key(u: UnitRow) -> tuple[int, str]:
        return (u.sort_order, u.name)

    def walk(nodes: list[UnitRow]) -> int:
        nodes.sort(key=key)
        total = 0
        for node in nodes:
            ordered.append(node)
            node.people_total = node.people + walk(node.children)
            total += node.people_total
        return total

    walk(roots)
    return ordered


def tree_roots(rows: Iterable[UnitRow]) -> list[UnitRow]:
    """The top-level units of rows returned by ``list_units`` (their ``children`` hold the rest)."""
    rows = list(rows)
    ids = {r.id for r in rows}
    return [r for r in rows if r.parent_id not in ids]


def parent_map(session: Session) -> dict[int, int | None]:
    """unit id -> parent id, for every unit (deleted ones included)."""
    return dict(session.execute(select(Unit.id, Unit.parent_id)).all())


def descendants(parents: dict[int, int | None], unit_id: int) -> set[int]:
    """``unit_id`` and every unit below it, from a ``parent_map``."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    found = {unit_id}
    stack = [unit_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def unit_path(session: Session, unit_id: int) -> str:
    """"Sở > Phòng > Tổ": the names from the top of the tree down to the unit."""
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    parents = parent_map(session)
    parts: list[str] = []
    current: int | None = unit_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        parts.append(names.get(current, "?"))
        current = parents.get(current)
    return " > ".join(reversed(parts))


def get_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError("Không tìm thấy đơn vị này (có thể đã bị xóa hẳn). Hãy tải lại danh sách.")
    return unit


# Changing ------------------------------------------------------------------------------


@dataclass
class UnitInput:
    """What the unit form sends."""

    code: str
    name: str
    kind: str = "phong"
    parent_id: int | None = None
    active: bool = True

    def normalised(self) -> UnitInput:
        return UnitInput(nfc(self.code or "").strip(), " ".join(nfc(self.name or "").split()), self.kind,
                         self.parent_id, bool(self.active))


def _what(unit: Unit) -> str:
    return f"Đơn vị “{unit.name}”"


def validate_unit(session: Session, data: UnitInput, unit_id: int | None = None) -> list[str]:
    """Vietnamese messages for everything wrong with ``data`` (empty when it can be saved)."""
    data = data.normalised()
    problems: list[str] = []
    if not data.code:
        problems.append("Chưa nhập mã đơn vị.")
    elif len(data.code) > 50:
        problems.append("Mã đơn vị dài quá 50 ký tự.")
    else:
        other = session.execute(select(Unit.id, Unit.name, Unit.deleted_at).where(Unit.code == data.code)).first()
        if other is not None and other.id != unit_id:
            where = " (đơn vị này đang ở mục Đã xóa, có thể khôi phục)" if other.deleted_at else ""
            problems.append(f"Mã “{data.code}” đã dùng cho đơn vị “{other.name}”{where}. Hãy chọn mã khác.")
    if not data.name:
        problems.append("Chưa nhập tên đơn vị.")
    elif len(data.name) > 300:
        problems.append("Tên đơn vị dài quá 300 ký tự.")
    if data.kind not in UNIT_KINDS:
        problems.append("Loại đơn vị không hợp lệ; hãy chọn trong danh sách.")
    if data.parent_id is not None:
        parent = session.get(Unit, data.parent_id)
        if parent is None or parent.deleted_at is not None:
            problems.append("Đơn vị cấp trên đã chọn không còn tồn tại; hãy chọn lại.")
        elif unit_id is not None and data.parent_id in descendants(parent_map(session), unit_id):
            problems.append("Không thể đặt đơn vị làm cấp dưới của chính nó hoặc của đơn vị cấp dưới của nó.")
    return problems


def _next_sort_order(session: Session, parent_id: int | None) -> int:
    cond = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    current = session.execute(select(func.max(Unit.sort_order)).where(cond)).scalar()
    return 0 if current is None else current + 1


def create_unit(session: Session, data: UnitInput) -> Unit:
    require(EDIT_RECORDS)
    data = data.normalised()
    problems = validate_unit(session, data)
    if problems:
        raise ValidationError(problems)
    unit = Unit(code=data.code, name=data.name, kind=data.kind, parent_id=data.parent_id, active=data.active,
                sort_order=_next_sort_order(session, data.parent_id))
    session.add(unit)
    session.flush()
    audit.record(session, "create", ENTITY, unit.id, new=audit.snapshot(unit))
    return unit


def update_unit(session: Session, unit_id: int, data: UnitInput, expected_version: int | None = None) -> Unit:
    require(EDIT_RECORDS)
    data = data.normalised()
    unit = get_unit(session, unit_id)
    check_version(unit, expected_version, _what(unit))
    problems = validate_unit(session, data, unit_id)
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(unit)
    if unit.parent_id != data.parent_id:
        unit.sort_order = _next_sort_order(session, data.parent_id)
    unit.code, unit.name, unit.kind, unit.parent_id, unit.active = (
        data.code, data.name, data.kind, data.parent_id, data.active)
    flush_or_stale(session, _what(unit))
    old, new = audit.changes(before, audit.snapshot(unit))
    if new:
        audit.record(session, "update", ENTITY, unit.id, old=old, new=new)
    return unit


def move_unit(session: Session, unit_id: int, new_parent_id: int | None, position: int | None = None) -> Unit:
    """Re-parent a unit (drag and drop in the tree), placed at ``position`` among its new
    siblings (None: last). Refuses to make a unit a descendant of itself."""
    require(EDIT_RECORDS)
    unit = get_unit(session, unit_id)
    if new_parent_id is not None:
        parent = get_unit(session, new_parent_id)
        if parent.deleted_at is not None:
            raise ValidationError("Không thể chuyển vào một đơn vị đã xóa.")
        if new_parent_id in descendants(parent_map(session), unit_id):
            raise ValidationError(
                f"Không thể chuyển “{unit.name}” vào “{parent.name}”: đơn vị không thể nằm dưới chính nó "
                "hoặc dưới đơn vị cấp dưới của nó."
            )
    before = audit.snapshot(unit)
    cond = Unit.parent_id.is_(None) if new_parent_id is None else Unit.parent_id == new_parent_id
    siblings = list(session.scalars(
        select(Unit).where(cond, Unit.deleted_at.is_(None), Unit.id != unit_id).order_by(Unit.sort_order, Unit.name)
    ))
    if position is None or position > len(siblings):
        position = len(siblings)
    siblings.insert(max(0, position), unit)
    unit.parent_id = new_parent_id
    _renumber(siblings)
    flush_or_stale(session, _what(unit))
    old, new = audit.changes(before, audit.snapshot(unit))
    if new:
        audit.record(session, "move", ENTITY, unit.id, old=old, new=new)
    return unit


def _renumber(siblings: list[Unit]) -> None:
    for i, sibling in enumerate(siblings):
        if sibling.sort_order != i:
            sibling.sort_order = i


def reorder_unit(session: Session, unit_id: int, delta: int) -> bool:
    """Move a unit ``delta`` places up (negative) or down among its siblings; False at the end."""
    require(EDIT_RECORDS)
    unit = get_unit(session, unit_id)
    cond = Unit.parent_id.is_(None) if unit.parent_id is None else Unit.parent_id == unit.parent_id
    siblings = list(session.scalars(
        select(Unit).where(cond, Unit.deleted_at.is_(None)).order_by(Unit.sort_order, Unit.name)
    ))
    index = siblings.index(unit)
    target = index + delta
    if target < 0 or target >= len(siblings) or delta == 0:
        return False
    siblings.insert(target, siblings.pop(index))
    before = unit.sort_order
    _renumber(siblings)
    flush_or_stale(session, _what(unit))
    audit.record(session, "reorder", ENTITY, unit.id, old={"sort_order": before}, new={"sort_order": unit.sort_order})
    return True


def set_unit_active(session: Session, unit_id: int, active: bool, expected_version: int | None = None) -> Unit:
    require(EDIT_RECORDS)
    unit = get_unit(session, unit_id)
    check_version(unit, expected_version, _what(unit))
    if unit.active != active:
        unit.active = active
        flush_or_stale(session, _what(unit))
        audit.record(session, "update", ENTITY, unit.id, old={"active": not active}, new={"active": active})
    return unit


def delete_unit(session: Session, unit_id: int, expected_version: int | None = None, reason: str = "") -> Unit:
    """Soft delete: the unit leaves the tree and lists but can be restored. Refused while it
    still has people or sub-units."""
    require(EDIT_RECORDS)
    unit = get_unit(session, unit_id)
    check_version(unit, expected_version, _what(unit))
    if unit.deleted_at is not None:
        return unit
    people = session.execute(
        select(func.count()).select_from(Person).where(Person.unit_id == unit_id, Person.deleted_at.is_(None))
    ).scalar_one()
    children = session.execute(
        select(func.count()).select_from(Unit).where(Unit.parent_id == unit_id, Unit.deleted_at.is_(None))
    ).scalar_one()
    reasons = []
    if people:
        reasons.append(f"còn {people} cán bộ thuộc đơn vị (kể cả người đã nghỉ)")
    if children:
        reasons.append(f"còn {children} đơn vị cấp dưới")
    if reasons:
        raise ValidationError(
            f"Không thể xóa “{unit.name}” vì {' và '.join(reasons)}. Hãy chuyển cán bộ và đơn vị cấp dưới sang "
            "đơn vị khác trước, hoặc đánh dấu đơn vị “Ngừng hoạt động” thay vì xóa."
        )
    unit.deleted_at = datetime.now().replace(microsecond=0)
    flush_or_stale(session, _what(unit))
    audit.record(session, "delete", ENTITY, unit.id, old=audit.snapshot(unit), reason=reason)
    return unit


def restore_unit(session: Session, unit_id: int) -> Unit:
    """Bring a deleted unit back; under its former parent if that still exists, else at the top."""
    require(EDIT_RECORDS)
    unit = get_unit(session, unit_id)
    if unit.deleted_at is None:
        return unit
    before = audit.snapshot(unit)
    unit.deleted_at = None
    if unit.parent_id is not None:
        parent = session.get(Unit, unit.parent_id)
        if parent is None or parent.deleted_at is not None:
            unit.parent_id = None
    unit.sort_order = _next_sort_order(session, unit.parent_id)
    flush_or_stale(session, _what(unit))
    old, new = audit.changes(before, audit.snapshot(unit))
    audit.record(session, "restore", ENTITY, unit.id, old=old, new=new)
    return unit


def unit_choices(session: Session, *, include_inactive: bool = False) -> list[tuple[int, str, int]]:
    """(id, name, depth) of the units a person may be placed in, in tree order."""
    rows = list_units(session)
    depth: dict[int, int] = {}
    out = []
    for r in rows:
        depth[r.id] = depth.get(r.parent_id, -1) + 1 if r.parent_id in depth else 0
        if r.active or include_inactive:
            out.append((r.id, r.name, depth[r.id]))
    return out


__all__ = [
    "ENTITY", "NotFoundError", "RecordError", "StaleRecordError", "UnitInput", "UnitRow", "ValidationError",
    "check_version", "create_unit", "delete_unit", "descendants", "flush_or_stale", "get_unit", "list_units",
    "move_unit", "parent_map", "reorder_unit", "restore_unit", "set_unit_active", "tree_roots", "unit_choices",
    "unit_path", "update_unit",
]
