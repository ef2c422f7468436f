"""Tổng quan: the year's main figures, read from the database on a worker thread."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from services.output.overview import (
    Overview,
    Progress,
    TodoItem,
    available_years,
    load_overview,
    load_progress,
    progress_figures,
)
from services.system.text import format_date
from ui.charts import ChartView
from ui.context import AppContext
from ui.style import format_int, format_percent
from ui.worker import error_text, run_in_background

# Unit kinds as the units card names them (the full labels are too long for it).
UNIT_KIND_SHORT = {"phong": "phòng", "don_vi": "đơn vị trực thuộc", "phong_huyen": "phòng cấp huyện", "khac": "khác"}


def _load(database: Database, year: int | None) -> tuple[list[int], Overview, Progress, dict[str, Any]]:
    """Worker thread: the years to offer, the figures of ``year`` (default: the latest), the
    plan against the draft and the decisions (runs the draft), and their charts."""
    years = available_years(database)
    if year is None:
        year = years[0]
    elif year not in years:
        years = sorted({*years, year}, reverse=True)
    progress = load_progress(database, year)
    return years, load_overview(database, year), progress, progress_figures(progress)


def page_labels() -> dict[str, str]:
    """Key -> sidebar label of every page of the window."""
    from ui.pages import PAGES

    return {spec.key: spec.label for spec in PAGES}


class FigureCard(QFrame):
    """A white card: a caption, a big number and a line of detail."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "cardTitle")
        self.caption.setObjectName(f"caption_{key}")
        self.value = QLabel("–")
        self.value.setProperty("role", "cardValue")
        self.value.setObjectName(f"figure_{key}")
        self.note = QLabel("")
        self.note.setProperty("role", "cardNote")
        self.note.setObjectName(f"note_{key}")
        self.note.setWordWrap(True)
        self.note.setMinimumHeight(self.note.fontMetrics().lineSpacing() * 3)
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)

    def set(self, caption: str, value: int, note: str) -> None:
        self.caption.setText(caption)
        self.value.setText(format_int(value))
        self.note.setText(note)


