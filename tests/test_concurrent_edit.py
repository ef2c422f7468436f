"""Two users edit the same record: the second save is refused (version column), not written
over the first, and the user is told in Vietnamese. Runs on SQLite, and on PostgreSQL when
TDKT_TEST_PG_URL is set (see conftest.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Evaluation, Person, Unit
from models.db import open_database
from services.system.errors import (
    CONFLICT_MESSAGE,
    EditConflict,
    commit_or_conflict,
    user_message,
)


@pytest.fixture
def two_users(db):
    with db.session() as s:
        unit = Unit(code="VP", name="Văn phòng")
        s.add(unit)
        s.flush()
        person = Person(code="CB0001", full_name="Nguyễn Thị Hoa", gender="nu", unit_id=unit.id)
        s.add(person)
        s.flush()
        s.add(Evaluation(year=2024, person_id=person.id, rating="HTTNV"))
        s.commit()
    # A second "machine": its own engine and connection pool on the same database.
    other = open_database(db.url)
    yield db, other
    other.close()


@pytest.mark.parametrize("model, key, field, first, second", [
    (Unit, Unit.code == "VP", "name", "Văn phòng Sở", "Phòng Hành chính"),
    (Person, Person.code == "CB0001", "full_name", "Nguyễn Thị Hòa", "Nguyễn Thị Hoà Bình"),
    (Evaluation, Evaluation.year == 2024, "rating", "HTXSNV", "HTNV"),
])
def test_second_save_of_the_same_record_is_refused(two_users, model, key, field, first, second):
    db_a, db_b = two_users
    with db_a.session() as a, db_b.session() as b:
        row_a = a.scalars(select(model).where(key)).one()
        row_b = b.scalars(select(model).where(key)).one()
        setattr(row_a, field, first)
        commit_or_conflict(a)
        setattr(row_b, field, second)
        with pytest.raises(EditConflict) as err:
            commit_or_conflict(b)
        assert "người khác sửa" in str(err.value)
        # B's session is usable again, and sees A's change after reloading.
        assert getattr(b.scalars(select(model).where(key)).one(), field) == first
    with db_a.session() as check:
        row = check.scalars(select(model).where(key)).one()
        assert getattr(row, field) == first and row.version == 2


def test_edit_of_a_record_deleted_meanwhile_is_refused(two_users):
    db_a, db_b = two_users
    with db_a.session() as a, db_b.session() as b:
        ev_b = b.scalars(select(Evaluation)).one()
        a.delete(a.scalars(select(Evaluation)).one())
        commit_or_conflict(a)
        ev_b.note = "sửa sau khi đã bị xóa"
        with pytest.raises(EditConflict):
            commit_or_conflict(b)
    with db_a.session() as check:
        assert check.scalars(select(Evaluation)).first() is None


def test_uncaught_conflict_is_explained_to_the_user(two_users):
    db_a, db_b = two_users
    with db_a.session() as a, db_b.session() as b:
        unit_a, unit_b = (s.scalars(select(Unit)).one() for s in (a, b))
        unit_a.name = "Một"
        a.commit()
        unit_b.name = "Hai"
        with pytest.raises(Exception) as err:
            b.commit()
        assert user_message(err.value)[0] == CONFLICT_MESSAGE
