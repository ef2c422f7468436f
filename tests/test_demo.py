"""The demo database: deterministic, valid, plausible, and every planted 2024 scenario
of the module docstring really present in the data."""
from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

import main
from models import (
    Agency,
    Award,
    Decision,
    EmulationPlan,
    Evaluation,
    Person,
    PersonUnitHistory,
    Registration,
    Signer,
    Unit,
)
from models.db import Database
from services.records.demo import (
    PLANTS,
    UNIT_RATINGS,
    build_demo_exchange,
    open_demo_database,
    populate_demo,
)
from services.records.exchange import read_exchange_file, validate_exchange

Y = 2024
GOOD = ("HTXSNV", "HTTNV")


@pytest.fixture(scope="module")
def demo() -> dict:
    return build_demo_exchange()


def evaluations(doc: dict, year: int) -> dict[str, dict]:
    return {e["person"]: e for e in doc["evaluations"] if e["year"] == year}


def ldtt(e: dict) -> bool:
    return (e["rating"] in GOOD and e["months_worked"] + e["maternity_months"] >= 6 and e["discipline"] is None
            and not e["under_review"])


def awards(doc: dict, subject: str) -> set[tuple[int, str]]:
    return {(a["year"], a["title"]) for a in doc["awards"] if subject in (a["person"], a["unit"])}


def initiatives(doc: dict, person: str) -> list[dict]:
    return [i for i in doc["initiatives"] if i["person"] == person]


def used_initiatives(doc: dict) -> set[str]:
    return {code for a in doc["awards"] for code in a["initiatives"]}


def free_initiatives(doc: dict, person: str, years: range) -> list[str]:
    used = used_initiatives(doc)
    return [i["code"] for i in initiatives(doc, person) if i["year"] in years and i["code"] not in used]


def members(doc: dict, unit: str) -> set[str]:
    units = {unit}
    for _ in range(5):
        units |= {u["code"] for u in doc["units"] if u["parent"] in units}
    return {p["code"] for p in doc["people"] if p["unit"] in units}


def cstdcs_candidates(doc: dict) -> dict[str, dict]:
    """Eligible for CSTDCS in 2024 (P2), before the quota."""
    evals = evaluations(doc, Y)
    with_initiative = {i["person"] for i in doc["initiatives"] if i["year"] == Y}
    return {c: e for c, e in evals.items() if ldtt(e) and (e["rating"] == "HTXSNV" or c in with_initiative)
            and (e["votes_for"] is None or e["votes_for"] * 100 >= 70 * e["votes_total"])}


def test_two_builds_are_equal_and_the_data_is_plausible(demo: dict) -> None:
    assert build_demo_exchange() == demo
    people = demo["people"]
    assert 450 <= len(people) <= 500
    assert {e["year"] for e in demo["evaluations"]} == {2020, 2021, 2022, 2023, 2024}
    assert len(evaluations(demo, Y)) >= 450
    districts = [u for u in demo["units"] if u["kind"] == "phong_huyen"]
    assert len(districts) == 13 and {u["parent"] for u in districts} == {"HUYEN"}
    assert 5 <= sum(p["left"] is not None for p in people) <= 15
    assert 0.35 < sum(p["gender"] == "nu" for p in people) / len(people) < 0.65
    by_code = {p["code"]: p for p in people}
    for e in demo["evaluations"]:
        person = by_code[e["person"]]
        assert date.fromisoformat(person["joined"]).year <= e["year"]
        assert person["left"] is None or date.fromisoformat(person["left"]).year >= e["year"]
    for p in people:
        assert unicodedata.is_normalized("NFC", p["full_name"]) and len(p["full_name"].split()) >= 3
        born, joined = date.fromisoformat(p["birth_date"]), date.fromisoformat(p["joined"])
        assert (joined - born).days > 20 * 365
    assert by_code["CB0002"]["full_name"] == "Đinh Hữu Công"
    # Each planted person sits in the unit the docstring says.
    assert all(by_code[p.code]["unit"] == p.unit for p in PLANTS)


def test_the_demo_document_is_a_valid_exchange_file(db: Database, demo: dict) -> None:
    with db.session() as s:
        assert validate_exchange(demo, s) == []


