"""The periodic reports, as .docx (ND30 style, charts embedded) and .xlsx (one sheet per table).

Kinds (``python main.py report KIND --year Y [--period 6m|year] --out FILE``):

``phong-trao``
    Báo cáo kết quả phong trào thi đua (6 tháng: Đợt 1; năm: every phase): the plan and its
    phases, the socio-economic targets with their actual figures, the registrations of
    section V against the current draft and the decided awards, the evaluations, and the
    awards of the decisions issued within the period.
``thong-ke``
    Thống kê danh hiệu, khen thưởng: for the year by title, by unit, by gender and by level,
    and the last five years by title and by level.
``lien-tuc``
    Danh sách cán bộ theo số năm liên tục đạt danh hiệu (LĐTT, CSTĐCS, CSTĐ cấp tỉnh) and the
    years since the last Bằng khen: who is close to a higher form (rules P4-P7).

Every figure comes from grouped queries; awards of cancelled decisions never count. A
report is first built as plain data (``Report``: sections of paragraphs, tables and charts),
then written to either format, so both formats always carry the same figures.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Agency,
    Award,
    Decision,
    EmulationPlan,
    Evaluation,
    Person,
    Phase,
    Title,
    Unit,
    UnitEvaluation,
)
from models.db import Database
from models.vocabulary import AUTHORITY_LEVELS, GENDERS, RATINGS
from services.awards.valid_awards import CANCELLED, award_counts
from services.output.overview import (
    format_number,
    progress_of,
    rating_unit_map,
    short_unit_name,
)
from services.system.settings import default_signer
from services.system.text import date_words, format_date, long_date, name_sort_key, nfc

KINDS: dict[str, str] = {
    "phong-trao": "Báo cáo kết quả phong trào thi đua",
    "thong-ke": "Thống kê danh hiệu thi đua, hình thức khen thưởng",
    "lien-tuc": "Danh sách cán bộ theo số năm liên tục đạt danh hiệu",
}
PERIODS: dict[str, str] = {"6m": "6 tháng đầu năm", "year": "cả năm"}
FORMATS = (".docx", ".xlsx")
# Levels as the statistics name them (the catalogue's authority levels, shortened).
LEVEL_LABELS = {"co_so": "Cấp cơ sở (Giám đốc Sở)", "tinh": "Cấp tỉnh (Chủ tịch UBND tỉnh)",
                "bo": "Cấp bộ (Bộ trưởng)", "nha_nuoc": "Cấp nhà nước (Thủ tướng, Chủ tịch nước)"}
HISTORY_YEARS = 5


class ReportError(Exception):
    """A report cannot be made; the message says why and what to do, in Vietnamese."""


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    widths: list[float] | None = None
    sheet: str = ""  # the .xlsx sheet name (≤ 31 characters)
    in_docx: bool = True  # long detail tables go to the workbook only
    empty_text: str = "Không có số liệu."


@dataclass
class Chart:
    caption: str
    build: Callable[[], Any]  # -> matplotlib Figure
    width_cm: float = 16.0


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # paragraphs after the tables


@dataclass
class Report:
    kind: str
    year: int
    period: str
    summary: str  # the title line under "BÁO CÁO"
    agency: str
    parent_authority: str
    doc_suffix: str
    place: str
    made_on: date
    signer: tuple[str, str, str] | None  # (capacity, position, name)
    sections: list[Section]
    doc_kind: str = "BÁO CÁO"
    landscape: bool = False

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    def table(self, sheet: str) -> Table:
        for t in self.tables():
            if t.sheet == sheet:
                return t
        raise KeyError(sheet)


# --- shared queries -----------------------------------------------------------------------

def _titles(session: Session) -> list[tuple[str, str, str, str]]:
    """(code, name, subject, level) in catalogue order."""
    return [tuple(r) for r in session.execute(
        select(Title.code, Title.name, Title.subject, Title.level).order_by(Title.sort_order, Title.code))]


def _base(session: Session, kind: str, year: int, period: str, summary: str, made_on: date | None,
          sections: list[Section], **extra: Any) -> Report:
    agency = session.scalars(select(Agency).order_by(Agency.id).limit(1)).first()
    signer = default_signer(session)
    return Report(
        kind=kind, year=year, period=period, summary=summary,
        agency=(agency.name if agency else "") or "Cơ quan", parent_authority=(agency.parent_authority if agency else ""),
        doc_suffix=(agency.doc_suffix if agency else ""), place=(agency.place if agency else "") or "",
        made_on=made_on or date.today(), signer=(signer.capacity, signer.position, signer.full_name) if signer else None, sections=sections, **extra)


def _pct(part: int, whole: int) -> str:
    return f"{format_number(round(100 * part / whole, 1))}%" if whole else ""


# --- phong-trao ---------------------------------------------------------------------------

def period_window(session: Session, year: int, period: str) -> tuple[list[tuple[str, date, date, str]], date, date]:
    """The phases the period covers (Đợt 1 for 6m, every phase for the year) and the dates
    from the first one's start to the last one's end. Without a plan: 1/1 to 30/6 or 31/12."""
    phases = [tuple(r) for r in session.execute(
        select(Phase.name, Phase.start_date, Phase.end_date, Phase.description)
        .join(EmulationPlan, EmulationPlan.id == Phase.plan_id)
        .where(EmulationPlan.year == year).order_by(Phase.sort_order, Phase.start_date))]
    if period == "6m":
        phases = phases[:1]
    if phases:
        return phases, min(p[1] for p in phases), max(p[2] for p in phases)
    return [], date(year, 1, 1), date(year, 6, 30) if period == "6m" else date(year, 12, 31)


def awards_issued_between(session: Session, start: date, end: date) -> dict[str, tuple[int, int]]:
    """title code -> (people, units) awarded by decisions (not cancelled) issued from
    ``start`` to ``end``."""
    rows = session.execute(
        select(Award.title_code, func.count(Award.person_id), func.count(Award.unit_id))
        .join(Decision, Decision.id == Award.decision_id)
        .where(Decision.state != CANCELLED, Decision.issued_on >= start, Decision.issued_on <= end)
        .group_by(Award.title_code)).all()
    return {code: (p, u) for code, p, u in rows}


def build_phong_trao(session: Session, year: int, period: str = "year", *, made_on: date | None = None,
                     draft=None) -> Report:
    if period not in PERIODS:
        raise ReportError(f"Kỳ báo cáo \"{period}\" không hợp lệ: chọn 6m (6 tháng) hoặc year (cả năm).")
    plan = session.scalars(select(EmulationPlan).where(EmulationPlan.year == year)).first()
    phases, start, end = period_window(session, year, period)
    period_words = PERIODS[period]
    sections: list[Section] = []

    # I. The plan and its phases.
    s1 = Section("I. CÔNG TÁC TRIỂN KHAI KẾ HOẠCH THI ĐUA")
    if plan is not None:
        ref = " ".join(x for x in (f"số {plan.number}" if plan.number else "",
                                   f"ngày {format_date(plan.issued_on)}" if plan.issued_on else "") if x)
        s1.paragraphs.append(
            f"Thực hiện Kế hoạch thi đua năm {year}" + (f" ({ref})" if ref else "")
            + (f" về việc {plan.title[0].lower()}{plan.title[1:]}" if plan.title else "")
            + (f", với chủ đề thi đua “{plan.theme}”" if plan.theme else "")
            + f", báo cáo kết quả phong trào thi đua {period_words} {year} "
              f"(từ ngày {format_date(start)} đến ngày {format_date(end)}) như sau.")
    else:
        s1.paragraphs.append(f"Chưa có Kế hoạch thi đua năm {year} trong cơ sở dữ liệu; báo cáo kỳ từ ngày "
                             f"{format_date(start)} đến ngày {format_date(end)}.")
    s1.tables.append(Table(
        "Các đợt thi đua trong kỳ báo cáo", ["Đợt thi đua", "Từ ngày", "Đến ngày", "Nội dung"],
        [[n, format_date(a), format_date(b), d] for n, a, b, d in phases], widths=[2.2, 2.2, 2.2, 9.5],
        sheet="Đợt thi đua", empty_text="Kế hoạch chưa có đợt thi đua nào."))
    sections.append(s1)

    progress = progress_of(session, year, draft=draft)

    # II. Targets.
    s2 = Section("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA KẾ HOẠCH")
    met = sum(1 for t in progress.targets if t.met)
    entered = sum(1 for t in progress.targets if t.met is not None)
    if progress.targets:
        s2.paragraphs.append(f"Kế hoạch có {len(progress.targets)} chỉ tiêu; đã có số liệu thực hiện "
                             f"{entered} chỉ tiêu, trong đó đạt và vượt {met} chỉ tiêu.")
    s2.tables.append(Table(
        "Kết quả thực hiện chỉ tiêu", ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Kết quả"],
        [[i, t.description, t.target_text, t.actual_text, t.met_text] for i, t in enumerate(progress.targets, 1)],
        widths=[1.3, 8.3, 2.4, 2.4, 2.2], sheet="Chỉ tiêu", empty_text="Kế hoạch chưa có chỉ tiêu nào."))
    sections.append(s2)

    # III. Registrations, the draft and the decisions; evaluations.
    s3 = Section("III. KẾT QUẢ ĐĂNG KÝ, BÌNH XÉT THI ĐUA")
    ratings = dict(session.execute(select(Evaluation.rating, func.count()).where(Evaluation.year == year)
                                   .group_by(Evaluation.rating)).all())
    unit_ratings = dict(session.execute(select(UnitEvaluation.rating, func.count())
                                        .where(UnitEvaluation.year == year).group_by(UnitEvaluation.rating)).all())
    n_people, n_units = sum(ratings.values()), sum(unit_ratings.values())
    if n_people or n_units:
        parts = "; ".join(f"{label.lower()}: {ratings.get(code, 0)} người ({_pct(ratings.get(code, 0), n_people)})"
                          for code, label in RATINGS.items())
        s3.paragraphs.append(f"Đã bình xét, xếp loại {n_people} cán bộ, công chức, viên chức, người lao động "
                             f"năm {year}: {parts}. Đã xếp loại {n_units} tập thể.")
    else:
        s3.paragraphs.append(f"Chưa có kết quả bình xét, xếp loại năm {year}.")
    s3.tables.append(Table(
        "Xếp loại cá nhân và tập thể", ["Mức xếp loại", "Cá nhân", "Tỷ lệ", "Tập thể"],
        [[label, ratings.get(code, 0), _pct(ratings.get(code, 0), n_people), unit_ratings.get(code, 0)]
         for code, label in RATINGS.items()]
        + ([["Chưa xếp loại", ratings[None], _pct(ratings[None], n_people), unit_ratings.get(None, 0)]]
           if ratings.get(None) or unit_ratings.get(None) else []),
        total=["Tổng số", n_people, "", n_units], widths=[6, 2.5, 2.5, 2.5], sheet="Xếp loại"))
    s3.tables.append(Table(
        "Đăng ký thi đua, dự thảo và quyết định khen thưởng",
        ["STT", "Danh hiệu, hình thức", "Kế hoạch", "Đăng ký", "Dự thảo", "Quyết định"],
        [[i, t.name, t.target_text, t.registered, t.drafted if t.drafted is not None else "Xét thủ công",
          t.decided] for i, t in enumerate(progress.titles, 1)],
        widths=[1.3, 5.3, 4.5, 1.8, 1.8, 2], sheet="Đăng ký - kết quả",
        empty_text=f"Năm {year} chưa có đăng ký thi đua."))
    if progress.titles:
        from services.output.charts import ProgressBar, title_progress_figure

        bars = [ProgressBar(t.name, t.target_count, t.registered, t.drafted, t.decided) for t in progress.titles]
        s3.charts.append(Chart(f"Biểu đồ: đăng ký, dự thảo và quyết định khen thưởng năm {year}",
                               lambda bars=bars: title_progress_figure(bars, width=9.5)))
    s3.notes.append("Dự thảo: số được đề nghị theo bộ quy định hiện hành, tính trên dữ liệu bình xét tại ngày "
                    "lập báo cáo; quyết định: số đã có quyết định khen thưởng (không tính quyết định đã hủy).")
    if progress.draft_note:
        s3.notes.append(progress.draft_note)
    sections.append(s3)

    # IV. Awards decided within the period.
    s4 = Section("IV. CÔNG TÁC KHEN THƯỞNG TRONG KỲ")
    issued = awards_issued_between(session, start, end)
    decisions = session.scalar(select(func.count()).select_from(Decision).where(
        Decision.state != CANCELLED, Decision.issued_on >= start, Decision.issued_on <= end)) or 0
    names = {c: n for c, n, _s, _l in _titles(session)}
    rows = [[names.get(c, c), p, u, p + u] for c, _n, _s, _l in _titles(session) if c in issued
            for p, u in [issued[c]]]
    people_total = sum(p for p, _u in issued.values())
    units_total = sum(u for _p, u in issued.values())
    s4.paragraphs.append(
        f"Từ ngày {format_date(start)} đến ngày {format_date(end)}, đã ban hành {decisions} quyết định khen thưởng "
        f"cho {people_total} lượt cá nhân và {units_total} lượt tập thể." if decisions else
        f"Từ ngày {format_date(start)} đến ngày {format_date(end)} chưa có quyết định khen thưởng nào.")
    s4.tables.append(Table("Khen thưởng theo quyết định ban hành trong kỳ",
                           ["Danh hiệu, hình thức", "Cá nhân", "Tập thể", "Tổng số"], rows,
                           total=["Tổng số", people_total, units_total, people_total + units_total],
                           widths=[8, 2.5, 2.5, 2.5], sheet="Khen thưởng trong kỳ",
                           empty_text="Không có quyết định khen thưởng trong kỳ."))
    sections.append(s4)

    summary = f"Kết quả thực hiện phong trào thi đua {period_words} {year}"
    return _base(session, "phong-trao", year, period, summary, made_on, sections)


# --- thong-ke -----------------------------------------------------------------------------

def _award_rows(session: Session, first_year: int, last_year: int):
    """(year, title, person_id, unit_id, gender, level) of every valid award in the years."""
    level = func.coalesce(Decision.level, Title.level)
    return session.execute(
        select(Award.year, Award.title_code, Award.person_id, Award.unit_id, Person.gender, level,
               func.coalesce(Person.unit_id, Award.unit_id))
        .join(Title, Title.code == Award.title_code)
        .outerjoin(Decision, Decision.id == Award.decision_id)
        .outerjoin(Person, Person.id == Award.person_id)
        .where(Award.year >= first_year, Award.year <= last_year, award_counts())).all()


def build_thong_ke(session: Session, year: int, *, made_on: date | None = None) -> Report:
    first = year - HISTORY_YEARS + 1
    rows = _award_rows(session, first, year)
    titles = _titles(session)
    names = {c: n for c, n, _s, _l in titles}
    this = [r for r in rows if r[0] == year]
    sections: list[Section] = []

    # I. By title.
    by_title: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _y, code, pid, _uid, _g, _lvl, _u in this:
        by_title[code][0 if pid is not None else 1] += 1
    s1 = Section("I. KHEN THƯỞNG NĂM THEO DANH HIỆU, HÌNH THỨC")
    total_p = sum(v[0] for v in by_title.values())
    total_u = sum(v[1] for v in by_title.values())
    s1.paragraphs.append(
        f"Năm {year} có {total_p + total_u} lượt khen thưởng đã có quyết định: {total_p} lượt cá nhân, "
        f"{total_u} lượt tập thể (không tính quyết định đã hủy)." if this else
        f"Chưa có khen thưởng nào của năm {year} được quyết định.")
    s1.tables.append(Table("Theo danh hiệu, hình thức", ["Danh hiệu, hình thức", "Cá nhân", "Tập thể", "Tổng số"],
                           [[names[c], by_title[c][0], by_title[c][1], sum(by_title[c])]
                            for c, *_ in titles if c in by_title],
                           total=["Tổng số", total_p, total_u, total_p + total_u], widths=[8, 2.5, 2.5, 2.5],
                           sheet="Theo danh hiệu"))
    sections.append(s1)

    # II. By unit (people counted in their current unit; groupings roll up to the rated unit).
    unit_map = rating_unit_map(session)
    order = {uid: (so, code) for uid, so, code in session.execute(select(Unit.id, Unit.sort_order, Unit.code))}
    used_titles = [c for c, *_ in titles if c in by_title]
    per_unit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _y, code, _pid, _uid, _g, _lvl, unit_id in this:
        if unit_id is None or unit_id not in unit_map:
            continue
        per_unit[unit_map[unit_id][0]][code] += 1
    unit_rows = []
    for rid in sorted(per_unit, key=lambda r: order.get(r, (0, ""))):
        counts = per_unit[rid]
        unit_rows.append([short_unit_name(unit_map[rid][2])] + [counts.get(c, 0) for c in used_titles] + [sum(counts.values())])
    s2 = Section("II. KHEN THƯỞNG NĂM THEO ĐƠN VỊ")
    s2.paragraphs.append("Cá nhân được tính vào đơn vị hiện tại; các tổ, bộ phận tính vào đơn vị cấp trên.")
    s2.tables.append(Table("Theo đơn vị", ["Đơn vị"] + [_abbrev(names[c]) for c in used_titles] + ["Tổng số"],
                           unit_rows, total=["Tổng số"] + [sum(r[i + 1] for r in unit_rows)
                                                           for i in range(len(used_titles))]
                           + [sum(r[-1] for r in unit_rows)] if unit_rows else None,
                           widths=[6] + [1.6] * len(used_titles) + [1.6], sheet="Theo đơn vị"))
    sections.append(s2)

    # III. By gender (people only).
    gender: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _y, code, pid, _uid, g, _lvl, _u in this:
        if pid is not None:
            gender[code][g or ""] += 1
    s3 = Section("III. KHEN THƯỞNG CÁ NHÂN NĂM THEO GIỚI TÍNH")
    g_rows = [[names[c], gender[c].get("nam", 0), gender[c].get("nu", 0), sum(gender[c].values()),
               _pct(gender[c].get("nu", 0), sum(gender[c].values()))] for c, *_ in titles if c in gender]
    s3.tables.append(Table("Theo giới tính", ["Danh hiệu, hình thức", "Nam", "Nữ", "Tổng số", "Tỷ lệ nữ"], g_rows,
                           total=["Tổng số", sum(r[1] for r in g_rows), sum(r[2] for r in g_rows),
                                  sum(r[3] for r in g_rows),
                                  _pct(sum(r[2] for r in g_rows), sum(r[3] for r in g_rows))] if g_rows else None,
                           widths=[7, 2, 2, 2, 2], sheet="Theo giới tính"))
    if g_rows:
        from services.output.charts import grouped_bars_figure, wrap_label

        cats = [wrap_label(r[0], 26) for r in g_rows]
        series = {GENDERS["nam"]: [r[1] for r in g_rows], GENDERS["nu"]: [r[2] for r in g_rows]}
        s3.charts.append(Chart(f"Biểu đồ: khen thưởng cá nhân năm {year} theo giới tính",
                               lambda cats=cats, series=series: grouped_bars_figure(
                                   cats, series, horizontal=True, width=8, height=0.8 + 0.45 * len(cats))))
    sections.append(s3)

    # IV. By level.
    levels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _y, _code, pid, _uid, _g, lvl, _u in this:
        levels[lvl][0 if pid is not None else 1] += 1
    s4 = Section("IV. KHEN THƯỞNG NĂM THEO CẤP KHEN THƯỞNG")
    l_rows = [[LEVEL_LABELS.get(k, k), levels[k][0], levels[k][1], sum(levels[k])]
              for k in AUTHORITY_LEVELS if k in levels]
    s4.tables.append(Table("Theo cấp khen thưởng", ["Cấp khen thưởng", "Cá nhân", "Tập thể", "Tổng số"], l_rows,
                           total=["Tổng số", total_p, total_u, total_p + total_u] if l_rows else None,
                           widths=[8, 2.5, 2.5, 2.5], sheet="Theo cấp"))
    sections.append(s4)

    # V. Across years.
    years = list(range(first, year + 1))
    across: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    level_years: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for y, code, _pid, _uid, _g, lvl, _u in rows:
        across[code][y] += 1
        level_years[lvl][y] += 1
    s5 = Section(f"V. KHEN THƯỞNG QUA CÁC NĂM {first} - {year}")
    a_rows = [[names[c]] + [across[c].get(y, 0) for y in years] for c, *_ in titles if c in across]
    s5.tables.append(Table("Theo danh hiệu qua các năm", ["Danh hiệu, hình thức"] + [str(y) for y in years], a_rows,
                           total=["Tổng số"] + [sum(r[i + 1] for r in a_rows) for i in range(len(years))]
                           if a_rows else None, widths=[6] + [1.8] * len(years), sheet="Qua các năm"))
    lv_rows = [[LEVEL_LABELS.get(k, k)] + [level_years[k].get(y, 0) for y in years]
               for k in AUTHORITY_LEVELS if k in level_years]
    s5.tables.append(Table("Theo cấp khen thưởng qua các năm", ["Cấp khen thưởng"] + [str(y) for y in years],
                           lv_rows, widths=[6] + [1.8] * len(years), sheet="Cấp qua các năm"))
    if lv_rows:
        from services.output.charts import grouped_bars_figure

        series = {LEVEL_LABELS.get(k, k).split(" (")[0]: [level_years[k].get(y, 0) for y in years]
                  for k in AUTHORITY_LEVELS if k in level_years}
        s5.charts.append(Chart(f"Biểu đồ: số lượt khen thưởng theo cấp, {first} - {year}",
                               lambda series=series: grouped_bars_figure([str(y) for y in years], series,
                                                                         width=8, height=3.2)))
    sections.append(s5)
    summary = f"Thống kê danh hiệu thi đua, hình thức khen thưởng năm {year}\nvà các năm {first} - {year}"
    return _base(session, "thong-ke", year, "year", summary, made_on, sections, doc_kind="BÁO CÁO THỐNG KÊ")


_ABBREV = {"Lao động tiên tiến": "LĐTT", "Chiến sĩ thi đua cơ sở": "CSTĐCS",
           "Chiến sĩ thi đua cấp bộ, ngành, tỉnh": "CSTĐ tỉnh", "Chiến sĩ thi đua toàn quốc": "CSTĐ TQ",
           "Giấy khen của Giám đốc Sở": "Giấy khen", "Bằng khen của Chủ tịch UBND tỉnh": "BK tỉnh",
           "Bằng khen của Bộ trưởng": "BK Bộ", "Bằng khen của Thủ tướng Chính phủ": "BK TTg",
           "Tập thể lao động tiên tiến": "TTLĐTT", "Tập thể lao động xuất sắc": "TTLĐXS",
           "Cờ thi đua của UBND tỉnh": "Cờ tỉnh", "Cờ thi đua của Bộ": "Cờ Bộ"}


def _abbrev(name: str) -> str:
    return _ABBREV.get(name, name)


# --- lien-tuc -----------------------------------------------------------------------------

CHAIN_TITLES = ("LDTT", "CSTDCS", "CSTD_TINH")
BK_CODES = ("BK_TINH", "BK_BO")


@dataclass(frozen=True)
class Chain:
    person_code: str
    full_name: str
    unit: str
    title: str
    length: int
    last_year: int

    @property
    def years(self) -> list[int]:
        return list(range(self.last_year - self.length + 1, self.last_year + 1))


def chain_length(years: set[int], last: int) -> int:
    n = 0
    while last - n in years:
        n += 1
    return n


def consecutive_chains(session: Session, year: int) -> tuple[list[Chain], dict[int, dict[str, set[int]]],
                                                              dict[int, tuple[str, str, str]]]:
    """The chains of consecutive years (ending in ``year`` or, while ``year`` is not yet
    decided, in ``year - 1``) of every active person for LĐTT, CSTĐCS and CSTĐ cấp tỉnh;
    also every person's award years by title and their (code, name, unit)."""
    people = {pid: (code, name, unit) for pid, code, name, unit in session.execute(
        select(Person.id, Person.code, Person.full_name, Unit.name).join(Unit, Unit.id == Person.unit_id)
        .where(Person.active.is_(True), Person.deleted_at.is_(None)))}
    held: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for pid, code, y in session.execute(
            select(Award.person_id, Award.title_code, Award.year)
            .outerjoin(Decision, Decision.id == Award.decision_id)
            .where(Award.person_id.is_not(None), Award.year <= year,
                   Award.title_code.in_(CHAIN_TITLES + BK_CODES + ("BK_TTG",)), award_counts())):
        if pid in people:
            held[pid][code].add(y)
    chains = []
    for pid, titles in held.items():
        code, name, unit = people[pid]
        for t in CHAIN_TITLES:
            years = titles.get(t)
            if not years:
                continue
            last = year if year in years else year - 1
            n = chain_length(years, last)
            if n:
                chains.append(Chain(code, name, unit, t, n, last))
    return chains, held, people


