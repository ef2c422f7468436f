"""The demo database: the Sở LĐ-TBXH Hà Tĩnh of ``ke-hoach-thi-dua-2024.txt`` with about
480 staff, their evaluations 2020-2024, initiatives, awards and decisions, and the 2024
plan (phases, targets, title targets, registrations).

Everything is deterministic: random draws come from ``random.Random`` seeded with fixed
strings (one stream per purpose), and nothing depends on set or dict hash order, so two
builds give the same document.

The award history starts in 2019 (one year before the first evaluations, 2020): the
BK_TTG rules (P7, U4) need a BK_TINH at least five years before 2024.

Planted scenarios for the 2024 draft (rules-2024.md); codes are fixed, so a reviewer can
check the draft by hand. Ratings strings are 2020..2024, X=HTXSNV T=HTTNV N=HTNV K=KHTNV.

People
  CB0008 VP     CSTD_TINH eligible: CSTDCS 2022, 2023, selected 2024 (votes 20/20), tinh initiative 2023.
  CB0058 NCC    CSTD_TINH eligible: CSTDCS 2022, 2023, selected 2024 (20/20), tinh initiative 2024.
  CB0044 LDVL   CSTD_TINH excluded: the chain 2022-2024 holds but only co_so initiatives.
  CB0034 KHTC   CSTD_TINH excluded: CSTDCS 2021 and 2023, 2022 missing (chain broken); tinh initiative 2022.
  CB0101 DVVL-TV CSTD_TINH excluded: CSTDCS 2022, 2023 and a tinh initiative, but rated HTNV in 2024.
  CB0224 DDNCC  CSTD_TOANQUOC eligible: CSTD_TINH 2022 and 2023, toan_quoc initiative 2023
                (also CSTD_TINH eligible in 2024: CSTDCS 2020-2023, selected 2024, tinh initiative 2021).
  CB0284 PH-HT  CSTD_TOANQUOC excluded: CSTD_TINH 2022 and 2023 but only tinh initiatives; 2024 HTTNV.
  CB0411 PH-TH  CSTD_TOANQUOC excluded: CSTD_TINH 2021 and 2023, not consecutive; toan_quoc initiative 2021.
  CB0025 TTRA   BK_TINH eligible (b): HTXSNV 2023 and 2024, two free co_so initiatives (2023, 2024).
  CB0429 PH-CX  BK_TINH eligible (a): CSTDCS 2023 (used one 2023 initiative) and selected 2024 (20/20);
                two more free initiatives (2023, 2024).
  CB0082 PCTNXH BK_TINH excluded: HTXSNV 2023 and 2024, but its 2023 initiative was used by the
                CSTDCS 2023 award, so only one free initiative.
  CB0071 BTXH   BK_TINH excluded: HTXSNV 2024 but HTTNV 2023 and no CSTDCS 2023 (two free 2024 initiatives).
  CB0119 DVVL-BH BK_TTG eligible: BK_TINH 2019, HTTNV or better 2020-2024, CSTDCS 2020, 2021, 2023.
  CB0194 TTBT-CS BK_TTG excluded: BK_TINH 2019 but HTNV in 2022.
  CB0256 LTE    BK_TTG excluded: BK_TINH 2020, only four years before 2024.
  CB0326 PH-NX  BK_TTG excluded: BK_TINH 2019, good ratings, CSTDCS only 2021 and 2022 (two years).
  CB0360 PH-HS  LDTT eligible with exactly 6 months (joined 01/07/2024).
  CB0390 PH-CL  LDTT excluded: 5 months (joined 01/08/2024).
  CB0110 DVVL-TV LDTT excluded: 3 months (joined 01/10/2024).
  CB0074 BTXH   LDTT eligible: 2 months worked + 4 months maternity leave = 6.
  CB0265 LTE    LDTT excluded: 1 month worked + 4 months maternity leave = 5.
  CB0200 TTBT-CS LDTT eligible: 5 months worked + 7 months maternity leave.
  CB0076 BTXH   khien_trach (HTTNV): excluded from LDTT by discipline only.
  CB0342 PH-DT  canh_cao (HTNV); CB0346 PH-DT ha_bac_luong (HTNV).
  CB0148 CNMT-YT giang_chuc; CB0165 CNMT-GD cach_chuc; CB0170 CNMT-GD buoc_thoi_viec, left 15/10/2024
                (all KHTNV).
  CB0027 TTRA   HTXSNV but under_review: excluded from everything.
  CB0205 TTBT-CS and CB0400 PH-LH: KHTNV.
  CB0048 LDVL   CSTDCS excluded: HTXSNV, votes 13/20 (65% < 70%).
  CB0062 NCC    CSTDCS eligible at the boundary: HTXSNV, votes 14/20 (70%).
  CB0330 PH-NX  CSTDCS eligible on one ground: HTTNV with a co_so initiative 2024.
  CB0285 PH-HT, CB0412 PH-TH, CB0210 TTBT-CS, CB0447 PH-KA: HTXSNV + initiative 2024, votes 20/20, so that
                their unit has a member selected for CSTDCS.
  CSTDCS quota: about 20% of those eligible for LDTT qualify (HTXSNV, or an initiative), more than
                the 15% quota, so the quota cuts some; background votes are 15-19 of 20, planted 20/20 rank first.

Units (unit ratings 2020..2024 in UNIT_RATINGS)
  VP, KHTC, LDVL, NCC, DVVL, DDNCC, PH-HT, PH-CX, PH-TH: TTLDXS eligible (9 > the quota floor(30% x 21) = 6).
  BTXH    TTLDXS excluded: a member with khien_trach (CB0076); TTLDTT eligible.
  TTBT    TTLDXS excluded: a member rated KHTNV (CB0205); TTLDTT eligible.
  PH-KA   TTLDXS excluded: 11 of 17 members LDTT (65% < 70%); TTLDTT eligible.
  PH-HL   TTLDXS excluded: no member qualifies for CSTDCS in 2024; TTLDTT eligible.
  PH-DT   TTLDTT excluded: members with canh_cao and ha_bac_luong.
  CNMT    TTLDTT excluded: members with giang_chuc, cach_chuc, buoc_thoi_viec.
  PH-VQ   TTLDTT excluded: 4 of 10 members LDTT (40% < 50%).
  PH-LH   TTLDTT excluded: unit rated HTNV in 2024.
  BK_TINH (unit) eligible: HTXSNV 2023 and 2024 (VP, LDVL, NCC, BTXH, DVVL, TTBT, DDNCC, PH-HT, PH-HL, PH-KA);
          excluded: KHTC, PH-TH, PH-CX (HTXSNV 2024 but HTTNV 2023).
  BK_TTG (unit) eligible: NCC (BK_TINH 2019, HTXSNV 2020-2024). Excluded: TTRA (BK_TINH 2019, HTTNV 2021),
          DDNCC (CO_TINH 2020, only four years), DVVL (HTXSNV every year but no earlier award).
  BGD (Ban Giám đốc) and HUYEN (the group of district offices) are kind ``khac`` without unit ratings.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import (
    Agency,
    Decision,
    EmulationPlan,
    Person,
    Phase,
    Signer,
    Target,
    TitleTarget,
)
from models.db import DEMO_DB_NAME, Database, data_dir, open_database

SEED = "tdkt-demo-2024"
YEARS = (2020, 2021, 2022, 2023, 2024)
REVIEW_YEAR = 2024
EXPORTED_AT = "2024-12-10T08:00:00"

AGENCY = {"name": "Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh", "short_name": "Sở LĐ-TBXH", "place": "Hà Tĩnh"}
PARENT_AUTHORITY = "UBND TỈNH HÀ TĨNH"
DOC_SUFFIX = "SLĐTBXH"

DIRECTOR = "Trần Đình Hải"  # invented
DEPUTY_SIGNER = "Đinh Hữu Công"  # signs the 2024 plan
OTHER_DEPUTY = "Lê Thị Thu Hằng"  # invented

# code, name, parent, kind, number of people attached directly.
UNITS: list[tuple[str, str, str | None, str, int]] = [
    ("BGD", "Ban Giám đốc Sở", None, "khac", 3),
    ("VP", "Văn phòng Sở", None, "phong", 18),
    ("TTRA", "Thanh tra Sở", None, "phong", 9),
    ("KHTC", "Phòng Kế hoạch - Tài chính", None, "phong", 10),
    ("LDVL", "Phòng Lao động - Việc làm - Giáo dục nghề nghiệp", None, "phong", 14),
    ("NCC", "Phòng Người có công", None, "phong", 12),
    ("BTXH", "Phòng Bảo trợ xã hội - Trẻ em - Bình đẳng giới", None, "phong", 12),
    ("PCTNXH", "Phòng Phòng, chống tệ nạn xã hội", None, "phong", 8),
    ("DVVL", "Trung tâm Dịch vụ việc làm", None, "don_vi", 3),
    ("DVVL-HC", "Phòng Hành chính - Tổng hợp", "DVVL", "khac", 8),
    ("DVVL-TV", "Phòng Tư vấn - Giới thiệu việc làm", "DVVL", "khac", 18),
    ("DVVL-BH", "Phòng Bảo hiểm thất nghiệp", "DVVL", "khac", 14),
    ("CNMT", "Cơ sở cai nghiện ma túy tỉnh", None, "don_vi", 3),
    ("CNMT-HC", "Phòng Hành chính - Tổng hợp", "CNMT", "khac", 10),
    ("CNMT-YT", "Phòng Y tế - Điều trị", "CNMT", "khac", 14),
    ("CNMT-GD", "Phòng Giáo dục - Lao động trị liệu", "CNMT", "khac", 22),
    ("TTBT", "Trung tâm Bảo trợ xã hội", None, "don_vi", 3),
    ("TTBT-HC", "Tổ Hành chính - Kế toán", "TTBT", "khac", 9),
    ("TTBT-CS", "Khoa Chăm sóc - Phục hồi chức năng", "TTBT", "khac", 30),
    ("DDNCC", "Trung tâm Điều dưỡng người có công", None, "don_vi", 32),
    ("LTE", "Làng trẻ em mồ côi tỉnh", None, "don_vi", 28),
    ("HUYEN", "Phòng Lao động - Thương binh và Xã hội cấp huyện", None, "khac", 0),
    ("PH-HT", "Phòng Lao động - Thương binh và Xã hội thành phố Hà Tĩnh", "HUYEN", "phong_huyen", 16),
    ("PH-HL", "Phòng Lao động - Thương binh và Xã hội thị xã Hồng Lĩnh", "HUYEN", "phong_huyen", 12),
    ("PH-TXKA", "Phòng Lao động - Thương binh và Xã hội thị xã Kỳ Anh", "HUYEN", "phong_huyen", 14),
    ("PH-NX", "Phòng Lao động - Thương binh và Xã hội huyện Nghi Xuân", "HUYEN", "phong_huyen", 15),
    ("PH-DT", "Phòng Lao động - Thương binh và Xã hội huyện Đức Thọ", "HUYEN", "phong_huyen", 15),
    ("PH-HS", "Phòng Lao động - Thương binh và Xã hội huyện Hương Sơn", "HUYEN", "phong_huyen", 17),
    ("PH-VQ", "Phòng Lao động - Thương binh và Xã hội huyện Vũ Quang", "HUYEN", "phong_huyen", 10),
    ("PH-CL", "Phòng Lao động - Thương binh và Xã hội huyện Can Lộc", "HUYEN", "phong_huyen", 16),
    ("PH-LH", "Phòng Lao động - Thương binh và Xã hội huyện Lộc Hà", "HUYEN", "phong_huyen", 12),
    ("PH-TH", "Phòng Lao động - Thương binh và Xã hội huyện Thạch Hà", "HUYEN", "phong_huyen", 18),
    ("PH-CX", "Phòng Lao động - Thương binh và Xã hội huyện Cẩm Xuyên", "HUYEN", "phong_huyen", 18),
    ("PH-KA", "Phòng Lao động - Thương binh và Xã hội huyện Kỳ Anh", "HUYEN", "phong_huyen", 17),
    ("PH-HK", "Phòng Lao động - Thương binh và Xã hội huyện Hương Khê", "HUYEN", "phong_huyen", 16),
]

# Unit ratings 2020..2024 (X=HTXSNV, T=HTTNV, N=HTNV) of the units that are rated.
UNIT_RATINGS: dict[str, str] = {
    "VP": "XTXXX", "TTRA": "XTXXT", "KHTC": "TXTTX", "LDVL": "XXTXX", "NCC": "XXXXX", "BTXH": "TXXXX",
    "PCTNXH": "TTXTT", "DVVL": "XXXXX", "CNMT": "TTTXT", "TTBT": "XTXXX", "DDNCC": "XXXXX", "LTE": "TXTTT",
    "PH-HT": "XXTXX", "PH-HL": "TXXXX", "PH-TXKA": "TTXTT", "PH-NX": "TTTXT", "PH-DT": "XTTTT", "PH-HS": "TXTTT",
    "PH-VQ": "TTNTT", "PH-CL": "XTTXT", "PH-LH": "TNTTN", "PH-TH": "TXXTX", "PH-CX": "TTXTX", "PH-KA": "XTXXX",
    "PH-HK": "TTTTT",
}
# Units that must fail in 2024 only for their planted reason: no other member may pull
# their LDTT share down (background HTNV ratings are raised to HTTNV as needed).
GUARDED_UNITS = ("VP", "KHTC", "LDVL", "NCC", "DVVL", "DDNCC", "PH-HT", "PH-CX", "PH-TH", "BTXH", "TTBT", "PH-HL")
# PH-HL: no member qualifies for CSTDCS in 2024 (nobody HTXSNV, no initiative).
NO_CSTDCS_UNIT = "PH-HL"
# Exact 2024 ratings of members by position in the unit (the rest HTTNV, the head HTXSNV).
SHAPED_UNITS: dict[str, dict[int, str]] = {
    "PH-KA": {i: "N" for i in range(5, 11)},  # 11 of 17 LDTT
    "PH-VQ": {i: "N" for i in range(4, 10)},  # 4 of 10 LDTT
}

# Unit awards: (year, title, unit).
UNIT_AWARDS: list[tuple[int, str, str]] = [
    (2019, "BK_TINH", "NCC"), (2019, "BK_TINH", "TTRA"), (2020, "CO_TINH", "DDNCC"), (2021, "BK_TINH", "VP"),
    (2022, "BK_TINH", "DVVL"), (2023, "BK_TINH", "LDVL"), (2023, "CO_TINH", "DVVL"),
]

_RATING = {"X": "HTXSNV", "T": "HTTNV", "N": "HTNV", "K": "KHTNV"}


@dataclass
class Plant:
    """A planted person: ratings 2020..2024 ('-' = no evaluation), initiatives (year, level,
    title of the award of that year that used it, or None), awards (year, title), and the
    2024 evaluation's particulars."""

    code: str
    unit: str
    ratings: str
    initiatives: list[tuple[int, str, str | None]] = field(default_factory=list)
    awards: list[tuple[int, str]] = field(default_factory=list)
    votes: tuple[int, int] | None = None
    score: int | None = None
    months: int = 12
    maternity: int = 0
    discipline: str | None = None
    under_review: bool = False
    joined: date | None = None
    left: date | None = None
    gender: str | None = None


