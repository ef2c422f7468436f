"""The people service: dates, validation messages, create with history, moves keeping the
history, soft delete and restore, stale edits, the whole record, the list rows and search."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import select

from models import (
    AuditEntry,
    Award,
    Decision,
    Evaluation,
    Initiative,
    Person,
    PersonUnitHistory,
)
from models.db import Database
from services.records import people as svc
from services.records import units
from services.records.people import PersonInput
from services.records.units import StaleRecordError, UnitInput, ValidationError
from services.system.text import fold

TODAY = date(2024, 6, 15)


@pytest.fixture
def unit_ids(db: Database) -> dict[str, int]:
    with db.session() as s, s.begin():
        vp = units.create_unit(s, UnitInput("VP", "Văn phòng Sở"))
        ld = units.create_unit(s, UnitInput("LD", "Phòng Lao động - Việc làm"))
        return {"VP": vp.id, "LD": ld.id}


def person_input(unit_id: int, **kw) -> PersonInput:
    values = dict(code="CB0001", full_name="Nguyễn Thị Hoa", gender="nu", unit_id=unit_id,
                  birth_date=date(1985, 3, 2), position="Chuyên viên", joined=date(2010, 9, 1))
    values.update(kw)
    return PersonInput(**values)


def test_parse_date() -> None:
    assert svc.parse_date("02/03/1985") == date(1985, 3, 2)
    assert svc.parse_date(" 2-3-1985 ") == date(1985, 3, 2)
    assert svc.parse_date("") is None
    with pytest.raises(ValueError, match="không đúng dạng ngày/tháng/năm"):
        svc.parse_date("1985-03-02", "Ngày sinh")
    with pytest.raises(ValueError, match="không có thật"):
        svc.parse_date("31/02/2000")


def test_search_fold_matches_fold() -> None:
    samples = ["Nguyễn Văn Đức", "ĐẶNG THỊ HỒNG NHUNG", "Phòng Lao động - Việc làm", "Ưng Hoàng Phúc", "Ỷ Lan",
               unicodedata.normalize("NFD", "Trần Quốc Tuấn"), "  Lê   Thị  ", "CB-0001"]
    for text in samples:
        assert svc.search_fold(text) == fold(text)
    assert svc.search_fold_many(samples[:3]) == [fold(t) for t in samples[:3]]


def test_validation_messages(db: Database, unit_ids) -> None:
    with db.session() as s, s.begin():
        svc.create_person(s, person_input(unit_ids["VP"]), today=TODAY)
    with db.session() as s:
        problems = svc.validate_person(s, PersonInput(code="CB0001", full_name=" ", gender="", unit_id=None), today=TODAY)
        assert problems == [
            "Mã “CB0001” đã dùng cho cán bộ Nguyễn Thị Hoa. Hãy dùng mã khác.",
            "Chưa nhập họ và tên.",
            "Chưa chọn giới tính.",
            "Chưa chọn đơn vị công tác.",
        ]
        too_young = svc.validate_person(s, person_input(unit_ids["VP"], code="X", birth_date=date(2015, 1, 1),
                                                        joined=None), today=TODAY)
        assert len(too_young) == 1 and "tuổi hiện nay là 9" in too_young[0]
        too_old = svc.validate_person(s, person_input(unit_ids["VP"], code="X", birth_date=date(1940, 1, 1)),
                                      today=TODAY)
        assert any("ngoài khoảng 16–75" in p for p in too_old)
        # A person who left long ago is judged at the leaving date.
        assert svc.validate_person(s, person_input(unit_ids["VP"], code="X", birth_date=date(1940, 1, 1),
                                                   joined=date(1965, 1, 1), left_on=date(2000, 1, 1)),
                                   today=TODAY) == []
        left_before = svc.validate_person(s, person_input(unit_ids["VP"], code="X", left_on=date(2009, 1, 1)),
                                          today=TODAY)
        assert "Ngày nghỉ trước ngày vào cơ quan; hãy kiểm tra lại." in left_before
    with db.session() as s, s.begin(), pytest.raises(ValidationError) as err:
        svc.create_person(s, person_input(unit_ids["VP"], full_name=""), today=TODAY)
    assert "Chưa nhập họ và tên." in err.value.problems


def test_create_move_keeps_history(db: Database, unit_ids) -> None:
    with db.session() as s, s.begin():
        pid = svc.create_person(s, person_input(unit_ids["VP"], full_name=unicodedata.normalize("NFD", "Nguyễn Thị Hoa")),
                                today=TODAY).id
    with db.session() as s, s.begin():
        svc.move_person(s, pid, unit_ids["LD"], date(2020, 1, 1), note="Điều động")
    with db.session() as s:
        person = s.get(Person, pid)
        assert person.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hoa")
        assert person.unit_id == unit_ids["LD"]
        periods = [(h.unit_id, h.start_date, h.end_date) for h in person.unit_history]
        assert periods == [(unit_ids["VP"], date(2010, 9, 1), date(2019, 12, 31)), (unit_ids["LD"], date(2020, 1, 1), None)]
    # Moving back through the form, then leaving, closes the open period at the leaving date.
    with db.session() as s, s.begin():
        version = s.get(Person, pid).version
        svc.update_person(s, pid, person_input(unit_ids["VP"]), version, move_date=date(2023, 1, 1), today=TODAY)
    with db.session() as s, s.begin():
        svc.update_person(s, pid, person_input(unit_ids["VP"], left_on=date(2024, 5, 31)), today=TODAY)
    with db.session() as s:
        person = s.get(Person, pid)
        assert not person.active
        assert [(h.start_date, h.end_date) for h in person.unit_history] == [
            (date(2010, 9, 1), date(2019, 12, 31)), (date(2020, 1, 1), date(2022, 12, 31)),
            (date(2023, 1, 1), date(2024, 5, 31))]
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "person").order_by(AuditEntry.id)))
        assert actions == ["create", "move", "update", "update"]
    # A move dated before the recorded history is refused and changes nothing.
    with db.session() as s, s.begin(), pytest.raises(ValidationError, match="trước một giai đoạn công tác"):
        svc.move_person(s, pid, unit_ids["LD"], date(2015, 1, 1))
    with db.session() as s:
        assert s.get(Person, pid).unit_id == unit_ids["VP"]


def test_move_without_recorded_history(db: Database, unit_ids) -> None:
    """People imported in bulk have no history rows: the old unit gets a closed period."""
    with db.session() as s, s.begin():
        s.add(Person(code="B1", full_name="Trần Văn Bảo", gender="nam", unit_id=unit_ids["VP"], joined=date(2015, 1, 1)))
    with db.session() as s, s.begin():
        pid = s.scalar(select(Person.id))
        svc.move_person(s, pid, unit_ids["LD"], date(2024, 1, 1))
    with db.session() as s:
        rows = s.execute(select(PersonUnitHistory.unit_id, PersonUnitHistory.start_date, PersonUnitHistory.end_date)
                         .order_by(PersonUnitHistory.start_date)).all()
        assert [tuple(r) for r in rows] == [(unit_ids["VP"], date(2015, 1, 1), date(2023, 12, 31)),
                                            (unit_ids["LD"], date(2024, 1, 1), None)]


def test_soft_delete_restore_and_stale(db: Database, unit_ids) -> None:
    with db.session() as s, s.begin():
        pid = svc.create_person(s, person_input(unit_ids["VP"]), today=TODAY).id
    with db.session() as s:
        version = s.get(Person, pid).version
    with db.session() as s, s.begin():
        svc.update_person(s, pid, person_input(unit_ids["VP"], position="Chánh Văn phòng"), version, today=TODAY)
    with db.session() as s, s.begin(), pytest.raises(StaleRecordError):
        svc.delete_person(s, pid, version)
    with db.session() as s, s.begin():
        svc.delete_person(s, pid, reason="Nhập trùng")
    with db.session() as s:
        data = svc.load_people(s)
        assert [bool(r[svc.R_DELETED]) for r in data.rows] == [True]
        # The code stays taken while the person is in the bin, and the message says so.
        assert "đang ở mục Đã xóa" in svc.validate_person(s, person_input(unit_ids["LD"]), today=TODAY)[0]
    with db.session() as s, s.begin():
        svc.restore_person(s, pid)
    with db.session() as s:
        assert s.get(Person, pid).deleted_at is None
        entries = s.execute(select(AuditEntry.action, AuditEntry.reason).where(AuditEntry.entity == "person")
                            .order_by(AuditEntry.id)).all()
        assert [tuple(e) for e in entries][-2:] == [("delete", "Nhập trùng"), ("restore", "")]


def test_load_people_rows_search_and_rank(db: Database, unit_ids) -> None:
    names = ["Trần Văn Bình", "Nguyễn Văn An", "Lê Thị Ánh", "Nguyễn Thị Ân"]
    with db.session() as s, s.begin():
        for i, name in enumerate(names):
            svc.create_person(s, person_input(unit_ids["LD"], code=f"C{i}", full_name=name), today=TODAY)
    with db.session() as s:
        data = svc.load_people(s)
    assert len(data.rows) == 4
    assert data.unit_names[data.rows[0][svc.R_UNIT]] == "Phòng Lao động - Việc làm"
    assert data.unit_search[data.rows[0][svc.R_UNIT]] == "phong lao dong - viec lam"
    ordered = [r[svc.R_NAME] for _, r in sorted(zip(data.name_rank, data.rows))]
    # Vietnamese order by given name first: An < Ánh < Ân < Bình.
    assert ordered == ["Nguyễn Văn An", "Lê Thị Ánh", "Nguyễn Thị Ân", "Trần Văn Bình"]
    assert data.search[1] == "c1 nguyen van an chuyen vien"
    with db.session() as s:
        details = svc.person_details(s, [data.rows[1][svc.R_ID]])
    assert details == {data.rows[1][svc.R_ID]: ("nu", date(1985, 3, 2), date(2010, 9, 1), None)}


def test_person_record(db: Database, unit_ids) -> None:
    with db.session() as s, s.begin():
        pid = svc.create_person(s, person_input(unit_ids["VP"]), today=TODAY).id
        s.add(Evaluation(year=2023, person_id=pid, rating="HTXSNV", votes_for=18, votes_total=20, score=95.0))
        decision = Decision(number="215/QĐ-SLĐTBXH", issued_on=date(2023, 12, 20))
        s.add(decision)
        s.flush()
        award = Award(year=2023, title_code="CSTDCS", person_id=pid, decision_id=decision.id)
        s.add(award)
        s.flush()
        s.add(Initiative(code="SK-2023-04", person_id=pid, year=2023, level="co_so", title="Số hóa hồ sơ",
                         used_by_award_id=award.id))
    with db.session() as s:
        record = svc.person_record(s, pid)
    assert record.evaluations == [(2023, "Hoàn thành xuất sắc nhiệm vụ", 12, "", "18/20", "95", "")]
    assert record.awards == [(2023, "Chiến sĩ thi đua cơ sở", "215/QĐ-SLĐTBXH", "20/12/2023", "Có hiệu lực")]
    assert record.initiatives == [(2023, "SK-2023-04", "Số hóa hồ sơ", "Cấp cơ sở", "", "CSTDCS năm 2023")]
    assert record.history == [("Văn phòng Sở", "01/09/2010", "nay", "")]
