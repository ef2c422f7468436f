"""The exchange file: validation with every problem by JSON path, all-or-nothing import,
upserts, NFC, export and the round trip, through the functions and through ``main``."""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from models import Decision, Evaluation, Initiative, Person, PersonUnitHistory, Unit
from models.db import Database, open_database
from services.records.exchange import (
    ExchangeError,
    export_exchange,
    import_exchange,
    read_exchange_file,
    validate_exchange,
    write_exchange_file,
)


def sample_doc() -> dict:
    return {
        "format": "tdkt-exchange",
        "version": 1,
        "exported_at": "2024-12-10T08:00:00",
        "agency": {"name": "Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh", "short_name": "Sở LĐ-TBXH",
                   "place": "Hà Tĩnh"},
        "units": [
            {"code": "VP", "name": "Văn phòng Sở", "parent": None, "kind": "phong"},
            {"code": "DVVL", "name": "Trung tâm Dịch vụ việc làm", "parent": None, "kind": "don_vi"},
            {"code": "DVVL-TV", "name": "Phòng Tư vấn - Giới thiệu việc làm", "parent": "DVVL", "kind": "khac"},
        ],
        "people": [
            {"code": "CB0001", "full_name": "Nguyễn Thị Hoa", "gender": "nu", "birth_date": "1985-03-02",
             "unit": "VP", "position": "Chuyên viên", "joined": "2010-09-01", "left": None},
            {"code": "CB0002", "full_name": "Trần Văn Đức", "gender": "nam", "birth_date": "1979-11-20",
             "unit": "DVVL-TV", "position": "Trưởng phòng", "joined": "2005-03-01", "left": None},
            {"code": "CB0003", "full_name": "Lê Thị Thu Hằng", "gender": "nu", "birth_date": None,
             "unit": "DVVL", "position": "", "joined": None, "left": None},
        ],
        "evaluations": [
            {"year": 2023, "person": "CB0001", "rating": "HTXSNV", "months_worked": 12, "maternity_months": 0,
             "discipline": None, "under_review": False, "votes_for": None, "votes_total": None, "score": None},
            {"year": 2024, "person": "CB0001", "rating": "HTXSNV", "months_worked": 12, "maternity_months": 0,
             "discipline": None, "under_review": False, "votes_for": 18, "votes_total": 20, "score": 95.5},
            {"year": 2024, "person": "CB0002", "rating": "HTNV", "months_worked": 8, "maternity_months": 4,
             "discipline": "khien_trach", "under_review": True, "votes_for": None, "votes_total": None,
             "score": 80},
        ],
        "unit_evaluations": [{"year": 2024, "unit": "VP", "rating": "HTXSNV"},
                             {"year": 2024, "unit": "DVVL", "rating": "HTTNV"}],
        "initiatives": [
            {"code": "SK-2023-04", "person": "CB0001", "year": 2023, "level": "co_so",
             "title": "Số hóa hồ sơ người có công", "recognized_by": "QĐ 12/QĐ-SLĐTBXH"},
            {"code": "SK-2024-01", "person": "CB0001", "year": 2024, "level": "tinh",
             "title": "Kết nối cung - cầu lao động", "recognized_by": ""},
        ],
        "awards": [
            {"year": 2023, "title": "CSTDCS", "person": "CB0001", "unit": None, "decision_no": "215/QĐ-SLĐTBXH",
             "decision_date": "2023-12-20", "initiatives": ["SK-2023-04"]},
            {"year": 2023, "title": "LDTT", "person": "CB0001", "unit": None, "decision_no": "215/QĐ-SLĐTBXH",
             "decision_date": "2023-12-20", "initiatives": []},
            {"year": 2023, "title": "BK_TINH", "person": None, "unit": "VP", "decision_no": "88/QĐ-UBND",
             "decision_date": "2024-02-02", "initiatives": []},
        ],
        "registrations": [{"year": 2024, "title": "TTLDXS", "unit": "VP", "person": None},
                          {"year": 2024, "title": "CSTDCS", "unit": None, "person": "CB0001"}],
        "rule_set": None,
    }


