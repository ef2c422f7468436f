"""The unit tree service: create, validate, re-parent (no cycles), order, deactivate,
soft delete (refused while in use) and restore, with audit entries and stale edits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, Person, Unit
from models.db import Database
from services.records import units as svc
from services.records.units import StaleRecordError, UnitInput, ValidationError
from services.system.access import Actor, PermissionDenied, sign_in_as


def make_tree(db: Database) -> dict[str, int]:
    """Sở: VP, LĐ (with sub-unit TT under it), and one person in TT."""
    with db.session() as s, s.begin():
        vp = svc.create_unit(s, UnitInput("VP", "Văn phòng Sở"))
        ld = svc.create_unit(s, UnitInput("LD", "Phòng Lao động - Việc làm"))
        tt = svc.create_unit(s, UnitInput("TT", "Trung tâm Dịch vụ việc làm", "don_vi", parent_id=ld.id))
        s.add(Person(code="P1", full_name="Nguyễn Văn An", gender="nam", unit_id=tt.id))
        s.add(Person(code="P2", full_name="Lê Thị Bình", gender="nu", unit_id=vp.id, active=False))
        return {"VP": vp.id, "LD": ld.id, "TT": tt.id}


def audit_actions(db: Database, entity: str = "unit") -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == entity).order_by(AuditEntry.id)))


def test_tree_order_and_counts(db: Database) -> None:
    ids = make_tree(db)
    with db.session() as s:
        rows = svc.list_units(s)
    assert [r.code for r in rows] == ["VP", "LD", "TT"]
    by_code = {r.code: r for r in rows}
    # Only active people count; LĐ counts the person of its sub-unit.
    assert (by_code["LD"].people, by_code["LD"].people_total) == (0, 1)
    assert by_code["TT"].people_total == 1 and by_code["VP"].people_total == 0
    assert [r.code for r in svc.tree_roots(rows)] == ["VP", "LD"]
    with db.session() as s:
        assert svc.descendants(svc.parent_map(s), ids["LD"]) == {ids["LD"], ids["TT"]}
        assert svc.unit_path(s, ids["TT"]) == "Phòng Lao động - Việc làm > Trung tâm Dịch vụ việc làm"
    assert audit_actions(db) == ["create"] * 3


def test_validation_messages(db: Database) -> None:
    ids = make_tree(db)
    with db.session() as s:
        problems = svc.validate_unit(s, UnitInput(" VP ", "  ", "xyz"))
        assert any("“VP” đã dùng cho đơn vị “Văn phòng Sở”" in p for p in problems)
        assert "Chưa nhập tên đơn vị." in problems
        assert any("Loại đơn vị" in p for p in problems)
        # Editing a unit may keep its own code, but not move under its own sub-unit.
        problems = svc.validate_unit(s, UnitInput("LD", "Phòng LĐ", parent_id=ids["TT"]), ids["LD"])
        assert problems == ["Không thể đặt đơn vị làm cấp dưới của chính nó hoặc của đơn vị cấp dưới của nó."]
    with db.session() as s, s.begin(), pytest.raises(ValidationError):
        svc.create_unit(s, UnitInput("", "Tên"))


def test_move_refuses_cycles_and_orders(db: Database) -> None:
    ids = make_tree(db)
    with db.session() as s, s.begin(), pytest.raises(ValidationError, match="không thể nằm dưới chính nó"):
        svc.move_unit(s, ids["LD"], ids["TT"])
    with db.session() as s, s.begin():
        svc.move_unit(s, ids["TT"], None, position=0)  # to the top, first
    with db.session() as s:
        assert [r.code for r in svc.list_units(s)] == ["TT", "VP", "LD"]
    with db.session() as s, s.begin():
        assert svc.reorder_unit(s, ids["TT"], +1)
        assert not svc.reorder_unit(s, ids["LD"], +1)  # already last
    with db.session() as s:
        assert [r.code for r in svc.list_units(s)] == ["VP", "TT", "LD"]
    assert audit_actions(db)[-2:] == ["move", "reorder"]


def test_delete_refused_while_in_use_then_restore(db: Database) -> None:
    ids = make_tree(db)
    with db.session() as s, s.begin(), pytest.raises(ValidationError) as err:
        svc.delete_unit(s, ids["LD"])
    assert "còn 1 đơn vị cấp dưới" in str(err.value)
    with db.session() as s, s.begin(), pytest.raises(ValidationError, match="còn 1 cán bộ"):
        svc.delete_unit(s, ids["VP"])  # the person there has left, but still belongs to it
    with db.session() as s, s.begin():
        s.execute(Person.__table__.delete())
        svc.delete_unit(s, ids["TT"])
        svc.delete_unit(s, ids["LD"])
    with db.session() as s:
        assert [r.code for r in svc.list_units(s)] == ["VP"]
        assert {r.code for r in svc.list_units(s, deleted=True)} == {"LD", "TT"}
    # Restoring the sub-unit first puts it at the top, since its parent is still deleted.
    with db.session() as s, s.begin():
        svc.restore_unit(s, ids["TT"])
    with db.session() as s:
        assert s.get(Unit, ids["TT"]).parent_id is None
        assert [r.code for r in svc.list_units(s)] == ["VP", "TT"]
    assert audit_actions(db).count("delete") == 2 and audit_actions(db)[-1] == "restore"


def test_stale_edit_and_failed_change_leaves_nothing(db: Database) -> None:
    ids = make_tree(db)
    with db.session() as s:
        version = s.get(Unit, ids["VP"]).version
    with db.session() as s, s.begin():
        svc.update_unit(s, ids["VP"], UnitInput("VP", "Văn phòng"), version)
    with db.session() as s, s.begin(), pytest.raises(StaleRecordError, match="vừa được người khác sửa"):
        svc.update_unit(s, ids["VP"], UnitInput("VP", "Văn phòng Sở LĐTBXH"), version)
    with db.session() as s:
        assert s.get(Unit, ids["VP"]).name == "Văn phòng"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        assert entry.old == {"name": "Văn phòng Sở"} and entry.new == {"name": "Văn phòng"}


def test_deactivate_and_permission(db: Database) -> None:
    ids = make_tree(db)
    with db.session() as s, s.begin():
        svc.set_unit_active(s, ids["VP"], False)
    with db.session() as s:
        assert not s.get(Unit, ids["VP"]).active
        assert ids["VP"] not in [c[0] for c in svc.unit_choices(s)]
        assert [(name, depth) for _id, name, depth in svc.unit_choices(s)] == [
            ("Phòng Lao động - Việc làm", 0), ("Trung tâm Dịch vụ việc làm", 1)]
    sign_in_as(Actor("khach", "xem"))
    try:
        with db.session() as s, s.begin(), pytest.raises(PermissionDenied):
            svc.create_unit(s, UnitInput("X", "Phòng X"))
    finally:
        sign_in_as(None)
