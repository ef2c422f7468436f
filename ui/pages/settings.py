"""Cài đặt: the agency's details and default place for dates, the signers and their
signing titles, and the rule set editor. Administrators only (the services check)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from services.system import settings as svc
from services.system.text import long_date
from ui import unit_dialog as dialogs
from ui.context import AppContext
from ui.rule_set_editor import RuleSetEditor

SIGNER_HEADERS = ["Họ và tên", "Chức vụ (dưới chữ ký)", "Thẩm quyền ký (KT., TL.)", "Mặc định", "Đang dùng"]


class SettingsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        context.database_changed.connect(lambda _db: self.reload())
        # Agency.
        agency_tab = QWidget()
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label in (("name", "Tên cơ quan:"), ("short_name", "Tên viết tắt:"),
                           ("parent_authority", "Cơ quan chủ quản:"), ("doc_suffix", "Ký hiệu văn bản:"),
                           ("place", "Địa danh ghi ngày tháng:"), ("address", "Địa chỉ:")):
            edit = QLineEdit()
            edit.setObjectName(f"agency_{key}")
            self.fields[key] = edit
            form.addRow(label, edit)
        self.fields["doc_suffix"].setPlaceholderText("vd. SLĐTBXH (trong số 215/QĐ-SLĐTBXH)")
        self.place_example = QLabel("")
        self.place_example.setObjectName("pageDescription")
        self.fields["place"].textChanged.connect(self._show_example)
        form.addRow("", self.place_example)
        save_agency = QPushButton("Lưu thông tin cơ quan")
        save_agency.setObjectName("save_agency")
        save_agency.clicked.connect(self.save_agency)
        a_layout = QVBoxLayout(agency_tab)
        a_layout.addLayout(form)
        a_layout.addWidget(QLabel("<b>Người ký</b>"))
        self.signers = QTableWidget(0, len(SIGNER_HEADERS))
        self.signers.setObjectName("signers")
        self.signers.setHorizontalHeaderLabels(SIGNER_HEADERS)
        self.signers.verticalHeader().hide()
        self.signers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for c, w in enumerate([220, 200, 200, 80]):
            self.signers.setColumnWidth(c, w)
        self.signers.horizontalHeader().setStretchLastSection(True)
        a_layout.addWidget(self.signers, 1)
        bar = QHBoxLayout()
        add, remove = QPushButton("Thêm người ký"), QPushButton("Xóa người ký")
        add.clicked.connect(lambda: self._add_signer(svc.SignerInput("", "", "")))
        remove.clicked.connect(lambda: self.signers.removeRow(self.signers.currentRow())
                               if self.signers.currentRow() >= 0 else None)
        save_signers = QPushButton("Lưu danh sách người ký")
        save_signers.setObjectName("save_signers")
        save_signers.clicked.connect(self.save_signers)
        for b in (add, remove):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(save_signers)
        a_layout.addLayout(bar)
        a_top = QHBoxLayout()
        a_top.addStretch(1)
        a_top.addWidget(save_agency)
        a_layout.insertLayout(1, a_top)

        self.rule_editor = RuleSetEditor(context.database)
        self.tabs = QTabWidget()
        self.tabs.addTab(agency_tab, "Cơ quan và người ký")
        self.tabs.addTab(self.rule_editor, "Bộ quy định, tiêu chuẩn")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._loaded = False

    @property
    def database(self) -> Database:
        return self.context.database

    def page_shown(self) -> None:
        if not self._loaded:
            self.reload()

    def _show_example(self) -> None:
        from datetime import date

        place = self.fields["place"].text().strip() or "…"
        self.place_example.setText(f"Ví dụ: {long_date(place, date.today())}")

    def reload(self) -> None:
        self._loaded = True
        self.rule_editor.database = self.database
        with self.database.session() as s:
            agency = svc.get_agency(s)
            signers = svc.list_signers(s)
        for key, edit in self.fields.items():
            edit.setText(getattr(agency, key, "") if agency else "")
        self.signers.setRowCount(0)
        for sg in signers:
            self._add_signer(svc.SignerInput(sg.full_name, sg.position, sg.capacity, sg.is_default, sg.active, sg.id))
        self.rule_editor.reload()

    def _add_signer(self, sg: svc.SignerInput) -> None:
        r = self.signers.rowCount()
        self.signers.insertRow(r)
        for c, v in enumerate([sg.full_name, sg.position, sg.capacity]):
            item = QTableWidgetItem(v)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, sg.id)
            self.signers.setItem(r, c, item)
        for c, checked in ((3, sg.is_default), (4, sg.active)):
            item = QTableWidgetItem("")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.signers.setItem(r, c, item)

    def save_agency(self) -> bool:
        data = svc.AgencyInput(**{k: e.text() for k, e in self.fields.items()})
        if dialogs.run_change(self, self.database, lambda s: svc.save_agency(s, data).id,
                              "Chưa lưu được thông tin cơ quan") is None:
            return False
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage("Đã lưu thông tin cơ quan.", 5000)
        return True

    def signer_inputs(self) -> list[svc.SignerInput]:
        out = []
        for r in range(self.signers.rowCount()):
            def text(c: int, r: int = r) -> str:
                item = self.signers.item(r, c)
                return item.text() if item else ""
            out.append(svc.SignerInput(text(0), text(1), text(2),
                                       self.signers.item(r, 3).checkState() == Qt.CheckState.Checked,
                                       self.signers.item(r, 4).checkState() == Qt.CheckState.Checked,
                                       self.signers.item(r, 0).data(Qt.ItemDataRole.UserRole)))
        return out

    def save_signers(self) -> bool:
        data = self.signer_inputs()
        if dialogs.run_change(self, self.database, lambda s: len(svc.save_signers(s, data)),
                              "Chưa lưu được danh sách người ký") is None:
            return False
        self.reload()
        return True


__all__ = ["SettingsPage"]