def build_lien_tuc(session: Session, year: int, *, made_on: date | None = None) -> Report:
    chains, held, people = consecutive_chains(session, year)
    names = {c: n for c, n, _s, _l in _titles(session)}
    sections: list[Section] = []

    s1 = Section("I. TỔNG HỢP THEO SỐ NĂM LIÊN TỤC")
    s1.paragraphs.append(
        f"Số cán bộ đang công tác đạt danh hiệu liên tục đến năm {year} (hoặc đến năm {year - 1} khi danh hiệu năm "
        f"{year} chưa có quyết định), theo các quyết định khen thưởng còn hiệu lực.")
    buckets = ["1 năm", "2 năm", "3 năm", "4 năm", "5 năm trở lên"]
    counts = {t: [0] * 5 for t in CHAIN_TITLES}
    for c in chains:
        counts[c.title][min(c.length, 5) - 1] += 1
    s1.tables.append(Table("Số người theo số năm liên tục", ["Danh hiệu"] + buckets + ["Tổng số"],
                           [[names.get(t, t)] + counts[t] + [sum(counts[t])] for t in CHAIN_TITLES],
                           widths=[5.5, 1.6, 1.6, 1.6, 1.6, 2.2, 1.8], sheet="Tổng hợp"))
    from services.output.charts import grouped_bars_figure

    series = {_abbrev(names.get(t, t)): counts[t] for t in CHAIN_TITLES}
    s1.charts.append(Chart("Biểu đồ: số người theo số năm liên tục đạt danh hiệu",
                           lambda series=series: grouped_bars_figure(buckets, series, width=8, height=2.6),
                           width_cm=14.0))
    sections.append(s1)

    # II. Close to a higher form.
    close: list[list[Any]] = []
    for c in chains:
        if c.title == "CSTDCS" and c.length >= 3:
            close.append([c, "Chiến sĩ thi đua cấp tỉnh",
                          "Đủ 3 năm liên tục CSTĐCS: xem xét đề nghị nếu có sáng kiến cấp tỉnh trở lên (P4)."])
        elif c.title == "CSTDCS" and c.length == 2:
            close.append([c, "Chiến sĩ thi đua cấp tỉnh",
                          f"Cần thêm CSTĐCS năm {c.last_year + 1} và sáng kiến cấp tỉnh (P4); "
                          f"đủ 2 năm liên tục để xét Bằng khen UBND tỉnh nếu có 2 sáng kiến (P6)."])
        elif c.title == "CSTD_TINH" and c.length >= 2:
            close.append([c, "Chiến sĩ thi đua toàn quốc",
                          "Đủ 2 năm liên tục CSTĐ cấp tỉnh: xem xét nếu có sáng kiến cấp toàn quốc (P5)."])
        elif c.title == "CSTD_TINH" and c.length == 1:
            close.append([c, "Chiến sĩ thi đua toàn quốc",
                          f"Cần thêm CSTĐ cấp tỉnh năm {c.last_year + 1} và sáng kiến cấp toàn quốc (P5)."])
    # Bằng khen: years since the last BK of the province or ministry (BK_TTG needs 5, rule P7).
    bk_rows: list[list[Any]] = []
    for pid, titles in held.items():
        bk = titles.get("BK_TINH", set()) | titles.get("BK_BO", set())
        if not bk:
            continue
        last_bk = max(bk)
        if any(y > last_bk for y in titles.get("BK_TTG", set())):
            continue
        since = year - last_bk
        if since < 3:
            continue
        cstdcs = sorted(y for y in titles.get("CSTDCS", set()) if last_bk < y <= year)
        code, name, unit = people[pid]
        note = (f"Bằng khen năm {last_bk}, {since} năm đến {year}; CSTĐCS từ năm {last_bk + 1}: "
                f"{len(cstdcs)} năm" + (f" ({', '.join(map(str, cstdcs))})" if cstdcs else "")
                + ("; đủ thời gian 5 năm" if since >= 5 else f"; đủ 5 năm vào năm {last_bk + 5}")
                + ("" if len(cstdcs) >= 3 else "; cần ít nhất 3 năm CSTĐCS") + " (P7).")
        bk_rows.append([code, name, unit, last_bk, since, len(cstdcs), note])

    def person_order(item):
        return (item.title, -item.length, name_sort_key(item.full_name), item.person_code)

    close.sort(key=lambda r: person_order(r[0]))
    s2 = Section("II. CÁN BỘ GẦN ĐẠT HÌNH THỨC CAO HƠN")
    s2.paragraphs.append("Căn cứ các điều kiện về số năm liên tục của bộ quy định (P4 Chiến sĩ thi đua cấp tỉnh, "
                         "P5 Chiến sĩ thi đua toàn quốc, P6 Bằng khen UBND tỉnh, P7 Bằng khen Thủ tướng). Các điều "
                         "kiện khác (sáng kiến, xếp loại, kỷ luật) xét khi lập danh sách đề nghị.")
    s2.tables.append(Table(
        "Gần đạt hình thức cao hơn theo chuỗi danh hiệu",
        ["STT", "Họ và tên", "Đơn vị", "Danh hiệu liên tục", "Số năm", "Các năm", "Hình thức cao hơn", "Ghi chú"],
        [[i, c.full_name, c.unit, _abbrev(names.get(c.title, c.title)), c.length,
          ", ".join(map(str, c.years)), higher, note] for i, (c, higher, note) in enumerate(close, 1)],
        widths=[1.2, 4, 4, 2.2, 1.4, 2.8, 3.2, 6.5], sheet="Gần đạt hình thức cao hơn",
        empty_text="Không có cán bộ nào."))
    bk_rows.sort(key=lambda r: (-r[4], -r[5], name_sort_key(r[1]), r[0]))
    s2.tables.append(Table(
        "Bằng khen cấp tỉnh, bộ: số năm đến nay (xét Bằng khen Thủ tướng)",
        ["STT", "Họ và tên", "Đơn vị", "Năm Bằng khen", "Số năm", "Số năm CSTĐCS", "Ghi chú"],
        [[i, r[1], r[2], r[3], r[4], r[5], r[6]] for i, r in enumerate(bk_rows, 1)],
        widths=[1.2, 4, 4, 2, 1.5, 2, 7], sheet="Bằng khen - số năm", empty_text="Không có cán bộ nào."))
    sections.append(s2)

    # III. Every chain (workbook only: hundreds of LĐTT rows).
    detail = sorted(chains, key=person_order)
    s3 = Section("III. CHI TIẾT CHUỖI DANH HIỆU")
    s3.tables.append(Table(
        "Tất cả cán bộ theo số năm liên tục", ["STT", "Mã cán bộ", "Họ và tên", "Đơn vị", "Danh hiệu", "Số năm",
                                               "Từ năm", "Đến năm"],
        [[i, c.person_code, c.full_name, c.unit, names.get(c.title, c.title), c.length, c.years[0], c.last_year]
         for i, c in enumerate(detail, 1)], sheet="Chi tiết", in_docx=False))
    s3.paragraphs.append(f"Danh sách đầy đủ {len(detail)} chuỗi danh hiệu có trong tệp Excel cùng tên của báo cáo "
                         f"này (trang tính \"Chi tiết\").")
    sections.append(s3)
    summary = f"Danh sách cán bộ theo số năm liên tục đạt danh hiệu thi đua đến năm {year}"
    return _base(session, "lien-tuc", year, "year", summary, made_on, sections, doc_kind="DANH SÁCH",
                 landscape=True)