class FigureTable(QWidget):
    """A small read-only table with a note shown instead when it has no rows."""

    def __init__(self, key: str, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName(f"table_{key}")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(headers)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.empty = QLabel("")
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        self.empty.hide()

    def set_rows(self, rows: list[list[str]], empty_text: str, total: list[str] | None = None) -> None:
        table = self.table
        all_rows = rows + ([total] if total and rows else [])
        table.setRowCount(len(all_rows))
        for r, values in enumerate(all_rows):
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if total and rows and r == len(all_rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4
        table.setFixedHeight(height)
        table.setVisible(bool(rows))
        self.empty.setText(empty_text)
        self.empty.setVisible(not rows)

    def cell_texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests and copying)."""
        t = self.table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


class OverviewPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.overview: Overview | None = None
        self.progress: Progress | None = None
        self._request = 0
        self._loading = False
        context.database_changed.connect(self._database_changed)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        # Year selector and status line.
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        year_label = QLabel("Năm:")
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("year_combo")
        self.year_combo.setMinimumWidth(90)
        self.year_combo.setToolTip("Chọn năm để xem số liệu (các năm đã có kết quả bình xét)")
        year_label.setBuddy(self.year_combo)
        self.year_combo.currentIndexChanged.connect(self._year_chosen)
        self.refresh_button = QPushButton("Làm mới")
        self.refresh_button.setToolTip("Đọc lại số liệu từ cơ sở dữ liệu (F5)")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(lambda: self.reload(self.selected_year()))
        self.status = QLabel("")
        self.status.setObjectName("loadStatus")
        bar.addWidget(year_label)
        bar.addWidget(self.year_combo)
        bar.addWidget(self.refresh_button)
        bar.addSpacing(12)
        bar.addWidget(self.status, 1)
        outer.addLayout(bar)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("pageArea")
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 8, 4, 8)
        layout.setSpacing(12)

        cards = QGridLayout()
        cards.setHorizontalSpacing(12)
        self.cards = {
            "units": FigureCard("units", "Đơn vị"),
            "people_active": FigureCard("people_active", "Cán bộ đang công tác"),
            "people_evaluated": FigureCard("people_evaluated", "Đã bình xét"),
            "initiatives": FigureCard("initiatives", "Sáng kiến, đề tài"),
            "awards": FigureCard("awards", "Khen thưởng"),
        }
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, i)
            cards.setColumnStretch(i, 1)
        layout.addLayout(cards)

        # The plan against results: charts on the left, to-do and LĐTT share on the right.
        self.progress_box = QGroupBox("Đăng ký thi đua, dự thảo và quyết định")
        progress_layout = QVBoxLayout(self.progress_box)
        self.progress_chart = ChartView("progress")
        self.progress_note = QLabel("")
        self.progress_note.setObjectName("progress_note")
        self.progress_note.setWordWrap(True)
        self.progress_note.setStyleSheet("color: #5b6777;")
        progress_layout.addWidget(self.progress_chart)
        progress_layout.addWidget(self.progress_note)

        self.todo_box = QGroupBox("Việc cần làm")
        self.todo_layout = QVBoxLayout(self.todo_box)
        self.todo_layout.setSpacing(6)
        self.todo_widgets: list[QWidget] = []
        self.todo_links: dict[str, QPushButton] = {}

        self.share_box = QGroupBox("Tỷ lệ Lao động tiên tiến theo đơn vị")
        share_layout = QVBoxLayout(self.share_box)
        self.share_chart = ChartView("ldtt_share")
        share_layout.addWidget(self.share_chart)

        self.targets_box = QGroupBox("Chỉ tiêu kinh tế - xã hội của kế hoạch")
        self.targets = FigureTable("targets", ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Kết quả"])
        self.targets.table.setWordWrap(True)
        QVBoxLayout(self.targets_box).addWidget(self.targets)

        for box in (self.progress_box, self.todo_box, self.share_box, self.targets_box):
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        # What is missing first, then the plan against results across the page, then the
        # targets and the share of LĐTT side by side.
        layout.addWidget(self.todo_box)
        layout.addWidget(self.progress_box)
        middle = QHBoxLayout()
        middle.setSpacing(12)
        for box, stretch in ((self.targets_box, 3), (self.share_box, 2)):
            column = QVBoxLayout()
            column.addWidget(box)
            column.addStretch(1)
            middle.addLayout(column, stretch)
        layout.addLayout(middle)

        self.ratings_box = QGroupBox("Kết quả xếp loại")
        self.ratings = FigureTable("ratings", ["Mức xếp loại", "Cá nhân", "Tỷ lệ", "Tập thể"])
        QVBoxLayout(self.ratings_box).addWidget(self.ratings)
        self.awards_box = QGroupBox("Khen thưởng theo danh hiệu, hình thức")
        self.awards = FigureTable("awards", ["Danh hiệu, hình thức khen thưởng", "Số lượng"])
        QVBoxLayout(self.awards_box).addWidget(self.awards)
        self.plan_box = QGroupBox("Kế hoạch thi đua")
        plan_layout = QVBoxLayout(self.plan_box)
        self.plan_heading = QLabel("")
        self.plan_heading.setObjectName("plan_heading")
        self.plan_heading.setWordWrap(True)
        self.plan_theme = QLabel("")
        self.plan_theme.setObjectName("plan_theme")
        self.plan_theme.setWordWrap(True)
        self.plan_theme.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.phases = FigureTable("phases", ["Đợt thi đua", "Từ ngày", "Đến ngày"])
        plan_layout.addWidget(self.plan_heading)
        plan_layout.addWidget(self.plan_theme)
        plan_layout.addWidget(self.phases)
        self.initiatives_box = QGroupBox("Sáng kiến, đề tài theo cấp công nhận")
        self.initiatives = FigureTable("initiatives", ["Cấp công nhận", "Số lượng"])
        QVBoxLayout(self.initiatives_box).addWidget(self.initiatives)

        # Two independent columns, so a long table on one side leaves no gap on the other.
        columns = QHBoxLayout()
        columns.setSpacing(12)
        for boxes in ((self.ratings_box, self.initiatives_box), (self.awards_box, self.plan_box)):
            column = QVBoxLayout()
            column.setSpacing(4)
            for box in boxes:
                box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
                column.addWidget(box)
            column.addStretch(1)
            columns.addLayout(column, 1)
        layout.addLayout(columns)
        layout.addStretch(1)

    def page_shown(self) -> None:
        """Called by the window each time the page is shown: the first time, load it."""
        if self.overview is None and not self._loading:
            self.reload(None)

    # Loading ----------------------------------------------------------------------

    def selected_year(self) -> int | None:
        data = self.year_combo.currentData()
        return int(data) if data is not None else None

    def reload(self, year: int | None = None) -> None:
        """Read the figures of ``year`` (None: the latest year with evaluations) in the background."""
        self._request += 1
        request = self._request
        database = self.context.database
        self._loading = True
        self.status.setStyleSheet("")
        self.status.setText("Đang tải số liệu…")
        self.refresh_button.setEnabled(False)
        run_in_background(
            _load, database, year,
            on_success=lambda result: self._loaded(request, result),
            on_error=lambda exc: self._failed(request, exc),
            progress_text="Đang tải số liệu tổng quan…",
            parent=self.window(),
        )

    def _loaded(self, request: int, result: tuple[list[int], Overview, Progress, dict[str, Any]]) -> None:
        if request != self._request:  # an older request, overtaken by a newer one
            return
        self._loading = False
        self.refresh_button.setEnabled(True)
        years, overview, progress, figures = result
        self._set_years(years, overview.year)
        self.show_overview(overview)
        self.show_progress(progress, figures)
        self.status.setText("")

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self._loading = False
        self.refresh_button.setEnabled(True)
        self.status.setText(
            f"Không đọc được số liệu: {error_text(exc)}. Hãy bấm \"Làm mới\" để thử lại hoặc mở cơ sở dữ liệu khác."
        )
        self.status.setStyleSheet("color: #b03a2e;")

    def _set_years(self, years: list[int], current: int) -> None:
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for y in years:
            self.year_combo.addItem(str(y), y)
        self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(current)))
        self.year_combo.blockSignals(False)

    def _year_chosen(self, _index: int) -> None:
        year = self.selected_year()
        if year is not None:
            self.reload(year)

    def _database_changed(self, _database: Any) -> None:
        self.reload(None)

    # Display ----------------------------------------------------------------------

    def show_overview(self, ov: Overview) -> None:
        self.overview = ov
        y = ov.year
        kinds = ", ".join(f"{format_int(r.count)} {UNIT_KIND_SHORT.get(r.code or '', r.label.lower())}"
                          for r in ov.units_by_kind) or "Chưa có đơn vị"
        self.cards["units"].set("Đơn vị", ov.units_total, kinds)
        self.cards["people_active"].set("Cán bộ đang công tác", ov.people_active,
                                        "Cán bộ, công chức, viên chức, người lao động")
        excellent = next((r.count for r in ov.ratings if r.code == "HTXSNV"), 0)
        evaluated_note = (f"{format_int(excellent)} người hoàn thành xuất sắc nhiệm vụ" if ov.people_evaluated
                          else "Chưa có kết quả bình xét")
        self.cards["people_evaluated"].set(f"Đã bình xét năm {y}", ov.people_evaluated, evaluated_note)
        higher = sum(r.count for r in ov.initiatives_by_level if r.code != "co_so")
        self.cards["initiatives"].set(
            f"Sáng kiến, đề tài năm {y}", ov.initiatives_total,
            f"{format_int(higher)} cấp bộ, ngành, tỉnh trở lên" if ov.initiatives_total else "Chưa có sáng kiến",
        )
        award_note = (f"{len(ov.awards_by_title)} danh hiệu, hình thức" if ov.awards_total
                      else "Chưa có khen thưởng")
        if ov.awards_cancelled:
            award_note += f"; {format_int(ov.awards_cancelled)} thuộc quyết định đã hủy (không tính)"
        self.cards["awards"].set(f"Khen thưởng năm {y}", ov.awards_total, award_note)

        # Ratings of people and of units side by side.
        self.ratings_box.setTitle(f"Kết quả xếp loại năm {y}")
        unit_counts = {r.code: r.count for r in ov.unit_ratings}
        codes = [r.code for r in ov.ratings] + [r.code for r in ov.unit_ratings if r.code not in
                                                 {x.code for x in ov.ratings}]
        labels = {r.code: r.label for r in ov.ratings + ov.unit_ratings}
        person_counts = {r.code: r.count for r in ov.ratings}
        rows = [
            [labels[c], format_int(person_counts.get(c, 0)),
             format_percent(person_counts.get(c, 0), ov.people_evaluated), format_int(unit_counts.get(c, 0))]
            for c in codes
        ]
        has_ratings = bool(ov.people_evaluated or ov.units_evaluated)
        self.ratings.set_rows(
            rows if has_ratings else [],
            f"Chưa có kết quả bình xét năm {y}.",
            total=["Tổng số", format_int(ov.people_evaluated), "", format_int(ov.units_evaluated)],
        )

        self.awards_box.setTitle(f"Khen thưởng năm {y} theo danh hiệu, hình thức")
        self.awards.set_rows(
            [[r.label, format_int(r.count)] for r in ov.awards_by_title],
            f"Chưa có khen thưởng nào được quyết định trong năm {y}.",
            total=["Tổng số", format_int(ov.awards_total)],
        )

        self.initiatives_box.setTitle(f"Sáng kiến, đề tài năm {y} theo cấp công nhận")
        self.initiatives.set_rows(
            [[r.label, format_int(r.count)] for r in ov.initiatives_by_level] if ov.initiatives_total else [],
            f"Chưa có sáng kiến, đề tài nào được công nhận trong năm {y}.",
            total=["Tổng số", format_int(ov.initiatives_total)],
        )

        self.plan_box.setTitle(f"Kế hoạch thi đua năm {y}")
        plan = ov.plan
        if plan is None:
            self.plan_heading.setText(f"Chưa có kế hoạch thi đua năm {y} trong cơ sở dữ liệu.")
            self.plan_heading.setStyleSheet("color: #7a8594; font-style: italic;")
            self.plan_theme.hide()
            self.phases.hide()
        else:
            heading = plan.title or f"Kế hoạch thi đua năm {y}"
            ref = " ".join(p for p in (f"Số {plan.number}" if plan.number else "",
                                       f"ngày {format_date(plan.issued_on)}" if plan.issued_on else "") if p)
            self.plan_heading.setText(f"{heading}" + (f" ({ref})" if ref else ""))
            self.plan_heading.setStyleSheet("font-weight: bold;")
            self.plan_theme.setText(f"Chủ đề thi đua: “{plan.theme}”" if plan.theme else "Chủ đề thi đua: chưa nhập")
            self.plan_theme.show()
            self.phases.show()
            self.phases.set_rows(
                [[p.name, format_date(p.start_date), format_date(p.end_date)] for p in plan.phases],
                "Kế hoạch chưa có đợt thi đua nào.",
            )

    # The plan against results ---------------------------------------------------------

    def show_progress(self, progress: Progress, figures: dict[str, Any] | None = None) -> None:
        self.progress = progress
        y = progress.year
        figures = figures or progress_figures(progress)
        self.progress_box.setTitle(f"Đăng ký thi đua năm {y}: kế hoạch, dự thảo và quyết định")
        self.progress_chart.set_figure(figures["progress"])
        notes = []
        if progress.titles:
            notes.append("Đăng ký: số đăng ký thi đua đã nhập; Dự thảo: số được đề nghị theo bộ quy định hiện hành; "
                         "Quyết định: số đã có quyết định khen thưởng (không tính quyết định đã hủy). "
                         "Chỉ tiêu kế hoạch là mục tiêu phấn đấu, không phải tỷ lệ tối đa.")
        if progress.draft_note:
            notes.append(progress.draft_note)
        self.progress_note.setText(" ".join(notes))
        self.progress_note.setVisible(bool(notes))

        self.share_box.setTitle(f"Tỷ lệ Lao động tiên tiến theo đơn vị năm {y} (theo dự thảo)")
        self.share_chart.set_figure(figures["ldtt_share"])

        self.targets_box.setTitle(f"Chỉ tiêu kinh tế - xã hội của Kế hoạch thi đua năm {y}")
        rows = [[t.description, t.target_text, t.actual_text, t.met_text] for t in progress.targets]
        self.targets.set_rows(rows, f"Kế hoạch thi đua năm {y} chưa có chỉ tiêu nào (hoặc chưa có kế hoạch).")
        table = self.targets.table
        for r, t in enumerate(progress.targets):
            item = table.item(r, 3)
            item.setForeground(Qt.GlobalColor.darkGreen if t.met else
                               Qt.GlobalColor.darkRed if t.met is False else Qt.GlobalColor.gray)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        table.resizeRowsToContents()
        table.setFixedHeight(table.horizontalHeader().height()
                             + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4)
        self.show_todo(progress.todo)

    def show_todo(self, items: list[TodoItem]) -> None:
        for w in self.todo_widgets:
            self.todo_layout.removeWidget(w)
            w.deleteLater()
        self.todo_widgets = []
        self.todo_links = {}
        labels = page_labels()
        switch = getattr(self.window(), "show_page", None)
        if not items:
            done = QLabel("Không còn việc nào còn thiếu cho năm này.")
            done.setObjectName("todo_done")
            done.setStyleSheet("color: #2e7d4f;")
            self.todo_layout.addWidget(done)
            self.todo_widgets.append(done)
            return
        for item in items:
            row = QWidget()
            row.setObjectName(f"todo_{item.key}")
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            text = QLabel(f"• {item.text}")
            text.setWordWrap(True)
            text.setObjectName(f"todo_text_{item.key}")
            line.addWidget(text, 1)
            key = next((k for k in item.pages if k in labels), None)
            if key is not None and callable(switch):
                # "&" would be taken as a shortcut mark ("Kế hoạch & đăng ký" lost it): double it.
                button = QPushButton(f"Mở trang {labels[key]} →".replace("&", "&&"))
                button.setObjectName(f"todo_link_{item.key}")
                button.setFlat(True)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.setStyleSheet("color: #1f4e79; text-decoration: underline; text-align: right;")
                button.setToolTip(f"Chuyển sang trang {labels[key]}")
                button.clicked.connect(lambda _checked=False, k=key: self._go(k))
                line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                self.todo_links[item.key] = button
            self.todo_layout.addWidget(row)
            self.todo_widgets.append(row)

    def _go(self, key: str) -> None:
        switch = getattr(self.window(), "show_page", None)
        if callable(switch):
            switch(key)