PLANTS: list[Plant] = [
    # CSTD_TINH (P4)
    Plant("CB0008", "VP", "TTXXX", [(2022, "co_so", "CSTDCS"), (2023, "co_so", "CSTDCS"), (2023, "tinh", None),
                                    (2024, "co_so", None)], [(2022, "CSTDCS"), (2023, "CSTDCS")], (20, 20), 98),
    Plant("CB0058", "NCC", "TXXXX", [(2022, "co_so", "CSTDCS"), (2023, "co_so", "CSTDCS"), (2024, "tinh", None)],
          [(2022, "CSTDCS"), (2023, "CSTDCS")], (20, 20), 97),
    Plant("CB0044", "LDVL", "TTXXX", [(2022, "co_so", "CSTDCS"), (2023, "co_so", "CSTDCS"), (2024, "co_so", None)],
          [(2022, "CSTDCS"), (2023, "CSTDCS")], (20, 20), 96),
    Plant("CB0034", "KHTC", "TXTXX", [(2021, "co_so", "CSTDCS"), (2022, "tinh", None), (2023, "co_so", "CSTDCS"),
                                      (2024, "co_so", None)], [(2021, "CSTDCS"), (2023, "CSTDCS")], (20, 20), 95),
    Plant("CB0101", "DVVL-TV", "TTXXN", [(2022, "co_so", "CSTDCS"), (2023, "co_so", "CSTDCS"), (2023, "tinh", None)],
          [(2022, "CSTDCS"), (2023, "CSTDCS")]),
    # CSTD_TOANQUOC (P5)
    Plant("CB0224", "DDNCC", "XXXXX", [(2020, "co_so", "CSTDCS"), (2021, "co_so", "CSTDCS"), (2021, "tinh", None),
                                       (2022, "co_so", "CSTDCS"), (2023, "co_so", "CSTDCS"), (2023, "toan_quoc", None),
                                       (2024, "co_so", None)],
          [(2020, "CSTDCS"), (2021, "CSTDCS"), (2022, "CSTDCS"), (2022, "CSTD_TINH"), (2023, "CSTDCS"),
           (2023, "CSTD_TINH")], (20, 20), 99),
    Plant("CB0284", "PH-HT", "XXXXT", [(2020, "co_so", "CSTDCS"), (2021, "co_so", "CSTDCS"), (2021, "tinh", None),
                                       (2022, "co_so", "CSTDCS"), (2023, "co_so", "CSTDCS"), (2023, "tinh", None)],
          [(2020, "CSTDCS"), (2021, "CSTDCS"), (2022, "CSTDCS"), (2022, "CSTD_TINH"), (2023, "CSTDCS"),
           (2023, "CSTD_TINH")]),
    Plant("CB0411", "PH-TH", "XXXXT", [(2020, "co_so", "CSTDCS"), (2021, "co_so", "CSTDCS"),
                                       (2021, "toan_quoc", None), (2022, "co_so", "CSTDCS"),
                                       (2023, "co_so", "CSTDCS"), (2023, "tinh", None)],
          [(2019, "CSTDCS"), (2020, "CSTDCS"), (2021, "CSTDCS"), (2021, "CSTD_TINH"), (2022, "CSTDCS"),
           (2023, "CSTDCS"), (2023, "CSTD_TINH")]),
    # BK_TINH, person (P6)
    Plant("CB0025", "TTRA", "TTTXX", [(2023, "co_so", None), (2024, "co_so", None)], [], (18, 20), 92),
    Plant("CB0429", "PH-CX", "TTXTX", [(2023, "co_so", "CSTDCS"), (2023, "co_so", None), (2024, "co_so", None)],
          [(2023, "CSTDCS")], (20, 20), 94),
    Plant("CB0082", "PCTNXH", "TTTXX", [(2023, "co_so", "CSTDCS"), (2024, "co_so", None)], [(2023, "CSTDCS")],
          (17, 20), 90),
    Plant("CB0071", "BTXH", "TXTTX", [(2024, "co_so", None), (2024, "co_so", None)], [], (20, 20), 93),
    # BK_TTG, person (P7)
    Plant("CB0119", "DVVL-BH", "XXTXX", [(2020, "co_so", "CSTDCS"), (2021, "co_so", "CSTDCS"),
                                         (2023, "co_so", "CSTDCS"), (2024, "co_so", None)],
          [(2019, "BK_TINH"), (2020, "CSTDCS"), (2021, "CSTDCS"), (2023, "CSTDCS")], (20, 20), 96),
    Plant("CB0194", "TTBT-CS", "XXNXT", [(2020, "co_so", "CSTDCS"), (2021, "co_so", "CSTDCS"),
                                         (2023, "co_so", "CSTDCS")],
          [(2019, "BK_TINH"), (2020, "CSTDCS"), (2021, "CSTDCS"), (2023, "CSTDCS")]),
    Plant("CB0256", "LTE", "XTXXX", [(2021, "co_so", "CSTDCS"), (2022, "co_so", "CSTDCS"), (2023, "co_so", "CSTDCS"),
                                     (2024, "co_so", None)],
          [(2020, "BK_TINH"), (2021, "CSTDCS"), (2022, "CSTDCS"), (2023, "CSTDCS")], (18, 20), 91),
    Plant("CB0326", "PH-NX", "TXXTT", [(2021, "co_so", "CSTDCS"), (2022, "co_so", "CSTDCS")],
          [(2019, "BK_TINH"), (2021, "CSTDCS"), (2022, "CSTDCS")]),
    # LDTT (P1): months worked, maternity leave
    Plant("CB0360", "PH-HS", "----T", months=6, joined=date(2024, 7, 1)),
    Plant("CB0390", "PH-CL", "----T", months=5, joined=date(2024, 8, 1)),
    Plant("CB0110", "DVVL-TV", "----T", months=3, joined=date(2024, 10, 1)),
    Plant("CB0074", "BTXH", "TTTTT", months=2, maternity=4, gender="nu"),
    Plant("CB0265", "LTE", "TTTTT", months=1, maternity=4, gender="nu"),
    Plant("CB0200", "TTBT-CS", "TXTTT", months=5, maternity=7, gender="nu"),
    # Discipline, under review, KHTNV
    Plant("CB0076", "BTXH", "TTTTT", discipline="khien_trach"),
    Plant("CB0342", "PH-DT", "TTTTN", discipline="canh_cao"),
    Plant("CB0346", "PH-DT", "TTNTN", discipline="ha_bac_luong"),
    Plant("CB0148", "CNMT-YT", "TTTNK", discipline="giang_chuc"),
    Plant("CB0165", "CNMT-GD", "TTTTK", discipline="cach_chuc"),
    Plant("CB0170", "CNMT-GD", "TNTTK", months=9, discipline="buoc_thoi_viec", left=date(2024, 10, 15)),
    Plant("CB0027", "TTRA", "TTXTX", votes=(18, 20), score=93, under_review=True),
    Plant("CB0205", "TTBT-CS", "TTNTK"),
    Plant("CB0400", "PH-LH", "TNTTK"),
    # CSTDCS (P2): votes, one ground
    Plant("CB0048", "LDVL", "TTTTX", votes=(13, 20), score=88),
    Plant("CB0062", "NCC", "TTTXX", votes=(14, 20), score=89),
    Plant("CB0330", "PH-NX", "TTTTT", [(2024, "co_so", None)], votes=(17, 20), score=86),
    # Members selected for CSTDCS in units that need one (TTLDXS, U2)
    Plant("CB0285", "PH-HT", "TXTTX", [(2024, "co_so", None)], votes=(20, 20), score=95),
    Plant("CB0412", "PH-TH", "TTXTX", [(2024, "co_so", None)], votes=(20, 20), score=94),
    Plant("CB0210", "TTBT-CS", "TTTXX", [(2024, "co_so", None)], votes=(20, 20), score=93),
    Plant("CB0447", "PH-KA", "TXTTX", [(2024, "co_so", None)], votes=(20, 20), score=92),
]