def test_planted_lao_dong_tien_tien_cases(demo: dict) -> None:
    evals = evaluations(demo, Y)
    by_code = {p["code"]: p for p in demo["people"]}
    disciplines = sorted(e["discipline"] for e in evals.values() if e["discipline"])
    assert disciplines == sorted(["khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc",
                                  "buoc_thoi_viec"])
    assert [c for c, e in evals.items() if e["under_review"]] == ["CB0027"]
    assert evals["CB0027"]["rating"] == "HTXSNV"
    assert by_code["CB0360"]["joined"] == "2024-07-01" and evals["CB0360"]["months_worked"] == 6
    assert ldtt(evals["CB0360"])
    short = [c for c, e in evals.items() if e["months_worked"] + e["maternity_months"] < 6 and e["rating"] in GOOD]
    assert {"CB0390", "CB0110", "CB0265"} <= set(short)
    assert (evals["CB0074"]["months_worked"], evals["CB0074"]["maternity_months"]) == (2, 4) and ldtt(evals["CB0074"])
    assert not ldtt(evals["CB0265"]) and evals["CB0265"]["maternity_months"] > 0
    # khien_trach is the only reason CB0076 misses LDTT.
    assert evals["CB0076"]["rating"] == "HTTNV" and evals["CB0076"]["months_worked"] == 12
    ratings = [e["rating"] for e in evals.values()]
    assert ratings.count("HTNV") >= 10 and ratings.count("KHTNV") >= 2
    share = sum(map(ldtt, evals.values())) / len(evals)
    assert 0.8 < share < 0.95


def test_planted_chien_si_thi_dua_cases(demo: dict) -> None:
    evals = evaluations(demo, Y)
    eligible_ldtt = sum(map(ldtt, evals.values()))
    quota = eligible_ldtt * 15 // 100
    candidates = cstdcs_candidates(demo)
    assert len(candidates) > quota + 10  # the quota cuts some
    full_votes = [c for c, e in candidates.items() if e["votes_for"] == e["votes_total"] == 20]
    assert 5 <= len(full_votes) < quota  # planted people who must be selected rank first
    low = evals["CB0048"]
    assert low["rating"] == "HTXSNV" and low["votes_for"] * 100 < 70 * low["votes_total"]
    assert "CB0048" not in candidates
    assert (evals["CB0062"]["votes_for"], evals["CB0062"]["votes_total"]) == (14, 20) and "CB0062" in candidates
    assert evals["CB0330"]["rating"] == "HTTNV" and "CB0330" in candidates
    assert sum(e["score"] is not None for e in evals.values()) >= 30

    def level_ok(person: str, years: range, levels: set[str]) -> bool:
        return any(i["year"] in years and i["level"] in levels for i in initiatives(demo, person))

    window = range(Y - 2, Y + 1)
    for code in ("CB0008", "CB0058"):  # CSTD_TINH eligible
        assert {(2022, "CSTDCS"), (2023, "CSTDCS")} <= awards(demo, code)
        assert level_ok(code, window, {"tinh", "toan_quoc"}) and code in full_votes
    assert {(2022, "CSTDCS"), (2023, "CSTDCS")} <= awards(demo, "CB0044") and "CB0044" in full_votes
    assert not level_ok("CB0044", window, {"tinh", "toan_quoc"})
    assert (2022, "CSTDCS") not in awards(demo, "CB0034") and (2021, "CSTDCS") in awards(demo, "CB0034")
    assert level_ok("CB0034", window, {"tinh"})
    assert evals["CB0101"]["rating"] == "HTNV" and level_ok("CB0101", window, {"tinh"})
    # CSTD_TOANQUOC
    assert {(2022, "CSTD_TINH"), (2023, "CSTD_TINH")} <= awards(demo, "CB0224")
    assert level_ok("CB0224", range(2020, 2025), {"toan_quoc"})
    assert {(2022, "CSTD_TINH"), (2023, "CSTD_TINH")} <= awards(demo, "CB0284")
    assert not level_ok("CB0284", range(2000, 2025), {"toan_quoc"})
    tq_gap = {y for y, t in awards(demo, "CB0411") if t == "CSTD_TINH"}
    assert tq_gap == {2021, 2023} and level_ok("CB0411", range(2021, 2022), {"toan_quoc"})


