"""Bình xét: pick a year and a unit, enter every member's evaluation from the keyboard,
see live which titles each one is eligible for, set the unit's own rating, save all in
one transaction (Ctrl+S)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from models import Evaluation
from models.db import Database
from models.vocabulary import RATINGS
from services.awards.eligibility import EligibilityContext, prepare
from services.records.evaluations import Grid, load_grid, save_grid
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.evaluation_grid import COLUMNS, KEYS, EvaluationGridModel, EvaluationGridView
from ui.export import export_model
from ui.unit_dialog import fill_unit_combo, tree_choices
from ui.worker import error_text, run_in_background

HINT = ("Tab/Enter: sang ô tiếp theo/xuống dòng · gõ chữ đầu của mã (htx → HTXSNV) · Space: đánh dấu đang bị xem xét · "
        "Ctrl+V: dán từ Excel · Ctrl+D: chép xuống · Delete: xóa ô · Ctrl+S: lưu")


def _load(database: Database, year: int, unit_id: int) -> tuple[Grid, EligibilityContext | None, str]:
    with database.session() as session:
        grid = load_grid(session, year, unit_id)
        try:
            ctx = prepare(session, year, unit_id, [r.person_id for r in grid.rows])
            note = ""
        except Exception as exc:  # noqa: BLE001 - no rule set for the year: the grid still works
            ctx, note = None, str(exc)
        session.rollback()
        return grid, ctx, note


def default_year(database: Database) -> int:
    with database.session() as session:
        latest = session.scalar(select(func.max(Evaluation.year)))
    return int(latest) if latest else date.today().year


class EvaluationsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.grid: Grid | None = None
        self.eligibility: EligibilityContext | None = None
        self._loaded_key: tuple[int, int] | None = None
        self._request = 0
        self._watching: QObject | None = None
        context.database_changed.connect(lambda _db: self._database_changed())

        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("evaluation_year")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(default_year(self.database))
        self.year_spin.setToolTip("Năm bình xét")
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("evaluation_unit")
        self.unit_combo.setMinimumWidth(300)
        self.unit_combo.setMaxVisibleItems(25)
        self.unit_rating_combo = QComboBox()
        self.unit_rating_combo.setObjectName("unit_rating")
        self.unit_rating_combo.addItem("— chưa xếp loại —", None)
        for code, label in RATINGS.items():
            self.unit_rating_combo.addItem(f"{code} – {label}", code)
        self.unit_rating_combo.setToolTip("Xếp loại chất lượng của chính tập thể (đơn vị) trong năm")
        self.unit_rating_combo.currentIndexChanged.connect(lambda _i: self._unit_rating_changed())
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        for text, widget in (("Năm:", self.year_spin), ("Đơn vị:", self.unit_combo),
                             ("Xếp loại tập thể:", self.unit_rating_combo)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget, 1 if widget is self.unit_combo else 0)
        self.unit_eligibility = QLabel("")
        self.unit_eligibility.setObjectName("unit_eligibility")
        top.addWidget(self.unit_eligibility)
        top.addStretch(0)

        self.save_button = QPushButton("Lưu (Ctrl+S)")
        self.save_button.setObjectName("save_evaluations")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Bỏ thay đổi")
        self.revert_button.setObjectName("revert_evaluations")
        self.revert_button.clicked.connect(self.revert)
        self.import_button = QPushButton("Nhập từ Excel…")
        self.import_button.setObjectName("import_evaluations")
        self.import_button.setToolTip("Nhập kết quả bình xét từ tệp .xlsx (có xem trước, nhập tất cả hoặc không nhập gì)")
        self.import_button.clicked.connect(self.import_excel)
        self.export_button = QPushButton("Xuất Excel")
        self.export_button.setObjectName("export_evaluations")
        self.export_button.clicked.connect(self.export)
        self.status = QLabel("")
        self.status.setObjectName("evaluation_status")
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.save_button)
        actions.addWidget(self.revert_button)
        actions.addSpacing(12)
        actions.addWidget(self.status, 1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        self.model = EvaluationGridModel(self)
        self.model.edited.connect(self._edited)
        self.view = EvaluationGridView(self.model)
        self.view.setObjectName("evaluation_grid")
        self.view.problems_found.connect(self._show_problems)
        self.hint = QLabel(HINT)
        self.hint.setObjectName("pageDescription")
        self.hint.setWordWrap(True)
        self.problem_label = QLabel("")
        self.problem_label.setObjectName("loadError")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.hint)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.recompute)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        self._fill_units()
        self.year_spin.valueChanged.connect(lambda _v: self._selection_changed())
        self.unit_combo.currentIndexChanged.connect(lambda _i: self._selection_changed())
        self._update_status()

    @property
    def database(self) -> Database:
        return self.context.database

    # Loading -------------------------------------------------------------------------------

    def _fill_units(self) -> None:
        current = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        fill_unit_combo(self.unit_combo, tree_choices(self.database), None)
        index = self.unit_combo.findData(current)
        self.unit_combo.setCurrentIndex(max(0, index))
        self.unit_combo.blockSignals(False)

    def _database_changed(self) -> None:
        self.model.set_rows([])
        self.grid = None
        self._loaded_key = None
        self._fill_units()
        self.year_spin.blockSignals(True)
        self.year_spin.setValue(default_year(self.database))
        self.year_spin.blockSignals(False)
        self.reload()

    def page_shown(self) -> None:
        window = self.window()
        if window is not self._watching and window is not self:
            window.installEventFilter(self)
            self._watching = window
        if self._loaded_key is None:
            self.reload()

    def selection(self) -> tuple[int, int] | None:
        unit_id = self.unit_combo.currentData()
        return None if unit_id is None else (self.year_spin.value(), unit_id)

    def _selection_changed(self) -> None:
        key = self.selection()
        if key == self._loaded_key:
            return
        if not self.confirm_leave():
            # Put the old choice back without reloading.
            if self._loaded_key is not None:
                for w in (self.year_spin, self.unit_combo):
                    w.blockSignals(True)
                self.year_spin.setValue(self._loaded_key[0])
                self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(self._loaded_key[1])))
                for w in (self.year_spin, self.unit_combo):
                    w.blockSignals(False)
            return
        self.reload()

    def reload(self) -> None:
        key = self.selection()
        if key is None:
            self.status.setText("Chưa có đơn vị nào: hãy thêm đơn vị ở trang Đơn vị trước.")
            return
        self._request += 1
        request = self._request
        self._loaded_key = key
        self.status.setText("Đang tải danh sách…")
        run_in_background(_load, self.database, *key, on_success=lambda res: self._loaded(request, res),
                          on_error=lambda exc: self._failed(request, exc), parent=self)

    def _loaded(self, request: int, result: tuple[Grid, EligibilityContext | None, str]) -> None:
        if request != self._request:
            return
        grid, ctx, note = result
        self.grid, self.eligibility = grid, ctx
        self.model.set_rows(grid.rows)
        self.view.setColumnHidden(KEYS.index("unit_name"), len(grid.unit_ids) <= 1)
        self.unit_rating_combo.blockSignals(True)
        self.unit_rating_combo.setCurrentIndex(max(0, self.unit_rating_combo.findData(grid.unit_rating)))
        self.unit_rating_combo.blockSignals(False)
        self.problem_label.setVisible(bool(note))
        self.problem_label.setText(f"Không xem trước được điều kiện danh hiệu: {note}" if note else "")
        self.recompute()
        self._update_status()
        if grid.rows:
            self.view.setCurrentIndex(self.model.index(0, KEYS.index("rating")))

    def _failed(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            self.status.setText(f"Không đọc được kết quả bình xét: {error_text(exc)}")

    # Editing ------------------------------------------------------------------------------------

    def unit_rating(self) -> str | None:
        return self.unit_rating_combo.currentData()

    def unit_rating_dirty(self) -> bool:
        return self.grid is not None and self.unit_rating() != self.grid.unit_rating

    def is_dirty(self) -> bool:
        return bool(self.model.dirty_rows()) or self.unit_rating_dirty()

    def _unit_rating_changed(self) -> None:
        self._update_status()
        self._timer.start()

    def _edited(self) -> None:
        self.problem_label.hide()
        self._update_status()
        self._timer.start()

    def recompute(self) -> None:
        """Eligibility of every row as it stands on screen (a few milliseconds)."""
        self._timer.stop()
        if self.eligibility is None or self.grid is None:
            self.model.set_eligibility(None)
            self.unit_eligibility.setText("")
            return
        result = self.eligibility.evaluate(self.model.rows, self.unit_rating())
        self.model.set_eligibility(result)
        self.unit_eligibility.setText(f"Tập thể đủ điều kiện: {result.unit.label()}")
        self.unit_eligibility.setToolTip(result.unit.tooltip(result.title_names))

    def _update_status(self) -> None:
        rows = self.model.rows
        rated = sum(1 for r in rows if r.rating)
        dirty = len(self.model.dirty_rows()) + int(self.unit_rating_dirty())
        text = f"{len(rows)} cán bộ · {rated} đã xếp loại"
        if dirty:
            text += f" · {dirty} thay đổi chưa lưu"
        self.status.setText(text)
        self.save_button.setEnabled(dirty > 0)
        self.revert_button.setEnabled(dirty > 0)

    def _show_problems(self, messages: list[str]) -> None:
        shown = messages[:12]
        more = f"\n… và {len(messages) - 12} lỗi khác." if len(messages) > 12 else ""
        self.problem_label.setText("Chưa nhận được một số ô:\n" + "\n".join(shown) + more)
        self.problem_label.show()

    def revert(self) -> None:
        self.model.revert()
        if self.grid is not None:
            self.unit_rating_combo.setCurrentIndex(max(0, self.unit_rating_combo.findData(self.grid.unit_rating)))

    def save(self) -> bool:
        """Write the changed rows and the unit rating in one transaction; True when saved."""
        if self.grid is None or not self.is_dirty():
            return True
        if self.view.state() == self.view.State.EditingState:
            self.view.setFocus()  # commit the cell being edited
        grid, rows = self.grid, self.model.changed_rows()
        problems = self.model.problems()
        if problems:
            lines = [f"Dòng {i + 1} ({self.model.rows[i].full_name}): {'; '.join(p.values())}"
                     for i, p in list(problems.items())[:12]]
            dialogs.tell(self, "Chưa lưu được", "Hãy sửa các ô tô đỏ rồi lưu lại:\n\n" + "\n".join(lines))
            return False
        result = dialogs.run_change(
            self, self.database,
            lambda s: save_grid(s, grid.year, grid.unit_id, rows, self.unit_rating(), grid.unit_version,
                                save_unit=self.unit_rating_dirty()),
            "Không lưu được kết quả bình xét")
        if result is None:
            return False
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(result.message(), 8000)
        self._loaded_key = None
        self.reload()
        return True

    def confirm_leave(self) -> bool:
        """Ask what to do with unsaved edits; False when the user chose to stay."""
        if not self.is_dirty():
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Kết quả bình xét chưa lưu",
                          "Bảng bình xét có thay đổi chưa lưu. Lưu lại trước khi chuyển?", parent=self)
        save = box.addButton("Lưu", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Không lưu", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Ở lại", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save:
            return self.save()
        if box.clickedButton() is discard:
            self.model.set_rows(self.model.original)
            if self.grid is not None:
                self.unit_rating_combo.blockSignals(True)
                self.unit_rating_combo.setCurrentIndex(max(0, self.unit_rating_combo.findData(self.grid.unit_rating)))
                self.unit_rating_combo.blockSignals(False)
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watching and event.type() == QEvent.Type.Close and self.is_dirty():
            if not self.confirm_leave():
                event.ignore()
                return True
        return super().eventFilter(watched, event)

    # Import and export ----------------------------------------------------------------------------

    def import_excel(self) -> None:
        from ui.excel_import_dialog import ExcelImportDialog

        if not self.confirm_leave():
            return
        dialog = ExcelImportDialog(self.database, "evaluations", year=self.year_spin.value(), parent=self)
        if dialog.exec() and dialog.imported:
            self._loaded_key = None
            self.reload()

    def export(self) -> None:
        title = f"Kết quả bình xét năm {self.year_spin.value()} – {self.unit_combo.currentText().strip()}"
        export_model(self, self.model, title, header=self.view.horizontalHeader(), file_stem=title)


__all__ = ["COLUMNS", "EvaluationsPage"]
