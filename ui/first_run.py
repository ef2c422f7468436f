"""The first-run wizard: how to start (empty, import an exchange file, or the demo), then the
agency's name and place, and its signers. Shown when the default database is new (no agency).

Everything the wizard saves goes in one transaction: an import that fails leaves the
database as it was, and the wizard stays open with the reason.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Agency, Signer
from models.db import Database
from services.system.about import APP_TITLE
from services.system.text import nfc

log = logging.getLogger(__name__)

START_EMPTY, START_IMPORT, START_EXCEL, START_DEMO = "empty", "import", "excel", "demo"
SIGNER_ROWS = 4


@dataclass
class FirstRunChoices:
    start: str = START_EMPTY
    file: Path | None = None
    agency: dict[str, str] = field(default_factory=dict)
    # (full name, position, capacity); the first is the default signer.
    signers: list[tuple[str, str, str]] = field(default_factory=list)


def needs_first_run(database: Database) -> bool:
    """True for a database with no agency yet (a new default database)."""
    with database.session() as s:
        return not s.scalar(select(func.count()).select_from(Agency))


def save_first_run(session: Session, choices: FirstRunChoices) -> None:
    """Import the chosen file (if any), then set the agency and signers; flushes, caller commits.
    Raises ValueError (Vietnamese) when the file cannot be imported."""
    if choices.start == START_IMPORT and choices.file is not None:
        from services.records.exchange import (
            ExchangeError,
            import_exchange,
            read_exchange_file,
        )

        try:
            doc = read_exchange_file(choices.file)
        except ExchangeError as exc:
            raise ValueError(str(exc)) from exc
        report = import_exchange(session, doc)
        if report.problems:
            shown = "\n".join(report.problems[:15])
            more = f"\n… và {len(report.problems) - 15} lỗi khác." if len(report.problems) > 15 else ""
            raise ValueError(f"Tệp {choices.file.name} có {len(report.problems)} lỗi nên chưa nhập gì:\n{shown}{more}")
    elif choices.start == START_EXCEL and choices.file is not None:
        from services.records.excel_import import import_workbook

        import_workbook(session, choices.file, create_units=True)
    values = {k: nfc(v).strip() for k, v in choices.agency.items()}
    agency = session.scalars(select(Agency).order_by(Agency.id).limit(1)).first()
    if agency is None:
        agency = Agency(name=values.get("name", ""))
        session.add(agency)
    for key, value in values.items():
        if value or key == "name":
            setattr(agency, key, value)
    if choices.signers:
        session.execute(Signer.__table__.update().values(is_default=False))
        for i, (name, position, capacity) in enumerate(choices.signers):
            session.add(Signer(full_name=nfc(name).strip(), position=nfc(position).strip().upper(),
                               capacity=nfc(capacity).strip().upper(), sort_order=i, is_default=(i == 0)))
    session.flush()


class StartPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Bắt đầu")
        self.setSubTitle("Đây là lần đầu phần mềm chạy trên máy này. Bạn muốn bắt đầu thế nào?")
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        self.empty = QRadioButton("Bắt đầu với dữ liệu trống (nhập đơn vị, cán bộ sau)")
        self.importing = QRadioButton("Nhập tệp trao đổi dữ liệu (.json) từ phần mềm hoặc đơn vị khác")
        self.excel = QRadioButton("Nhập danh sách từ tệp Excel (.xlsx)")
        self.demo = QRadioButton("Mở dữ liệu mẫu để dùng thử (không ảnh hưởng dữ liệu thật)")
        for i, button in enumerate((self.empty, self.importing, self.excel, self.demo)):
            self.group.addButton(button, i)
            layout.addWidget(button)
        self.empty.setChecked(True)
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("Chọn tệp cần nhập…")
        self.file_edit.setReadOnly(True)
        self.browse = QPushButton("Chọn tệp…")
        self.browse.clicked.connect(self._browse)
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        layout.addStretch(1)
        self.group.idToggled.connect(lambda *_: self._update())
        self._update()

    def start(self) -> str:
        return {0: START_EMPTY, 1: START_IMPORT, 2: START_EXCEL, 3: START_DEMO}[self.group.checkedId()]

    def _update(self) -> None:
        needs_file = self.start() in (START_IMPORT, START_EXCEL)
        self.file_edit.setEnabled(needs_file)
        self.browse.setEnabled(needs_file)
        self.setFinalPage(self.start() == START_DEMO)
        self.completeChanged.emit()

    def _browse(self) -> None:
        pattern = "Tệp trao đổi (*.json)" if self.start() == START_IMPORT else "Excel (*.xlsx)"
        path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp cần nhập", "", pattern)
        if path:
            self.file_edit.setText(path)
            self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.start() not in (START_IMPORT, START_EXCEL) or bool(self.file_edit.text())

    def nextId(self) -> int:  # noqa: N802 - Qt API
        return -1 if self.start() == START_DEMO else 1


class AgencyPage(QWizardPage):
    FIELDS = [
        ("name", "Tên cơ quan (*)", "Sở Lao động - Thương binh và Xã hội"),
        ("short_name", "Tên viết tắt", "Sở LĐTBXH"),
        ("parent_authority", "Cơ quan chủ quản", "UBND TỈNH HÀ TĨNH"),
        ("place", "Địa danh ghi ngày tháng (*)", "Hà Tĩnh"),
        ("doc_suffix", "Ký hiệu trong số văn bản", "SLĐTBXH (như trong 215/QĐ-SLĐTBXH)"),
        ("address", "Địa chỉ", ""),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Thông tin cơ quan")
        self.setSubTitle("In ở phần đầu văn bản, giấy khen và dòng ngày tháng. Có thể sửa sau trong phần Cài đặt.")
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label, example in self.FIELDS:
            edit = QLineEdit()
            if example:
                edit.setPlaceholderText(f"vd. {example}")
            self.edits[key] = edit
            form.addRow(label, edit)
        self.registerField("agency_name*", self.edits["name"])
        self.registerField("agency_place*", self.edits["place"])

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.edits.items()}


class SignersPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Người ký")
        self.setSubTitle("Người ký quyết định và giấy khen. Người ở dòng đầu được chọn sẵn khi in.")
        layout = QVBoxLayout(self)
        self.table = QTableWidget(SIGNER_ROWS, 3)
        self.table.setHorizontalHeaderLabels(["Họ và tên", "Chức vụ (vd. PHÓ GIÁM ĐỐC)", "Ký thay (vd. KT. GIÁM ĐỐC)"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        note = QLabel("Bỏ trống các dòng không dùng. Dòng có họ tên thì phải có chức vụ.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.setFinalPage(True)

    def signers(self) -> list[tuple[str, str, str]]:
        rows = []
        for r in range(self.table.rowCount()):
            cells = [(self.table.item(r, c).text() if self.table.item(r, c) else "").strip() for c in range(3)]
            if any(cells):
                rows.append((cells[0], cells[1], cells[2]))
        return rows

    def set_row(self, row: int, name: str, position: str, capacity: str = "") -> None:
        for c, value in enumerate((name, position, capacity)):
            self.table.setItem(row, c, QTableWidgetItem(value))

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        bad = [i + 1 for i, (name, position, _) in enumerate(self.signers()) if not name or not position]
        if bad:
            QMessageBox.warning(self, APP_TITLE, f"Dòng {', '.join(map(str, bad))}: hãy ghi đủ họ tên và chức vụ, "
                                                 "hoặc xóa trống cả dòng.")
            return False
        return True


class FirstRunWizard(QWizard):
    """Saves on "Hoàn tất" itself; on failure it says why and stays open with what was typed."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.result_database = database
        self.setWindowTitle(f"Thiết lập ban đầu - {APP_TITLE}")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "Tiếp >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< Quay lại")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Hoàn tất")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Để sau")
        self.start_page = StartPage()
        self.agency_page = AgencyPage()
        self.signers_page = SignersPage()
        for i, page in enumerate((self.start_page, self.agency_page, self.signers_page)):
            self.setPage(i, page)
        self.resize(720, 480)

    def choices(self) -> FirstRunChoices:
        start = self.start_page.start()
        file = Path(self.start_page.file_edit.text()) if self.start_page.file_edit.text() else None
        if start == START_DEMO:
            return FirstRunChoices(start=start)
        return FirstRunChoices(start=start, file=file, agency=self.agency_page.values(),
                               signers=self.signers_page.signers())

    def accept(self) -> None:
        try:
            self.result_database = apply_choices(self.database, self.choices())
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing was saved
            log.exception("Thiết lập ban đầu không lưu được")
            self.error = str(exc)
            QMessageBox.critical(self, APP_TITLE, f"Chưa lưu được thiết lập ban đầu, dữ liệu không thay đổi.\n\n{exc}\n\n"
                                                  "Hãy sửa lại (hoặc quay lại chọn tệp khác) rồi bấm Hoàn tất.")
            return
        super().accept()


def apply_choices(database: Database, choices: FirstRunChoices) -> Database:
    """Save the wizard's choices; for the demo, return the demo database instead."""
    if choices.start == START_DEMO:
        from services.system.app import open_app_database

        return open_app_database(demo=True)
    with database.session() as s:
        try:
            save_first_run(s, choices)
            s.commit()
        except Exception:
            s.rollback()
            raise
    return database


def run_first_run(database: Database, parent: QWidget | None = None) -> Database:
    """Show the wizard; the database to work on (the demo one when the user chose it).
    "Để sau" leaves the database as it is; the wizard comes back at the next start."""
    wizard = FirstRunWizard(database, parent)
    wizard.exec()
    return wizard.result_database