def test_planted_bang_khen_cases(demo: dict) -> None:
    rating = {(e["person"], e["year"]): e["rating"] for e in demo["evaluations"]}
    two_years = range(Y - 1, Y + 1)
    # BK_TINH (P6)
    assert rating["CB0025", 2023] == rating["CB0025", 2024] == "HTXSNV"
    assert len(free_initiatives(demo, "CB0025", two_years)) == 2
    assert (2023, "CSTDCS") in awards(demo, "CB0429") and len(free_initiatives(demo, "CB0429", two_years)) == 2
    assert rating["CB0082", 2023] == rating["CB0082", 2024] == "HTXSNV"
    assert len(initiatives(demo, "CB0082")) == 2 and len(free_initiatives(demo, "CB0082", two_years)) == 1
    assert rating["CB0071", 2023] == "HTTNV" and (2023, "CSTDCS") not in awards(demo, "CB0071")
    assert len(free_initiatives(demo, "CB0071", two_years)) == 2
    # BK_TTG (P7)
    years = range(2020, 2025)
    assert (2019, "BK_TINH") in awards(demo, "CB0119")
    assert all(rating["CB0119", y] in GOOD for y in years)
    assert sum((y, "CSTDCS") in awards(demo, "CB0119") for y in years) >= 3
    assert (2019, "BK_TINH") in awards(demo, "CB0194") and rating["CB0194", 2022] == "HTNV"
    assert {y for y, t in awards(demo, "CB0256") if t == "BK_TINH"} == {2020}
    assert sum((y, "CSTDCS") in awards(demo, "CB0326") for y in years) == 2
    assert (2024, "CSTDCS") not in awards(demo, "CB0326") and "CB0326" not in cstdcs_candidates(demo)
    # No initiative serves two awards.
    listed = [code for a in demo["awards"] for code in a["initiatives"]]
    assert len(listed) == len(set(listed))


def test_planted_unit_cases(demo: dict) -> None:
    evals = evaluations(demo, Y)
    top = {c for c, e in cstdcs_candidates(demo).items() if e["votes_for"] == e["votes_total"] == 20}
    candidates = set(cstdcs_candidates(demo))
    unit_rating = {(u["unit"], u["year"]): u["rating"] for u in demo["unit_evaluations"]}
    ttldtt, ttldxs, facts = set(), set(), {}
    for unit in UNIT_RATINGS:
        rows = [evals[c] for c in members(demo, unit) if c in evals]
        share = sum(map(ldtt, rows)) / len(rows)
        heavy = any(e["discipline"] not in (None, "khien_trach") for e in rows)
        facts[unit] = share
        if unit_rating[unit, Y] in GOOD and share >= 0.5 and not heavy:
            ttldtt.add(unit)
            if (unit_rating[unit, Y] == "HTXSNV" and all(e["rating"] != "KHTNV" for e in rows) and share >= 0.7
                    and any(e["person"] in top for e in rows) and all(e["discipline"] is None for e in rows)):
                ttldxs.add(unit)
    assert set(UNIT_RATINGS) - ttldtt == {"PH-DT", "CNMT", "PH-VQ", "PH-LH"}
    assert facts["PH-VQ"] == 0.4 and unit_rating["PH-LH", Y] == "HTNV"
    assert ttldxs == {"VP", "KHTC", "LDVL", "NCC", "DVVL", "DDNCC", "PH-HT", "PH-CX", "PH-TH"}
    assert len(ttldxs) > len(ttldtt) * 30 // 100  # more than the quota
    assert 0.5 <= facts["PH-KA"] < 0.7
    assert not (members(demo, "PH-HL") & candidates)
    assert any(evals[c]["rating"] == "KHTNV" for c in members(demo, "TTBT") if c in evals)
    assert any(evals[c]["discipline"] == "khien_trach" for c in members(demo, "BTXH") if c in evals)
    # BK_TINH and BK_TTG for units
    bk_tinh = {u for u in UNIT_RATINGS if unit_rating[u, Y - 1] == unit_rating[u, Y] == "HTXSNV"}
    assert {"VP", "NCC", "DVVL"} <= bk_tinh and not {"KHTC", "PH-TH", "PH-CX"} & bk_tinh
    assert {"KHTC", "PH-TH", "PH-CX"} <= {u for u in UNIT_RATINGS if unit_rating[u, Y] == "HTXSNV"}
    assert (2019, "BK_TINH") in awards(demo, "NCC")
    assert all(unit_rating["NCC", y] == "HTXSNV" for y in range(2020, 2025))
    assert (2019, "BK_TINH") in awards(demo, "TTRA") and unit_rating["TTRA", 2021] == "HTTNV"
    assert (2020, "CO_TINH") in awards(demo, "DDNCC")


