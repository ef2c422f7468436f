"""Excel import from real .xlsx files written by openpyxl: header guessing from Vietnamese
headers (any case, no diacritics, synonyms, title rows above), every bad row reported per
row and column, all or nothing, evaluations updated in place, templates re-readable."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models import AuditEntry, Evaluation, Person, PersonUnitHistory
from models.db import Database
from services.records import units
from services.records.excel_import import (
    FIELDS,
    guess_mapping,
    import_preview,
    list_sheets,
    preview,
    read_sheet,
    write_template,
)
from services.records.units import UnitInput, ValidationError


@pytest.fixture
def unit_ids(db: Database) -> dict[str, int]:
    with db.session() as s, s.begin():
        vp = units.create_unit(s, UnitInput("VP", "Văn phòng Sở"))
        ld = units.create_unit(s, UnitInput("LD", "Phòng Lao động - Việc làm"))
        return {"VP": vp.id, "LD": ld.id}


def workbook(path: Path, rows: list[list], title_rows: int = 2, sheet: str = "DS") -> Path:
    wb = Workbook()
    wb.active.title = "Bìa"
    ws = wb.create_sheet(sheet)
    for i in range(title_rows):
        ws.append([f"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI {i}"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


PEOPLE_HEADERS = ["STT", "Họ và tên", "MÃ CB", "Ngay sinh", "Giới tính", "Đơn vị công tác", "Chức vụ", "Ngày tuyển dụng"]


def test_guess_mapping_from_vietnamese_headers() -> None:
    m = guess_mapping("people", PEOPLE_HEADERS)
    assert m == {"code": 2, "full_name": 1, "gender": 4, "birth_date": 3, "unit": 5, "position": 6, "joined": 7,
                 "left": None}
    m = guess_mapping("evaluations", ["TT", "Họ tên", "Kết quả xếp loại", "Số tháng công tác", "Hình thức kỷ luật",
                                      "Số phiếu tín nhiệm", "Tổng số phiếu", "Điểm thi đua"])
    assert m["full_name"] == 1 and m["rating"] == 2 and m["months_worked"] == 3 and m["discipline"] == 4
    assert m["votes_for"] == 5 and m["votes_total"] == 6 and m["score"] == 7 and m["code"] is None


def test_people_clean_file_imports_everything(db: Database, unit_ids, tmp_path: Path) -> None:
    path = workbook(tmp_path / "Danh sách cán bộ.xlsx", [
        PEOPLE_HEADERS,
        [1, "Nguyễn Thị Hoa", "CB0001", datetime(1985, 3, 2), "Nữ", "Văn phòng Sở", "Chuyên viên", "01/09/2010"],
        [2, "Trần Văn Nam", "CB0002", "15/07/1990", "nam", "LD", "", None],
        [3, "Lê  Thị   Mai", "CB0003", 1979, "NU", "phong lao dong - viec lam", "Trưởng phòng", None],
    ])
    assert list_sheets(path) == ["Bìa", "DS"]
    sheet = read_sheet(path, "DS")
    assert sheet.header_row == 3 and len(sheet.rows) == 3
    with db.session() as s, s.begin():
        pv = preview(s, "people", sheet, guess_mapping("people", sheet.headers), today=date(2024, 12, 1))
        assert pv.problem_lines() == [] and pv.can_import
        assert import_preview(s, pv, today=date(2024, 12, 1)).created == 3
    with db.session() as s:
        people = {p.code: p for p in s.scalars(select(Person))}
        assert people["CB0001"].birth_date == date(1985, 3, 2) and people["CB0001"].gender == "nu"
        assert people["CB0001"].joined == date(2010, 9, 1)
        assert people["CB0002"].unit_id == unit_ids["LD"]
        assert people["CB0003"].full_name == "Lê Thị Mai" and people["CB0003"].unit_id == unit_ids["LD"]
        assert s.scalar(select(func.count()).select_from(PersonUnitHistory)) == 3
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import")) == 3


def test_people_broken_rows_import_nothing_and_each_problem_is_listed(db: Database, unit_ids, tmp_path: Path) -> None:
    path = workbook(tmp_path / "lỗi.xlsx", [
        PEOPLE_HEADERS,
        [1, "Nguyễn Thị Hoa", "CB0001", "02/03/1985", "Nữ", "VP", "", None],
        [2, "Trần Văn Nam", "CB0002", "31/02/1990", "nam", "VP", "", None],       # no such date
        [3, "Lê Thị Mai", "CB0003", "01/01/1980", "không rõ", "Phòng Ma", "", None],  # gender, unit
        [4, "Phạm Văn Đức", "CB0001", "01/01/1980", "Nam", "VP", "", None],       # duplicate code
        [5, "Hùng", "CB0005", None, "Nam", "VP", "", None],                       # one word name
    ])
    sheet = read_sheet(path, "DS")
    with db.session() as s:
        pv = preview(s, "people", sheet, guess_mapping("people", sheet.headers))
        lines = pv.problem_lines()
        assert not pv.can_import and [r.row_number for r in pv.bad_rows] == [5, 6, 7, 8]
        assert any(line.startswith("Dòng 5, cột Ngày sinh") and "không có thật" in line for line in lines)
        assert any(line.startswith("Dòng 6, cột Giới tính") for line in lines)
        assert any(line.startswith("Dòng 6, cột Đơn vị") and "Phòng Ma" in line for line in lines)
        assert any(line.startswith("Dòng 7, cột Mã cán bộ") and "trùng với dòng 4" in line for line in lines)
        assert any(line.startswith("Dòng 8, cột Họ và tên") for line in lines)
    with db.session() as s, pytest.raises(ValidationError):
        with s.begin():
            import_preview(s, pv)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_evaluations_import_updates_and_rejects(db: Database, unit_ids, tmp_path: Path) -> None:
    with db.session() as s, s.begin():
        for code, name in (("CB1", "Nguyễn Văn An"), ("CB2", "Trần Thị Bình"), ("CB3", "Lê Văn Cường")):
            s.add(Person(code=code, full_name=name, gender="nam", unit_id=unit_ids["VP"]))
        s.flush()
        s.add(Evaluation(year=2024, person_id=s.scalar(select(Person.id).where(Person.code == "CB1")), rating="HTNV"))
    headers = ["STT", "Mã cán bộ", "Họ và tên", "Xếp loại", "Số tháng", "Nghỉ thai sản", "Kỷ luật", "Đang bị xem xét",
               "Phiếu đồng ý", "Tổng số phiếu", "Điểm"]
    bad = workbook(tmp_path / "bx lỗi.xlsx", [headers,
                                              [1, "CB1", "Nguyễn Văn An", "Hoàn thành xuất sắc nhiệm vụ", 12, 0, "", "",
                                               18, 20, 95],
                                              [2, "CB9", "", "HTTNV", 12, 0, "", "", None, None, None],
                                              [3, "", "Lê Văn Cường", "giỏi", 13, 0, "", "", 21, 20, None]], title_rows=0)
    sheet = read_sheet(bad, "DS")
    with db.session() as s:
        pv = preview(s, "evaluations", sheet, guess_mapping("evaluations", sheet.headers), year=2024)
        lines = pv.problem_lines()
        assert [r.row_number for r in pv.bad_rows] == [3, 4]
        assert "Dòng 3, cột Mã cán bộ: Không có cán bộ mã “CB9”." in lines
        assert any(line.startswith("Dòng 4, cột Xếp loại") and "giỏi" in line for line in lines)
        assert any(line.startswith("Dòng 4, cột Số tháng công tác") for line in lines)
        assert any(line.startswith("Dòng 4, cột Phiếu đồng ý") for line in lines)
    good = workbook(tmp_path / "bx.xlsx", [headers,
                                           [1, "CB1", "Nguyễn Văn An", "Hoàn thành xuất sắc nhiệm vụ", 12, 0, "", "", 18,
                                            20, 95],
                                           [2, "", "Trần Thị Bình", "tốt", 6, 6, "Khiển trách", "x", None, None, "92,5"]],
                    title_rows=0)
    sheet = read_sheet(good, "DS")
    with db.session() as s, s.begin():
        pv = preview(s, "evaluations", sheet, guess_mapping("evaluations", sheet.headers), year=2024)
        assert pv.can_import, pv.problem_lines()
        res = import_preview(s, pv)
        assert (res.created, res.updated) == (1, 1)
    with db.session() as s:
        evs = {e.person.code: e for e in s.scalars(select(Evaluation))}
        assert (evs["CB1"].rating, evs["CB1"].votes_for, evs["CB1"].score) == ("HTXSNV", 18, 95)
        b = evs["CB2"]
        assert (b.rating, b.months_worked, b.maternity_months, b.discipline, b.under_review, b.score) == (
            "HTTNV", 6, 6, "khien_trach", True, 92.5)


@pytest.mark.parametrize("kind", ["people", "evaluations"])
def test_template_has_every_header_and_is_guessed_back(kind: str, tmp_path: Path) -> None:
    path = write_template(kind, tmp_path / f"mẫu {kind}.xlsx")
    sheet = read_sheet(path)
    assert sheet.rows == []
    mapping = guess_mapping(kind, sheet.headers)
    assert all(v is not None for v in mapping.values()), mapping
    assert [sheet.headers[mapping[f.key]] for f in FIELDS[kind]] == [f.label for f in FIELDS[kind]]
