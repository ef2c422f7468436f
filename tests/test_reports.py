"""The reports (services/output/reports.py): every figure equals an independent SQL count on the
database; the .docx opens with python-docx with correct Vietnamese and its charts; the .xlsx
opens with openpyxl with the same figures; the command line writes both formats."""
from __future__ import annotations

import argparse
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import text

from cli import add_database_options
from cli import reports as cli_reports
from models import Award, Decision, Person
from models.db import Database
from services.awards.drafting import draft_year
from services.output import reports
from services.output.overview import short_unit_name
from services.output.reports import ReportError, build_report, write_report
from tests.test_overview import add_plan_details, fill

Y = 2024
MADE = date(2025, 1, 15)


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_database_options(parser)
    sub = parser.add_subparsers(dest="command")
    cli_reports.register(sub)
    args = parser.parse_args(argv)
    return args.handler(args)


def add_history(database: Database) -> None:
    """Awards of earlier years: a decision issued in Đợt 1 of 2024 for 2023's achievements,
    chains of CSTĐCS, a Bằng khen five years ago, and an award on a cancelled decision."""
    with database.session() as s, s.begin():
        people = s.query(Person).order_by(Person.id).all()
        p = {i: people[i].id for i in range(len(people))}
        early = Decision(number="12/QĐ-SLĐTBXH", issued_on=date(Y, 3, 15), level="co_so")
        province = Decision(number="300/QĐ-UBND", issued_on=date(2020, 3, 2), level="tinh")
        old = [Decision(number=f"{n}/QĐ-SLĐTBXH", issued_on=date(y + 1, 1, 10)) for n, y in
               ((20, 2020), (21, 2021), (22, 2022))]
        dropped = Decision(number="99/QĐ-SLĐTBXH", issued_on=date(Y, 4, 1), state="da_huy", cancel_reason="Sai tên")
        s.add_all([early, province, dropped, *old])
        s.flush()
        d2020, d2021, d2022 = (d.id for d in old)
        rows = [
            # 2023 achievements decided on 15/03/2024 (inside Đợt 1).
            (2023, "LDTT", p[0], None, early.id), (2023, "LDTT", p[1], None, early.id),
            (2023, "CSTDCS", p[1], None, early.id), (2023, "CSTDCS", p[2], None, early.id),
            (2023, "TTLDTT", None, 2, early.id),
            # CSTĐCS chains: P0 2022-2024 (3 years), P1 2022-2023 (2, ending the year before), P2 2023 only.
            (2022, "CSTDCS", p[0], None, d2022), (2022, "CSTDCS", p[1], None, d2022),
            (2023, "CSTDCS", p[0], None, early.id),
            # P3: Bằng khen tỉnh 2019, CSTĐCS 2020, 2021 (two years since).
            (2019, "BK_TINH", p[3], None, province.id), (2020, "CSTDCS", p[3], None, d2020),
            (2021, "CSTDCS", p[3], None, d2021),
            # On a cancelled decision: never counts.
            (2023, "CSTDCS", p[4], None, dropped.id), (2022, "CSTDCS", p[4], None, d2022),
        ]
        for year, code, person, unit, decision in rows:
            s.add(Award(year=year, title_code=code, person_id=person, unit_id=unit, decision_id=decision))


@pytest.fixture
def filled(db: Database) -> Database:
    fill(db)
    add_plan_details(db)
    add_history(db)
    return db


def sql(database: Database, query: str, **params) -> list[tuple]:
    with database.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(query), params).all()]


VALID = "(d.id IS NULL OR d.state <> 'da_huy')"


def build(database: Database, kind: str, period: str = "year", year: int = Y):
    with database.session() as s:
        report = build_report(s, kind, year, period, made_on=MADE)
        s.rollback()
    return report


