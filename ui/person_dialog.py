"""The person form (Thêm / Sửa cán bộ) with the person's whole record on read-only tabs:
evaluations by year, initiatives, awards and titles (hồ sơ thành tích), unit history."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.vocabulary import GENDERS
from services.records.people import (
    PersonInput,
    PersonRecord,
    create_person,
    get_person,
    parse_date,
    person_record,
    update_person,
    validate_person,
)
from services.records.units import RecordError, StaleRecordError, ValidationError
from services.system.access import PermissionDenied
from services.system.text import format_date
from ui.unit_dialog import (
    ERROR_STYLE,
    fill_unit_combo,
    problems_html,
    tell,
    tree_choices,
)

DATE_HINT = "dd/mm/yyyy"


class RecordTable(QTableWidget):
    """A read-only table of one part of the record, with a note when it is empty."""

    def __init__(self, key: str, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setObjectName(f"record_{key}")
        self.setHorizontalHeaderLabels(list(headers))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def set_rows(self, rows: list[tuple[Any, ...]]) -> None:
        self.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem("" if value is None else str(value))
                if isinstance(value, (int, float)):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)

    def texts(self) -> list[list[str]]:
        return [[self.item(r, c).text() for c in range(self.columnCount())] for r in range(self.rowCount())]


def _tab(table: RecordTable, empty_text: str) -> tuple[QWidget, QLabel]:
    page = QWidget()
    layout = QVBoxLayout(page)
    empty = QLabel(empty_text)
    empty.setObjectName("emptyNote")
    layout.addWidget(empty)
    layout.addWidget(table, 1)
    return page, empty


class PersonDialog(QDialog):
    """Add a person (in ``unit_id`` by default) or edit ``person_id``. ``saved_id`` is set on save."""

    def __init__(self, database: Database, person_id: int | None = None, unit_id: int | None = None,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.person_id = person_id
        self.saved_id: int | None = None
        self.version: int | None = None
        self.original_unit: int | None = None
        self.today = today
        self.setWindowTitle("Sửa hồ sơ cán bộ" if person_id else "Thêm cán bộ")
        self.resize(820, 560)

        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("person_code")
        self.code_edit.setMaxLength(50)
        self.code_edit.setPlaceholderText("Ví dụ: CB0001 (không trùng với người khác)")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("person_name")
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText("Ví dụ: Nguyễn Thị Hoa")
        self.gender_combo = QComboBox()
        self.gender_combo.setObjectName("person_gender")
        self.gender_combo.addItem("— Chọn —", "")
        for code, label in GENDERS.items():
            self.gender_combo.addItem(label, code)
        self.birth_edit = self._date_edit("person_birth")
        self.position_edit = QLineEdit()
        self.position_edit.setObjectName("person_position")
        self.position_edit.setMaxLength(200)
        self.position_edit.setPlaceholderText("Ví dụ: Chuyên viên, Phó Trưởng phòng")
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("person_unit")
        self.unit_combo.setMaxVisibleItems(20)
        fill_unit_combo(self.unit_combo, tree_choices(database, include_inactive=person_id is not None), "— Chọn đơn vị —")
        self.move_edit = self._date_edit("person_move_date")
        self.move_edit.setToolTip("Ngày bắt đầu công tác ở đơn vị mới; quá trình công tác cũ được giữ lại")
        self.move_label = QLabel("Ngày chuyển đơn vị:")
        self.joined_edit = self._date_edit("person_joined")
        self.left_edit = self._date_edit("person_left")
        self.left_edit.setToolTip("Để trống nếu cán bộ còn đang công tác")
        self.error_label = QLabel()
        self.error_label.setObjectName("person_errors")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form_page = QWidget()
        form_layout = QVBoxLayout(form_page)
        form = QFormLayout()
        form.addRow("Mã cán bộ (*):", self.code_edit)
        form.addRow("Họ và tên (*):", self.name_edit)
        form.addRow("Giới tính (*):", self.gender_combo)
        form.addRow("Ngày sinh:", self.birth_edit)
        form.addRow("Chức vụ:", self.position_edit)
        form.addRow("Đơn vị công tác (*):", self.unit_combo)
        form.addRow(self.move_label, self.move_edit)
        form.addRow("Ngày vào cơ quan:", self.joined_edit)
        form.addRow("Ngày nghỉ (thôi việc, nghỉ hưu):", self.left_edit)
        form_layout.addLayout(form)
        form_layout.addWidget(self.error_label)
        note = QLabel("(*) bắt buộc nhập. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 02/03/1985.")
        note.setStyleSheet("color: #5b6777;")
        form_layout.addWidget(note)
        form_layout.addStretch(1)
        self.move_label.hide()
        self.move_edit.hide()
        self.unit_combo.currentIndexChanged.connect(self._unit_changed)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("person_tabs")
        self.tabs.addTab(form_page, "Thông tin chung")
        self.evaluations = RecordTable("evaluations", PersonRecord.EVALUATION_HEADERS)
        self.initiatives = RecordTable("initiatives", PersonRecord.INITIATIVE_HEADERS)
        self.awards = RecordTable("awards", PersonRecord.AWARD_HEADERS)
        self.history = RecordTable("history", PersonRecord.HISTORY_HEADERS)
        self._empty: dict[str, QLabel] = {}
        for key, table, label, empty in (
            ("evaluations", self.evaluations, "Bình xét theo năm", "Chưa có kết quả bình xét nào."),
            ("initiatives", self.initiatives, "Sáng kiến, đề tài", "Chưa có sáng kiến, đề tài nào được công nhận."),
            ("awards", self.awards, "Khen thưởng (hồ sơ thành tích)", "Chưa có danh hiệu, hình thức khen thưởng nào."),
            ("history", self.history, "Quá trình công tác", "Chưa ghi quá trình công tác."),
        ):
            page, note_label = _tab(table, empty)
            self._empty[key] = note_label
            self.tabs.addTab(page, label)
            self.tabs.setTabEnabled(self.tabs.count() - 1, person_id is not None)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

        if person_id is not None:
            self._load(person_id)
        elif unit_id is not None:
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(unit_id)))

    def _date_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(DATE_HINT)
        edit.setMaxLength(10)
        edit.setMaximumWidth(140)
        return edit

    def _load(self, person_id: int) -> None:
        with self.database.session() as session:
            person = get_person(session, person_id)
            self.version = person.version
            self.original_unit = person.unit_id
            self.code_edit.setText(person.code)
            self.name_edit.setText(person.full_name)
            self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(person.gender)))
            self.birth_edit.setText(format_date(person.birth_date))
            self.position_edit.setText(person.position)
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(person.unit_id)))
            self.joined_edit.setText(format_date(person.joined))
            self.left_edit.setText(format_date(person.left_on))
            record = person_record(session, person_id)
            self.setWindowTitle(f"Hồ sơ cán bộ: {person.full_name}" + (" (đã xóa)" if person.deleted_at else ""))
        for key, table, rows in (("evaluations", self.evaluations, record.evaluations),
                                 ("initiatives", self.initiatives, record.initiatives),
                                 ("awards", self.awards, record.awards), ("history", self.history, record.history)):
            table.set_rows(rows)
            table.setVisible(bool(rows))
            self._empty[key].setVisible(not rows)

    def _unit_changed(self, _index: int) -> None:
        moved = self.person_id is not None and self.unit_combo.currentData() != self.original_unit
        self.move_label.setVisible(moved)
        self.move_edit.setVisible(moved)
        if moved and not self.move_edit.text():
            self.move_edit.setText(format_date(self.today or date.today()))

    # Saving ----------------------------------------------------------------------------

    def read_form(self) -> tuple[PersonInput | None, date | None, list[str]]:
        """The form's values, the move date, and the problems found in the date fields."""
        problems: list[str] = []
        dates: dict[str, date | None] = {}
        for key, edit, label in (("birth", self.birth_edit, "Ngày sinh"), ("joined", self.joined_edit, "Ngày vào cơ quan"),
                                 ("left", self.left_edit, "Ngày nghỉ"), ("move", self.move_edit, "Ngày chuyển đơn vị")):
            if key == "move" and not edit.isVisibleTo(self):
                dates[key] = None
                continue
            try:
                dates[key] = parse_date(edit.text(), label)
            except ValueError as exc:
                problems.append(str(exc))
                dates[key] = None
        data = PersonInput(code=self.code_edit.text(), full_name=self.name_edit.text(),
                           gender=self.gender_combo.currentData() or "", unit_id=self.unit_combo.currentData(),
                           birth_date=dates["birth"], position=self.position_edit.text(), joined=dates["joined"],
                           left_on=dates["left"])
        return data, dates["move"], problems

    def show_problems(self, problems: list[str]) -> None:
        self.error_label.setText(problems_html(problems))
        self.error_label.setVisible(bool(problems))
        if problems:
            self.tabs.setCurrentIndex(0)

    def save(self) -> None:
        data, move_date, problems = self.read_form()
        assert data is not None
        # Check everything (code unique included) before saving, and list every problem at once.
        with self.database.session() as session:
            problems += validate_person(session, data, self.person_id, today=self.today)
        if problems:
            self.show_problems(problems)
            return
        try:
            with self.database.session() as session, session.begin():
                if self.person_id is None:
                    self.saved_id = create_person(session, data, today=self.today).id
                else:
                    self.saved_id = update_person(session, self.person_id, data, self.version,
                                                  move_date=move_date, today=self.today).id
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        except StaleRecordError as exc:
            tell(self, "Dữ liệu đã thay đổi", str(exc))
            return
        except (RecordError, PermissionDenied) as exc:
            tell(self, "Không lưu được hồ sơ cán bộ", str(exc))
            return
        self.accept()


__all__ = ["PersonDialog", "RecordTable"]
