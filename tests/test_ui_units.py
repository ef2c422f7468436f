"""The Đơn vị page driven through its real widgets: the tree with people counts, adding a
unit through the form (with validation), a drop that re-parents (and one refused as a
cycle), ordering, deactivating, deleting (refused while in use) and restoring."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QSettings

from models import Person, Unit
from models.db import Database
from services.records import units
from services.records.units import UnitInput
from ui import unit_dialog
from ui.context import AppContext
from ui.pages.units import ID_ROLE, DeletedUnitsDialog, UnitsPage
from ui.unit_dialog import UnitDialog


@pytest.fixture(autouse=True)
def app(qapp, tmp_path):
    from ui.app import ensure_application

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    return ensure_application()


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    with db.session() as s, s.begin():
        vp = units.create_unit(s, UnitInput("VP", "Văn phòng Sở"))
        ld = units.create_unit(s, UnitInput("LD", "Phòng Lao động - Việc làm"))
        tt = units.create_unit(s, UnitInput("TT", "Trung tâm Dịch vụ việc làm", "don_vi", parent_id=ld.id))
        s.add_all([Person(code=f"P{i}", full_name=f"Nguyễn Văn {i}", gender="nam", unit_id=tt.id) for i in range(3)])
        return {"VP": vp.id, "LD": ld.id, "TT": tt.id}


@pytest.fixture
def told(monkeypatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr(unit_dialog, "tell", lambda _p, _t, text, warning=True: messages.append(text))
    monkeypatch.setattr(unit_dialog, "ask", lambda *a, **k: True)
    return messages


def make_page(qtbot, db: Database) -> UnitsPage:
    page = UnitsPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    page.page_shown()
    return page


def tree(page: UnitsPage, parent: QModelIndex = QModelIndex(), depth: int = 0) -> list[tuple[int, str, str]]:
    """(depth, name, people count) of every row, in tree order."""
    out = []
    model = page.model
    for r in range(model.rowCount(parent)):
        index = model.index(r, 0, parent)
        out.append((depth, index.data(), model.index(r, 3, parent).data()))
        out += tree(page, index, depth + 1)
    return out


def test_tree_with_counts_and_details(qtbot, db, ids) -> None:
    page = make_page(qtbot, db)
    assert tree(page) == [(0, "Văn phòng Sở", "0"), (0, "Phòng Lao động - Việc làm", "3"),
                          (1, "Trung tâm Dịch vụ việc làm", "3")]
    page.select_unit(ids["LD"])
    assert page.detail_labels["people_total"].text() == "3"
    assert page.detail_labels["people"].text() == "0"
    assert page.detail_labels["children"].text() == "1"
    assert "3 đơn vị" in page.status.text()


def test_add_unit_through_form_with_validation(qtbot, db, ids, monkeypatch) -> None:
    page = make_page(qtbot, db)
    page.select_unit(ids["LD"])
    errors: list[str] = []

    def fake_exec(dialog: UnitDialog) -> int:
        # Under the selected unit, as "Thêm đơn vị cấp dưới" asks.
        assert dialog.parent_combo.currentData() == ids["LD"]
        dialog.code_edit.setText("VP")  # taken
        dialog.save_button.click()
        errors.append(dialog.error_label.text())
        dialog.code_edit.setText("TO1")
        qtbot.keyClicks(dialog.name_edit, "To Viec lam")
        dialog.name_edit.setText("Tổ Việc làm")
        dialog.save_button.click()
        return dialog.result()

    monkeypatch.setattr(UnitDialog, "exec", fake_exec)
    new_id = page.add_unit(as_child=True)
    assert "Mã “VP” đã dùng cho đơn vị “Văn phòng Sở”" in errors[0]
    assert "Chưa nhập tên đơn vị." in errors[0]
    assert new_id is not None and page.current_unit_id() == new_id
    assert (1, "Tổ Việc làm", "0") in tree(page)
    with db.session() as s:
        assert s.get(Unit, new_id).parent_id == ids["LD"]


def test_drop_reparents_and_refuses_cycles(qtbot, db, ids, told) -> None:
    page = make_page(qtbot, db)
    assert page.move_unit(ids["VP"], ids["LD"], 0)  # what a drop onto LĐ, first place, does
    assert tree(page)[:2] == [(0, "Phòng Lao động - Việc làm", "3"), (1, "Văn phòng Sở", "0")]
    assert not page.move_unit(ids["LD"], ids["TT"], None)
    assert told and "không thể nằm dưới chính nó" in told[-1]
    with db.session() as s:
        assert s.get(Unit, ids["LD"]).parent_id is None
    # Order among siblings with the buttons.
    page.select_unit(ids["VP"])
    page.down_button.click()
    assert [name for d, name, _ in tree(page) if d == 1] == ["Trung tâm Dịch vụ việc làm", "Văn phòng Sở"]


def test_deactivate_delete_refused_then_restore(qtbot, db, ids, told) -> None:
    page = make_page(qtbot, db)
    page.select_unit(ids["TT"])
    page.active_button.click()
    assert page.model.index(0, 4, page.model.index(1, 0)).data() == "Ngừng hoạt động"
    assert page.active_button.text() == "Hoạt động trở lại"
    page.delete_button.click()
    assert "Không thể xóa “Trung tâm Dịch vụ việc làm” vì còn 3 cán bộ" in told[-1]
    page.select_unit(ids["VP"])
    page.delete_button.click()
    assert [name for _, name, _ in tree(page)] == ["Phòng Lao động - Việc làm", "Trung tâm Dịch vụ việc làm"]
    dialog = DeletedUnitsDialog(db, page)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).data(ID_ROLE) == ids["VP"]
    dialog.restore_button.click()
    assert dialog.table.rowCount() == 0 and dialog.restored == [ids["VP"]]
    page.reload()
    assert "Văn phòng Sở" in [name for _, name, _ in tree(page)]
