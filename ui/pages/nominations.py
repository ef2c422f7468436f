"""Danh sách đề nghị: the year's draft saved as one list per title, the secretariat's
overrides (with a written reason), the order within ties, the workflow states, the
council dialog, the Excel export and the tờ trình.

Also the small helpers the decisions page shares: ``ReasonDialog`` (a written reason,
refusing an empty one), ``choose_folder`` and ``write_documents`` (render documents to a
folder in the background, then offer to open it).
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QIdentityProxyModel, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Decision,
    Evaluation,
    Nomination,
    NominationList,
    Title,
    UnitEvaluation,
)
from models.db import Database, data_dir
from models.vocabulary import LIST_STATES, OVERRIDES
from services.awards import nominations as nm
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.export import export_model
from ui.worker import run_in_background, show_error

STATE_COLORS = {"nhap": "#5b6777", "trinh_hoi_dong": "#b7791f", "hoi_dong_da_binh_xet": "#2b6cb0",
                "da_quyet_dinh": "#2f855a"}
LOCKED_STYLE = "background: #e6f4ea; color: #22543d; border: 1px solid #9ae6b4; border-radius: 4px; padding: 4px 8px;"
INFO_STYLE = "background: #fff8e1; color: #5f4b00; border: 1px solid #f0d88a; border-radius: 4px; padding: 4px 8px;"
_FOLDER_KEY = "documents/last_folder"


# --- shared helpers ------------------------------------------------------------------------

class ReasonDialog(QDialog):
    """Ask for a written reason; an empty (or too short) reason is refused in the dialog."""

    MIN_LENGTH = 5

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None, *, action: str = "Đồng ý",
                 placeholder: str = "Ghi rõ lý do (được lưu trong nhật ký và hiện trên danh sách)") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(520, 0)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reason_text")
        self.text.setPlaceholderText(placeholder)
        self.text.setFixedHeight(90)
        self.error = QLabel("")
        self.error.setObjectName("reason_error")
        self.error.setStyleSheet(dialogs.ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @property
    def reason(self) -> str:
        return " ".join(self.text.toPlainText().split())

    def try_accept(self) -> None:
        if len(self.reason) < self.MIN_LENGTH:
            self.error.setText("Chưa ghi lý do: hãy ghi lý do (ít nhất 5 ký tự). Lý do được lưu trong nhật ký.")
            self.error.show()
            self.text.setFocus()
            return
        self.accept()


def ask_reason(parent: QWidget | None, title: str, prompt: str, action: str = "Đồng ý") -> str | None:
    dialog = ReasonDialog(title, prompt, parent, action=action)
    return dialog.reason if dialog.exec() == QDialog.DialogCode.Accepted else None


def choose_folder(parent: QWidget | None, title: str) -> Path | None:
    settings = QSettings()
    start = str(settings.value(_FOLDER_KEY, "") or data_dir())
    chosen = QFileDialog.getExistingDirectory(parent, title, start)
    if not chosen:
        return None
    settings.setValue(_FOLDER_KEY, chosen)
    return Path(chosen)


def offer_open_folder(parent: QWidget | None, folder: Path, paths: list[Path]) -> None:
    """Say which files were written and offer to open the folder."""
    names = "\n".join(f"• {p.name}" for p in paths)
    box = QMessageBox(QMessageBox.Icon.Information, "Đã ghi văn bản",
                      f"Đã ghi {len(paths)} tệp vào thư mục:\n{folder}\n\n{names}", parent=parent)
    open_button = box.addButton("Mở thư mục", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Đóng", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is open_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def write_documents(parent: QWidget, database: Database, build: Callable[[Session], list[Any]], folder: Path,
                    *, on_done: Callable[[list[Path]], None] | None = None) -> None:
    """Build documents with ``build(session)`` and write each as .docx and PDF into
    ``folder``, on a worker thread; then offer to open the folder (or call ``on_done``)."""
    from services.output import documents

    def work(progress) -> list[Path]:
        with database.session() as s:
            docs = build(s)
            out: list[Path] = []
            for i, doc in enumerate(docs):
                progress.update(i, len(docs), f"Đang lập {doc.file_stem} ({i + 1}/{len(docs)})…")
                out += documents.write(doc, folder, ("docx", "pdf"))
            return out

    def done(paths: list[Path]) -> None:
        if on_done is not None:
            on_done(paths)
        else:
            offer_open_folder(parent, folder, paths)

    def failed(exc: BaseException) -> None:
        show_error(parent, "Không lập được văn bản.", exc,
                   "Nếu tệp cùng tên đang mở trong Word, hãy đóng nó; hoặc chọn thư mục khác có quyền ghi.")

    run_in_background(work, with_progress=True, progress_text="Đang lập văn bản…", on_success=done,
                      on_error=failed, parent=parent)


def export_table(parent: QWidget, table: QTableWidget, title: str, file_stem: str, path: Path | None = None) -> None:
    """Export a QTableWidget with ui/export.py. Its model is a QAbstractTableModel whose
    hasChildren() PySide6 cannot call, so it goes through an identity proxy."""
    proxy = QIdentityProxyModel(parent)
    proxy.setSourceModel(table.model())
    try:
        export_model(parent, proxy, title, header=table.horizontalHeader(), file_stem=file_stem, path=path)
    finally:
        proxy.deleteLater()


def title_names(session: Session) -> dict[str, str]:
    return {t.code: t.name for t in session.scalars(select(Title))}


# --- what the page shows -----------------------------------------------------------------

@dataclass
class ListSummary:
    id: int
    title_code: str
    title_name: str
    state: str
    quota: int | None
    proposed: int
    over_quota: int
    ineligible: int
    overrides: int


@dataclass
class EntryRow:
    code: str
    name: str
    unit: str
    rank: int | None
    grp: str
    override: str | None
    override_reason: str
    reasons: list[dict[str, Any]]
    tie: int | None
    manual: bool
    votes_for: int | None
    votes_total: int | None

    def basis(self) -> str:
        texts = [r.get("text", "") for r in self.reasons if "tie" not in r and "initiatives" not in r]
        return "; ".join(t for t in texts[:1] if t)

    def reasons_text(self) -> str:
        return "\n".join(f"{r.get('rule', '')}: {r.get('text', '')} ({r.get('article', '')})" for r in self.reasons)

    def note(self) -> str:
        parts = []
        if self.override:
            parts.append(f"{OVERRIDES[self.override]}: {self.override_reason}")
        if self.tie is not None:
            parts.append(f"Ngang hạng (nhóm {self.tie}{', đã đổi thứ tự' if self.manual else ''})")
        if self.votes_for is not None:
            parts.append(f"Phiếu HĐ {self.votes_for}/{self.votes_total}")
        return " · ".join(parts)


@dataclass
class ListDetail:
    id: int
    year: int
    title_code: str
    title_name: str
    state: str
    quota: int | None
    quota_basis: str
    drafted_at: str
    has_meeting: bool
    decision: str
    proposed: list[EntryRow] = field(default_factory=list)
    over_quota: list[EntryRow] = field(default_factory=list)
    ineligible: list[EntryRow] = field(default_factory=list)
    overrides: list[EntryRow] = field(default_factory=list)


def _row(n: Nomination) -> EntryRow:
    if n.person_id is not None:
        unit = n.person.unit.name if n.person.unit else ""
    else:
        unit = n.unit.parent.name if n.unit.parent else ""
    tie, manual = nm.tie_of(n)
    return EntryRow(nm.subject_code(n), nm.subject_name(n), unit, n.rank, n.grp, n.override, n.override_reason or "",
                    list(n.reasons or []), tie, manual, n.council_votes_for, n.council_votes_total)


def load_summaries(session: Session, year: int) -> list[ListSummary]:
    lists = nm.lists_for_year(session, year)
    names = title_names(session)
    counts: dict[int, dict[str, int]] = {nl.id: {"p": 0, "o": 0, "i": 0, "x": 0} for nl in lists}
    if lists:
        for list_id, grp, override in session.execute(
                select(Nomination.list_id, Nomination.grp, Nomination.override)
                .where(Nomination.list_id.in_(list(counts)))):
            c = counts[list_id]
            if override:
                c["x"] += 1
            if override == "added" or (grp == "selected" and override != "removed"):
                c["p"] += 1
            elif override is None and grp == "over_quota":
                c["o"] += 1
            elif override is None and grp == "ineligible":
                c["i"] += 1
    return [ListSummary(nl.id, nl.title_code, names.get(nl.title_code, nl.title_code), nl.state, nl.quota,
                        counts[nl.id]["p"], counts[nl.id]["o"], counts[nl.id]["i"], counts[nl.id]["x"]) for nl in lists]


def load_detail(session: Session, list_id: int) -> ListDetail:
    nl = nm.get_list(session, list_id)
    view = nm.view_list(session, nl)
    decision = session.scalars(select(Decision).where(Decision.nomination_list_id == nl.id,
                                                      Decision.state == "hieu_luc")).first()
    return ListDetail(
        nl.id, nl.year, nl.title_code, view.title_name, nl.state, nl.quota, nl.quota_basis or "",
        nl.drafted_at.strftime("%d/%m/%Y %H:%M") if nl.drafted_at else "", nl.meeting_id is not None,
        f"{decision.number} ngày {decision.issued_on:%d/%m/%Y}" if decision else "",
        [_row(n) for n in view.proposed], [_row(n) for n in view.over_quota], [_row(n) for n in view.ineligible],
        [_row(n) for n in view.overrides])


def review_years(session: Session) -> list[int]:
    years = set(session.scalars(select(Evaluation.year).distinct()))
    years |= set(session.scalars(select(UnitEvaluation.year).distinct()))
    years |= set(session.scalars(select(NominationList.year).distinct()))
    return sorted(years, reverse=True)


def latest_year_with_lists(session: Session) -> int | None:
    return session.scalar(select(NominationList.year).order_by(NominationList.year.desc()).limit(1))


# --- the page ------------------------------------------------------------------------------

TABS = [("proposed", "Được đề nghị"), ("over_quota", "Vượt tỷ lệ"), ("ineligible", "Không đủ điều kiện"),
        ("overrides", "Thay đổi thủ công")]
ENTRY_HEADERS = {
    "proposed": ["STT", "Mã", "Họ và tên / Tập thể", "Đơn vị", "Ghi chú", "Căn cứ"],
    "over_quota": ["Hạng", "Mã", "Họ và tên / Tập thể", "Đơn vị", "Ghi chú", "Căn cứ"],
    "ineligible": ["STT", "Mã", "Họ và tên / Tập thể", "Đơn vị", "Lý do không đủ điều kiện", ""],
    "overrides": ["STT", "Mã", "Họ và tên / Tập thể", "Đơn vị", "Thay đổi và lý do", "Căn cứ"],
}


def _table(name: str, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.verticalHeader().setDefaultSectionSize(24)
    return t


class NominationsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.summaries: list[ListSummary] = []
        self.detail: ListDetail | None = None
        self._rows: dict[str, list[EntryRow]] = {key: [] for key, _ in TABS}
        self._loaded = False
        self._job = None
        context.database_changed.connect(lambda _db: self.reload(reset_year=True))

        # Top bar: year, draft, documents.
        self.year = QComboBox()
        self.year.setObjectName("nominations_year")
        self.year.setMinimumWidth(90)
        self.year.currentIndexChanged.connect(lambda _i: self.load_lists())
        self.draft_button = QPushButton("Dự thảo lại")
        self.draft_button.setObjectName("draft_button")
        self.draft_button.setToolTip("Chạy lại dự thảo theo bộ quy định cho năm đã chọn và lưu các danh sách còn ở "
                                     "trạng thái Nháp; giữ nguyên các thay đổi thủ công và thứ tự đã đổi.")
        self.draft_button.clicked.connect(self.run_draft)
        self.status = QLabel("")
        self.status.setObjectName("nominations_status")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        top.addWidget(self.year)
        top.addWidget(self.draft_button)
        top.addWidget(self.status, 1)

        # Left: the title lists.
        self.lists = _table("lists_table", ["Danh hiệu", "Trạng thái", "Đề nghị", "Tỷ lệ"])
        self.lists.itemSelectionChanged.connect(self._list_chosen)
        header = self.lists.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c, w in ((1, 140), (2, 70), (3, 52)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.lists.setColumnWidth(c, w)
        self.empty = QLabel("")
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.empty.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.lists, 1)
        left_layout.addWidget(self.empty)

        # Right: the chosen list.
        self.heading = QLabel("")
        self.heading.setObjectName("list_heading")
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f4e79;")
        self.quota_label = QLabel("")
        self.quota_label.setObjectName("quota_label")
        self.quota_label.setWordWrap(True)
        self.lock_label = QLabel("")
        self.lock_label.setObjectName("lock_label")
        self.lock_label.setWordWrap(True)
        self.lock_label.hide()

        self.add_button = QPushButton("Thêm vào danh sách…")
        self.add_button.setObjectName("add_button")
        self.add_button.setToolTip("Đưa người/tập thể đang chọn (vượt tỷ lệ, không đủ điều kiện hoặc đã loại) vào danh "
                                   "sách đề nghị; bắt buộc ghi lý do.")
        self.add_button.clicked.connect(lambda: self.change_entry("add"))
        self.remove_button = QPushButton("Loại khỏi danh sách…")
        self.remove_button.setObjectName("remove_button")
        self.remove_button.setToolTip("Loại người/tập thể đang chọn khỏi danh sách đề nghị; bắt buộc ghi lý do.")
        self.remove_button.clicked.connect(lambda: self.change_entry("remove"))
        self.clear_button = QPushButton("Bỏ thay đổi…")
        self.clear_button.setObjectName("clear_button")
        self.clear_button.setToolTip("Bỏ thay đổi thủ công của người/tập thể đang chọn, trở về kết quả dự thảo.")
        self.clear_button.clicked.connect(lambda: self.change_entry("clear"))
        self.up_button = QPushButton("Lên")
        self.up_button.setObjectName("up_button")
        self.up_button.setToolTip("Đổi thứ tự trong nhóm ngang hạng")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QPushButton("Xuống")
        self.down_button.setObjectName("down_button")
        self.down_button.setToolTip("Đổi thứ tự trong nhóm ngang hạng")
        self.down_button.clicked.connect(lambda: self.move(1))
        edit_row = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.clear_button, self.up_button, self.down_button):
            edit_row.addWidget(b)
        edit_row.addStretch(1)

        self.submit_button = QPushButton("Trình Hội đồng")
        self.submit_button.setObjectName("submit_button")
        self.submit_button.clicked.connect(lambda: self.change_state("trinh_hoi_dong"))
        self.return_button = QPushButton("Trả về Nháp…")
        self.return_button.setObjectName("return_button")
        self.return_button.clicked.connect(lambda: self.change_state("nhap"))
        self.council_button = QPushButton("Hội đồng…")
        self.council_button.setObjectName("council_button")
        self.council_button.setToolTip("Ghi cuộc họp, phiếu bầu của Hội đồng, kết thúc bình xét, lập biên bản")
        self.council_button.clicked.connect(self.open_council)
        self.reopen_button = QPushButton("Mở lại để bình xét…")
        self.reopen_button.setObjectName("reopen_button")
        self.reopen_button.clicked.connect(lambda: self.change_state("trinh_hoi_dong", reopen=True))
        self.export_button = QPushButton("Xuất Excel")
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(lambda: self.export())
        self.documents_button = QPushButton("Tờ trình…")
        self.documents_button.setObjectName("documents_button")
        self.documents_button.setToolTip("Ghi tờ trình (và biên bản Hội đồng nếu đã họp) ra .docx và PDF")
        self.documents_button.clicked.connect(lambda: self.write_list_documents())
        state_row = QHBoxLayout()
        for b in (self.submit_button, self.return_button, self.council_button, self.reopen_button):
            state_row.addWidget(b)
        state_row.addStretch(1)
        state_row.addWidget(self.export_button)
        state_row.addWidget(self.documents_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("entry_tabs")
        self.tables: dict[str, QTableWidget] = {}
        for key, label in TABS:
            t = _table(f"{key}_table", ENTRY_HEADERS[key])
            for c, w in enumerate([44, 62, 170, 160, 170]):
                t.setColumnWidth(c, w)
            t.horizontalHeader().setStretchLastSection(True)
            t.itemSelectionChanged.connect(self._entry_chosen)
            self.tables[key] = t
            self.tabs.addTab(t, label)
        self.tabs.currentChanged.connect(lambda _i: self._entry_chosen())
        self.details = QTextBrowser()
        self.details.setObjectName("entry_details")
        self.details.setFixedHeight(96)
        self.details.setFrameShape(QFrame.Shape.StyledPanel)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.quota_label)
        right_layout.addWidget(self.lock_label)
        right_layout.addLayout(state_row)
        right_layout.addLayout(edit_row)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.details)
        self.right = right

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([480, 640])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._show_detail(None)

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        if not self._loaded:
            self.reload(reset_year=True)
        else:
            self.load_lists(keep=True)

    # Loading -----------------------------------------------------------------------------

    def reload(self, reset_year: bool = False) -> None:
        self._loaded = True
        with self.database.session() as s:
            years = review_years(s)
            latest = latest_year_with_lists(s)
        current = None if reset_year else self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        for y in years or []:
            self.year.addItem(str(y), y)
        if not years:
            from datetime import date

            self.year.addItem(str(date.today().year), date.today().year)
        wanted = current if current is not None else (latest if latest is not None else self.year.itemData(0))
        self.year.setCurrentIndex(max(0, self.year.findData(wanted)))
        self.year.blockSignals(False)
        self.load_lists()

    def selected_year(self) -> int:
        return int(self.year.currentData())

    def set_year(self, year: int) -> None:
        index = self.year.findData(year)
        if index < 0:
            self.year.addItem(str(year), year)
            index = self.year.count() - 1
        self.year.setCurrentIndex(index)

    def load_lists(self, keep: bool = True, select_code: str | None = None) -> None:
        if self.year.currentData() is None:
            return
        year = self.selected_year()
        chosen = select_code or (self.detail.title_code if keep and self.detail and self.detail.year == year else None)
        with self.database.session() as s:
            self.summaries = load_summaries(s, year)
        t = self.lists
        t.blockSignals(True)
        t.setRowCount(len(self.summaries))
        for r, sm in enumerate(self.summaries):
            cells = [sm.title_name, LIST_STATES.get(sm.state, sm.state), str(sm.proposed),
                     "—" if sm.quota is None else str(sm.quota)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, sm.id)
                if c == 1:
                    item.setForeground(QColor(STATE_COLORS.get(sm.state, "#222")))
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(f"{sm.title_name} ({sm.title_code}): {sm.proposed} được đề nghị, {sm.over_quota} vượt "
                                f"tỷ lệ, {sm.ineligible} không đủ điều kiện, {sm.overrides} thay đổi thủ công")
                t.setItem(r, c, item)
        t.blockSignals(False)
        self.draft_button.setText("Dự thảo lại" if self.summaries else f"Dự thảo năm {year}")
        if not self.summaries:
            self.empty.setText(f"Chưa có danh sách đề nghị năm {year}. Bấm «Dự thảo năm {year}» để lập dự thảo theo "
                               "kết quả bình xét và bộ quy định; sau đó xem, thêm/loại (kèm lý do) và trình Hội đồng.")
            self.empty.show()
            self.status.setText("")
            self._show_detail(None)
            return
        self.empty.hide()
        codes = [sm.title_code for sm in self.summaries]
        index = codes.index(chosen) if chosen in codes else (codes.index("CSTDCS") if "CSTDCS" in codes else 0)
        t.selectRow(index)
        self._list_chosen()

    def current_list_id(self) -> int | None:
        rows = self.lists.selectionModel().selectedRows()
        if not rows:
            return None
        return self.lists.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def select_title(self, code: str) -> None:
        for r, sm in enumerate(self.summaries):
            if sm.title_code == code:
                self.lists.selectRow(r)
                return
        raise KeyError(code)

    def _list_chosen(self) -> None:
        list_id = self.current_list_id()
        if list_id is None:
            self._show_detail(None)
            return
        try:
            with self.database.session() as s:
                detail = load_detail(s, list_id)
        except nm.NotFoundError as exc:
            dialogs.tell(self, "Danh sách đề nghị", str(exc))
            self.load_lists(keep=False)
            return
        self._show_detail(detail)

    def _show_detail(self, d: ListDetail | None) -> None:
        self.detail = d
        self.right.setEnabled(d is not None)
        if d is None:
            self.heading.setText("Chưa chọn danh sách")
            self.quota_label.setText("")
            self.lock_label.hide()
            for key, _label in TABS:
                self._rows[key] = []
                self.tables[key].setRowCount(0)
            self.details.clear()
            self._update_buttons()
            return
        color = STATE_COLORS.get(d.state, "#222")
        self.heading.setText(f"{d.title_name} năm {d.year} — <span style='color:{color}'>"
                             f"{LIST_STATES.get(d.state, d.state)}</span>")
        quota = ("Tỷ lệ tối đa: không áp dụng (mọi người đủ điều kiện đều được đề nghị)" if d.quota is None
                 else f"Tỷ lệ tối đa: <b>{d.quota}</b> — cách tính: {html.escape(d.quota_basis or 'không ghi')}")
        self.quota_label.setText(f"{quota}. Đề nghị {len(d.proposed)}, vượt tỷ lệ {len(d.over_quota)}, không đủ điều "
                                 f"kiện {len(d.ineligible)}, thay đổi thủ công {len(d.overrides)}."
                                 + (f" Dự thảo lúc {d.drafted_at}." if d.drafted_at else ""))
        if d.state == "da_quyet_dinh":
            self.lock_label.setText(f"<b>Đã khóa.</b> Đã có quyết định {d.decision}: danh sách bị khóa, không thêm, "
                                    "loại hay đổi thứ "
                                    "tự được nữa. Muốn sửa, hãy hủy quyết định (kèm lý do) ở trang «Quyết định».")
            self.lock_label.setStyleSheet(LOCKED_STYLE)
            self.lock_label.show()
        elif d.state == "trinh_hoi_dong":
            self.lock_label.setText("Đã trình Hội đồng: bấm «Hội đồng…» để ghi cuộc họp và phiếu bầu. Muốn sửa danh "
                                    "sách, hãy «Trả về Nháp» (kèm lý do).")
            self.lock_label.setStyleSheet(INFO_STYLE)
            self.lock_label.show()
        elif d.state == "hoi_dong_da_binh_xet":
            self.lock_label.setText("Hội đồng đã bình xét: lập quyết định ở trang «Quyết định» (Tạo quyết định…).")
            self.lock_label.setStyleSheet(INFO_STYLE)
            self.lock_label.show()
        else:
            self.lock_label.hide()
        for key, label in TABS:
            rows = getattr(d, key)
            self._rows[key] = rows
            self._fill(key, rows)
            self.tabs.setTabText([k for k, _ in TABS].index(key), f"{label} ({len(rows)})")
        t = self.tables[self.current_tab()]
        if t.rowCount() and not t.selectionModel().selectedRows():
            t.selectRow(0)
        self._update_buttons()
        self._entry_chosen()

    def _fill(self, key: str, rows: list[EntryRow]) -> None:
        t = self.tables[key]
        t.setRowCount(len(rows))
        for i, e in enumerate(rows):
            first = str(e.rank) if key == "over_quota" and e.rank is not None else str(i + 1)
            if key == "ineligible":
                cells = [first, e.code, e.name, e.unit, "; ".join(r.get("text", "") for r in e.reasons), ""]
            elif key == "overrides":
                cells = [first, e.code, e.name, e.unit, f"{OVERRIDES.get(e.override or '', '')}: {e.override_reason}",
                         e.basis()]
            else:
                cells = [first, e.code, e.name, e.unit, e.note(), e.basis()]
            tip = e.reasons_text()
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if e.override == "added":
                    item.setForeground(QColor("#2f855a"))
                elif e.override == "removed":
                    item.setForeground(QColor("#b03a2e"))
                t.setItem(i, c, item)

    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()][0]

    def current_entry(self) -> EntryRow | None:
        key = self.current_tab()
        t = self.tables[key]
        rows = t.selectionModel().selectedRows()
        if not rows:
            return None
        r = rows[0].row()
        return self._rows[key][r] if 0 <= r < len(self._rows[key]) else None

    def select_entry(self, tab: str, code: str) -> None:
        """Switch to ``tab`` and select the row of ``code`` (for tests and links)."""
        self.tabs.setCurrentIndex([k for k, _ in TABS].index(tab))
        for r, e in enumerate(self._rows[tab]):
            if e.code == code:
                self.tables[tab].selectRow(r)
                self.tables[tab].scrollToItem(self.tables[tab].item(r, 0))
                return
        raise KeyError(code)

    def _entry_chosen(self) -> None:
        e = self.current_entry()
        self._update_buttons()
        if e is None:
            self.details.setHtml("<span style='color:#7a8594'>Chọn một dòng để xem căn cứ: mỗi lý do ghi rõ quy định "
                                 "(mã) và điều khoản.</span>")
            return
        parts = [f"<b>{html.escape(e.code)} — {html.escape(e.name)}</b>"
                 + (f" ({html.escape(e.unit)})" if e.unit else "")]
        if e.override:
            color = "#2f855a" if e.override == "added" else "#b03a2e"
            parts.append(f"<span style='color:{color}'><b>{OVERRIDES[e.override]}</b>: "
                         f"{html.escape(e.override_reason)}</span>")
        for r in e.reasons:
            parts.append(f"• <b>{html.escape(str(r.get('rule', '')))}</b>: {html.escape(str(r.get('text', '')))} "
                         f"<i>({html.escape(str(r.get('article', '')))})</i>")
        if e.votes_for is not None:
            parts.append(f"Phiếu đồng ý của Hội đồng: {e.votes_for}/{e.votes_total}")
        self.details.setHtml("<br>".join(parts))

    def _update_buttons(self) -> None:
        d = self.detail
        state = d.state if d else None
        e = self.current_entry() if d else None
        draft = state == "nhap"
        proposed = e is not None and (e.override == "added" or (e.grp == "selected" and e.override != "removed"))
        self.add_button.setEnabled(draft and e is not None and not proposed)
        self.remove_button.setEnabled(draft and proposed)
        self.clear_button.setEnabled(draft and e is not None and e.override is not None)
        tie = draft and e is not None and e.tie is not None and self.current_tab() in ("proposed", "over_quota")
        self.up_button.setEnabled(tie)
        self.down_button.setEnabled(tie)
        self.submit_button.setEnabled(draft)
        self.return_button.setEnabled(state == "trinh_hoi_dong")
        self.council_button.setEnabled(state in ("trinh_hoi_dong", "hoi_dong_da_binh_xet", "da_quyet_dinh")
                                       and (state == "trinh_hoi_dong" or bool(d and d.has_meeting)))
        self.reopen_button.setEnabled(state == "hoi_dong_da_binh_xet")
        self.export_button.setEnabled(d is not None)
        self.documents_button.setEnabled(d is not None)

    # Drafting ------------------------------------------------------------------------------

    def run_draft(self) -> None:
        year = self.selected_year()
        database = self.database

        def work(progress) -> nm.SaveResult:
            with database.session() as s:
                result = nm.save_draft(s, year, progress=progress.update)
                s.commit()
                return result

        self.draft_button.setEnabled(False)
        self.status.setText(f"Đang dự thảo năm {year}…")
        self._job = run_in_background(work, with_progress=True, progress_text=f"Đang dự thảo danh sách năm {year}…",
                                      on_success=self._drafted, on_error=self._draft_failed, parent=self)

    def _drafted(self, r: nm.SaveResult) -> None:
        self.draft_button.setEnabled(True)
        text = (f"Đã lưu dự thảo năm {r.year}: {len(r.saved)} danh sách; giữ {r.kept_overrides} thay đổi thủ công.")
        if r.locked:
            text += f" Không dự thảo lại (không còn ở trạng thái Nháp): {', '.join(r.locked)}."
        self.status.setText(text)
        self.load_lists(keep=True)
        problems = r.lost_overrides + [f"Lưu ý: {w}" for w in r.warnings]
        if r.lost_overrides:
            dialogs.tell(self, "Dự thảo lại", "\n\n".join(problems))

    def _draft_failed(self, exc: BaseException) -> None:
        self.draft_button.setEnabled(True)
        self.status.setText("Dự thảo chưa được lưu.")
        show_error(self, "Không dự thảo được danh sách đề nghị; không có gì thay đổi.", exc,
                   "Hãy kiểm tra kết quả bình xét và bộ quy định của năm (trang Cài đặt), rồi dự thảo lại.")

    # Changes -----------------------------------------------------------------------------------

    def _after_change(self) -> None:
        self.load_lists(keep=True)

    def change_entry(self, action: str) -> None:
        d, e = self.detail, self.current_entry()
        if d is None or e is None:
            return
        verb = {"add": "Thêm vào danh sách", "remove": "Loại khỏi danh sách", "clear": "Bỏ thay đổi thủ công"}[action]
        prompt = {"add": f"Thêm {e.code} — {e.name} vào danh sách đề nghị {d.title_name} năm {d.year}.",
                  "remove": f"Loại {e.code} — {e.name} khỏi danh sách đề nghị {d.title_name} năm {d.year}.",
                  "clear": f"Bỏ thay đổi thủ công của {e.code} — {e.name}, trở về kết quả dự thảo."}[action]
        reason = ask_reason(self, verb, prompt + "\n\nLý do (bắt buộc; lưu trong nhật ký và hiện trên danh sách):",
                            action=verb)
        if reason is None:
            return
        code = e.code
        if dialogs.run_change(self, self.database, lambda s: nm.override(s, d.id, code, action, reason),
                              f"Không {verb.lower()} được") is not None:
            self._after_change()
            tab = "proposed" if action == "add" else "overrides"
            try:
                self.select_entry(tab, code)
            except KeyError:
                pass

    def move(self, delta: int) -> None:
        d, e = self.detail, self.current_entry()
        if d is None or e is None:
            return
        tab, code = self.current_tab(), e.code
        moved = dialogs.run_change(self, self.database, lambda s: nm.move_within_tie(s, d.id, code, delta),
                                   "Không đổi được thứ tự")
        if moved is None:
            return
        self._after_change()
        self.select_entry(tab, code)
        if not moved:
            self.status.setText("Đã ở đầu/cuối nhóm ngang hạng, không đổi.")

    def change_state(self, to: str, reopen: bool = False) -> None:
        d = self.detail
        if d is None:
            return
        reason = ""
        if to == "nhap" or reopen:
            title = "Trả về Nháp" if to == "nhap" else "Mở lại để bình xét lại"
            got = ask_reason(self, title, f"{title}: danh sách {d.title_name} năm {d.year}. Phiếu bầu đã ghi (nếu có) "
                                          "sẽ bị xóa.\n\nLý do (bắt buộc):", action=title)
            if got is None:
                return
            reason = got
        if dialogs.run_change(self, self.database, lambda s: nm.change_state(s, d.id, to, reason),
                              "Không chuyển được trạng thái") is not None:
            self._after_change()
            self.status.setText(f"Danh sách {d.title_name} năm {d.year} chuyển sang «{LIST_STATES[to]}».")

    def open_council(self) -> None:
        from ui.council_dialog import CouncilDialog

        d = self.detail
        if d is None:
            return
        dialog = CouncilDialog(self.database, d.id, self)
        dialog.exec()
        self._after_change()

    # Output --------------------------------------------------------------------------------------

    def export(self, path: Path | None = None) -> None:
        d = self.detail
        if d is None:
            return
        key = self.current_tab()
        label = dict(TABS)[key]
        t = self.tables[key]
        export_table(self, t, f"Danh sách đề nghị {d.title_name} năm {d.year} — {label}",
                     f"danh-sach-{d.title_code}-{d.year}-{key}", path)

    def write_list_documents(self, folder: Path | None = None,
                             on_done: Callable[[list[Path]], None] | None = None) -> None:
        from services.output import documents

        d = self.detail
        if d is None:
            return
        if folder is None:
            folder = choose_folder(self, f"Chọn thư mục ghi tờ trình {d.title_code} năm {d.year}")
            if folder is None:
                return
        list_id = d.id
        write_documents(self, self.database, lambda s: documents.list_documents(s, list_id), folder, on_done=on_done)


__all__ = ["NominationsPage", "ReasonDialog", "ask_reason", "choose_folder", "export_table", "offer_open_folder",
           "write_documents"]
