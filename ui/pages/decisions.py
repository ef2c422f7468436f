"""Quyết định: the award decisions of a year; creating one from a list the council
approved (number, date, signer, level, issuing authority), cancelling one with a reason,
writing its documents (tờ trình, biên bản, quyết định: .docx and PDF), and going on to
print the certificates."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import Award, Decision, NominationList, Person, Signer, Title, Unit
from models.db import Database
from models.vocabulary import AUTHORITY_LEVELS, DECISION_STATES
from services.awards import council
from services.awards import decisions as svc
from services.records.units import RecordError, ValidationError
from services.system.access import PermissionDenied
from services.system.text import format_date
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.pages.nominations import (
    _table,
    ask_reason,
    choose_folder,
    export_table,
    title_names,
    write_documents,
)

HEADERS = ["Số quyết định", "Ngày ký", "Người ký", "Cấp", "Danh hiệu, hình thức", "Số lượng", "Trạng thái"]
AWARD_HEADERS = ["STT", "Mã", "Họ và tên / Tập thể", "Đơn vị", "Danh hiệu, hình thức"]


@dataclass
class DecisionRow:
    id: int
    number: str
    issued_on: str
    signer: str
    level: str
    titles: str
    awards: int
    state: str
    authority: str
    summary: str
    cancel_reason: str
    list_id: int | None


def load_decisions(session: Session, year: int | None) -> list[DecisionRow]:
    decisions = svc.decisions_for_year(session, year)
    names = title_names(session)
    ids = [d.id for d in decisions]
    counts: dict[int, int] = {}
    titles: dict[int, list[str]] = {}
    if ids:
        for did, code, n in session.execute(select(Award.decision_id, Award.title_code, func.count())
                                            .where(Award.decision_id.in_(ids))
                                            .group_by(Award.decision_id, Award.title_code)):
            counts[did] = counts.get(did, 0) + n
            titles.setdefault(did, []).append(names.get(code, code))
    out = []
    for d in decisions:
        signer = " ".join(x for x in (d.signer_capacity, d.signer_position) if x)
        signer = f"{d.signer_name} ({signer})" if d.signer_name and signer else d.signer_name or signer
        out.append(DecisionRow(d.id, d.number, format_date(d.issued_on), signer,
                               AUTHORITY_LEVELS.get(d.level, d.level), ", ".join(sorted(titles.get(d.id, []))),
                               counts.get(d.id, 0), d.state, d.issuing_authority or "", d.summary or "",
                               d.cancel_reason or "", d.nomination_list_id))
    return out


def load_awards(session: Session, decision_id: int) -> list[list[str]]:
    names = title_names(session)
    awards = session.scalars(select(Award).where(Award.decision_id == decision_id)
                             .options(selectinload(Award.person).selectinload(Person.unit),
                                      selectinload(Award.unit).selectinload(Unit.parent))
                             .order_by(Award.id)).all()
    rows = []
    for a in awards:
        if a.person is not None:
            code, name, unit = a.person.code, a.person.full_name, a.person.unit.name if a.person.unit else ""
        elif a.unit is not None:
            code, name, unit = a.unit.code, a.unit.name, a.unit.parent.name if a.unit.parent else ""
        else:
            code, name, unit = "", "", ""
        rows.append([code, name, unit, names.get(a.title_code, a.title_code)])
    return rows


def decision_years(session: Session) -> list[int]:
    years = set(session.scalars(select(Award.year).distinct()))
    years |= set(session.scalars(select(NominationList.year).distinct()))
    return sorted(years, reverse=True)


# --- the dialog ----------------------------------------------------------------------------

class DecisionDialog(QDialog):
    """Create a decision from a list the council approved. ``saved_id`` is set on save."""

    def __init__(self, database: Database, parent: QWidget | None = None, list_id: int | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.saved_id: int | None = None
        self.setWindowTitle("Tạo quyết định khen thưởng")
        self.resize(640, 0)
        with database.session() as s:
            names = title_names(s)
            levels = {t.code: t.level for t in s.scalars(select(Title))}
            self.lists = []
            for nl in s.scalars(select(NominationList).where(NominationList.state == "hoi_dong_da_binh_xet")
                                .order_by(NominationList.year.desc(), NominationList.id)):
                _rule, res = council.results(s, nl.id)
                self.lists.append((nl.id, f"{names.get(nl.title_code, nl.title_code)} năm {nl.year} — "
                                          f"{sum(r.passed for r in res)}/{len(res)} được Hội đồng thông qua",
                                   levels.get(nl.title_code, "co_so")))
            signers = s.scalars(select(Signer).where(Signer.active.is_(True))
                                .order_by(Signer.sort_order, Signer.id)).all()
            default = svc.default_signer(s)
            self.signers = [(x.id, " — ".join(p for p in (x.full_name, " ".join(
                q for q in (x.capacity, x.position) if q)) if p)) for x in signers]
            default_id = default.id if default else None
            self.authorities = {level: svc.default_authority(s, level) for level in AUTHORITY_LEVELS}
            ag = svc.agency(s)
            self.suffix = ag.doc_suffix if ag else ""

        self.list_combo = QComboBox()
        self.list_combo.setObjectName("decision_list")
        for lid, label, level in self.lists:
            self.list_combo.addItem(label, (lid, level))
        self.number = QLineEdit()
        self.number.setObjectName("decision_number")
        self.number.setPlaceholderText(f"vd. 215 (tự thêm «/QĐ-{self.suffix}» với quyết định của Sở)" if self.suffix
                                       else "vd. 215/QĐ-...")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setObjectName("decision_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.signer = QComboBox()
        self.signer.setObjectName("decision_signer")
        for sid, label in self.signers:
            self.signer.addItem(label, sid)
        if default_id is not None:
            self.signer.setCurrentIndex(max(0, self.signer.findData(default_id)))
        self.level = QComboBox()
        self.level.setObjectName("decision_level")
        for code, label in AUTHORITY_LEVELS.items():
            self.level.addItem(label, code)
        self.authority = QLineEdit()
        self.authority.setObjectName("decision_authority")
        self.summary = QLineEdit()
        self.summary.setObjectName("decision_summary")
        self.summary.setPlaceholderText("để trống: «Tặng danh hiệu … năm …»")
        self.error = QLabel("")
        self.error.setObjectName("decision_error")
        self.error.setStyleSheet(dialogs.ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self._auto_authority = ""
        self.level.currentIndexChanged.connect(lambda _i: self._level_changed())
        self.list_combo.currentIndexChanged.connect(lambda _i: self._list_changed())

        form = QFormLayout()
        form.addRow("Danh sách đã bình xét (*):", self.list_combo)
        form.addRow("Số quyết định (*):", self.number)
        form.addRow("Ngày ký (*):", self.date)
        form.addRow("Người ký:", self.signer)
        form.addRow("Cấp ra quyết định:", self.level)
        form.addRow("Cơ quan, người có thẩm quyền:", self.authority)
        form.addRow("Trích yếu:", self.summary)
        note = QLabel("Khi lưu, mỗi người/tập thể được Hội đồng thông qua được ghi khen thưởng vào hồ sơ thành tích, "
                      "các sáng kiến làm căn cứ được ghi là đã dùng, và danh sách bị khóa.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5b6777;")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Lưu quyết định", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.lists:
            empty = QLabel("Chưa có danh sách nào Hội đồng đã bình xét. Hãy trình Hội đồng, ghi phiếu và kết thúc "
                           "bình xét ở trang «Danh sách đề nghị», rồi tạo quyết định.")
            empty.setObjectName("emptyNote")
            empty.setWordWrap(True)
            layout.addWidget(empty)
            self.save_button.setEnabled(False)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if list_id is not None:
            for i in range(self.list_combo.count()):
                if self.list_combo.itemData(i)[0] == list_id:
                    self.list_combo.setCurrentIndex(i)
        self._list_changed()

    def _list_changed(self) -> None:
        data = self.list_combo.currentData()
        if data is not None:
            self.level.setCurrentIndex(max(0, self.level.findData(data[1])))
        self._level_changed()

    def _level_changed(self) -> None:
        new = self.authorities.get(self.level.currentData(), "")
        if not self.authority.text().strip() or self.authority.text() == self._auto_authority:
            self.authority.setText(new)
        self._auto_authority = new

    def save(self) -> None:
        data = self.list_combo.currentData()
        if data is None:
            return
        list_id = data[0]
        signer_id = self.signer.currentData()
        self.error.hide()
        try:
            with self.database.session() as s, s.begin():
                signer = s.get(Signer, signer_id) if signer_id is not None else None
                d = svc.create_decision(s, list_id, number=self.number.text(), issued_on=self.date.date().toPython(),
                                        signer=signer, level=self.level.currentData(),
                                        issuing_authority=self.authority.text(), summary=self.summary.text())
                s.flush()
                self.saved_id = d.id
        except ValidationError as exc:
            self.error.setText(dialogs.problems_html(exc.problems))
            self.error.show()
            return
        except (RecordError, PermissionDenied) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


# --- the page ----------------------------------------------------------------------------------

class DecisionsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[DecisionRow] = []
        self._loaded = False
        context.database_changed.connect(lambda _db: self.reload(reset_year=True))
        self.year = QComboBox()
        self.year.setObjectName("decisions_year")
        self.year.currentIndexChanged.connect(lambda _i: self.load())
        self.create_button = QPushButton("Tạo quyết định…")
        self.create_button.setObjectName("create_decision")
        self.create_button.clicked.connect(lambda: self.create())
        self.cancel_button = QPushButton("Hủy quyết định…")
        self.cancel_button.setObjectName("cancel_decision")
        self.cancel_button.clicked.connect(self.cancel)
        self.documents_button = QPushButton("Văn bản…")
        self.documents_button.setObjectName("decision_documents")
        self.documents_button.setToolTip("Ghi tờ trình, biên bản Hội đồng và quyết định (kèm danh sách) "
                                         "ra .docx và PDF")
        self.documents_button.clicked.connect(lambda: self.write_decision_documents())
        self.print_button = QPushButton("In giấy khen")
        self.print_button.setObjectName("print_certificates")
        self.print_button.clicked.connect(self.print_certificates)
        self.export_button = QPushButton("Xuất Excel")
        self.export_button.clicked.connect(lambda: self.export())
        self.count = QLabel("")
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        top.addWidget(self.year)
        for b in (self.create_button, self.cancel_button, self.documents_button, self.print_button):
            top.addWidget(b)
        top.addWidget(self.count, 1)
        top.addWidget(self.export_button)

        self.table = _table("decisions_table", HEADERS)
        for c, w in enumerate([140, 90, 230, 170, 240, 72]):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.detail = QLabel("")
        self.detail.setObjectName("decision_detail")
        self.detail.setWordWrap(True)
        self.awards = _table("awards_table", AWARD_HEADERS)
        for c, w in enumerate([44, 80, 270, 330]):
            self.awards.setColumnWidth(c, w)
        self.awards.horizontalHeader().setStretchLastSection(True)
        self.awards.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 4, 0, 0)
        ll.addWidget(self.detail)
        ll.addWidget(self.awards, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([260, 300])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        self.reload(reset_year=not self._loaded)

    def reload(self, reset_year: bool = False) -> None:
        self._loaded = True
        with self.database.session() as s:
            years = decision_years(s)
        current = None if reset_year else self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(str(y), y)
        self.year.addItem("Tất cả các năm", None)
        index = self.year.findData(current) if current is not None else 0
        self.year.setCurrentIndex(max(0, index))
        self.year.blockSignals(False)
        self.load()

    def set_year(self, year: int | None) -> None:
        self.year.setCurrentIndex(max(0, self.year.findData(year)))

    def load(self, select_id: int | None = None) -> None:
        select_id = select_id if select_id is not None else self.current_id()
        with self.database.session() as s:
            self.rows = load_decisions(s, self.year.currentData())
        t = self.table
        t.blockSignals(True)
        t.setRowCount(len(self.rows))
        for r, d in enumerate(self.rows):
            cells = [d.number, d.issued_on, d.signer, d.level, d.titles, str(d.awards),
                     DECISION_STATES.get(d.state, d.state)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, d.id)
                if c == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if d.state == "da_huy":
                    item.setForeground(QColor("#b03a2e"))
                    item.setToolTip(f"Đã hủy: {d.cancel_reason}")
                elif d.authority:
                    item.setToolTip(d.authority)
                t.setItem(r, c, item)
        t.blockSignals(False)
        valid = sum(1 for d in self.rows if d.state == "hieu_luc")
        self.count.setText(f"{len(self.rows)} quyết định · {valid} có hiệu lực · "
                           f"{sum(d.awards for d in self.rows if d.state == 'hieu_luc')} khen thưởng")
        ids = [d.id for d in self.rows]
        if ids:
            t.selectRow(ids.index(select_id) if select_id in ids else 0)
        self._chosen()

    def current_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def current(self) -> DecisionRow | None:
        did = self.current_id()
        return next((d for d in self.rows if d.id == did), None)

    def _chosen(self) -> None:
        d = self.current()
        self.cancel_button.setEnabled(d is not None and d.state == "hieu_luc")
        self.documents_button.setEnabled(d is not None)
        self.print_button.setEnabled(d is not None and d.state == "hieu_luc")
        if d is None:
            self.detail.setText("Chưa có quyết định nào trong năm này. Bấm «Tạo quyết định…» để lập quyết định từ "
                                "một danh sách Hội đồng đã bình xét." if not self.rows else "")
            self.awards.setRowCount(0)
            return
        text = f"<b>Quyết định số {d.number}</b> ngày {d.issued_on} — {d.authority or d.level}"
        if d.summary:
            text += f"<br>{d.summary}"
        if d.state == "da_huy":
            text += f"<br><span style='color:#b03a2e'><b>Đã hủy</b>: {d.cancel_reason} — các khen thưởng của quyết " \
                    "định này không còn được tính.</span>"
        self.detail.setText(text)
        with self.database.session() as s:
            rows = load_awards(s, d.id)
        self.awards.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate([str(r + 1), *values]):
                item = QTableWidgetItem(v)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.awards.setItem(r, c, item)

    # Actions -------------------------------------------------------------------------------

    def create(self, list_id: int | None = None) -> int | None:
        dialog = DecisionDialog(self.database, self, list_id)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_id is None:
            return None
        self.reload()
        with self.database.session() as s:
            d = s.get(Decision, dialog.saved_id)
            year = s.scalar(select(NominationList.year).where(NominationList.id == d.nomination_list_id))
        if year is not None and self.year.findData(year) >= 0:
            self.year.setCurrentIndex(self.year.findData(year))
        self.load(dialog.saved_id)
        return dialog.saved_id

    def cancel(self) -> None:
        d = self.current()
        if d is None or d.state != "hieu_luc":
            return
        reason = ask_reason(self, "Hủy quyết định",
                            f"Hủy quyết định số {d.number} ngày {d.issued_on} ({d.awards} khen thưởng). "
                            "Các khen thưởng "
                            "của quyết định sẽ không còn được tính trong hồ sơ thành tích, sáng kiến đã dùng được "
                            "trả lại, và danh sách đề nghị trở về «Hội đồng đã bình xét».\n\nLý do hủy (bắt buộc):",
                            action="Hủy quyết định")
        if reason is None:
            return
        if dialogs.run_change(self, self.database, lambda s: svc.cancel_decision(s, d.id, reason),
                              "Không hủy được quyết định") is not None:
            self.load(d.id)

    def write_decision_documents(self, folder: Path | None = None,
                                 on_done: Callable[[list[Path]], None] | None = None) -> None:
        from services.output import documents

        d = self.current()
        if d is None:
            return
        if folder is None:
            folder = choose_folder(self, f"Chọn thư mục ghi văn bản của quyết định {d.number}")
            if folder is None:
                return
        decision_id = d.id
        write_documents(self, self.database, lambda s: documents.decision_documents(s, decision_id), folder,
                        on_done=on_done)

    def print_certificates(self) -> None:
        d = self.current()
        window = self.window()
        show_page = getattr(window, "show_page", None)
        from ui.pages import PAGES

        if d is None or not callable(show_page) or "certificates" not in {p.key for p in PAGES}:
            dialogs.tell(self, "In giấy khen", "Chức năng in giấy khen chưa có trong bản cài đặt này.")
            return
        page = show_page("certificates")
        select = getattr(page, "select_decision", None)
        if callable(select):
            select(d.id)

    def export(self, path: Path | None = None) -> None:
        year = self.year.currentData()
        export_table(self, self.table, f"Quyết định khen thưởng {'năm ' + str(year) if year else 'các năm'}",
                     f"quyet-dinh-{year or 'tat-ca'}", path)


__all__ = ["DecisionDialog", "DecisionsPage"]
