"""Drafting from the database: the set-based loader, the JSON of exchange-format.md,
determinism, the rule set in force, and the ``draft`` command."""
from __future__ import annotations

import argparse
import json
import random
from datetime import date

from cli import add_database_options
from cli import drafting as cli_drafting
from cli import rulesets as cli_rulesets
from models import (
    Award,
    Decision,
    Evaluation,
    Initiative,
    Person,
    PersonUnitHistory,
    Unit,
    UnitEvaluation,
)
from models.db import open_database
from services.awards.drafting import draft_to_json, draft_to_text, draft_year
from services.awards.rulesets import copy_rule_set, rule_set_for_year

Y = 2024


def cli(argv: list[str]) -> int:
    """The command line with only this feature's commands (others may be mid-work)."""
    parser = argparse.ArgumentParser()
    add_database_options(parser)
    sub = parser.add_subparsers(dest="command")
    cli_drafting.register(sub)
    cli_rulesets.register(sub)
    args = parser.parse_args(argv)
    return args.handler(args)


class Builder:
    """Scenario rows, added in whatever order the steps are run."""

    def __init__(self, session):
        self.s = session
        self.units: dict[str, Unit] = {}
        self.people: dict[str, Person] = {}

    def unit(self, code, parent=None, name=None):
        u = Unit(code=code, name=name or f"Phòng {code}", parent=self.units.get(parent))
        self.s.add(u)
        self.units[code] = u
        return u

    def person(self, code, name, gender="nam", unit="VP", **kw):
        p = Person(code=code, full_name=name, gender=gender, unit=self.units[unit], **kw)
        self.s.add(p)
        self.people[code] = p
        return p

    def ev(self, code, year, rating, **kw):
        self.s.add(Evaluation(person=self.people[code], year=year, rating=rating, **kw))

    def unit_ev(self, code, year, rating):
        self.s.add(UnitEvaluation(unit=self.units[code], year=year, rating=rating))

    def award(self, year, title, person=None, unit=None, decision=None):
        a = Award(year=year, title_code=title, person=self.people.get(person), unit=self.units.get(unit),
                  decision=decision)
        self.s.add(a)
        return a

    def initiative(self, code, person, year, level="co_so", used_by=None):
        self.s.add(Initiative(code=code, person=self.people[person], year=year, level=level, title=f"Sáng kiến {code}",
                              used_by_award=used_by))


def build_scenario(session, seed: int | None = None):
    """A small agency. ``seed`` shuffles the order in which rows are added."""
    steps = []
    b = Builder(session)
    b.unit("VP", name="Văn phòng Sở")
    b.unit("KT", name="Phòng Kế hoạch - Tài chính")
    b.unit("KT1", parent="KT", name="Tổ Tài vụ")
    names = ["Nguyễn Thị Hoa", "Trần Văn An", "Lê Văn Bình", "Phạm Thị Ánh", "Đỗ Văn Anh", "Hoàng Thị Yến",
             "Vũ Văn Đức", "Đinh Thị Hoa", "Bùi Văn Dũng", "Ngô Thị Lan", "Lý Văn Hải", "Mai Thị Thu",
             "Cao Văn Sơn", "Tạ Thị Mai", "Dương Văn Long", "Hồ Thị Nga"]
    for i, name in enumerate(names):
        code = f"CB{i + 1:04d}"
        unit = ["VP", "KT", "KT1"][i % 3]
        gender = "nu" if " Thị " in name else "nam"
        steps.append(lambda code=code, name=name, unit=unit, gender=gender: b.person(code, name, gender, unit))
    random.Random(seed).shuffle(steps) if seed is not None else None
    for step in steps:
        step()
    b.person("CB0900", "Người Đã Xóa", unit="VP", deleted_at=date(2024, 6, 1))
    b.person("CB0901", "Chưa Bình Xét", unit="VP")
    session.flush()

    ev_steps = []
    for i in range(16):
        code = f"CB{i + 1:04d}"
        rating = "HTXSNV" if i < 6 else ("HTNV" if i == 15 else "HTTNV")
        ev_steps.append(lambda code=code, rating=rating: b.ev(code, Y, rating))
        ev_steps.append(lambda code=code: b.ev(code, Y - 1, "HTXSNV"))
    ev_steps.append(lambda: b.ev("CB0900", Y, "HTXSNV"))
    if seed is not None:
        random.Random(seed + 1).shuffle(ev_steps)
    for step in ev_steps:
        step()
    # CB0001: CSTDCS 2022 and 2023, a provincial initiative in 2024 -> CSTD_TINH when selected this year.
    b.award(Y - 2, "CSTDCS", person="CB0001")
    b.award(Y - 1, "CSTDCS", person="CB0001")
    b.initiative("SK-2024-01", "CB0001", Y, "tinh")
    # CB0002: CSTDCS 2022 from a cancelled decision: does not count.
    cancelled = Decision(number="99/QĐ-SLĐTBXH", issued_on=date(2022, 12, 20), state="da_huy", cancel_reason="Sai sót")
    session.add(cancelled)
    b.award(Y - 2, "CSTDCS", person="CB0002", decision=cancelled)
    b.award(Y - 1, "CSTDCS", person="CB0002")
    b.initiative("SK-2023-02", "CB0002", Y - 1, "tinh")
    # CB0003: two initiatives but one already used by the 2023 award -> not BK_TINH.
    used = b.award(Y - 1, "GIAY_KHEN", person="CB0003")
    b.initiative("SK-2023-03", "CB0003", Y - 1, used_by=used)
    b.initiative("SK-2024-03", "CB0003", Y)
    # CB0004: two free initiatives -> BK_TINH by HTXSNV in both years.
    b.initiative("SK-2023-04", "CB0004", Y - 1)
    b.initiative("SK-2024-04", "CB0004", Y)
    # CB0005: Bằng khen in 2015 and a long chain of HTTNV: BK_TTG needs the old ratings.
    b.award(2015, "BK_TINH", person="CB0005")
    for yr in range(2016, Y - 1):
        b.ev("CB0005", yr, "HTTNV")
    for yr in (2017, 2019, 2021):
        b.award(yr, "CSTDCS", person="CB0005")
    # CB0007 moved from KT to VP in 2025: in 2024 it counted in KT (index 6 -> VP today).
    b.s.add(PersonUnitHistory(person=b.people["CB0007"], unit=b.units["KT"], start_date=date(2020, 1, 1),
                              end_date=date(2024, 12, 31)))
    b.s.add(PersonUnitHistory(person=b.people["CB0007"], unit=b.units["VP"], start_date=date(2025, 1, 1)))
    for u in ("VP", "KT", "KT1"):
        b.unit_ev(u, Y, "HTXSNV")
        b.unit_ev(u, Y - 1, "HTXSNV")
    session.flush()
    return b


