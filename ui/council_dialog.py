"""The council meeting (Hội đồng Thi đua - Khen thưởng) of one nomination list: the
meeting (date, place, chair, secretary, members total / present, attendees), each
candidate's votes for, the vote threshold of the rule set with the result shown live,
saving (``record_meeting`` + ``record_votes`` [+ ``conclude``], one transaction) and the
biên bản (minutes) written to a folder."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.vocabulary import LIST_STATES
from services.awards import council
from services.awards import nominations as nm
from services.records.units import RecordError, ValidationError
from services.system.access import PermissionDenied
from ui import unit_dialog as dialogs

NOT_VOTED = -1  # spin box value meaning "no votes recorded yet" (shown as "—")
DEFAULT_MEMBERS = 9


@dataclass
class _Meeting:
    held_on: date
    place: str
    chair: str
    secretary: str
    total: int
    present: int
    attendees: list[str]


class CouncilDialog(QDialog):
    def __init__(self, database: Database, list_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.list_id = list_id
        self.saved = False
        self.resize(1000, 680)
        with database.session() as s:
            nl = nm.get_list(s, list_id)
            self.state = nl.state
            self.title_code, self.year = nl.title_code, nl.year
            self.title_name = nm.view_list(s, nl).title_name
            self.rule, self.candidates = council.results(s, list_id)
            m = nl.meeting
            self.meeting = (_Meeting(m.held_on, m.place, m.chair, m.secretary, m.members_total, m.members_present,
                                     list(m.attendees or [])) if m is not None else None)
            from services.awards.decisions import agency

            ag = agency(s)
            self.default_place = ag.name if ag else ""
        self.setWindowTitle(f"Hội đồng Thi đua - Khen thưởng: {self.title_name} năm {self.year}")

        # The meeting.
        self.held_on = QDateEdit()
        self.held_on.setObjectName("council_date")
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("dd/MM/yyyy")
        self.place = QLineEdit()
        self.place.setObjectName("council_place")
        self.chair = QLineEdit()
        self.chair.setObjectName("council_chair")
        self.chair.setPlaceholderText("vd. Giám đốc Sở - Chủ tịch Hội đồng")
        self.secretary = QLineEdit()
        self.secretary.setObjectName("council_secretary")
        self.total = QSpinBox()
        self.total.setObjectName("council_total")
        self.total.setRange(1, 99)
        self.present = QSpinBox()
        self.present.setObjectName("council_present")
        self.present.setRange(0, 99)
        self.attendees = QPlainTextEdit()
        self.attendees.setObjectName("council_attendees")
        self.attendees.setPlaceholderText("Mỗi dòng một thành viên có mặt (họ tên, chức vụ)")
        self.attendees.setFixedHeight(70)
        m = self.meeting
        self.held_on.setDate(QDate(m.held_on) if m else QDate.currentDate())
        self.place.setText(m.place if m else self.default_place)
        self.chair.setText(m.chair if m else "")
        self.secretary.setText(m.secretary if m else "")
        self.total.setValue(m.total if m else DEFAULT_MEMBERS)
        self.present.setValue(m.present if m else DEFAULT_MEMBERS)
        self.attendees.setPlainText("\n".join(m.attendees) if m else "")
        box = QGroupBox("Cuộc họp")
        grid = QGridLayout(box)
        form1, form2 = QFormLayout(), QFormLayout()
        form1.addRow("Ngày họp (*):", self.held_on)
        form1.addRow("Địa điểm:", self.place)
        form1.addRow("Chủ trì:", self.chair)
        form1.addRow("Thư ký:", self.secretary)
        form2.addRow("Tổng số thành viên (*):", self.total)
        form2.addRow("Số có mặt (*):", self.present)
        form2.addRow("Thành viên có mặt:", self.attendees)
        grid.addLayout(form1, 0, 0)
        grid.addLayout(form2, 0, 1)

        # The votes.
        self.rule_label = QLabel(f"Tiêu chuẩn: {self.rule.describe()}.")
        self.rule_label.setObjectName("council_rule")
        self.rule_label.setWordWrap(True)
        self.all_votes = QSpinBox()
        self.all_votes.setRange(0, 99)
        self.all_votes.setValue(self.total.value())
        fill = QPushButton("Ghi cùng số phiếu cho tất cả")
        fill.setObjectName("council_fill")
        fill.clicked.connect(lambda: self.set_all_votes(self.all_votes.value()))
        self.table = QTableWidget(len(self.candidates), 7)
        self.table.setObjectName("votes_table")
        self.table.setHorizontalHeaderLabels(["STT", "Mã", "Họ và tên / Tập thể", "Đơn vị", "Phiếu đồng ý", "Tỷ lệ",
                                              "Kết quả"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setDefaultSectionSize(26)
        for c, w in enumerate([44, 70, 210, 220, 112, 70]):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.spins: list[QSpinBox] = []
        for r, cand in enumerate(self.candidates):
            for c, text in enumerate([str(r + 1), cand.code, cand.name, cand.unit]):
                item = QTableWidgetItem(text)
                if cand.override:
                    item.setToolTip(f"Thêm thủ công: {cand.override_reason}")
                self.table.setItem(r, c, item)
            spin = QSpinBox()
            spin.setRange(NOT_VOTED, self.total.value())
            spin.setSpecialValueText("—")
            spin.setValue(cand.votes_for if cand.votes_for is not None else NOT_VOTED)
            spin.valueChanged.connect(lambda _v, row=r: self._update_row(row))
            spin.valueChanged.connect(lambda _v: self._update_summary())
            self.table.setCellWidget(r, 4, spin)
            self.spins.append(spin)
            for c in (5, 6):
                self.table.setItem(r, c, QTableWidgetItem(""))
        self.total.valueChanged.connect(self._members_changed)
        self.present.valueChanged.connect(self._members_changed)
        self.summary = QLabel("")
        self.summary.setObjectName("council_summary")
        self.error = QLabel("")
        self.error.setObjectName("council_error")
        self.error.setStyleSheet(dialogs.ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.state_label = QLabel("")
        self.state_label.setObjectName("council_state")
        self.state_label.setWordWrap(True)

        votes_box = QGroupBox(f"Phiếu bầu: {len(self.candidates)} người/tập thể được đề nghị")
        vl = QVBoxLayout(votes_box)
        vl.addWidget(self.rule_label)
        fill_row = QHBoxLayout()
        fill_row.addWidget(QLabel("Số phiếu đồng ý:"))
        fill_row.addWidget(self.all_votes)
        fill_row.addWidget(fill)
        fill_row.addStretch(1)
        fill_row.addWidget(self.summary)
        vl.addLayout(fill_row)
        vl.addWidget(self.table, 1)

        self.save_button = QPushButton("Lưu phiếu")
        self.save_button.setObjectName("council_save")
        self.save_button.setToolTip("Lưu cuộc họp và số phiếu đã ghi; có thể ghi tiếp sau")
        self.save_button.clicked.connect(lambda: self.save(conclude=False))
        self.conclude_button = QPushButton("Lưu và kết thúc bình xét")
        self.conclude_button.setObjectName("council_conclude")
        self.conclude_button.setToolTip("Lưu rồi chuyển danh sách sang «Hội đồng đã bình xét» (cần đủ phiếu của mọi "
                                        "người được đề nghị)")
        self.conclude_button.clicked.connect(lambda: self.save(conclude=True))
        self.minutes_button = QPushButton("Biên bản…")
        self.minutes_button.setObjectName("council_minutes")
        self.minutes_button.setToolTip("Ghi biên bản họp Hội đồng ra .docx và PDF")
        self.minutes_button.clicked.connect(lambda: self.write_minutes())
        close = QPushButton("Đóng")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        for b in (self.save_button, self.conclude_button, self.minutes_button, close):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(votes_box, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._members_changed()
        self._saved_votes = self.votes()
        self._apply_state()

    # Live results ----------------------------------------------------------------------------

    def base(self) -> int:
        return self.total.value() if self.rule.base == "total" else self.present.value()

    def _members_changed(self) -> None:
        if self.present.value() > self.total.value():
            self.present.setValue(self.total.value())
        for spin in self.spins:
            spin.setMaximum(self.total.value())
        self.all_votes.setMaximum(self.total.value())
        for r in range(len(self.spins)):
            self._update_row(r)
        self._update_summary()

    def votes(self) -> dict[str, int]:
        return {c.code: s.value() for c, s in zip(self.candidates, self.spins) if s.value() != NOT_VOTED}

    def set_all_votes(self, count: int) -> None:
        for spin in self.spins:
            spin.setValue(count)

    def set_votes(self, code: str, count: int) -> None:
        for c, spin in zip(self.candidates, self.spins):
            if c.code == code:
                spin.setValue(count)
                return
        raise KeyError(code)

    def passed(self, row: int) -> bool | None:
        v = self.spins[row].value()
        return None if v == NOT_VOTED else council.passes(v, self.base(), self.rule)

    def _update_row(self, r: int) -> None:
        v, base = self.spins[r].value(), self.base()
        share, result = self.table.item(r, 5), self.table.item(r, 6)
        if v == NOT_VOTED:
            share.setText("")
            result.setText("Chưa ghi phiếu")
            result.setForeground(QColor("#7a8594"))
            return
        share.setText(f"{100 * v / base:.1f}%".replace(".", ",") if base else "")
        ok = council.passes(v, base, self.rule)
        result.setText("Đạt" if ok else "Không đạt")
        result.setForeground(QColor("#2f855a" if ok else "#b03a2e"))

    def _update_summary(self) -> None:
        results = [self.passed(r) for r in range(len(self.spins))]
        self.summary.setText(f"Đạt: {sum(1 for x in results if x)} · không đạt: "
                             f"{sum(1 for x in results if x is False)} · chưa ghi phiếu: "
                             f"{sum(1 for x in results if x is None)}")

    def _apply_state(self) -> None:
        editable = self.state == "trinh_hoi_dong"
        for w in (self.held_on, self.place, self.chair, self.secretary, self.total, self.present, self.attendees,
                  self.all_votes, *self.spins):
            w.setEnabled(editable)
        self.findChild(QPushButton, "council_fill").setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.conclude_button.setEnabled(editable)
        self.minutes_button.setEnabled(self.meeting is not None or editable)
        label = LIST_STATES.get(self.state, self.state)
        self.state_label.setText(f"Trạng thái danh sách: <b>{label}</b>"
                                 + ("" if editable else " — chỉ xem (muốn sửa phiếu, hãy «Mở lại để bình xét»)."))

    # Saving --------------------------------------------------------------------------------------

    def _entered(self) -> _Meeting:
        lines = [" ".join(x.split()) for x in self.attendees.toPlainText().splitlines()]
        return _Meeting(self.held_on.date().toPython(), self.place.text().strip(), self.chair.text().strip(),
                        self.secretary.text().strip(), self.total.value(), self.present.value(),
                        [x for x in lines if x])

    def save(self, conclude: bool = False) -> bool:
        """Save the meeting (a new one if none or if its details changed) and the votes, and
        conclude when asked; everything in one transaction. Returns True when saved."""
        entered = self._entered()
        votes = self.votes()
        self.error.hide()
        try:
            with self.database.session() as s, s.begin():
                if self.meeting is None or entered != self.meeting:
                    council.record_meeting(s, [self.list_id], held_on=entered.held_on, members_total=entered.total,
                                           members_present=entered.present, attendees=entered.attendees,
                                           chair=entered.chair, secretary=entered.secretary, place=entered.place)
                if votes:
                    council.record_votes(s, self.list_id, votes)
                if conclude:
                    council.conclude(s, self.list_id)
                state = nm.get_list(s, self.list_id).state
        except ValidationError as exc:
            self.error.setText(dialogs.problems_html(exc.problems))
            self.error.show()
            return False
        except (RecordError, PermissionDenied) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.meeting, self.state, self.saved, self._saved_votes = entered, state, True, votes
        self._apply_state()
        self.state_label.setText(self.state_label.text() + (" — đã kết thúc bình xét." if conclude else " — đã lưu."))
        return True

    def write_minutes(self, folder: Path | None = None, on_done: Callable[[list[Path]], None] | None = None) -> None:
        from services.output import documents
        from ui.pages.nominations import choose_folder, write_documents

        if self.state == "trinh_hoi_dong" and (self.meeting is None or self._entered() != self.meeting
                                                or self._votes_unsaved()):
            if not self.save(conclude=False):
                return
        if folder is None:
            folder = choose_folder(self, f"Chọn thư mục ghi biên bản họp Hội đồng {self.title_code} năm {self.year}")
            if folder is None:
                return
        list_id = self.list_id
        write_documents(self, self.database, lambda s: [documents.minutes(s, list_id)], folder, on_done=on_done)

    def _votes_unsaved(self) -> bool:
        return self.votes() != self._saved_votes


__all__ = ["CouncilDialog"]
