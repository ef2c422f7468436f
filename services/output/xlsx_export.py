"""Writing any list to an .xlsx workbook the way office staff expect it."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from services.system.files import atomic_write
from services.system.text import nfc

# A cell starting with one of these would be read by Excel as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@")


def cell_value(value: Any) -> Any:
    """A value safe to put in a cell: text is NFC, and never taken as a formula."""
    if isinstance(value, str):
        return nfc(value)
    return value


def write_table(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
    sheet_name: str = "Danh sách",
) -> Path:
    """Write ``rows`` under ``headers`` (and an optional title line) to ``path``.

    Text beginning with = + - or @ is stored as text, not as a formula; dates keep a
    dd/mm/yyyy format. The file is written to a temporary name and then renamed, so a
    failure never leaves half a workbook.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    row_no = 1
    if title:
        sheet.cell(row=1, column=1, value=nfc(title)).font = Font(bold=True, size=13)
        row_no = 3
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row_no, column=col, value=nfc(header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_row = row_no
    widths = [len(h) for h in headers]
    for values in rows:
        row_no += 1
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_no, column=col)
            value = cell_value(value)
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell.value = value
                cell.data_type = "s"
            else:
                cell.value = value
            if isinstance(value, (date, datetime)):
                cell.number_format = "DD/MM/YYYY"
            widths[col - 1] = max(widths[col - 1], min(60, len(str(value)) if value is not None else 0))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = max(8, width + 2)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    path = Path(path)
    with atomic_write(path) as tmp:
        workbook.save(tmp)
    return path
