"""“Xuất Excel” for any list on screen: the rows of a QAbstractItemModel (all of them, also
those a lazy model has not handed to the view yet), in the columns the user sees, written
by ``services.output.xlsx_export.write_table`` (text starting with = + - @ stays text)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QHeaderView, QMessageBox, QWidget

from models.db import data_dir
from services.output.xlsx_export import write_table
from ui.worker import run_in_background, show_error

# A model may answer this role with the raw value of a cell (a date as a date) for export;
# otherwise the displayed text is written.
EXPORT_ROLE = Qt.ItemDataRole.UserRole + 100
_LAST_DIR_KEY = "export/last_dir"


def visible_columns(model: QAbstractItemModel, header: QHeaderView | None = None) -> list[int]:
    """The columns in the order the user sees them, without hidden ones."""
    if header is None:
        return list(range(model.columnCount()))
    columns = [header.logicalIndex(v) for v in range(header.count())]
    return [c for c in columns if c >= 0 and not header.isSectionHidden(c)]


def _cell(model: QAbstractItemModel, index: QModelIndex) -> Any:
    value = model.data(index, EXPORT_ROLE)
    if value is None:
        value = model.data(index, Qt.ItemDataRole.DisplayRole)
    return "" if value is None else value


def model_table(model: QAbstractItemModel, columns: Sequence[int] | None = None,
                indent_tree: bool = True) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of ``model``. A model with ``export_rows(columns)`` (the lazy people
    model) answers itself; otherwise every row is fetched and walked, children of a tree
    included (indented in the first column)."""
    columns = list(range(model.columnCount())) if columns is None else list(columns)
    exporter = getattr(model, "export_rows", None)
    if callable(exporter):
        return exporter(columns)
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "") for c in columns]
    rows: list[list[Any]] = []

    def walk(parent: QModelIndex, depth: int) -> None:
        while model.canFetchMore(parent):
            model.fetchMore(parent)
        for r in range(model.rowCount(parent)):
            values = [_cell(model, model.index(r, c, parent)) for c in columns]
            if indent_tree and depth and values and isinstance(values[0], str):
                values[0] = "    " * depth + values[0]
            rows.append(values)
            first = model.index(r, 0, parent)
            if model.rowCount(first) > 0:
                walk(first, depth + 1)

    walk(QModelIndex(), 0)
    return headers, rows


def safe_file_name(text: str) -> str:
    bad = '<>:"/\\|?*'
    return "".join("-" if ch in bad else ch for ch in text).strip() or "danh-sach"


def export_model(parent: QWidget, model: QAbstractItemModel, title: str, *,
                 header: QHeaderView | None = None, file_stem: str | None = None,
                 path: Path | None = None) -> None:
    """Ask where to save (unless ``path`` is given) and write the list to .xlsx in the background."""
    if model.rowCount() == 0 and not model.canFetchMore(QModelIndex()):
        QMessageBox.information(parent, "Xuất Excel", "Danh sách đang trống, không có gì để xuất. "
                                "Hãy bỏ bớt điều kiện lọc rồi thử lại.")
        return
    if path is None:
        settings = QSettings()
        start = Path(str(settings.value(_LAST_DIR_KEY, "") or data_dir()))
        chosen, _ = QFileDialog.getSaveFileName(parent, "Xuất danh sách ra Excel",
                                                str(start / f"{safe_file_name(file_stem or title)}.xlsx"),
                                                "Tệp Excel (*.xlsx)")
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        settings.setValue(_LAST_DIR_KEY, str(path.parent))
    headers, rows = model_table(model, visible_columns(model, header))

    def done(written: Path) -> None:
        window = parent.window()
        status = getattr(window, "statusBar", None)
        message = f"Đã xuất {len(rows)} dòng ra {written}."
        if callable(status):
            status().showMessage(message, 8000)
        else:
            from ui.unit_dialog import tell

            tell(parent, "Xuất Excel", message, warning=False)

    def failed(exc: BaseException) -> None:
        show_error(parent, f"Không ghi được tệp {path}.", exc,
                   "Nếu tệp đang mở trong Excel, hãy đóng nó; hoặc chọn thư mục khác có quyền ghi, rồi xuất lại.")

    target = path
    run_in_background(lambda: write_table(target, headers, rows, title=title), on_success=done, on_error=failed,
                      progress_text="Đang xuất ra Excel…", parent=parent)
