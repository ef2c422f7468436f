"""The data model's constraints, NFC storage, and the database's connection settings."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from models import Award, Decision, Evaluation, Initiative, Person, Title, Unit
from models.db import Database, data_dir, open_database, resolve_url


def _unit(session, code="VP", **kw) -> Unit:
    unit = Unit(code=code, name=kw.pop("name", "Văn phòng Sở"), kind="phong", **kw)
    session.add(unit)
    session.flush()
    return unit


def _person(session, unit: Unit, code="CB0001", name="Nguyễn Thị Hoa") -> Person:
    person = Person(code=code, full_name=name, gender="nu", unit_id=unit.id)
    session.add(person)
    session.flush()
    return person


def test_title_catalogue_is_seeded_in_the_order_of_the_rules(db: Database) -> None:
    with db.session() as s:
        codes = s.scalars(select(Title.code).order_by(Title.sort_order)).all()
    assert codes == ["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOANQUOC", "GIAY_KHEN", "BK_TINH", "BK_BO",
                     "BK_TTG", "TTLDTT", "TTLDXS", "CO_TINH", "CO_BO"]


def test_a_persons_unit_must_exist(db: Database) -> None:
    with db.session() as s:
        s.add(Person(code="CB0001", full_name="Nguyễn Văn An", gender="nam", unit_id=999))
        with pytest.raises(IntegrityError):
            s.flush()


def test_a_unit_in_use_cannot_be_deleted(db: Database) -> None:
    with db.session() as s:
        unit = _unit(s)
        _person(s, unit)
        s.commit()
        with pytest.raises(IntegrityError):
            s.execute(text("DELETE FROM unit WHERE id = :id"), {"id": unit.id})


def test_unit_codes_are_unique(db: Database) -> None:
    with db.session() as s:
        _unit(s, "VP")
        with pytest.raises(IntegrityError):
            _unit(s, "VP", name="Phòng khác")


def test_person_codes_are_unique(db: Database) -> None:
    with db.session() as s:
        unit = _unit(s)
        _person(s, unit, "CB0001")
        with pytest.raises(IntegrityError):
            _person(s, unit, "CB0001", "Trần Văn Bình")


def test_initiative_codes_are_unique(db: Database) -> None:
    with db.session() as s:
        person = _person(s, _unit(s))
        s.add(Initiative(code="SK-1", person_id=person.id, year=2024, level="co_so", title="A"))
        s.flush()
        s.add(Initiative(code="SK-1", person_id=person.id, year=2024, level="tinh", title="B"))
        with pytest.raises(IntegrityError):
            s.flush()


@pytest.mark.parametrize("with_person, with_unit", [(False, False), (True, True)])
def test_an_award_has_exactly_one_of_person_and_unit(db: Database, with_person: bool, with_unit: bool) -> None:
    with db.session() as s:
        unit = _unit(s)
        person = _person(s, unit)
        s.add(Award(year=2024, title_code="GIAY_KHEN",
                    person_id=person.id if with_person else None, unit_id=unit.id if with_unit else None))
        with pytest.raises(IntegrityError):
            s.flush()


def test_an_award_for_a_person_or_a_unit_is_accepted(db: Database) -> None:
    with db.session() as s:
        unit = _unit(s)
        person = _person(s, unit)
        decision = Decision(number="215/QĐ-SLĐTBXH", issued_on=date(2024, 12, 20))
        s.add(decision)
        s.flush()
        s.add_all([Award(year=2024, title_code="CSTDCS", person_id=person.id, decision_id=decision.id),
                   Award(year=2024, title_code="TTLDXS", unit_id=unit.id, decision_id=decision.id)])
        s.commit()
        assert len(s.scalars(select(Award)).all()) == 2


def test_an_award_must_name_a_known_title(db: Database) -> None:
    with db.session() as s:
        person = _person(s, _unit(s))
        s.add(Award(year=2024, title_code="KHONG_CO", person_id=person.id))
        with pytest.raises(IntegrityError):
            s.flush()


@pytest.mark.parametrize("field, value", [
    ("rating", "XUAT_SAC"), ("discipline", "phat_tien"), ("months_worked", 13), ("maternity_months", -1),
])
def test_evaluation_values_are_checked(db: Database, field: str, value) -> None:
    with db.session() as s:
        person = _person(s, _unit(s))
        s.add(Evaluation(year=2024, person_id=person.id, **{"rating": "HTTNV", field: value}))
        with pytest.raises(IntegrityError):
            s.flush()


def test_votes_for_cannot_exceed_votes_total(db: Database) -> None:
    with db.session() as s:
        person = _person(s, _unit(s))
        s.add(Evaluation(year=2024, person_id=person.id, rating="HTXSNV", votes_for=21, votes_total=20))
        with pytest.raises(IntegrityError):
            s.flush()


def test_one_evaluation_per_person_and_year(db: Database) -> None:
    with db.session() as s:
        person = _person(s, _unit(s))
        s.add(Evaluation(year=2024, person_id=person.id, rating="HTTNV"))
        s.flush()
        s.add(Evaluation(year=2024, person_id=person.id, rating="HTNV"))
        with pytest.raises(IntegrityError):
            s.flush()


def test_text_is_stored_nfc_through_the_orm_and_core(db: Database) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    with db.session() as s:
        unit = _unit(s, name=unicodedata.normalize("NFD", "Phòng Người có công"))
        _person(s, unit, "CB0001", decomposed)
        s.execute(insert(Person), [{"code": "CB0002", "full_name": decomposed, "gender": "nu", "unit_id": unit.id}])
        s.commit()
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT full_name FROM person ORDER BY code")).scalars().all()
        unit_name = conn.execute(text("SELECT name FROM unit")).scalar_one()
    assert stored == [unicodedata.normalize("NFC", decomposed)] * 2
    assert unit_name == "Phòng Người có công" and unicodedata.is_normalized("NFC", unit_name)


def test_every_connection_has_foreign_keys_wal_and_a_busy_timeout(db: Database) -> None:
    connections = [db.engine.connect() for _ in range(3)]
    try:
        for conn in connections:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        for conn in connections:
            conn.close()


def test_default_database_lives_in_the_user_data_folder(data_dir) -> None:
    url = resolve_url(None)
    assert url.get_backend_name() == "sqlite"
    assert url.database.startswith(str(data_dir))
    database = open_database()
    try:
        assert database.path is not None and database.path.exists()
        assert database.path.parent == data_dir
    finally:
        database.close()


def test_a_url_is_taken_as_a_url_and_anything_else_as_a_path(tmp_path) -> None:
    assert resolve_url("postgresql+psycopg://u:p@localhost/tdkt").get_backend_name() == "postgresql"
    url = resolve_url(tmp_path / "Hồ sơ thi đua.db")
    assert url.get_backend_name() == "sqlite" and url.database.endswith("Hồ sơ thi đua.db")
    assert data_dir().exists()
