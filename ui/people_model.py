"""The people list as a lazy table model, smooth with 50,000 rows.

Every person is read once (``services.records.people.load_people``: one set-based query) and
kept as a compact tuple with a folded search string and a Vietnamese name rank.
Filtering (text as you type, unit with its sub-units, status) and sorting work on those
lists in memory; the view is populated lazily with ``canFetchMore``/``fetchMore``, so it
only asks for the rows it shows and there is no widget per row. The columns not needed
to filter or sort by name (gender, dates) are read per screenful through
``details_loader`` (``services.records.people.person_details``).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cmp_to_key
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from models.vocabulary import GENDERS
from services.records.people import (
    D_BIRTH,
    D_GENDER,
    D_JOINED,
    D_LEFT,
    R_ACTIVE,
    R_CODE,
    R_DELETED,
    R_ID,
    R_NAME,
    R_POSITION,
    R_UNIT,
    PeopleData,
    search_fold,
)
from services.records.units import descendants
from services.system.text import compare_text, format_date, nfc
from ui.export import EXPORT_ROLE

DetailsLoader = Callable[[list[int] | None], dict[int, tuple[Any, ...]]]

# (column key, header)
COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã cán bộ"),
    ("full_name", "Họ và tên"),
    ("gender", "Giới tính"),
    ("birth_date", "Ngày sinh"),
    ("position", "Chức vụ"),
    ("unit_name", "Đơn vị"),
    ("joined", "Ngày vào"),
    ("left_on", "Ngày nghỉ"),
    ("status", "Tình trạng"),
]
COLUMN_KEYS = [key for key, _ in COLUMNS]
NAME_COLUMN = COLUMN_KEYS.index("full_name")

STATUS_ACTIVE = "active"
STATUS_LEFT = "left"
STATUS_ALL = "all"
STATUS_DELETED = "deleted"
STATUSES: dict[str, str] = {
    STATUS_ACTIVE: "Đang công tác",
    STATUS_LEFT: "Đã nghỉ",
    STATUS_ALL: "Tất cả (trừ đã xóa)",
    STATUS_DELETED: "Đã xóa",
}

# Rows handed to the view per fetchMore.
FETCH_BATCH = 400

ID_ROLE = Qt.ItemDataRole.UserRole + 1

_GREY = QBrush(QColor("#7a8594"))
_RED = QBrush(QColor("#b03a2e"))


def _status_text(active: Any, deleted: Any) -> str:
    if deleted:
        return "Đã xóa"
    return "Đang công tác" if active else "Đã nghỉ"


# Where each column's value comes from: ("row", position) or ("detail", position).
_SOURCE: dict[str, tuple[str, int]] = {
    "code": ("row", R_CODE), "full_name": ("row", R_NAME), "position": ("row", R_POSITION),
    "gender": ("detail", D_GENDER), "birth_date": ("detail", D_BIRTH), "joined": ("detail", D_JOINED),
    "left_on": ("detail", D_LEFT),
}
_NO_DETAILS = (None, None, None, None)


class PeopleTableModel(QAbstractTableModel):
    """Read-only table of people; ``set_data`` loads, ``set_filter`` and ``sort`` re-arrange."""

    # (rows matching the filter, people in the database apart from deleted ones)
    counts_changed = Signal(int, int)

    def __init__(self, details_loader: DetailsLoader | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.details_loader = details_loader
        self._data = PeopleData([], [], [], {}, {}, {})
        self._rows: list[tuple[Any, ...]] = []
        self._details: dict[int, tuple[Any, ...]] = {}
        self._all_details = False
        self._order: list[int] = []  # every row index, in the current sort order
        self._visible: list[int] = []  # the rows passing the filter, in sort order
        self._fetched = 0
        self._sort_column = NAME_COLUMN
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._text = ""
        self._words: list[str] = []
        self._unit_id: int | None = None
        self._status = STATUS_ACTIVE
        self._sort_keys: dict[int, list[Any]] = {}
        self._not_deleted = 0
        self._base: list[int] | None = None

    # Loading --------------------------------------------------------------------------

    def set_data(self, data: PeopleData) -> None:
        """Replace every row (after a load or a reload), keeping filter and sort."""
        self.beginResetModel()
        self._data = data
        self._rows = data.rows
        self._details = {}
        self._all_details = False
        self._sort_keys = {}
        self._not_deleted = len(self._rows) - sum(1 for r in self._rows if r[R_DELETED])
        self._order = self._sorted_indices(self._sort_column, self._sort_order)
        self._base = None
        self._visible = self._filtered()
        self._fetched = min(FETCH_BATCH, len(self._visible))
        self._load_details(0, self._fetched)
        self.endResetModel()
        self._emit_counts()

    def _load_details(self, start: int, end: int) -> None:
        """Read the detail columns of visible rows start..end-1 that are not read yet."""
        if self._all_details or self.details_loader is None or start >= end:
            return
        rows, details = self._rows, self._details
        missing = [rows[i][R_ID] for i in self._visible[start:end] if rows[i][R_ID] not in details]
        if missing:
            details.update(self.details_loader(missing))

    def _load_all_details(self) -> None:
        if not self._all_details and self.details_loader is not None:
            self._details = self.details_loader(None)
            self._all_details = True

    def person_ids(self) -> list[int]:
        return [r[R_ID] for r in self._rows]

    # Filtering ------------------------------------------------------------------------

    def set_filter(self, *, text: str | None = None, unit_id: Any = ..., status: str | None = None) -> None:
        """Change any of the filters (arguments left out stay as they are) and re-filter.
        ``unit_id`` None: every unit."""
        narrowing = False
        if unit_id is not ... and unit_id != self._unit_id:
            self._unit_id = unit_id
            self._base = None
        if status is not None and status != self._status:
            self._status = status
            self._base = None
        if text is not None:
            folded_old = " ".join(self._words)
            self._text = nfc(text)
            self._words = search_fold(self._text).split()
            folded_new = " ".join(self._words)
            # Typing more letters only narrows the rows: filter what is shown, not everything.
            narrowing = self._base is not None and folded_new.startswith(folded_old) and folded_new != folded_old
        self.beginResetModel()
        self._visible = self._filtered(self._visible if narrowing else None)
        self._fetched = min(FETCH_BATCH, len(self._visible))
        self._load_details(0, self._fetched)
        self.endResetModel()
        self._emit_counts()

    @property
    def filter_text(self) -> str:
        return self._text

    @property
    def status(self) -> str:
        return self._status

    @property
    def unit_id(self) -> int | None:
        return self._unit_id

    def _base_rows(self) -> list[int]:
        """The rows passing the status and unit filters, in sort order (cached)."""
        if self._base is not None:
            return self._base
        rows = self._rows
        candidates = self._order
        status = self._status
        if status == STATUS_DELETED:
            candidates = [i for i in candidates if rows[i][R_DELETED]]
        elif status == STATUS_ACTIVE:
            candidates = [i for i in candidates if rows[i][R_ACTIVE] and not rows[i][R_DELETED]]
        elif status == STATUS_LEFT:
            candidates = [i for i in candidates if not rows[i][R_ACTIVE] and not rows[i][R_DELETED]]
        else:
            candidates = [i for i in candidates if not rows[i][R_DELETED]]
        if self._unit_id is not None:
            units = descendants(self._data.parents, self._unit_id)
            candidates = [i for i in candidates if rows[i][R_UNIT] in units]
        self._base = candidates
        return candidates

    def _filtered(self, within: list[int] | None = None) -> list[int]:
        """The rows to show: the base rows (or ``within``, when typing narrows) matching every word."""
        candidates = self._base_rows() if within is None else within
        rows, search = self._rows, self._data.search
        for word in self._words:
            # A word matches the person's code, name or position, or the name of their unit.
            in_units = {uid for uid, text in self._data.unit_search.items() if word in text}
            if in_units:
                candidates = [i for i in candidates if word in search[i] or rows[i][R_UNIT] in in_units]
            else:
                candidates = [i for i in candidates if word in search[i]]
        return candidates

    def _emit_counts(self) -> None:
        self.counts_changed.emit(len(self._visible), self._not_deleted)

    def match_count(self) -> int:
        """How many rows pass the filter (fetched into the view or not)."""
        return len(self._visible)

    def total_count(self) -> int:
        """People in the database, apart from deleted ones."""
        return self._not_deleted

    # Sorting --------------------------------------------------------------------------

    def _key_list(self, column: int) -> list[Any]:
        keys = self._sort_keys.get(column)
        if keys is not None:
            return keys
        field = COLUMN_KEYS[column]
        rows, rank = self._rows, self._data.name_rank
        if field == "full_name":
            keys = rank
        elif field == "status":
            keys = [(bool(r[R_DELETED]), not r[R_ACTIVE], rank[i]) for i, r in enumerate(rows)]
        elif field == "unit_name":
            keys = self._text_keys([self._data.unit_names.get(r[R_UNIT], "") for r in rows])
        else:
            source, pos = _SOURCE[field]
            if source == "row":
                keys = self._text_keys([r[pos] or "" for r in rows])
            else:
                self._load_all_details()
                details = self._details
                values = [details.get(r[R_ID], _NO_DETAILS)[pos] for r in rows]
                if field == "gender":
                    keys = [(v or "", rank[i]) for i, v in enumerate(values)]
                else:  # dates, empty ones last
                    keys = [(v is None, v or date.min, rank[i]) for i, v in enumerate(values)]
        self._sort_keys[column] = keys
        return keys

    def _text_keys(self, values: list[str]) -> list[tuple[int, int]]:
        """Vietnamese alphabetical order of ``values``, ties by name."""
        distinct = sorted(set(values), key=cmp_to_key(compare_text))
        order = {value: n for n, value in enumerate(distinct)}
        rank = self._data.name_rank
        return [(order[v], rank[i]) for i, v in enumerate(values)]

    def _sorted_indices(self, column: int, order: Qt.SortOrder) -> list[int]:
        keys = self._key_list(column)
        return sorted(range(len(self._rows)), key=keys.__getitem__,
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        if (column, order) == (self._sort_column, self._sort_order) and self._order:
            return
        self.layoutAboutToBeChanged.emit()
        self._sort_column, self._sort_order = column, order
        self._order = self._sorted_indices(column, order)
        self._base = None
        self._visible = self._filtered()
        self._fetched = min(max(self._fetched, FETCH_BATCH), len(self._visible))
        self._load_details(0, self._fetched)
        self.layoutChanged.emit()

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    # Lazy population -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._fetched

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and self._fetched < len(self._visible)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if parent.isValid():
            return
        more = min(FETCH_BATCH, len(self._visible) - self._fetched)
        if more <= 0:
            return
        self._load_details(self._fetched, self._fetched + more)
        self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + more - 1)
        self._fetched += more
        self.endInsertRows()

    def fetch_to(self, row: int) -> None:
        """Hand the view every matching row up to ``row`` (to select a row far down)."""
        end = min(len(self._visible), row + 1)
        if end > self._fetched:
            self._load_details(self._fetched, end)
            self.beginInsertRows(QModelIndex(), self._fetched, end - 1)
            self._fetched = end
            self.endInsertRows()

    # Data -------------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1] if 0 <= section < len(COLUMNS) else None
        return section + 1

    def value(self, row_index: int, field: str) -> Any:
        """The raw value of ``field`` for the row at position ``row_index`` of ``_rows``."""
        row = self._rows[row_index]
        if field == "status":
            return _status_text(row[R_ACTIVE], row[R_DELETED])
        if field == "unit_name":
            return self._data.unit_names.get(row[R_UNIT], "")
        source, pos = _SOURCE[field]
        if source == "row":
            return row[pos]
        value = self._details.get(row[R_ID], _NO_DETAILS)[pos]
        if field == "gender":
            return GENDERS.get(value, value or "")
        return value

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        i = self._visible[index.row()]
        field = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            if role == Qt.ItemDataRole.ToolTipRole and field not in ("full_name", "unit_name", "position"):
                return None
            value = self.value(i, field)
            if isinstance(value, date):
                return format_date(value)
            return "" if value is None else str(value)
        if role == EXPORT_ROLE:
            return self.value(i, field)
        if role == ID_ROLE:
            return self._rows[i][R_ID]
        if role == Qt.ItemDataRole.ForegroundRole:
            row = self._rows[i]
            if row[R_DELETED]:
                return _RED if field == "status" else _GREY
            if not row[R_ACTIVE]:
                return _GREY
        return None

    def person_id(self, row: int) -> int:
        return self._rows[self._visible[row]][R_ID]

    def full_name(self, row: int) -> str:
        return self._rows[self._visible[row]][R_NAME]

    def row_of_person(self, person_id: int) -> int:
        """The row showing ``person_id`` (fetching it into the view if needed), or -1."""
        rows = self._rows
        for n, i in enumerate(self._visible):
            if rows[i][R_ID] == person_id:
                self.fetch_to(n)
                return n
        return -1

    def export_rows(self, columns: list[int] | None = None) -> tuple[list[str], list[list[Any]]]:
        """Headers and every matching row (not only the fetched ones), for "Xuất Excel"."""
        columns = list(range(len(COLUMNS))) if columns is None else columns
        if any(_SOURCE.get(COLUMN_KEYS[c], ("row", 0))[0] == "detail" for c in columns):
            self._load_all_details()
        fields = [COLUMN_KEYS[c] for c in columns]
        headers = [COLUMNS[c][1] for c in columns]
        return headers, [[self.value(i, f) for f in fields] for i in self._visible]