# --- names and positions ------------------------------------------------------------

FAMILY_NAMES = [("Nguyễn", 30), ("Trần", 10), ("Lê", 10), ("Phan", 7), ("Võ", 6), ("Hoàng", 4), ("Đặng", 4),
                ("Bùi", 3), ("Hồ", 4), ("Đinh", 3), ("Thái", 3), ("Đậu", 2), ("Dương", 2), ("Phạm", 4), ("Ngô", 2),
                ("Đoàn", 2), ("Cao", 2), ("Chu", 1), ("Đỗ", 2), ("Trương", 2), ("Hà", 1), ("Lưu", 1)]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đình", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Công", "Thanh", "Trọng", "Anh",
               "Hồng", "Tiến", "Quốc", "Ngọc", "Viết"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Thị Thu", "Thị Hồng", "Thị Minh", "Thu", "Thanh", "Ngọc", "Hồng",
                 "Kim", "Mỹ", "Hải", "Thùy", "Phương", "Diệu", "Thị Thanh"]
GIVEN_MALE = ["Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Long", "Sơn", "Thắng", "Minh", "Quân", "Hiếu", "Trung", "Đức",
              "Cường", "Tùng", "Phong", "Hòa", "Bình", "Toàn", "Thành", "Hoàng", "Khánh", "Lâm", "Vinh", "Tâm",
              "Việt", "Anh", "Huy", "Kiên", "Đạt", "Lộc", "Thịnh", "Nghĩa", "Quang", "Tiến", "Chiến", "Hưng"]
