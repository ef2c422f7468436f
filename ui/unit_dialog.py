"""The unit form (Thêm / Sửa đơn vị), and the small helpers the unit and people screens
share: running one change in one transaction with Vietnamese errors, asking to confirm."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.db import Database
from models.vocabulary import UNIT_KINDS
from services.records.units import (
    RecordError,
    StaleRecordError,
    UnitInput,
    ValidationError,
    create_unit,
    descendants,
    get_unit,
    list_units,
    parent_map,
    update_unit,
)
from services.system.access import PermissionDenied

T = TypeVar("T")

ERROR_STYLE = "color: #b03a2e;"


# Shared helpers ---------------------------------------------------------------------------


def ask(parent: QWidget | None, title: str, text: str, yes: str = "Đồng ý") -> bool:
    """A Yes/No question in Vietnamese; True when the user agrees."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(ok)
    box.exec()
    return box.clickedButton() is ok


def tell(parent: QWidget | None, title: str, text: str, warning: bool = True) -> None:
    """An information or warning box with a Vietnamese "Đóng" button."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, parent=parent)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def run_change(parent: QWidget | None, database: Database, change: Callable[[Session], T],
               failure: str = "Không lưu được thay đổi") -> T | None:
    """Run ``change(session)`` in one transaction; on a refusal show why (in Vietnamese)
    and return None, with nothing changed."""
    try:
        with database.session() as session, session.begin():
            return change(session)
    except (RecordError, PermissionDenied) as exc:
        tell(parent, failure, str(exc))
        return None


def tree_choices(database: Database, *, exclude_below: int | None = None,
                 include_inactive: bool = True) -> list[tuple[int, str, int, bool]]:
    """(id, name, depth, active) of the units in tree order, without ``exclude_below`` and its sub-units."""
    with database.session() as session:
        rows = list_units(session)
        excluded = descendants(parent_map(session), exclude_below) if exclude_below is not None else set()
    depth: dict[int, int] = {}
    out = []
    for r in rows:
        depth[r.id] = depth[r.parent_id] + 1 if r.parent_id in depth else 0
        if r.id not in excluded and (r.active or include_inactive):
            out.append((r.id, r.name, depth[r.id], r.active))
    return out


def fill_unit_combo(combo: QComboBox, choices: list[tuple[int, str, int, bool]], first: str | None) -> None:
    """Units indented by depth; ``first`` is an extra first entry with no unit (None data)."""
    combo.clear()
    if first is not None:
        combo.addItem(first, None)
    for unit_id, name, depth, active in choices:
        combo.addItem(("    " * depth) + name + ("" if active else " (ngừng hoạt động)"), unit_id)


def problems_html(problems: list[str]) -> str:
    items = "".join(f"<li>{p}</li>" for p in problems)
    return f"<b>Chưa lưu được, hãy sửa:</b><ul style='margin: 2px 0 0 -20px'>{items}</ul>"


# The unit form --------------------------------------------------------------------------


class UnitDialog(QDialog):
    """Add a unit (optionally under ``parent_id``) or edit ``unit_id``. ``saved_id`` is set on save."""

    def __init__(self, database: Database, unit_id: int | None = None, parent_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.unit_id = unit_id
        self.saved_id: int | None = None
        self.version: int | None = None
        self.setWindowTitle("Sửa đơn vị" if unit_id else "Thêm đơn vị")
        self.setMinimumWidth(520)

        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("unit_code")
        self.code_edit.setPlaceholderText("Ví dụ: VP, PLDVL, TTDVVL")
        self.code_edit.setMaxLength(50)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("unit_name")
        self.name_edit.setPlaceholderText("Ví dụ: Phòng Lao động - Việc làm")
        self.name_edit.setMaxLength(300)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("unit_kind")
        for code, label in UNIT_KINDS.items():
            self.kind_combo.addItem(label, code)
        self.parent_combo = QComboBox()
        self.parent_combo.setObjectName("unit_parent")
        fill_unit_combo(self.parent_combo, tree_choices(database, exclude_below=unit_id), "(Cấp cao nhất, trực thuộc Sở)")
        self.active_check = QCheckBox("Đang hoạt động")
        self.active_check.setObjectName("unit_active")
        self.active_check.setChecked(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("unit_errors")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.addRow("Mã đơn vị (*):", self.code_edit)
        form.addRow("Tên đơn vị (*):", self.name_edit)
        form.addRow("Loại đơn vị:", self.kind_combo)
        form.addRow("Đơn vị cấp trên:", self.parent_combo)
        form.addRow("", self.active_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        note = QLabel("(*) bắt buộc nhập")
        note.setStyleSheet("color: #5b6777;")
        layout.addWidget(note)
        layout.addWidget(buttons)

        if unit_id is not None:
            self._load(unit_id)
        elif parent_id is not None:
            self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(parent_id)))

    def _load(self, unit_id: int) -> None:
        with self.database.session() as session:
            unit = get_unit(session, unit_id)
            self.version = unit.version
            self.code_edit.setText(unit.code)
            self.name_edit.setText(unit.name)
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(unit.kind)))
            self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(unit.parent_id)))
            self.active_check.setChecked(unit.active)

    def unit_input(self) -> UnitInput:
        return UnitInput(code=self.code_edit.text(), name=self.name_edit.text(), kind=self.kind_combo.currentData(),
                         parent_id=self.parent_combo.currentData(), active=self.active_check.isChecked())

    def show_problems(self, problems: list[str]) -> None:
        self.error_label.setText(problems_html(problems))
        self.error_label.setVisible(bool(problems))

    def save(self) -> None:
        data = self.unit_input()
        try:
            with self.database.session() as session, session.begin():
                if self.unit_id is None:
                    self.saved_id = create_unit(session, data).id
                else:
                    self.saved_id = update_unit(session, self.unit_id, data, self.version).id
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        except StaleRecordError as exc:
            tell(self, "Dữ liệu đã thay đổi", str(exc))
            return
        except (RecordError, PermissionDenied) as exc:
            tell(self, "Không lưu được đơn vị", str(exc))
            return
        self.accept()


__all__ = ["UnitDialog", "ask", "fill_unit_combo", "problems_html", "run_change", "tell", "tree_choices"]

