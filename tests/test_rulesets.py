"""Rule sets as data: the builtin set, copies, the set in force for a year, overrides,
export/import, and the ``rules`` command."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from models import RuleSet
from services.awards.rulesets import (
    RULES_DIR,
    RuleSetError,
    apply_overrides,
    copy_rule_set,
    ensure_builtin_rule_sets,
    export_rule_set,
    get_rule_set,
    import_rule_set,
    overrides_in_force,
    rule_set_for_year,
    validate_overrides,
    validate_params,
)


def test_builtin_file_matches_rules_2024():
    with (RULES_DIR / "2024.json").open(encoding="utf-8") as f:
        doc = json.load(f)
    p = doc["params"]
    assert validate_params(p) == []
    assert p["CSTDCS"]["quota_percent"] == 15 and p["CSTDCS"]["quota_scope"] == "agency"
    assert p["CSTDCS"]["rounding"] == "floor" and p["CSTDCS"]["min_vote_percent"] == 70
    assert p["LDTT"]["min_months"] == 6 and len(p["LDTT"]["blocking_discipline"]) == 6
    assert p["TTLDXS"]["quota_percent"] == 30
    assert p["CSTDCS"]["rules"]["P2"] == {"article": "Luật TĐKT 2022 Điều 23", "status": "V",
                                          "note": p["CSTDCS"]["rules"]["P2"]["note"]}
    assert p["GIAY_KHEN"]["rules"]["P8"]["status"] == "U"
    rules = {r for t in p.values() for r in t["rules"]}
    assert rules == {f"P{i}" for i in range(1, 9)} | {f"U{i}" for i in range(1, 6)}
    assert not p["CO_TINH"]["drafted"] and not p["CO_BO"]["drafted"]


def test_ensure_builtin_is_idempotent(db):
    with db.session() as s:
        assert [rs.name for rs in ensure_builtin_rule_sets(s)] == ["2024"]
        assert ensure_builtin_rule_sets(s) == []
        s.commit()
    with db.session() as s:
        assert ensure_builtin_rule_sets(s) == []
        assert s.scalar(select(func.count()).select_from(RuleSet)) == 1


def test_rule_set_for_year_by_validity_date(db):
    with db.session() as s:
        base = rule_set_for_year(s, 2024)
        assert base.name == "2024" and base.builtin
        assert rule_set_for_year(s, 2030).name == "2024"
        with pytest.raises(RuleSetError, match="năm 2023"):
            rule_set_for_year(s, 2023)
        later = copy_rule_set(s, base, "2026", date(2026, 1, 1), {"CSTDCS": {"quota_percent": 20}})
        assert rule_set_for_year(s, 2025).name == "2024"
        assert rule_set_for_year(s, 2026) is later
        # A copy valid from the same date as the builtin wins over it.
        same = copy_rule_set(s, base, "2024 sửa", date(2024, 1, 1))
        assert rule_set_for_year(s, 2024) is same
        assert later.based_on is base


def test_copy_validates_changes(db):
    with db.session() as s:
        base = rule_set_for_year(s, 2024)
        with pytest.raises(RuleSetError) as err:
            copy_rule_set(s, base, "2024", None, {"CSTDCS": {"quota_percent": 120, "quota_scope": "phong"},
                                                  "XYZ": {}})
        problems = err.value.problems
        assert any(p.startswith("CSTDCS.quota_percent: ") for p in problems)
        assert any(p.startswith("CSTDCS.quota_scope: ") for p in problems)
        assert any(p.startswith("XYZ: ") for p in problems)
        assert any("đã có bộ quy định tên" in p for p in problems)


@pytest.mark.parametrize("obj,path", [
    ({"CSTDCS": {"rounding": "ceil"}}, "CSTDCS.rounding"),
    ({"CSTDCS": {"min_vote_percent": "70"}}, "CSTDCS.min_vote_percent"),
    ({"LDTT": {"min_months": 13}}, "LDTT.min_months"),
    ({"LDTT": {"blocking_discipline": ["khien_trach", "danh_doc"]}}, "LDTT.blocking_discipline"),
    ({"LDTT": {"quota": 3}}, "LDTT.quota"),
    ({"CSTDCS": {"rules": {"P2": {"article": "", "status": "V"}}}}, "CSTDCS.rules"),
    ({"CSTDCS": 5}, "CSTDCS"),
])
def test_validate_overrides_paths(obj, path):
    problems = validate_overrides(obj)
    assert len(problems) == 1 and problems[0].startswith(path + ":")


def test_validate_overrides_accepts_the_exchange_example():
    assert validate_overrides({"CSTDCS": {"quota_percent": 20, "quota_scope": "unit", "rounding": "half_up",
                                          "min_vote_percent": 75}}) == []
    assert validate_overrides(["x"]) != []


def test_apply_overrides_and_overrides_in_force(db):
    with db.session() as s:
        assert overrides_in_force(s) is None
        rs = apply_overrides(s, {"CSTDCS": {"quota_percent": 20}})
        assert not rs.builtin and rs.valid_from == date(2024, 1, 1)
        assert rule_set_for_year(s, 2024) is rs and rule_set_for_year(s, 2027) is rs
        assert overrides_in_force(s) == {"CSTDCS": {"quota_percent": 20}}
        assert apply_overrides(s, {"CSTDCS": {"quota_percent": 20}}) is rs  # reused, not duplicated
        rs2 = apply_overrides(s, {"TTLDXS": {"quota_percent": 25}})
        assert rs2 is not rs and overrides_in_force(s, 2024) == {"TTLDXS": {"quota_percent": 25}}
        apply_overrides(s, {})
        assert overrides_in_force(s) is None
        with pytest.raises(RuleSetError):
            apply_overrides(s, {"CSTDCS": {"quota_percent": -1}})


def test_export_import_between_agencies(db, tmp_path):
    from models.db import open_database

    with db.session() as s:
        base = rule_set_for_year(s, 2024)
        rs = copy_rule_set(s, base, "Sở Y tế 2025", date(2025, 1, 1), {"CSTDCS": {"quota_percent": 12.5}})
        doc = json.loads(json.dumps(export_rule_set(rs)))
        s.commit()
    assert doc["name"] == "Sở Y tế 2025" and doc["valid_from"] == "2025-01-01" and doc["based_on"] == "2024"
    other = open_database(tmp_path / "khác.db")
    try:
        with other.session() as s:
            got = import_rule_set(s, doc)
            assert got.params["CSTDCS"]["quota_percent"] == 12.5
            assert rule_set_for_year(s, 2025) is got and rule_set_for_year(s, 2024).name == "2024"
            assert import_rule_set(s, doc) is got  # same content again: nothing new
            doc2 = dict(doc, params={**doc["params"], "CSTDCS": {**doc["params"]["CSTDCS"], "quota_percent": 10}})
            with pytest.raises(RuleSetError, match="--name"):
                import_rule_set(s, doc2)
            assert import_rule_set(s, doc2, name="Bản 2").name == "Bản 2"
            bad = dict(doc, params={k: v for k, v in doc["params"].items() if k != "LDTT"})
            with pytest.raises(RuleSetError) as err:
                import_rule_set(s, bad, name="x")
            assert any(p.startswith("params.LDTT: thiếu") for p in err.value.problems)
    finally:
        other.close()


def main(argv: list[str]) -> int:
    """The command line with only this module's commands (others may be mid-work)."""
    import argparse

    from cli import add_database_options
    from cli import rulesets as cli_rulesets

    parser = argparse.ArgumentParser()
    add_database_options(parser)
    cli_rulesets.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_rules_commands(db, tmp_path, capsys):
    url = str(db.path)
    assert main(["--db", url, "rules", "copy", "--from", "2024", "--name", "Tỷ lệ 20", "--valid-from", "2024-01-01",
                 "--set", "CSTDCS.quota_percent=20", "--set", "CSTDCS.quota_scope=unit"]) == 0
    out = capsys.readouterr().out
    assert "CSTDCS.quota_percent = 20" in out and 'CSTDCS.quota_scope = "unit"' in out
    assert main(["--db", url, "rules", "list"]) == 0
    out = capsys.readouterr().out
    assert "Tỷ lệ 20" in out and "đang áp dụng" in out
    f = tmp_path / "bộ quy định.json"
    assert main(["--db", url, "rules", "export", str(f), "--name", "Tỷ lệ 20"]) == 0
    assert json.loads(f.read_text(encoding="utf-8"))["params"]["CSTDCS"]["quota_percent"] == 20
    assert main(["--db", url, "rules", "import", str(f), "--name", "Nhập lại"]) == 0
    assert main(["--db", url, "rules", "copy", "--name", "Sai", "--set", "CSTDCS.quota_percent=200"]) == 2
    err = capsys.readouterr().err
    assert "CSTDCS.quota_percent:" in err and "không có gì thay đổi" in err
    with db.session() as s:
        assert get_rule_set(s, "Nhập lại").params["CSTDCS"]["quota_scope"] == "unit"
        assert s.scalar(select(func.count()).where(RuleSet.name == "Sai")) == 0