GIVEN_FEMALE = ["Hoa", "Lan", "Hương", "Hằng", "Linh", "Trang", "Thủy", "Nga", "Hà", "Mai", "Huyền", "Thảo",
                "Nhung", "Oanh", "Phương", "Yến", "Loan", "Dung", "Hạnh", "Vân", "Ngân", "Tâm", "Hiền", "Thúy",
                "Quỳnh", "Giang", "Hồng", "Nhàn", "Ly", "Châu", "Thơ", "Lý", "Nhi", "Duyên", "Hậu", "Liên"]

# (head, deputies, others) per unit; others are cycled.
POSITIONS: dict[str, tuple[str, str, list[str]]] = {
    "VP": ("Chánh Văn phòng", "Phó Chánh Văn phòng", ["Chuyên viên", "Chuyên viên", "Kế toán", "Văn thư",
                                                        "Chuyên viên", "Lái xe", "Nhân viên"]),
    "TTRA": ("Chánh Thanh tra", "Phó Chánh Thanh tra", ["Thanh tra viên", "Thanh tra viên", "Chuyên viên"]),
    "DVVL": ("Giám đốc", "Phó Giám đốc", []),
    "CNMT": ("Giám đốc", "Phó Giám đốc", []),
    "TTBT": ("Giám đốc", "Phó Giám đốc", []),
    "DDNCC": ("Giám đốc", "Phó Giám đốc", ["Bác sĩ", "Điều dưỡng", "Điều dưỡng", "Viên chức", "Kế toán", "Nhân viên"]),
    "LTE": ("Giám đốc", "Phó Giám đốc", ["Bảo mẫu", "Bảo mẫu", "Giáo viên", "Viên chức", "Nhân viên"]),
    "DVVL-TV": ("Trưởng phòng", "Phó Trưởng phòng", ["Tư vấn viên", "Viên chức", "Tư vấn viên"]),
    "DVVL-BH": ("Trưởng phòng", "Phó Trưởng phòng", ["Viên chức", "Viên chức", "Kế toán"]),
    "CNMT-YT": ("Trưởng phòng", "Phó Trưởng phòng", ["Bác sĩ", "Y sĩ", "Điều dưỡng", "Điều dưỡng"]),
    "CNMT-GD": ("Trưởng phòng", "Phó Trưởng phòng", ["Giáo viên", "Viên chức", "Nhân viên bảo vệ", "Viên chức"]),
    "TTBT-HC": ("Tổ trưởng", "Tổ phó", ["Kế toán", "Viên chức", "Nhân viên"]),
    "TTBT-CS": ("Trưởng khoa", "Phó Trưởng khoa", ["Điều dưỡng", "Nhân viên chăm sóc",
                                                  "Kỹ thuật viên phục hồi chức năng", "Nhân viên chăm sóc"]),
}
DEFAULT_POSITIONS = ("Trưởng phòng", "Phó Trưởng phòng", ["Chuyên viên", "Chuyên viên", "Chuyên viên", "Viên chức"])
FEMALE_SHARE = {"TTBT-CS": 0.75, "LTE": 0.75, "CNMT-GD": 0.3, "CNMT-YT": 0.4}