def test_draft_from_database(db):
    with db.session() as s:
        build_scenario(s)
        s.commit()
        draft = draft_year(s, Y)
    doc = draft_to_json(draft)
    assert doc["year"] == Y and doc["rule_set"] == "2024"
    assert [l["title"] for l in doc["lists"]] == ["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOANQUOC", "GIAY_KHEN",
                                                  "BK_TINH", "BK_BO", "BK_TTG", "TTLDTT", "TTLDXS"]
    for l in doc["lists"]:
        assert set(l) == {"title", "subject", "quota", "quota_basis", "selected", "over_quota", "ineligible"}
    lists = {l["title"]: l for l in doc["lists"]}
    ldtt = lists["LDTT"]
    considered = {f"CB{i:04d}" for i in range(1, 17)}  # not the deleted one, not the one without an evaluation
    assert set(ldtt["selected"]) | set(ldtt["ineligible"]) == considered
    assert ldtt["quota"] is None and list(ldtt["ineligible"]) == ["CB0016"]
    cs = lists["CSTDCS"]
    assert cs["quota"] == 2 and cs["quota_basis"] == "floor(15% x 15 LDTT, agency)"
    # Six HTXSNV candidates, no votes or scores; CB0001, CB0003 and CB0004 also have a 2024 initiative
    # (two grounds, step 2); among them women first (step 4), then name order: Ánh (CB0004) before Hoa.
    assert cs["selected"] == ["CB0004", "CB0001"]
    assert cs["over_quota"][0] == "CB0003"
    over = {e.code: e for e in draft.list_for("CSTDCS").over_quota}
    assert "ở bước 4: bằng nhau ở các bước trên, ưu tiên cán bộ nữ" in str(over["CB0003"].reasons[-1])
    assert "ở bước 2" in str(over["CB0006"].reasons[-1])
    assert all(r.startswith("P2: ") and r.endswith("(Luật TĐKT 2022 Điều 23)") for r in cs["ineligible"]["CB0010"])
    assert lists["CSTD_TINH"]["selected"] == ["CB0001"]
    assert "CB0002" in lists["CSTD_TINH"]["ineligible"]  # cancelled 2022 award and not selected this year
    bk = lists["BK_TINH"]
    assert "CB0004" in bk["selected"] and "CB0003" in bk["ineligible"]
    assert any("SK-2023-03 đã dùng cho khen thưởng năm 2023" in r for r in bk["ineligible"]["CB0003"])
    assert bk["subject"] == "both" and {"VP", "KT", "KT1"} <= set(bk["selected"])
    assert lists["BK_TTG"]["selected"] == ["CB0005"], lists["BK_TTG"]["ineligible"].get("CB0005")
    assert lists["TTLDXS"]["quota"] == 0  # floor(30% x 3)
    # CB0007 (HTTNV) counts in KT in 2024: KT (with KT1) has 10 + 1 members.
    kt = draft.list_for("TTLDTT").selected
    assert any(e.code == "KT" and "/11 thành viên" in str(e.reasons[0]) for e in kt)