def without_stamp(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def same_records(doc: dict) -> dict:
    """The document without its order (the export has its own)."""
    return {k: sorted(v, key=lambda r: json.dumps(r, sort_keys=True)) if isinstance(v, list) else v
            for k, v in without_stamp(doc).items()}


def imported(db: Database, doc: dict, **kw):
    with db.session() as s:
        report = import_exchange(s, doc, **kw)
        s.commit()
    return report


def test_a_valid_document_is_imported_with_its_decisions_history_and_initiative_use(db: Database) -> None:
    report = imported(db, sample_doc())
    assert report.ok, report.problems
    assert report.added == {"agency": 1, "units": 3, "people": 3, "initiatives": 2, "evaluations": 3,
                            "unit_evaluations": 2, "decisions": 2, "awards": 3, "registrations": 2}
    with db.session() as s:
        tv = s.scalars(select(Unit).where(Unit.code == "DVVL-TV")).one()
        assert tv.parent.code == "DVVL"
        decisions = {d.number: d for d in s.scalars(select(Decision))}
        assert decisions["215/QĐ-SLĐTBXH"].level == "co_so" and len(decisions["215/QĐ-SLĐTBXH"].awards) == 2
        assert decisions["88/QĐ-UBND"].level == "tinh"
        used = s.scalars(select(Initiative).where(Initiative.code == "SK-2023-04")).one()
        assert used.used_by_award.title_code == "CSTDCS"
        assert s.scalars(select(Initiative).where(Initiative.code == "SK-2024-01")).one().used_by_award_id is None
        periods = {p.person.code: p for p in s.scalars(select(PersonUnitHistory))}
        assert periods["CB0002"].start_date == date(2005, 3, 1) and periods["CB0002"].end_date is None
        # No joined date: the period opens on the import date.
        assert periods["CB0003"].start_date == date.today()


def test_export_import_export_gives_the_same_document(db: Database, tmp_path: Path) -> None:
    imported(db, sample_doc())
    with db.session() as s:
        first = export_exchange(s)
        s.commit()
    assert same_records(first) == same_records(sample_doc())
    other = open_database(tmp_path / "bản sao" / "khác.db")
    try:
        assert imported(other, first).ok
        with other.session() as s:
            second = export_exchange(s)
    finally:
        other.close()
    assert without_stamp(second) == without_stamp(first)
    assert second["exported_at"] != "2024-12-10T08:00:00"


def test_the_demo_document_survives_a_round_trip_through_the_command_line(db: Database, tmp_path: Path) -> None:
    from services.records.demo import build_demo_exchange

    demo_file = tmp_path / "dữ liệu mẫu.json"
    write_exchange_file(build_demo_exchange(), demo_file)
    first_db, second_db = tmp_path / "Sở một.db", tmp_path / "Sở hai.db"
    out1, out2 = tmp_path / "xuất lần 1.json", tmp_path / "xuất lần 2.json"
    assert main.main(["--db", str(first_db), "--create", "import", str(demo_file)]) == 0
    assert main.main(["--db", str(first_db), "export", str(out1)]) == 0
    assert main.main(["--db", str(second_db), "--create", "import", str(out1)]) == 0
    assert main.main(["--db", str(second_db), "export", str(out2)]) == 0
    text = out1.read_text(encoding="utf-8")
    assert "Văn phòng Sở" in text  # ensure_ascii=False: Vietnamese written as is
    doc1, doc2 = json.loads(text), read_exchange_file(out2)
    assert without_stamp(doc1) == without_stamp(doc2)
    demo = build_demo_exchange()
    assert len(doc1["people"]) == len(demo["people"]) and len(doc1["awards"]) == len(demo["awards"])
    assert {json.dumps(a, sort_keys=True) for a in doc1["awards"]} == \
        {json.dumps(a, sort_keys=True) for a in demo["awards"]}


def broken_doc() -> dict:
    doc = sample_doc()
    doc["extra"] = 1
    doc["units"].append({"code": "A", "name": "Vòng A", "parent": "B", "kind": "phong"})
    doc["units"].append({"code": "B", "name": "Vòng B", "parent": "A", "kind": "phong"})
    doc["units"].append({"code": "VP", "name": "Văn phòng trùng mã", "parent": None, "kind": "phòng"})
    doc["people"][0]["unit"] = "VPX"
    doc["people"][1]["gender"] = "male"
    doc["people"][1]["birth_date"] = "20/11/1979"
    doc["people"][2]["joined"] = "2023-02-30"
    doc["people"][2]["nickname"] = "Hằng"
    doc["evaluations"][0]["rating"] = "XUAT_SAC"
    doc["evaluations"][1]["votes_for"] = 21
    doc["evaluations"][1]["months_worked"] = 13
    doc["evaluations"][2]["discipline"] = "phe_binh"
    doc["evaluations"].append({"year": 2024, "person": "CB0404", "rating": "HTTNV"})
    doc["initiatives"][1]["level"] = "quoc_te"
    doc["awards"][1]["title"] = "TTLDXS"
    doc["awards"][1]["initiatives"] = ["SK-2023-04", "SK-9999"]
    doc["awards"].append({"year": 2024, "title": "GIAY_KHEN", "person": "CB0001", "unit": "VP"})
    del doc["registrations"][0]["year"]
    return doc


EXPECTED_PROBLEMS = [
    "extra: khóa không được hỗ trợ",
    "units[5].kind: loại đơn vị \"phòng\" không hợp lệ",
    "units[5]: trùng với units[0] (mã đơn vị \"VP\")",
    "units[3].parent: cây đơn vị bị vòng lặp: A → B → A",
    "people[0].unit: không có đơn vị mã \"VPX\"",
    "people[1].gender: giới tính \"male\" không hợp lệ",
    "people[1].birth_date: phải là ngày dạng YYYY-MM-DD, nhận được \"20/11/1979\"",
    "people[2].joined: ngày không tồn tại \"2023-02-30\"",
    "people[2].nickname: khóa không được hỗ trợ",
    "evaluations[0].rating: xếp loại \"XUAT_SAC\" không hợp lệ",
    "evaluations[1].votes_for: số phiếu đồng ý (21) lớn hơn tổng số phiếu (20)",
    "evaluations[1].months_worked: phải từ 0 đến 12, nhận được 13",
    "evaluations[2].discipline: hình thức kỷ luật \"phe_binh\" không hợp lệ",
    "evaluations[3].person: không có cán bộ mã \"CB0404\"",
    "initiatives[1].level: cấp sáng kiến \"quoc_te\" không hợp lệ",
    "awards[1].person: TTLDXS chỉ dành cho tập thể, không dành cho cá nhân",
    "awards[1].initiatives[0]: sáng kiến \"SK-2023-04\" đã được dùng cho awards[0]",
    "awards[1].initiatives[1]: không có sáng kiến mã \"SK-9999\"",
    "awards[3]: phải có đúng một trong hai khóa person (cá nhân) và unit (tập thể)",
    "registrations[0].year: thiếu khóa bắt buộc",
]


def test_validation_lists_every_problem_by_json_path(db: Database) -> None:
    with db.session() as s:
        problems = validate_exchange(broken_doc(), s)
    for expected in EXPECTED_PROBLEMS:
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    assert len(problems) == len(EXPECTED_PROBLEMS), problems


def test_a_malformed_file_is_rejected_whole_with_exit_status_2_and_the_database_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "Hồ sơ thi đua" / "Sở LĐ-TBXH.db"
    good, bad = tmp_path / "tệp đúng.json", tmp_path / "tệp sai.json"
    write_exchange_file(sample_doc(), good)
    assert main.main(["--db", str(db_path), "--create", "import", str(good)]) == 0
    before = db_path.read_bytes()
    with sqlite3.connect(db_path) as conn:
        dump_before = list(conn.iterdump())
    capsys.readouterr()

    doc = broken_doc()
    doc["people"][0]["full_name"] = "Tên đã đổi"  # a valid change that must not be applied either
    write_exchange_file(doc, bad)
    assert main.main(["--db", str(db_path), "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"có {len(EXPECTED_PROBLEMS)} lỗi, CSDL không thay đổi" in err
    lines = err.splitlines()
    for expected in EXPECTED_PROBLEMS:
        assert any(line.startswith(expected) for line in lines), expected
    with sqlite3.connect(db_path) as conn:
        assert list(conn.iterdump()) == dump_before
    assert db_path.read_bytes() == before


def test_json_syntax_errors_are_reported_in_vietnamese_with_line_and_column(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lỗi cú pháp.json"
    path.write_text('{\n  "format": "tdkt-exchange",\n  "version": 1,,\n}\n', encoding="utf-8")
    with pytest.raises(ExchangeError, match=r"dòng 3, cột 16: tên khóa phải đặt trong dấu ngoặc kép"):
        read_exchange_file(path)
    path.write_text('{"format":\n  }', encoding="utf-8")
    with pytest.raises(ExchangeError, match=r"dòng 2, cột 3: thiếu giá trị"):
        read_exchange_file(path)
    path.write_text('{"format": "a", "format": "b"}', encoding="utf-8")
    with pytest.raises(ExchangeError, match="khóa \"format\" xuất hiện hai lần"):
        read_exchange_file(path)
    path.write_bytes(b'{\n"a": "\xd0\xe0 N\xe3ng"}')  # "Đà Nẵng" in a Windows code page, not UTF-8
    with pytest.raises(ExchangeError, match=r"không phải văn bản UTF-8 \(byte lỗi ở dòng 2\)"):
        read_exchange_file(path)
    assert main.main(["--db", str(tmp_path / "x.db"), "import", str(tmp_path / "không có.json")]) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err


def test_text_arriving_in_nfd_is_stored_in_nfc(db: Database, tmp_path: Path) -> None:
    doc = json.loads(unicodedata.normalize("NFD", json.dumps(sample_doc(), ensure_ascii=False)))
    assert doc["people"][1]["full_name"] != "Trần Văn Đức"
    path = tmp_path / "tệp NFD.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert imported(db, read_exchange_file(path)).ok
    with sqlite3.connect(db.path) as conn:
        names = [r[0] for r in conn.execute("SELECT full_name FROM person ORDER BY code")]
        units = [r[0] for r in conn.execute("SELECT name FROM unit ORDER BY code")]
    assert names == ["Nguyễn Thị Hoa", "Trần Văn Đức", "Lê Thị Thu Hằng"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names + units)
    # Codes in NFD match the NFC codes already stored: a re-import adds nothing.
    assert imported(db, doc).summary_lines() == ["Không có gì mới: dữ liệu trong tệp đã có sẵn trong CSDL."]


def test_reimport_updates_in_place_and_reports_what_changed(db: Database) -> None:
    imported(db, sample_doc(), today=date(2024, 1, 15))
    with db.session() as s:
        ids = dict(s.execute(select(Person.code, Person.id)).all())
        eval_id = s.scalars(select(Evaluation.id).where(Evaluation.year == 2024, Evaluation.person_id == ids["CB0002"])).one()
    doc = sample_doc()
    doc["people"][0]["full_name"] = "Nguyễn Thị Hoa Mai"
    doc["people"][1]["unit"] = "VP"  # moved
    del doc["people"][2]["position"]  # left out: keeps the stored value
    doc["people"].append({"code": "CB0004", "full_name": "Phan Văn Long", "gender": "nam", "unit": "DVVL"})
    doc["evaluations"][2].update(rating="HTTNV", discipline=None, under_review=False)
    doc["units"][2]["name"] = "Phòng Tư vấn việc làm"
    doc["awards"][0]["initiatives"] = ["SK-2024-01"]  # the award now uses another initiative
    report = imported(db, doc, today=date(2024, 6, 1))
    assert report.ok
    assert report.added == {"units": 0, "people": 1, "initiatives": 0, "evaluations": 0, "unit_evaluations": 0,
                            "decisions": 0, "awards": 0, "registrations": 0}
    assert report.changed == {"units": 1, "people": 2, "initiatives": 0, "evaluations": 1, "unit_evaluations": 0,
                              "awards": 1}
    assert "Cán bộ: thêm 1, cập nhật 2" in report.summary_lines()
    with db.session() as s:
        assert dict(s.execute(select(Person.code, Person.id)).all())["CB0002"] == ids["CB0002"]
        e = s.get(Evaluation, eval_id)
        assert (e.rating, e.discipline, e.under_review, e.version) == ("HTTNV", None, False, 2)
        periods = s.scalars(select(PersonUnitHistory).where(PersonUnitHistory.person_id == ids["CB0002"])
                            .order_by(PersonUnitHistory.start_date)).all()
        assert [(p.unit.code, p.start_date, p.end_date) for p in periods] == [
            ("DVVL-TV", date(2005, 3, 1), date(2024, 6, 1)), ("VP", date(2024, 6, 1), None)]
        inits = dict(s.execute(select(Initiative.code, Initiative.used_by_award_id)).all())
        assert inits["SK-2023-04"] is None and inits["SK-2024-01"] is not None
        assert s.scalars(select(Person.position).where(Person.code == "CB0003")).one() == ""


def test_an_initiative_already_used_in_the_database_cannot_serve_another_award(db: Database) -> None:
    imported(db, sample_doc())
    doc = {"format": "tdkt-exchange", "version": 1,
           "awards": [{"year": 2024, "title": "BK_TINH", "person": "CB0001", "decision_no": "5/QĐ-UBND",
                       "decision_date": "2025-01-05", "initiatives": ["SK-2023-04", "SK-2024-01"]}]}
    with db.session() as s:
        problems = validate_exchange(doc, s)
    assert problems == ["awards[0].initiatives[0]: sáng kiến \"SK-2023-04\" đã được dùng cho khen thưởng CSTDCS năm "
                        "2023 của cán bộ CB0001, QĐ 215/QĐ-SLĐTBXH trong CSDL; mỗi sáng kiến chỉ được dùng cho "
                        "một khen thưởng"]
    doc["awards"][0]["person"] = "CB0002"
    doc["awards"][0]["initiatives"] = ["SK-2024-01"]
    with db.session() as s:
        assert validate_exchange(doc, s) == ["awards[0].initiatives[0]: sáng kiến \"SK-2024-01\" là của cán bộ "
                                             "\"CB0001\", không phải của \"CB0002\""]


def test_a_rule_set_override_is_put_in_force_and_exported_back(db: Database) -> None:
    doc = sample_doc()
    doc["rule_set"] = {"CSTDCS": {"quota_percent": 20, "quota_scope": "unit"}}
    report = imported(db, doc)
    assert report.added["rule_set"] == 1
    with db.session() as s:
        assert export_exchange(s)["rule_set"] == {"CSTDCS": {"quota_percent": 20, "quota_scope": "unit"}}
    doc["rule_set"] = {"CSTDCS": {"quota_percent": 150}, "XYZ": {}}
    with db.session() as s:
        problems = validate_exchange(doc, s)
    assert any(p.startswith("rule_set.CSTDCS.quota_percent:") for p in problems)
    assert any(p.startswith("rule_set.XYZ:") for p in problems)


def test_a_partial_file_from_a_district_office_is_accepted(db: Database) -> None:
    imported(db, sample_doc())
    doc = {"format": "tdkt-exchange", "version": 1,
           "evaluations": [{"year": 2025, "person": "CB0002", "rating": "HTTNV"}]}
    report = imported(db, doc)
    assert report.ok and report.added["evaluations"] == 1
    with db.session() as s:
        e = s.scalars(select(Evaluation).where(Evaluation.year == 2025)).one()
        assert (e.months_worked, e.maternity_months, e.discipline, e.under_review) == (12, 0, None, False)


def test_format_and_version_are_checked(db: Database) -> None:
    with db.session() as s:
        assert validate_exchange([], s)[0].startswith("tài liệu: phải là một đối tượng JSON")
        problems = validate_exchange({"format": "khác", "version": 2, "people": {}}, s)
    assert problems == ["format: phải là \"tdkt-exchange\", nhận được \"khác\"",
                        "version: phiên bản 2 không được hỗ trợ; ứng dụng đọc phiên bản 1",
                        "people: phải là một danh sách [...], nhận được {}"]


def test_export_orders_units_as_a_tree(db: Database) -> None:
    doc = sample_doc()
    doc["units"] = [doc["units"][1], doc["units"][2], doc["units"][0]]  # DVVL, DVVL-TV, VP
    imported(db, doc)
    with db.session() as s:
        assert [u["code"] for u in export_exchange(s)["units"]] == ["DVVL", "DVVL-TV", "VP"]


def test_votes_for_needs_votes_total(db: Database) -> None:
    imported(db, sample_doc())
    doc = {"format": "tdkt-exchange", "version": 1,
           "evaluations": [{"year": 2025, "person": "CB0002", "rating": "HTTNV", "votes_for": 12},
                           {"year": 2025, "person": "CB0001", "rating": "HTTNV", "votes_for": 12, "votes_total": 0}]}
    with db.session() as s:
        assert validate_exchange(doc, s) == [
            "evaluations[0].votes_total: có số phiếu đồng ý thì phải có tổng số phiếu",
            "evaluations[1].votes_total: phải từ 1 trở lên, nhận được 0"]
