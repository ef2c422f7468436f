"""Nhập từ Excel: a step-by-step dialog. 1. pick the .xlsx file and the sheet (and the year
for evaluations), or save an empty template; 2. check the column mapping the app guessed
from the headers; 3. preview every row, bad ones marked in red with the reasons; import
all rows in one transaction, or nothing."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.db import Database, data_dir
from services.records.excel_import import (
    FIELDS,
    KINDS,
    ImportResult,
    Preview,
    SheetData,
    guess_mapping,
    import_preview,
    list_sheets,
    preview,
    read_sheet,
    write_template,
)
from services.system.text import format_date
from ui import unit_dialog as dialogs
from ui.worker import show_error

BAD = QBrush(QColor("#f8d7d3"))
STEPS = ("1. Chọn tệp và trang", "2. Kiểm tra cột", "3. Xem trước và nhập")


class ExcelImportDialog(QDialog):
    def __init__(self, database: Database, kind: str, year: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.kind = kind
        self.path: Path | None = None
        self.sheet: SheetData | None = None
        self.preview_data: Preview | None = None
        self.imported: ImportResult | None = None
        self.setWindowTitle(f"Nhập {KINDS[kind].lower()} từ Excel")
        self.resize(980, 640)

        self.step_label = QLabel()
        self.step_label.setObjectName("pageTitle")
        self.stack = QStackedWidget()

        # Step 1: file, sheet, year.
        first = QWidget()
        form = QFormLayout(first)
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Chưa chọn tệp .xlsx")
        browse = QPushButton("Chọn tệp…")
        browse.clicked.connect(self.browse)
        template = QPushButton("Lưu tệp mẫu trống…")
        template.setToolTip("Một tệp Excel có sẵn các cột cần thiết và trang hướng dẫn cách ghi")
        template.clicked.connect(self.save_template)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        row.addWidget(template)
        form.addRow("Tệp Excel:", row)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheet_combo")
        form.addRow("Trang (sheet):", self.sheet_combo)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year or 2024)
        if kind == "evaluations":
            form.addRow("Năm bình xét:", self.year_spin)
        note = QLabel("Tệp có thể có các dòng tiêu đề (tên cơ quan, tên danh sách) phía trên; phần mềm tự tìm dòng "
                      "tên cột. Không có gì được ghi vào dữ liệu cho đến khi bạn bấm “Nhập” ở bước cuối.")
        note.setWordWrap(True)
        form.addRow(note)
        self.stack.addWidget(first)

        # Step 2: mapping.
        second = QWidget()
        second_layout = QVBoxLayout(second)
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        second_layout.addWidget(self.mapping_note)
        self.mapping_form = QFormLayout()
        self.mapping_combos: dict[str, QComboBox] = {}
        for f in FIELDS[kind]:
            combo = QComboBox()
            combo.setObjectName(f"map_{f.key}")
            self.mapping_combos[f.key] = combo
            self.mapping_form.addRow(f.label + (" *" if f.required else "") + ":", combo)
        second_layout.addLayout(self.mapping_form)
        second_layout.addStretch(1)
        self.stack.addWidget(second)

        # Step 3: preview.
        third = QWidget()
        third_layout = QVBoxLayout(third)
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        third_layout.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setObjectName("import_preview")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        third_layout.addWidget(self.table, 3)
        self.problems = QPlainTextEdit()
        self.problems.setObjectName("import_problems")
        self.problems.setReadOnly(True)
        third_layout.addWidget(self.problems, 1)
        self.stack.addWidget(third)

        self.back_button = QPushButton("Quay lại")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Tiếp")
        self.next_button.setObjectName("next_step")
        self.next_button.clicked.connect(self.next)
        self.import_button = QPushButton("Nhập")
        self.import_button.setObjectName("do_import")
        self.import_button.clicked.connect(self.do_import)
        close = QPushButton("Đóng")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.back_button, self.next_button, self.import_button, close):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._show_step(0)

    # Steps ------------------------------------------------------------------------------------

    def _show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.step_label.setText(STEPS[step])
        self.back_button.setEnabled(step > 0)
        self.next_button.setVisible(step < 2)
        self.next_button.setEnabled(step > 0 or bool(self.sheet_combo.count()))
        self.import_button.setVisible(step == 2)
        self.import_button.setEnabled(step == 2 and self.preview_data is not None and self.preview_data.can_import)

    def set_file(self, path: Path) -> bool:
        try:
            sheets = list_sheets(path)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported the same way
            show_error(self, f"Không đọc được tệp {path.name}.", exc,
                       "Hãy chọn tệp Excel dạng .xlsx (nếu là .xls cũ, mở bằng Excel rồi lưu lại dạng .xlsx).")
            return False
        self.path = path
        self.file_edit.setText(str(path))
        self.sheet_combo.clear()
        self.sheet_combo.addItems(sheets)
        # Prefer the first sheet that looks like data (most known headers).
        best, best_count = 0, -1
        for i, name in enumerate(sheets):
            try:
                data = read_sheet(path, name)
            except ValueError:
                continue
            count = sum(v is not None for v in guess_mapping(self.kind, data.headers).values())
            if count > best_count:
                best, best_count = i, count
        self.sheet_combo.setCurrentIndex(best)
        self._show_step(0)
        return True

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Chọn tệp Excel", str(data_dir()), "Tệp Excel (*.xlsx *.xlsm)")
        if chosen:
            self.set_file(Path(chosen))

    def save_template(self) -> None:
        name = f"Mẫu nhập {KINDS[self.kind].lower()}.xlsx"
        chosen, _ = QFileDialog.getSaveFileName(self, "Lưu tệp mẫu", str(data_dir() / name), "Tệp Excel (*.xlsx)")
        if chosen:
            try:
                write_template(self.kind, Path(chosen))
            except OSError as exc:
                show_error(self, "Không ghi được tệp mẫu.", exc, "Nếu tệp đang mở trong Excel, hãy đóng rồi thử lại.")
                return
            dialogs.tell(self, "Tệp mẫu", f"Đã lưu tệp mẫu vào {chosen}.", warning=False)

    def next(self) -> None:
        step = self.stack.currentIndex()
        if step == 0:
            if self.path is None:
                return
            try:
                self.sheet = read_sheet(self.path, self.sheet_combo.currentText())
            except ValueError as exc:
                dialogs.tell(self, "Không đọc được trang", str(exc))
                return
            self._fill_mapping()
            self._show_step(1)
        elif step == 1:
            self.run_preview()
            self._show_step(2)

    def back(self) -> None:
        self._show_step(max(0, self.stack.currentIndex() - 1))

    def _fill_mapping(self) -> None:
        assert self.sheet is not None
        guessed = guess_mapping(self.kind, self.sheet.headers)
        found = sum(v is not None for v in guessed.values())
        self.mapping_note.setText(
            f"Trang “{self.sheet.name}”: dòng tên cột là dòng {self.sheet.header_row}, có {len(self.sheet.rows)} dòng "
            f"dữ liệu. Phần mềm đã nhận ra {found} cột theo tên; hãy kiểm tra và chọn lại nếu sai "
            "(dấu * là cột bắt buộc).")
        for key, combo in self.mapping_combos.items():
            combo.clear()
            combo.addItem("— không có —", None)
            for i, h in enumerate(self.sheet.headers):
                if h:
                    combo.addItem(f"Cột {_letter(i)}: {h}", i)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(key))))

    def mapping(self) -> dict[str, int | None]:
        return {key: combo.currentData() for key, combo in self.mapping_combos.items()}

    def run_preview(self) -> None:
        assert self.sheet is not None
        with self.database.session() as session:
            pv = preview(session, self.kind, self.sheet, self.mapping(),
                         self.year_spin.value() if self.kind == "evaluations" else None)
            session.rollback()
        pv.file_name = self.path.name if self.path else ""
        self.preview_data = pv
        fields = [f for f in FIELDS[self.kind] if self.mapping().get(f.key) is not None]
        self.table.clear()
        self.table.setColumnCount(len(fields) + 2)
        self.table.setHorizontalHeaderLabels(["Dòng", *[f.label for f in fields], "Lỗi"])
        self.table.setRowCount(len(pv.rows))
        self.table.verticalHeader().hide()
        for r, row in enumerate(pv.rows):
            bad = {label for label, _m in row.problems}
            cells = [str(row.row_number)] + [_show(row.raw[self.mapping()[f.key]]) for f in fields]
            cells.append("; ".join(m for _l, m in row.problems))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row.problems:
                    if c == 0 or c == len(cells) - 1 or (0 < c <= len(fields) and fields[c - 1].label in bad):
                        item.setBackground(BAD)
                    item.setToolTip("\n".join(f"{lbl}: {m}" for lbl, m in row.problems))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        lines = pv.problem_lines()
        self.problems.setPlainText("\n".join(lines) if lines else "Không có lỗi.")
        if pv.can_import:
            what = "cán bộ" if self.kind == "people" else f"kết quả bình xét năm {pv.year}"
            self.summary.setText(f"Tất cả {len(pv.rows)} dòng hợp lệ. Bấm “Nhập” để ghi {len(pv.rows)} {what} "
                                 "(trong một lần, có ghi nhật ký).")
        else:
            self.summary.setText(f"Có {len(pv.bad_rows)}/{len(pv.rows)} dòng lỗi (tô đỏ) và {len(pv.problems)} lỗi "
                                 "chung. Chưa nhập gì: hãy sửa tệp Excel (hoặc chọn lại cột) rồi xem trước lại. "
                                 "Phần mềm chỉ nhập khi mọi dòng đều đúng.")
        self.import_button.setEnabled(pv.can_import)

    def do_import(self) -> None:
        pv = self.preview_data
        if pv is None or not pv.can_import:
            return
        result = dialogs.run_change(self, self.database, lambda s: import_preview(s, pv), "Không nhập được")
        if result is None:
            return
        self.imported = result
        dialogs.tell(self, "Đã nhập", result.message(self.kind), warning=False)
        self.accept()


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "year") and hasattr(value, "day"):
        return format_date(value if not hasattr(value, "date") else value.date())
    return str(value)


__all__ = ["ExcelImportDialog"]