def test_populate_demo_fills_the_plan_and_the_records(db: Database, demo: dict) -> None:
    with db.session() as s:
        populate_demo(s)
        s.commit()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == len(demo["people"])
        assert s.scalar(select(func.count()).select_from(Evaluation)) == len(demo["evaluations"])
        assert s.scalar(select(func.count()).select_from(PersonUnitHistory)) == len(demo["people"])
        agency = s.scalars(select(Agency)).one()
        assert (agency.short_name, agency.parent_authority, agency.doc_suffix) == \
            ("Sở LĐ-TBXH", "UBND TỈNH HÀ TĨNH", "SLĐTBXH")
        default = s.scalars(select(Signer).where(Signer.is_default)).one()
        assert (default.full_name, default.capacity, default.position) == \
            ("Đinh Hữu Công", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
        assert s.scalar(select(func.count()).select_from(Signer)) == 3
        plan = s.scalars(select(EmulationPlan).where(EmulationPlan.year == 2024)).one()
        assert plan.theme.startswith("Trách nhiệm, hiệu quả, thực chất")
        assert [(p.name, p.start_date, p.end_date) for p in plan.phases] == [
            ("Đợt 1", date(2024, 1, 1), date(2024, 6, 30)), ("Đợt 2", date(2024, 7, 1), date(2024, 12, 31))]
        assert len(plan.targets) == 9 and plan.targets[0].target_value == 23000
        assert plan.targets[4].comparison == "range" and plan.targets[4].target_max == 1
        assert all(t.actual_value is not None for t in plan.targets)
        targets = {t.title_code: t for t in plan.title_targets}
        assert (targets["CSTDCS"].count_min, targets["TTLDXS"].count_min, targets["BK_TINH"].count_min) == (70, 4, 25)
        assert (targets["CSTD_TINH"].count_min, targets["CSTD_TINH"].count_max) == (1, 2)
        assert targets["LDTT"].percent_min == 85
        regs = dict(s.execute(select(Registration.title_code, func.count()).where(Registration.year == 2024)
                              .group_by(Registration.title_code)).all())
        assert (regs["CSTDCS"], regs["TTLDXS"], regs["BK_TINH"], regs["BK_TTG"]) == (70, 4, 25, 1)
        assert regs["TTLDTT"] == len(UNIT_RATINGS)
        assert s.scalar(select(func.count()).select_from(Decision).where(Decision.issuing_authority == "")) == 0
        by_level = dict(s.execute(select(Decision.level, func.count()).group_by(Decision.level)).all())
        assert by_level["co_so"] >= 10 and by_level["tinh"] >= 5
        assert s.scalar(select(func.count()).select_from(Award)) == len(demo["awards"])
        assert s.scalars(select(Unit.name).where(Unit.code == "PH-HK")).one().endswith("huyện Hương Khê")


def test_demo_option_creates_the_demo_database_in_the_data_folder(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "xuất mẫu.json"
    assert main.main(["--demo", "export", str(out)]) == 0
    assert (data_dir / "demo.db").exists()
    assert len(read_exchange_file(out)["people"]) == len(build_demo_exchange()["people"])
    database = open_demo_database()  # opened again: reused, not filled twice
    try:
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(Person)) == len(build_demo_exchange()["people"])
    finally:
        database.close()


def test_demo_exchange_command_writes_the_document(tmp_path: Path, demo: dict) -> None:
    path = tmp_path / "tệp mẫu" / "dữ liệu mẫu.json"
    assert main.main(["demo-exchange", str(path)]) == 0
    assert read_exchange_file(path) == demo