def test_phong_trao_figures_equal_the_database(filled: Database) -> None:
    for period, end in (("6m", date(Y, 6, 30)), ("year", date(Y, 12, 31))):
        report = build(filled, "phong-trao", period)
        phases = report.table("Đợt thi đua").rows
        assert [r[0] for r in phases] == (["Đợt 1"] if period == "6m" else ["Đợt 1", "Đợt 2"])

        # Awards of the decisions issued in the period, by title.
        expected = dict(sql(filled, """
            SELECT t.name, count(*) FROM award a JOIN decision d ON d.id = a.decision_id JOIN title t
            ON t.code = a.title_code WHERE d.state <> 'da_huy' AND d.issued_on BETWEEN :a AND :b GROUP BY t.name""",
                            a=date(Y, 1, 1), b=end))
        table = report.table("Khen thưởng trong kỳ")
        assert {r[0]: r[3] for r in table.rows} == expected
        assert table.total[3] == sum(expected.values())
    # 6 months: only the 15/03 decision (6 awards); the year adds the 20/12 decision (5 more).
    assert build(filled, "phong-trao", "6m").table("Khen thưởng trong kỳ").total[3] == 6
    assert table.total[3] == 11

    registered = dict(sql(filled, "SELECT t.name, count(*) FROM registration r JOIN title t ON t.code = r.title_code "
                                  "WHERE r.year = :y GROUP BY t.name", y=Y))
    decided = dict(sql(filled, f"SELECT t.name, count(*) FROM award a LEFT JOIN decision d ON d.id = a.decision_id "
                               f"JOIN title t ON t.code = a.title_code WHERE a.year = :y AND {VALID} GROUP BY t.name",
                       y=Y))
    with filled.session() as s:
        drafted = {tl.name: len(tl.selected) for tl in draft_year(s, Y).lists}
        s.rollback()
    rows = report.table("Đăng ký - kết quả").rows
    for _no, name, _target, reg, draft, dec in rows:
        assert reg == registered.get(name, 0)
        assert dec == decided.get(name, 0)
        assert draft == drafted.get(name, "Xét thủ công")
    assert {r[1] for r in rows} >= set(registered) | set(decided)

    ratings = dict(sql(filled, "SELECT rating, count(*) FROM evaluation WHERE year = :y GROUP BY rating", y=Y))
    unit_ratings = dict(sql(filled, "SELECT rating, count(*) FROM unit_evaluation WHERE year = :y GROUP BY rating",
                            y=Y))
    xl = report.table("Xếp loại")
    assert [r[1] for r in xl.rows] == [ratings.get(c, 0) for c in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")]
    assert [r[3] for r in xl.rows] == [unit_ratings.get(c, 0) for c in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")]
    assert xl.total[1] == sum(ratings.values()) == 6

    targets = report.table("Chỉ tiêu").rows
    assert [(r[1], r[4]) for r in targets] == [("Giải quyết việc làm mới", "Đạt"),
                                               ("Xã đạt chuẩn phù hợp với trẻ em", "Chưa đạt"),
                                               ("Giảm tỷ lệ hộ nghèo", "Chưa có số liệu")]


def test_thong_ke_figures_equal_the_database(filled: Database) -> None:
    for year in (Y, 2023):
        report = build(filled, "thong-ke", year=year)
        by_title = sql(filled, f"""
            SELECT t.name, count(a.person_id), count(a.unit_id) FROM award a LEFT JOIN decision d
            ON d.id = a.decision_id JOIN title t ON t.code = a.title_code WHERE a.year = :y AND {VALID}
            GROUP BY t.name""", y=year)
        assert {r[0]: (r[1], r[2], r[3]) for r in report.table("Theo danh hiệu").rows} == \
            {n: (p, u, p + u) for n, p, u in by_title}

        gender = sql(filled, f"""
            SELECT t.name, sum(pe.gender = 'nam'), sum(pe.gender = 'nu') FROM award a LEFT JOIN decision d
            ON d.id = a.decision_id JOIN title t ON t.code = a.title_code JOIN person pe ON pe.id = a.person_id
            WHERE a.year = :y AND {VALID} GROUP BY t.name""", y=year)
        assert {r[0]: (r[1], r[2]) for r in report.table("Theo giới tính").rows} == \
            {n: (m, f) for n, m, f in gender}

        level = dict(sql(filled, f"""
            SELECT coalesce(d.level, t.level), count(*) FROM award a LEFT JOIN decision d ON d.id = a.decision_id
            JOIN title t ON t.code = a.title_code WHERE a.year = :y AND {VALID} GROUP BY 1""", y=year))
        got = {r[0]: r[3] for r in report.table("Theo cấp").rows}
        assert {reports.LEVEL_LABELS[k]: v for k, v in level.items()} == got

        by_unit = dict(sql(filled, f"""
            SELECT u.name, count(*) FROM award a LEFT JOIN decision d ON d.id = a.decision_id
            LEFT JOIN person pe ON pe.id = a.person_id JOIN unit u ON u.id = coalesce(pe.unit_id, a.unit_id)
            WHERE a.year = :y AND {VALID} GROUP BY u.name""", y=year))
        # Names are shortened the same way on the charts ("Trung tâm" -> "TT").
        assert {r[0]: r[-1] for r in report.table("Theo đơn vị").rows} == \
            {short_unit_name(n): c for n, c in by_unit.items()}

    across = sql(filled, f"""
        SELECT t.name, a.year, count(*) FROM award a LEFT JOIN decision d ON d.id = a.decision_id
        JOIN title t ON t.code = a.title_code WHERE a.year BETWEEN 2020 AND 2024 AND {VALID}
        GROUP BY t.name, a.year""")
    report = build(filled, "thong-ke")
    table = report.table("Qua các năm")
    assert table.headers[1:] == ["2020", "2021", "2022", "2023", "2024"]
    got = {(r[0], 2020 + i): v for r in table.rows for i, v in enumerate(r[1:]) if v}
    assert got == {(n, y): c for n, y, c in across}


def test_lien_tuc_chains_and_who_is_close(filled: Database) -> None:
    report = build(filled, "lien-tuc")
    names = {p: n for p, n in sql(filled, "SELECT code, full_name FROM person")}
    close = report.table("Gần đạt hình thức cao hơn").rows
    chains = {(r[1], r[3]): (r[4], r[5]) for r in close}
    # P0: CSTĐCS 2022, 2023, 2024 (2024 from fill's decision); P1: 2022, 2023 (the year not decided yet).
    assert chains[(names["P0"], "CSTĐCS")] == (3, "2022, 2023, 2024")
    assert chains[(names["P1"], "CSTĐCS")] == (2, "2022, 2023")
    # P4's 2023 award is on a cancelled decision: the chain ended in 2022, too early to count.
    assert (names["P4"], "CSTĐCS") not in chains
    assert len(close) == 2
    bk = report.table("Bằng khen - số năm").rows
    assert [(r[1], r[3], r[4], r[5]) for r in bk] == [(names["P3"], 2019, 5, 2)]
    assert "cần ít nhất 3 năm CSTĐCS" in bk[0][6]

    # The summary agrees with the detail, and the detail with the award years in the database.
    summary = {r[0]: r[1:] for r in report.table("Tổng hợp").rows}
    detail = report.table("Chi tiết").rows
    ldtt_people = sql(filled, f"""
        SELECT count(DISTINCT a.person_id) FROM award a LEFT JOIN decision d ON d.id = a.decision_id
        JOIN person pe ON pe.id = a.person_id WHERE a.title_code = 'LDTT' AND a.year IN (2023, 2024) AND {VALID}
        AND pe.active = 1""")[0][0]
    assert summary["Lao động tiên tiến"][-1] == ldtt_people == sum(1 for r in detail if r[4] == "Lao động tiên tiến")
    assert summary["Chiến sĩ thi đua cơ sở"][:5] == [1, 1, 1, 0, 0]


def test_docx_and_xlsx_open_with_the_same_figures(filled: Database, tmp_path: Path) -> None:
    report = build(filled, "phong-trao", "6m")
    docx_path = write_report(report, tmp_path / "Báo cáo 6 tháng.docx")
    doc = Document(str(docx_path))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "BÁO CÁO" in body
    assert "Kết quả thực hiện phong trào thi đua 6 tháng đầu năm 2024" in body
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Độc lập - Tự do - Hạnh phúc" in cells
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH HÀ TĨNH" in cells
    assert "Giải quyết việc làm mới" in cells and "23.640 người" in cells
    assert unicodedata.is_normalized("NFC", body + cells)
    assert len(doc.inline_shapes) == 1  # the registered / drafted / decided chart
    assert doc.sections[0].page_width > doc.sections[0].page_height * 0.6

    xlsx_path = write_report(report, tmp_path / "Báo cáo 6 tháng.xlsx")
    wb = load_workbook(xlsx_path)
    assert wb.sheetnames[0] == "Thông tin"
    ws = wb["Khen thưởng trong kỳ"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert values == report.table("Khen thưởng trong kỳ").rows + [report.table("Khen thưởng trong kỳ").total]
    assert ws["A4"].value == "Danh hiệu, hình thức"

    stats = build(filled, "thong-ke", year=2023)
    doc = Document(str(write_report(stats, tmp_path / "thống kê.docx")))
    assert len(doc.inline_shapes) == 2  # by gender, across years by level
    chains = build(filled, "lien-tuc")
    doc = Document(str(write_report(chains, tmp_path / "liên tục.docx")))
    assert "Danh sách cán bộ theo số năm liên tục đạt danh hiệu thi đua đến năm 2024" in \
        "\n".join(p.text for p in doc.paragraphs)
    # The detail table goes to the workbook only.
    wb = load_workbook(write_report(chains, tmp_path / "liên tục.xlsx"))
    assert "Chi tiết" in wb.sheetnames


def test_command_line(filled: Database, tmp_path: Path, capsys) -> None:
    url = str(filled.path)
    out = tmp_path / "Báo cáo" / "thống kê 2024.xlsx"
    assert cli(["--db", url, "report", "thong-ke", "--year", "2024", "--out", str(out)]) == 0
    assert out.exists() and "Đã lập" in capsys.readouterr().out
    out = tmp_path / "phong trào.docx"
    assert cli(["--db", url, "report", "phong-trao", "--year", "2024", "--period", "6m", "--out", str(out)]) == 0
    assert "6 tháng đầu năm 2024" in "\n".join(p.text for p in Document(str(out)).paragraphs)
    # A wrong extension says what to do and writes nothing.
    bad = tmp_path / "báo cáo.pdf"
    assert cli(["--db", url, "report", "lien-tuc", "--year", "2024", "--out", str(bad)]) == 2
    assert ".docx" in capsys.readouterr().err and not bad.exists()
    with pytest.raises(ReportError):
        build(filled, "phong-trao", "quy")
