"""The keyboard-driven evaluation grid: table model, delegates and view.

Keys: Tab / Shift+Tab go to the next / previous editable cell (wrapping to the next row),
Enter goes down like Excel, typing starts editing (type-ahead for codes: "htx" gives
HTXSNV), Space ticks "đang bị xem xét", Ctrl+V pastes a tab-separated block from Excel
at the current cell (every cell validated), Ctrl+D fills down, Delete clears the cells.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCompleter,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from models.vocabulary import DISCIPLINES, RATINGS
from services.awards.eligibility import EligibilityResult
from services.records.evaluations import (
    FIELD_LABELS,
    GridRow,
    parse_bool,
    parse_discipline,
    parse_int,
    parse_rating,
    parse_score,
    validate_row,
)

# (key, header, width); key is a GridRow field, or "eligibility".
COLUMNS: list[tuple[str, str, int]] = [
    ("code", "Mã", 70),
    ("full_name", "Họ và tên", 165),
    ("unit_name", "Đơn vị", 140),
    ("rating", "Xếp loại", 70),
    ("months_worked", "Số tháng\ncông tác", 70),
    ("maternity_months", "Tháng\nthai sản", 66),
    ("discipline", "Kỷ luật", 90),
    ("under_review", "Đang bị\nxem xét", 64),
    ("votes_for", "Phiếu\nđồng ý", 60),
    ("votes_total", "Tổng số\nphiếu", 62),
    ("score", "Điểm\nthi đua", 58),
    ("note", "Ghi chú", 80),
    ("eligibility", "Đủ điều kiện (xem trước)", 220),
]
KEYS = [c[0] for c in COLUMNS]
EDITABLE = {"rating", "months_worked", "maternity_months", "discipline", "under_review", "votes_for", "votes_total",
            "score", "note"}
DEFAULTS: dict[str, Any] = {"rating": None, "months_worked": 12, "maternity_months": 0, "discipline": None,
                            "under_review": False, "votes_for": None, "votes_total": None, "score": None, "note": ""}
DIRTY_BRUSH = QBrush(QColor("#fff6d6"))
ERROR_BRUSH = QBrush(QColor("#f8d7d3"))
ELIGIBLE_BRUSH = QBrush(QColor("#1d6b3a"))


def _fmt_score(v: float | None) -> str:
    if v is None:
        return ""
    return (str(int(v)) if float(v).is_integer() else f"{v:g}").replace(".", ",")


def parse_cell(key: str, value: Any) -> Any:
    """The typed value of a cell from what was typed or pasted; ValueError (Vietnamese) if wrong."""
    if key == "rating":
        return parse_rating(value)
    if key == "discipline":
        return parse_discipline(value)
    if key == "under_review":
        return parse_bool(value)
    if key == "months_worked":
        return parse_int(value, "số tháng công tác", 0, 12, allow_empty=True) if value not in (None, "") else 12
    if key == "maternity_months":
        return parse_int(value, "số tháng nghỉ thai sản", 0, 12) or 0
    if key in ("votes_for", "votes_total"):
        return parse_int(value, "số phiếu", 0)
    if key == "score":
        return parse_score(value)
    if key == "note":
        return " ".join(str(value or "").split())
    raise ValueError("Cột này không sửa được.")


class EvaluationGridModel(QAbstractTableModel):
    """The rows of one unit and year, as edited; ``original`` keeps what is saved."""

    edited = Signal()  # any cell changed (the page recomputes eligibility)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[GridRow] = []
        self.original: list[GridRow] = []
        self.eligibility: EligibilityResult | None = None
        self.show_unit = True

    # Data in and out ---------------------------------------------------------------------

    def set_rows(self, rows: list[GridRow]) -> None:
        self.beginResetModel()
        self.rows = [replace(r) for r in rows]
        self.original = [replace(r) for r in rows]
        self.eligibility = None
        self.endResetModel()

    def set_eligibility(self, result: EligibilityResult | None) -> None:
        self.eligibility = result
        if self.rows:
            col = KEYS.index("eligibility")
            self.dataChanged.emit(self.index(0, col), self.index(len(self.rows) - 1, col))

    def is_dirty(self, row: int) -> bool:
        return self.rows[row].values() != self.original[row].values()

    def dirty_rows(self) -> list[int]:
        return [i for i in range(len(self.rows)) if self.is_dirty(i)]

    def changed_rows(self) -> list[GridRow]:
        return [self.rows[i] for i in self.dirty_rows()]

    def revert(self) -> None:
        self.set_rows(self.original)
        self.edited.emit()

    def problems(self) -> dict[int, dict[str, str]]:
        out = {}
        for i, r in enumerate(self.rows):
            p = validate_row(r)
            if p:
                out[i] = p
        return out

    # Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][1]
            if role == Qt.ItemDataRole.ToolTipRole:
                key = KEYS[section]
                if key == "eligibility":
                    return ("Danh hiệu cá nhân người này đủ điều kiện theo bộ quy định, tính lại ngay khi gõ "
                            "(chưa tính tỷ lệ tối đa). Rê chuột vào ô để xem lý do.")
                return FIELD_LABELS.get(key)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{section + 1} ●" if section < len(self.rows) and self.is_dirty(section) else str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self.rows) and self.is_dirty(section):
            return "Dòng có thay đổi chưa lưu (Ctrl+S để lưu)"
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        key = KEYS[index.column()]
        if key == "under_review":
            return base | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
        if key in EDITABLE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        key = KEYS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if key == "eligibility":
                if self.eligibility is None:
                    return "…"
                e = self.eligibility.people.get(r.person_id)
                return e.label() if e else ""
            value = getattr(r, key)
            if key == "under_review":
                return None
            if key == "discipline":
                if role == Qt.ItemDataRole.EditRole:
                    return DISCIPLINES.get(value, "") if value else ""
                return DISCIPLINES.get(value, value) if value else ""
            if key == "score":
                return _fmt_score(value)
            return "" if value is None else value
        if role == Qt.ItemDataRole.CheckStateRole and key == "under_review":
            return Qt.CheckState.Checked if r.under_review else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            problem = validate_row(r).get(key)
            if problem:
                return problem
            if key == "eligibility" and self.eligibility is not None:
                e = self.eligibility.people.get(r.person_id)
                return e.tooltip(self.eligibility.title_names) if e else None
            if key == "rating" and r.rating:
                return RATINGS.get(r.rating)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if key in EDITABLE and key in validate_row(r):
                return ERROR_BRUSH
            if key in EDITABLE and getattr(r, key) != getattr(self.original[index.row()], key):
                return DIRTY_BRUSH
            return None
        if role == Qt.ItemDataRole.ForegroundRole and key == "eligibility":
            e = self.eligibility.people.get(r.person_id) if self.eligibility else None
            return ELIGIBLE_BRUSH if e and e.eligible else None
        if role == Qt.ItemDataRole.TextAlignmentRole and key in (
                "months_worked", "maternity_months", "votes_for", "votes_total", "score"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        try:
            return self.set_cell(index.row(), index.column(), value, role)
        except ValueError:
            return False

    def set_cell(self, row: int, column: int, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Parse and set one cell; raises ValueError (Vietnamese) when the value is wrong."""
        key = KEYS[column]
        if key not in EDITABLE:
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            parsed = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        elif role == Qt.ItemDataRole.EditRole:
            parsed = parse_cell(key, value)
        else:
            return False
        r = self.rows[row]
        if getattr(r, key) == parsed:
            return True
        setattr(r, key, parsed)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)
        self.edited.emit()
        return True

    def clear_cell(self, row: int, column: int) -> None:
        key = KEYS[column]
        if key in EDITABLE and getattr(self.rows[row], key) != DEFAULTS[key]:
            setattr(self.rows[row], key, DEFAULTS[key])
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)
            self.edited.emit()

    def export_rows(self, columns: list[int]) -> tuple[list[str], list[list[Any]]]:
        headers = [COLUMNS[c][1].replace("\n", " ") for c in columns]
        out = []
        for i, r in enumerate(self.rows):
            values = []
            for c in columns:
                key = KEYS[c]
                if key == "under_review":
                    values.append("x" if r.under_review else "")
                elif key == "score":
                    values.append(r.score if r.score is not None else "")
                else:
                    values.append(self.data(self.index(i, c)) or "")
            out.append(values)
        return headers, out