INITIATIVE_TITLES = [
    "Số hóa hồ sơ người có công và thân nhân",
    "Ứng dụng phần mềm quản lý đối tượng bảo trợ xã hội",
    "Giải pháp nâng cao chất lượng tư vấn, giới thiệu việc làm cho người lao động",
    "Kết nối cung - cầu lao động qua sàn giao dịch việc làm trực tuyến",
    "Nâng cao hiệu quả chi trả trợ cấp qua tài khoản ngân hàng",
    "Rút ngắn thời gian giải quyết thủ tục hành chính lĩnh vực người có công",
    "Mô hình chăm sóc, phục hồi chức năng cho người khuyết tật tại cơ sở",
    "Giải pháp quản lý người nghiện ma túy tại cộng đồng",
    "Đổi mới phương pháp giáo dục, lao động trị liệu cho học viên cai nghiện",
    "Xây dựng bộ tiêu chí xã, phường phù hợp với trẻ em",
    "Tổ chức điều dưỡng luân phiên người có công tại gia đình",
    "Ứng dụng chữ ký số trong quản lý văn bản điều hành",
    "Giải pháp giảm nghèo bền vững theo chuẩn nghèo đa chiều",
    "Nâng cao tỷ lệ lao động tham gia bảo hiểm xã hội tự nguyện",
    "Chuẩn hóa quy trình thanh tra, kiểm tra việc thực hiện chính sách lao động",
    "Tăng cường tuyên truyền phòng, chống xâm hại trẻ em trên mạng xã hội",
    "Mô hình hỗ trợ việc làm cho lao động trở về từ nước ngoài",
    "Quản lý tài chính, tài sản công bằng phần mềm kế toán",
    "Giải pháp nâng cao chất lượng đào tạo nghề cho lao động nông thôn",
    "Cơ sở dữ liệu người lao động đi làm việc ở nước ngoài theo hợp đồng",
    "Chăm sóc dinh dưỡng, sức khỏe cho trẻ em mồ côi tại Làng",
    "Rà soát, cập nhật hộ nghèo, hộ cận nghèo bằng thiết bị di động",
]


# --- building the document ----------------------------------------------------------

def _rng(purpose: str) -> random.Random:
    return random.Random(f"{SEED}/{purpose}")


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items], k=1)[0]


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _months_in(year: int, joined: date | None, left: date | None) -> int:
    """Months of ``year`` between joining and leaving (a month counts when mostly worked)."""
    first = 1
    if joined is not None and joined.year == year:
        first = joined.month if joined.day <= 15 else joined.month + 1
    last = 12
    if left is not None and left.year == year:
        last = left.month if left.day >= 15 else left.month - 1
    return max(0, last - first + 1)


def _build_people() -> list[dict[str, Any]]:
    rng = _rng("people")
    plants = {p.code: p for p in PLANTS}
    people: list[dict[str, Any]] = []
    number = 0
    leaders = [(DIRECTOR, "nam", "Giám đốc Sở"), (DEPUTY_SIGNER, "nam", "Phó Giám đốc Sở"),
               (OTHER_DEPUTY, "nu", "Phó Giám đốc Sở")]
    for code, _name, _parent, _kind, size in UNITS:
        head, deputy, others = POSITIONS.get(code, DEFAULT_POSITIONS)
        n_deputies = 1 if size <= 9 else 2
        for index in range(size):
            number += 1
            pcode = f"CB{number:04d}"
            plant = plants.get(pcode)
            if plant is not None and plant.unit != code:
                raise AssertionError(f"planted {pcode} is in {code}, not {plant.unit}")
            if code == "BGD":
                full_name, gender, position = leaders[index]
            else:
                female = rng.random() < FEMALE_SHARE.get(code, 0.5)
                gender = plant.gender if plant and plant.gender else ("nu" if female else "nam")
                family = _weighted(rng, FAMILY_NAMES)
                if gender == "nu":
                    full_name = f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
                else:
                    full_name = f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
                if index == 0:
                    position = head
                elif index <= n_deputies:
                    position = deputy
                else:
                    position = others[(index - n_deputies - 1) % len(others)] if others else "Viên chức"
            senior = index <= 2 or code == "BGD"
            youngest = date(1980, 12, 31) if senior else date(1988, 12, 31) if plant is not None else date(1999, 12, 31)
            birth = _random_date(rng, date(1966, 1, 1), youngest)
            earliest = max(date(1993, 1, 1), date(birth.year + 22, birth.month, 1))
            latest = date(2012, 12, 31) if (senior or plant is not None) else date(2023, 10, 1)
            joined = _random_date(rng, earliest, latest).replace(day=1)
            if plant is not None and plant.joined is not None:
                joined = plant.joined
            people.append({"code": pcode, "full_name": full_name, "gender": gender, "birth_date": birth,
                           "unit": code, "position": position, "joined": joined,
                           "left": plant.left if plant is not None else None, "index": index})
    # A few people left the agency before 2024 (never a head, deputy or planted person).
    candidates = [p for p in people if p["index"] > 2 and p["code"] not in plants and p["joined"] < date(2019, 1, 1)
                  and p["unit"] not in GUARDED_UNITS and p["unit"] not in SHAPED_UNITS]
    for person in _rng("leavers").sample(candidates, 8):
        person["left"] = _random_date(rng, date(2020, 3, 1), date(2023, 9, 30))
    return people


def _unit_members(unit: str) -> set[str]:
    """The unit and its sub-units."""
    found = {unit}
    changed = True
    while changed:
        changed = False
        for code, _n, parent, _k, _s in UNITS:
            if parent in found and code not in found:
                found.add(code)
                changed = True
    return found


def _ldtt(e: dict[str, Any]) -> bool:
    return (e["rating"] in ("HTXSNV", "HTTNV") and e["months_worked"] + e["maternity_months"] >= 6
            and e["discipline"] is None and not e["under_review"])