# --- building and writing -------------------------------------------------------------------

def build_report(session: Session, kind: str, year: int, period: str = "year", *,
                 made_on: date | None = None, draft=None) -> Report:
    if kind == "phong-trao":
        return build_phong_trao(session, year, period, made_on=made_on, draft=draft)
    if kind == "thong-ke":
        return build_thong_ke(session, year, made_on=made_on)
    if kind == "lien-tuc":
        return build_lien_tuc(session, year, made_on=made_on)
    raise ReportError(f"Không có loại báo cáo \"{kind}\". Các loại: {', '.join(KINDS)}.")


def default_file_name(kind: str, year: int, period: str = "year", suffix: str = ".docx") -> str:
    tail = f"-{period}" if kind == "phong-trao" else ""
    return f"bao-cao-{kind}-{year}{tail}{suffix}"


def write_docx(report: Report, path: Path) -> Path:
    from services.output.charts import figure_png
    from services.output.docx_common import (
        Letterhead,
        SignatureBlock,
        add_heading,
        add_letterhead,
        add_paragraph,
        add_picture,
        add_signature,
        add_table,
        add_title,
        new_document,
        save_document,
    )

    doc = new_document(landscape=report.landscape)
    suffix = f"/BC-{report.doc_suffix}" if report.doc_suffix else "/BC"
    dateline = long_date(report.place, report.made_on) if report.place else \
        date_words(report.made_on).capitalize()
    add_letterhead(doc, Letterhead(report.parent_authority, report.agency, report.doc_suffix, report.place),
                   f"Số:       {suffix}", dateline)
    add_title(doc, report.doc_kind, report.summary)
    width = 24.0 if report.landscape else 16.0
    for section in report.sections:
        add_heading(doc, section.heading)
        for text in section.paragraphs:
            add_paragraph(doc, text)
        for table in section.tables:
            if not table.in_docx:
                continue
            add_heading(doc, table.caption, level=2)
            if table.rows:
                add_table(doc, table.headers, table.rows, widths=table.widths, total=table.total,
                          numeric_from=1)
            else:
                add_paragraph(doc, table.empty_text, italic=True)
        for chart in section.charts:
            add_picture(doc, figure_png(chart.build()), width_cm=min(chart.width_cm, width), caption=chart.caption)
        for text in section.notes:
            add_paragraph(doc, text, italic=True, size=12)
    sign = SignatureBlock(*report.signer) if report.signer else None
    add_signature(doc, ["Ban Thi đua - Khen thưởng tỉnh (b/c);", "Lãnh đạo Sở;", "Lưu: VT, VP."], sign)
    return save_document(doc, path)