def test_draft_is_deterministic_whatever_the_row_order(tmp_path):
    docs = []
    for seed in (None, 3, 11):
        database = open_database(tmp_path / f"đ{seed}.db")
        try:
            with database.session() as s:
                build_scenario(s, seed)
                s.commit()
                docs.append(json.dumps(draft_to_json(draft_year(s, Y)), ensure_ascii=False))
                assert json.dumps(draft_to_json(draft_year(s, Y)), ensure_ascii=False) == docs[-1]  # re-run
        finally:
            database.close()
    assert docs[0] == docs[1] == docs[2]


def test_copied_rule_set_with_quota_20_selects_more(db):
    with db.session() as s:
        build_scenario(s)
        s.commit()
        assert len(draft_year(s, Y).list_for("CSTDCS").selected) == 2
        copy_rule_set(s, rule_set_for_year(s, Y), "CSTĐCS 20%", date(2024, 1, 1), {"CSTDCS": {"quota_percent": 20}})
        draft = draft_year(s, Y)
    assert draft.rule_set == "CSTĐCS 20%"
    cs = draft.list_for("CSTDCS")
    assert cs.quota == 3 and len(cs.selected) == 3 and cs.quota_basis == "floor(20% x 15 LDTT, agency)"


def test_draft_command_json_and_text(db, capsys):
    with db.session() as s:
        build_scenario(s)
        s.commit()
    url = str(db.path)
    assert cli(["--db", url, "draft", "--year", str(Y), "--json"]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)  # nothing but the JSON document on stdout
    assert doc["lists"][1]["selected"] == ["CB0004", "CB0001"]
    # The "done when" check from the command line: a copied rule set with 20%.
    assert cli(["--db", url, "rules", "copy", "--name", "20%", "--valid-from", "2024-01-01",
                "--set", "CSTDCS.quota_percent=20"]) == 0
    capsys.readouterr()
    assert cli(["--db", url, "draft", "--year", str(Y), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rule_set"] == "20%" and len(doc["lists"][1]["selected"]) == 3
    assert cli(["--db", url, "draft", "--year", str(Y)]) == 0
    text = capsys.readouterr().out
    assert "DỰ THẢO DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024" in text
    assert "CSTDCS - Chiến sĩ thi đua cơ sở (cá nhân)" in text and "Tỷ lệ tối đa: 3" in text
    assert "KHÔNG ĐỦ ĐIỀU KIỆN" in text and "Nguyễn Thị Hoa" in text
    assert cli(["--db", url, "draft", "--year", "2020", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Không có bộ quy định nào có hiệu lực trong năm 2020" in captured.err


def test_draft_text_for_empty_year(db):
    with db.session() as s:
        draft = draft_year(s, 2025)
    assert draft.considered_people == 0 and draft.warnings
    assert "Không có cán bộ nào có kết quả bình xét năm 2025" in draft_to_text(draft)


def test_demo_exchange_drafts_sanely(db):
    """Import the demo exchange file and draft 2024: the lists hang together."""
    import re

    from services.records.demo import build_demo_exchange
    from services.records.exchange import import_exchange

    with db.session() as s:
        import_exchange(s, build_demo_exchange())
        s.commit()
        doc = draft_to_json(draft_year(s, Y))
        assert draft_to_json(draft_year(s, Y)) == doc  # re-run: same result
    lists = {l["title"]: l for l in doc["lists"]}
    ldtt = set(lists["LDTT"]["selected"])
    considered = ldtt | set(lists["LDTT"]["ineligible"])
    cs = lists["CSTDCS"]
    assert cs["quota"] == 15 * len(ldtt) // 100 and len(cs["selected"]) == min(cs["quota"], len(cs["selected"]) + len(cs["over_quota"]))
    assert set(cs["selected"]) <= ldtt
    reason = re.compile(r"^[PU][1-8]: .+ \((Luật TĐKT 2022|NĐ 98/2023/NĐ-CP|TT 01/2024/TT-BNV|Công văn 5007/BNV-TĐKT)[^)]*\)$")
    for l in doc["lists"]:
        groups = [set(l["selected"]), set(l["over_quota"]), set(l["ineligible"])]
        assert not (groups[0] & groups[1] or groups[0] & groups[2] or groups[1] & groups[2])
        if l["subject"] == "person":
            assert set().union(*groups) == considered
        for reasons in l["ineligible"].values():
            assert reasons and all(reason.match(r) for r in reasons), reasons
    assert set(lists["CSTD_TINH"]["selected"]) <= set(cs["selected"])  # Y counts only when selected now
    assert len(lists["TTLDXS"]["selected"]) <= lists["TTLDXS"]["quota"]