def build_demo_exchange() -> dict[str, Any]:
    """The demo data as an exchange document (deterministic)."""
    plants = {p.code: p for p in PLANTS}
    people = _build_people()
    by_code = {p["code"]: p for p in people}

    # Evaluations.
    rate_rng = _rng("ratings")
    evaluations: dict[tuple[int, str], dict[str, Any]] = {}
    for year in YEARS:
        for p in people:
            plant = plants.get(p["code"])
            months = _months_in(year, p["joined"], p["left"])
            if plant is not None:
                letter = plant.ratings[YEARS.index(year)]
                if letter == "-":
                    continue
                rating = _RATING[letter]
            else:
                if p["joined"].year > year or (p["left"] and p["left"].year < year) or months < 1:
                    continue
                weights = [("HTXSNV", 35), ("HTTNV", 58), ("HTNV", 7)] if p["index"] == 0 else \
                    [("HTXSNV", 17), ("HTTNV", 73), ("HTNV", 10)]
                rating = _weighted(rate_rng, weights)
            e = {"year": year, "person": p["code"], "rating": rating, "months_worked": months, "maternity_months": 0,
                 "discipline": None, "under_review": False, "votes_for": None, "votes_total": None, "score": None}
            if plant is not None and year == REVIEW_YEAR:
                e.update(months_worked=plant.months, maternity_months=plant.maternity, discipline=plant.discipline,
                         under_review=plant.under_review, score=plant.score)
                if plant.votes:
                    e["votes_for"], e["votes_total"] = plant.votes
            evaluations[(year, p["code"])] = e

    # 2024 shapes of the units with planted unit scenarios.
    members_of = {u: _unit_members(u) for u in UNIT_RATINGS}
    for unit, shape in SHAPED_UNITS.items():
        for p in people:
            if p["unit"] == unit and p["code"] not in plants and (REVIEW_YEAR, p["code"]) in evaluations:
                evaluations[(REVIEW_YEAR, p["code"])]["rating"] = _RATING[shape.get(p["index"],
                                                                                     "X" if p["index"] == 0 else "T")]
    for unit in GUARDED_UNITS:
        rows = [evaluations[(REVIEW_YEAR, p["code"])] for p in people
                if p["unit"] in members_of[unit] and (REVIEW_YEAR, p["code"]) in evaluations]
        if unit == NO_CSTDCS_UNIT:
            for e in rows:
                if e["rating"] == "HTXSNV":
                    e["rating"] = "HTTNV"
        for e in rows:
            if sum(map(_ldtt, rows)) >= 0.8 * len(rows):
                break
            if e["person"] not in plants and e["rating"] == "HTNV":
                e["rating"] = "HTTNV"

    # Initiatives: planted ones, then background ones (most HTXSNV people have one).
    init_rng = _rng("initiatives")
    raw_inits: list[dict[str, Any]] = []
    for plant in PLANTS:
        for year, level, used_for in plant.initiatives:
            raw_inits.append({"person": plant.code, "year": year, "level": level, "used_for": used_for})
    no_init_2024 = members_of[NO_CSTDCS_UNIT]
    for (year, pcode), e in evaluations.items():
        if pcode in plants:
            continue
        chance = {"HTXSNV": 0.7 if year < REVIEW_YEAR else 0.5, "HTTNV": 0.06}.get(e["rating"], 0.0)
        if year == REVIEW_YEAR and by_code[pcode]["unit"] in no_init_2024:
            chance = 0.0
        if init_rng.random() < chance:
            raw_inits.append({"person": pcode, "year": year, "level": "co_so", "used_for": None})
    raw_inits.sort(key=lambda i: (i["year"], i["person"]))
    counters: dict[int, int] = {}
    title_rng = _rng("initiative-titles")
    for init in raw_inits:
        counters[init["year"]] = counters.get(init["year"], 0) + 1
        init["code"] = f"SK-{init['year']}-{counters[init['year']]:03d}"
        init["title"] = title_rng.choice(INITIATIVE_TITLES)
        init["recognized_by"] = {
            "co_so": f"QĐ {100 + init['year'] % 100 * 7}/QĐ-SLĐTBXH",
            "tinh": f"QĐ {2000 + init['year'] % 100 * 11}/QĐ-UBND",
            "toan_quoc": f"QĐ {1500 + init['year'] % 100 * 3}/QĐ-LĐTBXH",
        }[init["level"]]

    # Votes and scores in 2024 for everyone the units proposed (HTXSNV or an initiative).
    vote_rng = _rng("votes")
    inits_2024 = {i["person"] for i in raw_inits if i["year"] == REVIEW_YEAR}
    for (year, pcode), e in sorted(evaluations.items()):
        if year != REVIEW_YEAR or pcode in plants:
            continue
        if e["rating"] == "HTXSNV" or (pcode in inits_2024 and e["rating"] == "HTTNV"):
            e["votes_total"] = 20
            e["votes_for"] = vote_rng.randint(15, 19)
            e["score"] = vote_rng.randint(85, 99) if e["rating"] == "HTXSNV" else vote_rng.randint(80, 90)

    # Awards and their decisions.
    awards = _build_awards(people, evaluations, raw_inits, plants)

    units_out = [{"code": c, "name": n, "parent": parent, "kind": k} for c, n, parent, k, _s in UNITS]
    people_out = [{"code": p["code"], "full_name": p["full_name"], "gender": p["gender"],
                   "birth_date": p["birth_date"].isoformat(), "unit": p["unit"], "position": p["position"],
                   "joined": p["joined"].isoformat(), "left": p["left"].isoformat() if p["left"] else None}
                  for p in people]
    unit_evals = [{"year": year, "unit": unit, "rating": _RATING[ratings[i]]}
                  for i, year in enumerate(YEARS) for unit, ratings in UNIT_RATINGS.items()]
    return {
        "format": "tdkt-exchange",
        "version": 1,
        "exported_at": EXPORTED_AT,
        "agency": dict(AGENCY),
        "units": units_out,
        "people": people_out,
        "evaluations": [evaluations[k] for k in sorted(evaluations)],
        "unit_evaluations": unit_evals,
        "initiatives": [{k: i[k] for k in ("code", "person", "year", "level", "title", "recognized_by")}
                        for i in raw_inits],
        "awards": awards,
        "registrations": _build_registrations(people, evaluations, plants),
        "rule_set": None,
    }


def _decision(year: int, title: str, rng: random.Random) -> tuple[str, str]:
    """(number, ISO date) of the decision granting ``title`` for ``year``'s achievements."""
    if title in ("LDTT", "CSTDCS", "GIAY_KHEN", "TTLDTT"):
        return f"{rng.randint(20, 180)}/QĐ-{DOC_SUFFIX}", date(year + 1, 1, rng.randint(8, 25)).isoformat()
    if title in ("BK_TTG", "CSTD_TOANQUOC"):
        return f"{rng.randint(300, 1500)}/QĐ-TTg", date(year + 1, 5, rng.randint(2, 28)).isoformat()
    return f"{rng.randint(200, 900)}/QĐ-UBND", date(year + 1, rng.choice((2, 3)), rng.randint(2, 27)).isoformat()