def write_xlsx(report: Report, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from services.output.xlsx_export import cell_value

    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    lines = [report.parent_authority.upper(), report.agency.upper(), "", report.doc_kind,
             *report.summary.split("\n"), "",
             f"Ngày lập: {format_date(report.made_on)}"]
    for i, text in enumerate(lines, start=1):
        cell = info.cell(row=i, column=1, value=cell_value(text))
        cell.font = Font(bold=i in (2, 4, 5, 6), size=13 if i in (4, 5) else 11)
    row = len(lines) + 2
    for section in report.sections:
        info.cell(row=row, column=1, value=cell_value(section.heading)).font = Font(bold=True)
        row += 1
        for text in section.paragraphs + section.notes:
            info.cell(row=row, column=1, value=cell_value(text)).alignment = Alignment(wrap_text=True)
            row += 1
        row += 1
    info.column_dimensions["A"].width = 120

    thin = Side(style="thin", color="B7C3D0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    used: set[str] = {"Thông tin"}
    for table in report.tables():
        name = _sheet_name(table.sheet or table.caption, used)
        ws = wb.create_sheet(name)
        ws.cell(row=1, column=1, value=cell_value(table.caption)).font = Font(bold=True, size=13)
        ws.cell(row=2, column=1, value=cell_value(f"{report.summary.splitlines()[0]}")).font = Font(italic=True)
        for c, header in enumerate(table.headers, start=1):
            cell = ws.cell(row=4, column=c, value=cell_value(header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E8EDF3")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        r = 4
        body = table.rows + ([table.total] if table.total else [])
        for values in body:
            r += 1
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c)
                value = cell_value(value)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = border
                if table.total and values is table.total:
                    cell.font = Font(bold=True)
        if not table.rows:
            ws.cell(row=5, column=1, value=cell_value(table.empty_text)).font = Font(italic=True)
        for c, header in enumerate(table.headers, start=1):
            longest = max([len(str(header))] + [len(str(v[c - 1])) for v in body if c - 1 < len(v)])
            ws.column_dimensions[get_column_letter(c)].width = max(6, min(60, longest + 2))
        ws.freeze_panes = "A5"
    from services.output.docx_common import save_document

    return save_document(wb, path)


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in nfc(name) if ch not in '[]:*?/\\')[:31] or "Bảng"
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate




def write_report(report: Report, path: Path) -> Path:
    """Write ``report`` to ``path`` in the format of its extension (.docx or .xlsx)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return write_docx(report, path)
    if suffix == ".xlsx":
        return write_xlsx(report, path)
    raise ReportError(f"Không hỗ trợ định dạng \"{suffix or '(không có đuôi)'}\": hãy đặt tên tệp kết thúc bằng "
                      ".docx (Word) hoặc .xlsx (Excel).")


def make_report(database: Database, kind: str, year: int, period: str, path: Path, *,
                made_on: date | None = None) -> Path:
    """Build the report from ``database`` and write it to ``path`` (format from the extension)."""
    if Path(path).suffix.lower() not in FORMATS:
        raise ReportError(f"Không hỗ trợ định dạng \"{Path(path).suffix or '(không có đuôi)'}\": hãy đặt tên tệp "
                          "kết thúc bằng .docx (Word) hoặc .xlsx (Excel).")
    with database.session() as session:
        try:
            report = build_report(session, kind, year, period, made_on=made_on)
        finally:
            session.rollback()
    return write_report(report, path)


# --- command line ---------------------------------------------------------------------------