# Delegates --------------------------------------------------------------------------------


class CodeDelegate(QStyledItemDelegate):
    """A line edit with type-ahead over "CODE – label": "htx" + Tab gives HTXSNV."""

    def __init__(self, codes: dict[str, str], parse: Callable[[Any], str | None], parent: Any = None) -> None:
        super().__init__(parent)
        self.codes = codes
        self.parse = parse
        self.choices = [f"{c} – {label}" for c, label in codes.items()]

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        completer = QCompleter(QStringListModel(self.choices, editor), editor)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        editor.setCompleter(completer)
        editor.setPlaceholderText("gõ mã hoặc chữ đầu")
        editor.setToolTip("Gõ vài chữ đầu của mã hoặc tên (vd. htx → HTXSNV, cảnh → Cảnh cáo); để trống nếu không có")
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        row = index.model().rows[index.row()]
        value = getattr(row, KEYS[index.column()])
        assert isinstance(editor, QLineEdit)
        if not editor.text():
            editor.setText(value or "")

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        text = editor.text().split("–")[0].strip()
        try:
            code = self.parse(text)
        except ValueError as exc:
            view = self.parent()
            if hasattr(view, "report"):
                view.report([str(exc)])
            return
        model.set_cell(index.row(), index.column(), code or "")


class MonthsDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex) -> QWidget:
        spin = QSpinBox(parent)
        spin.setRange(0, 12)
        spin.setSuffix(" tháng")
        return spin

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, QSpinBox)
        editor.setValue(int(getattr(index.model().rows[index.row()], KEYS[index.column()]) or 0))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        assert isinstance(editor, QSpinBox)
        editor.interpretText()
        model.set_cell(index.row(), index.column(), editor.value())