def _build_awards(people, evaluations, raw_inits, plants) -> list[dict[str, Any]]:
    rng = _rng("awards")
    decisions: dict[tuple[int, str], tuple[str, str]] = {}

    def decision(year: int, title: str) -> tuple[str, str]:
        if (year, title) not in decisions:
            decisions[(year, title)] = _decision(year, title, rng)
        return decisions[(year, title)]

    awards: list[dict[str, Any]] = []

    def grant(year: int, title: str, person: str | None = None, unit: str | None = None,
              initiatives: list[str] | None = None) -> None:
        no, day = decision(year, title)
        awards.append({"year": year, "title": title, "person": person, "unit": unit, "decision_no": no,
                       "decision_date": day, "initiatives": initiatives or []})

    inits_of: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for init in raw_inits:
        inits_of.setdefault((init["person"], init["year"]), []).append(init)

    # Planted awards (2019 onwards), using the initiatives marked for them.
    for plant in PLANTS:
        for year, title in plant.awards:
            used = [i["code"] for i in inits_of.get((plant.code, year), []) if i["used_for"] == title]
            grant(year, title, person=plant.code, initiatives=used)

    # Background history 2020-2023: LDTT for all eligible; CSTDCS (old law: an initiative needed)
    # up to 15%; Giấy khen and BK_TINH for a few.
    for year in YEARS[:-1]:
        rows = [e for (y, _), e in sorted(evaluations.items()) if y == year]
        eligible = [e for e in rows if _ldtt(e)]
        for e in eligible:
            grant(year, "LDTT", person=e["person"])
        quota = len(eligible) * 15 // 100
        planted_cstdcs = sum(1 for p in PLANTS for y, t in p.awards if y == year and t == "CSTDCS")
        pool = [e for e in eligible if e["person"] not in plants and inits_of.get((e["person"], year))]
        rng.shuffle(pool)
        pool.sort(key=lambda e: e["rating"] != "HTXSNV")
        for e in pool[:max(0, quota - planted_cstdcs)]:
            init = inits_of[(e["person"], year)][0]
            init["used_for"] = "CSTDCS"
            grant(year, "CSTDCS", person=e["person"], initiatives=[init["code"]])
        excellent = [e["person"] for e in eligible if e["rating"] == "HTXSNV" and e["person"] not in plants]
        for pcode in sorted(rng.sample(excellent, min(12, len(excellent)))):
            grant(year, "GIAY_KHEN", person=pcode)
        if year > YEARS[0]:
            twice = [p for p in excellent if evaluations.get((year - 1, p), {}).get("rating") == "HTXSNV"]
            for pcode in sorted(rng.sample(twice, min(3, len(twice)))):
                grant(year, "BK_TINH", person=pcode)
        # Units: TTLDTT when rated HTTNV or better; TTLDXS for up to 30% of them, best first.
        index = YEARS.index(year)
        good = [u for u, r in UNIT_RATINGS.items() if r[index] in "XT"]
        for unit in good:
            grant(year, "TTLDTT", unit=unit)
        excellent_units = [u for u in good if UNIT_RATINGS[u][index] == "X"]
        for unit in sorted(rng.sample(excellent_units, min(len(excellent_units), len(good) * 30 // 100))):
            grant(year, "TTLDXS", unit=unit)
        for unit in sorted(rng.sample(good, 3)):
            grant(year, "GIAY_KHEN", unit=unit)
    for year, title, unit in UNIT_AWARDS:
        grant(year, title, unit=unit)
    awards.sort(key=lambda a: (a["year"], a["title"], a["person"] or "", a["unit"] or ""))
    return awards


def _build_registrations(people, evaluations, plants) -> list[dict[str, Any]]:
    """Đăng ký thi đua 2024, consistent with section V of the plan."""
    rng = _rng("registrations")
    y = REVIEW_YEAR
    start = date(y, 1, 1)
    present = [p["code"] for p in people if (y, p["code"]) in evaluations and p["joined"] < start]
    regs: list[dict[str, Any]] = []

    def person(title: str, codes: list[str]) -> None:
        regs.extend({"year": y, "title": title, "unit": None, "person": c} for c in sorted(codes))

    def unit(title: str, codes: list[str]) -> None:
        regs.extend({"year": y, "title": title, "unit": c, "person": None} for c in codes)

    person("LDTT", present)
    keen = ["CB0008", "CB0058", "CB0044", "CB0034", "CB0224", "CB0429", "CB0071", "CB0025", "CB0082", "CB0119",
            "CB0256", "CB0062", "CB0048", "CB0027", "CB0285", "CB0412", "CB0210", "CB0447"]
    strong = [c for c in present if c not in keen and evaluations.get((y - 1, c), {}).get("rating") == "HTXSNV"]
    person("CSTDCS", keen + rng.sample(strong, 70 - len(keen)))
    person("CSTD_TINH", ["CB0008", "CB0058"])
    person("BK_TTG", ["CB0119"])
    bk = ["CB0025", "CB0429", "CB0082", "CB0071", "CB0008"]
    person("BK_TINH", bk + rng.sample([c for c in strong if c not in bk], 15))
    unit("BK_TINH", ["VP", "LDVL", "NCC", "DVVL", "PH-HT"])
    unit("TTLDTT", list(UNIT_RATINGS))
    unit("TTLDXS", ["VP", "NCC", "DVVL", "PH-HT"])
    unit("CO_TINH", ["DVVL"])
    unit("CO_BO", ["NCC"])
    return regs


# --- the 2024 plan (not part of the exchange format) -------------------------------

PLAN_TITLE = ("Tổ chức phong trào thi đua yêu nước thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội "
              "năm 2024")
PLAN_THEME = "Trách nhiệm, hiệu quả, thực chất, thi đua đạt mức cao nhất các chỉ tiêu, nhiệm vụ"
PLAN_GOAL = (
    "Tiếp tục tham mưu hoàn thiện thể chế, triển khai đồng bộ, hiệu quả chủ trương, chính sách, pháp luật, "
    "chương trình, kế hoạch, chỉ thị, nghị quyết của trung ương, của tỉnh trên các lĩnh vực lao động, người có "
    "công và xã hội; tiếp tục xác định giáo dục nghề nghiệp, đào tạo nguồn nhân lực, giải quyết việc làm là nhiệm "
    "vụ trọng tâm thúc đẩy phát triển KT-XH; chú trọng công tác giảm nghèo bền vững, nâng cao đời sống người có "
    "công, đảm bảo an sinh xã hội; bảo vệ chăm sóc trẻ em; bình đẳng giới; phòng chống tệ nạn xã hội; thanh tra, "
    "kiểm tra; CCHC, ứng dụng CNTT, nâng cao hiệu lực, hiệu quả quản lý; tăng cường ứng dụng khoa học công nghệ và "
    "chuyển đổi số; phấn đấu hoàn thành xuất sắc các nhiệm vụ."
)
PHASES = [
    ("Đợt 1", date(2024, 1, 1), date(2024, 6, 30),
     "Thi đua lập thành tích Kỷ niệm 94 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2024), "
     "gắn với hoạt động mừng Xuân Giáp Thìn; 49 năm Ngày Giải phóng miền Nam, thống nhất đất nước "
     "(30/4/1975 - 30/4/2024); 134 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2024) và các ngày lễ "
     "lớn; sơ kết thi đua vào dịp sơ kết nhiệm vụ chuyên môn 6 tháng đầu năm 2024."),
    ("Đợt 2", date(2024, 7, 1), date(2024, 12, 31),
     "Thi đua lập thành tích chào mừng Kỷ niệm 79 năm Cách mạng Tháng Tám (19/8/1945 - 19/8/2024), Quốc khánh "
     "(2/9/1945 - 2/9/2024); 94 năm Xô Viết Nghệ Tĩnh (12/9/1930 - 12/9/2024); Ngày truyền thống Ngành Lao động - "
     "Thương binh và Xã hội (28/8/1945 - 28/8/2024); Kỷ niệm 77 năm Ngày Thương binh, Liệt sỹ "
     "(27/7/1947 - 27/7/2024); tổng kết phong trào thi đua, khen thưởng vào dịp tổng kết công tác năm 2024."),
]
# description, unit of measure, comparison, target, target max, actual (invented), note.
TARGETS = [
    ("Giải quyết việc làm mới", "người", ">=", 23000, None, 23640, "Trong đó: xuất khẩu lao động 7.500 người"),
    ("Tỷ lệ lao động qua đào tạo", "%", ">=", 76, None, 76.4,
     "Trong đó tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ đạt 36,5%"),
    ("Tỷ lệ lực lượng lao động trong độ tuổi tham gia bảo hiểm xã hội", "%", ">=", 23.5, None, 23.9,
     "Tỷ lệ lực lượng lao động trong độ tuổi tham gia bảo hiểm thất nghiệp đạt 13,2%"),
    ("Đào tạo nghề", "người", ">=", 21500, None, 21870,
     "Trong đó: cao đẳng 1.000 người, trung cấp 5.100 người, sơ cấp 15.400 người"),
    ("Mức giảm tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều", "%", "range", 0.6, 1, 0.82, ""),
    ("Đối tượng bảo trợ xã hội đủ điều kiện được hưởng trợ cấp xã hội hàng tháng; người dân bị thiệt hại do thiên "
     "tai, lũ lụt, thiếu đói được trợ giúp đột xuất kịp thời", "%", ">=", 100, None, 100,
     "Không người dân nào bị đói; 100% người khuyết tật, người cao tuổi đủ điều kiện được hưởng trợ cấp, chăm sóc "
     "theo quy định"),
    ("Xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em", "%", ">=", 75, None, 73.5, ""),
    ("Người nghiện ma túy có hồ sơ quản lý được tiếp cận các dịch vụ tư vấn, điều trị, cai nghiện ma túy", "%", ">",
     80, None, 82.6, ""),
    ("Người nghiện ma túy tham gia cai nghiện ma túy tự nguyện tại gia đình, cộng đồng, cơ sở cai nghiện ma túy "
     "trong tổng số người nghiện được cai nghiện", "%", ">", 80, None, 81.2, ""),
]
# title code, count min, count max, percent min, note (section V of the plan).
TITLE_TARGETS = [
    ("TTLDXS", 4, 4, None, "04 tập thể"),
    ("TTLDTT", None, None, 100, "100% phòng, đơn vị"),
    ("CO_BO", 1, 1, None, "Cờ thi đua xuất sắc Bộ Lao động - TBXH: 01 tập thể"),
    ("CO_TINH", 1, 1, None, "Cờ thi đua xuất sắc UBND tỉnh: 01 tập thể"),
    ("CSTDCS", 70, 70, None, "70 cá nhân"),
    ("CSTD_TINH", 1, 2, None, "01-02 cá nhân"),
    ("LDTT", None, None, 85, "Trên 85% cán bộ, viên chức, NLĐ"),
    ("BK_TTG", 1, 1, None, "01 tập thể, cá nhân"),
    ("BK_TINH", 25, 25, None, "Bằng khen Bộ, ngành trung ương, tỉnh: 25 tập thể, cá nhân"),
]
DECISION_AUTHORITY = {
    "co_so": ("Giám đốc Sở Lao động - Thương binh và Xã hội", DEPUTY_SIGNER, "PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC"),
    # Signers of the higher authorities are invented for the demo.
    "tinh": ("Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh", "Nguyễn Hồng Lĩnh", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH"),
    "bo": ("Bộ trưởng Bộ Lao động - Thương binh và Xã hội", "Phạm Quang Minh", "THỨ TRƯỞNG", "KT. BỘ TRƯỞNG"),
    "nha_nuoc": ("Thủ tướng Chính phủ", "Trần Đức Thắng", "PHÓ THỦ TƯỚNG", "KT. THỦ TƯỚNG"),
}


def populate_demo(session: Session) -> None:
    """Fill an empty database with the demo: the exchange document through ``import_exchange``,
    then the agency's header details, signers, decisions' authorities and the 2024 plan.
    Flushes; the caller commits."""
    from services.records.exchange import import_exchange

    report = import_exchange(session, build_demo_exchange(), today=date(2024, 12, 10))
    if report.problems:
        raise RuntimeError("Dữ liệu mẫu không hợp lệ:\n" + "\n".join(report.problems))
    agency = session.scalars(select(Agency).order_by(Agency.id).limit(1)).one()
    agency.parent_authority = PARENT_AUTHORITY
    agency.doc_suffix = DOC_SUFFIX
    session.add_all([
        Signer(full_name=DIRECTOR, position="GIÁM ĐỐC", capacity="", sort_order=0),
        Signer(full_name=DEPUTY_SIGNER, position="PHÓ GIÁM ĐỐC", capacity="KT. GIÁM ĐỐC", sort_order=1,
               is_default=True),
        Signer(full_name=OTHER_DEPUTY, position="PHÓ GIÁM ĐỐC", capacity="KT. GIÁM ĐỐC", sort_order=2),
    ])
    for level, (authority, name, position, capacity) in DECISION_AUTHORITY.items():
        session.execute(update(Decision).where(Decision.level == level).values(
            issuing_authority=authority, signer_name=name, signer_position=position, signer_capacity=capacity,
            summary="Khen thưởng thành tích năm (dữ liệu mẫu)").execution_options(synchronize_session=False))
    plan = EmulationPlan(year=REVIEW_YEAR, number=f"18/KH-{DOC_SUFFIX}", issued_on=date(2024, 4, 10),
                         title=PLAN_TITLE, theme=PLAN_THEME, general_goal=PLAN_GOAL)
    plan.phases = [Phase(name=n, start_date=s, end_date=e, description=d, sort_order=i)
                   for i, (n, s, e, d) in enumerate(PHASES)]
    plan.targets = [Target(sort_order=i, description=d, unit_of_measure=u, comparison=c, target_value=t,
                           target_max=m, actual_value=a, note=note)
                    for i, (d, u, c, t, m, a, note) in enumerate(TARGETS, start=1)]
    plan.title_targets = [TitleTarget(title_code=c, count_min=lo, count_max=hi, percent_min=pct, note=note,
                                      sort_order=i) for i, (c, lo, hi, pct, note) in enumerate(TITLE_TARGETS)]
    session.add(plan)
    session.flush()


def open_demo_database() -> Database:
    """The demo database in the user's data folder, created and filled if absent or empty."""
    database = open_database(data_dir() / DEMO_DB_NAME)
    with database.session() as session:
        if not session.scalar(select(func.count()).select_from(Person)):
            populate_demo(session)
            session.commit()
    return database