class TextDelegate(QStyledItemDelegate):
    """Plain text cells (votes, score, note): invalid input is reported, the cell kept."""

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        text = editor.text() if isinstance(editor, QLineEdit) else editor.property("text")
        try:
            model.set_cell(index.row(), index.column(), text)
        except ValueError as exc:
            view = self.parent()
            if hasattr(view, "report"):
                view.report([str(exc)])


# The view ---------------------------------------------------------------------------------


class EvaluationGridView(QTableView):
    """QTableView with spreadsheet keys (see the module docstring)."""

    problems_found = Signal(list)  # Vietnamese messages from typing or pasting

    def __init__(self, model: EvaluationGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.grid_model = model
        self.setItemDelegateForColumn(KEYS.index("rating"), CodeDelegate(RATINGS, parse_rating, self))
        self.setItemDelegateForColumn(KEYS.index("discipline"), CodeDelegate(DISCIPLINES, parse_discipline, self))
        months = MonthsDelegate(self)
        self.setItemDelegateForColumn(KEYS.index("months_worked"), months)
        self.setItemDelegateForColumn(KEYS.index("maternity_months"), months)
        text = TextDelegate(self)
        for key in ("votes_for", "votes_total", "score", "note"):
            self.setItemDelegateForColumn(KEYS.index(key), text)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumHeight(2 * self.fontMetrics().height() + 12)
        for col, (_k, _h, width) in enumerate(COLUMNS):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)

    def report(self, messages: list[str]) -> None:
        if messages:
            self.problems_found.emit(messages)

    # Navigation -----------------------------------------------------------------------------

    def _editable_columns(self) -> list[int]:
        header = self.horizontalHeader()
        cols = [header.logicalIndex(v) for v in range(header.count())]
        return [c for c in cols if KEYS[c] in EDITABLE and not header.isSectionHidden(c)]

    def next_cell(self, index: QModelIndex, step: int) -> QModelIndex:
        """The next (step 1) or previous (-1) editable cell, wrapping across rows."""
        cols = self._editable_columns()
        rows = self.model().rowCount()
        if not cols or not rows:
            return index
        row = max(index.row(), 0)
        col = index.column()
        if col in cols:
            pos = cols.index(col) + step
        else:
            visual = self.horizontalHeader().visualIndex(col)
            after = [c for c in cols if self.horizontalHeader().visualIndex(c) > visual]
            pos = cols.index(after[0]) if step > 0 and after else (len(cols) if step > 0 else -1)
            if step < 0:
                before = [c for c in cols if self.horizontalHeader().visualIndex(c) < visual]
                pos = cols.index(before[-1]) if before else -1
        if pos >= len(cols):
            row, pos = row + 1, 0
        elif pos < 0:
            row, pos = row - 1, len(cols) - 1
        if row >= rows or row < 0:
            return index
        return self.model().index(row, cols[pos])

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        if action == QAbstractItemView.CursorAction.MoveNext:
            return self.next_cell(self.currentIndex(), 1)
        if action == QAbstractItemView.CursorAction.MovePrevious:
            return self.next_cell(self.currentIndex(), -1)
        return super().moveCursor(action, modifiers)

    def move_down(self) -> None:
        index = self.currentIndex()
        if index.isValid() and index.row() + 1 < self.model().rowCount():
            self.setCurrentIndex(self.model().index(index.row() + 1, index.column()))

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        Hint = QAbstractItemDelegate.EndEditHint
        if hint == Hint.SubmitModelCache:  # Enter in the editor
            super().closeEditor(editor, Hint.NoHint)
            self.move_down()
            return
        if hint in (Hint.EditNextItem, Hint.EditPreviousItem):  # Tab: move, like a spreadsheet
            current = self.currentIndex()
            super().closeEditor(editor, Hint.NoHint)
            self.setCurrentIndex(self.next_cell(current, 1 if hint == Hint.EditNextItem else -1))
            return
        super().closeEditor(editor, hint)

    def keyPressEvent(self, event: Any) -> None:
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        if key == Qt.Key.Key_D and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.fill_down()
            return
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_down()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_selection_cells()
                return
            if key == Qt.Key.Key_Space and KEYS[self.currentIndex().column()] == "under_review":
                index = self.currentIndex()
                row = self.grid_model.rows[index.row()]
                self.grid_model.set_cell(index.row(), index.column(), not row.under_review,
                                         Qt.ItemDataRole.CheckStateRole)
                return
        super().keyPressEvent(event)

    def edit(self, index: Any, trigger: Any = None, event: Any = None) -> bool:  # noqa: D401 - Qt override
        if trigger is None:
            return super().edit(index)
        # The check box column toggles with Space or a click, never opens an editor.
        if isinstance(index, (QModelIndex, QPersistentModelIndex)) and index.isValid() \
                and KEYS[index.column()] == "under_review":
            return False
        return super().edit(index, trigger, event)

    # Clipboard and fill ---------------------------------------------------------------------

    def paste(self, text: str | None = None) -> int:
        """Paste a tab-separated block at the current cell; returns how many cells were set.
        Every cell is validated; the wrong ones are left as they were and reported."""
        text = QGuiApplication.clipboard().text() if text is None else text
        start = self.currentIndex()
        if not text or not start.isValid():
            return 0
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and lines[-1] == "":
            lines.pop()
        header = self.horizontalHeader()
        visual_cols = [header.logicalIndex(v) for v in range(header.count()) if not header.isSectionHidden(header.logicalIndex(v))]
        first = visual_cols.index(start.column()) if start.column() in visual_cols else 0
        problems: list[str] = []
        done = 0
        model = self.grid_model
        for i, line in enumerate(lines):
            row = start.row() + i
            if row >= model.rowCount():
                problems.append(f"Còn {len(lines) - i} dòng dán vượt quá cuối bảng, không được dán.")
                break
            for j, value in enumerate(line.split("\t")):
                if first + j >= len(visual_cols):
                    break
                col = visual_cols[first + j]
                key = KEYS[col]
                if key not in EDITABLE:
                    continue
                try:
                    model.set_cell(row, col, value.strip())
                    done += 1
                except ValueError as exc:
                    r = model.rows[row]
                    problems.append(f"Dòng {row + 1} ({r.full_name}), cột {FIELD_LABELS[key]}: {exc}")
        self.report(problems)
        return done

    def copy(self) -> None:
        indexes = sorted(self.selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not indexes:
            return
        rows: dict[int, list[str]] = {}
        for i in indexes:
            key = KEYS[i.column()]
            r = self.grid_model.rows[i.row()]
            value = ("x" if r.under_review else "") if key == "under_review" else (
                getattr(r, key) if key in EDITABLE else i.data())
            rows.setdefault(i.row(), []).append("" if value is None else str(value))
        QGuiApplication.clipboard().setText("\n".join("\t".join(v) for v in rows.values()))

    def fill_down(self) -> int:
        """Ctrl+D: copy the top cell of each selected column into the selected cells below it;
        with a single cell, copy the cell above into it."""
        model = self.grid_model
        selected = [i for i in self.selectedIndexes() if KEYS[i.column()] in EDITABLE]
        if not selected:
            current = self.currentIndex()
            selected = [current] if current.isValid() and KEYS[current.column()] in EDITABLE else []
        by_col: dict[int, list[int]] = {}
        for i in selected:
            by_col.setdefault(i.column(), []).append(i.row())
        count = 0
        for col, rows in by_col.items():
            rows.sort()
            if len(rows) == 1:
                if rows[0] == 0:
                    continue
                source, targets = rows[0] - 1, rows
            else:
                source, targets = rows[0], rows[1:]
            key = KEYS[col]
            value = getattr(model.rows[source], key)
            for r in targets:
                if getattr(model.rows[r], key) != value:
                    setattr(model.rows[r], key, value)
                    count += 1
            model.dataChanged.emit(model.index(min(targets), 0), model.index(max(targets), len(COLUMNS) - 1))
            model.headerDataChanged.emit(Qt.Orientation.Vertical, min(targets), max(targets))
        if count:
            model.edited.emit()
        return count

    def clear_selection_cells(self) -> None:
        indexes = self.selectedIndexes() or [self.currentIndex()]
        for i in indexes:
            if i.isValid():
                self.grid_model.clear_cell(i.row(), i.column())


__all__ = ["COLUMNS", "EDITABLE", "KEYS", "EvaluationGridModel", "EvaluationGridView", "parse_cell"]
