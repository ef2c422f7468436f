"""Qt's own texts in Vietnamese: standard buttons and the text fields' context menus."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox, QPlainTextEdit

from ui.app import TRANSLATION_QM


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def _texts(menu) -> list[str]:
    return [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]


def test_standard_buttons_speak_vietnamese(qtbot) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(box)
    texts = {b.text() for b in box.buttons()}
    assert texts == {"Đồng ý", "Hủy", "Lưu", "Đóng"}
    message = QMessageBox(QMessageBox.Icon.Question, "Khôi phục", "Khôi phục bản sao lưu này?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(message)
    assert {b.text().replace("&", "") for b in message.buttons()} == {"Có", "Không"}


def test_text_field_context_menus_speak_vietnamese(qtbot) -> None:
    line = QLineEdit("Hà Tĩnh")
    qtbot.addWidget(line)
    texts = _texts(line.createStandardContextMenu())
    assert [t.replace("&", "") for t in texts] == ["Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa",
                                                  "Chọn tất cả"]
    plain = QPlainTextEdit("Hà Tĩnh")
    qtbot.addWidget(plain)
    texts = [t.replace("&", "") for t in _texts(plain.createStandardContextMenu())]
    assert {"Hoàn tác", "Sao chép", "Dán", "Chọn tất cả"} <= set(texts)
    assert not {"Undo", "Copy", "Paste", "Select All"} & set(texts)


def test_compiled_translation_matches_its_source(tmp_path: Path) -> None:
    # The committed .qm must be the lrelease of the committed .ts (no drift between them).
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease not installed beside this Python")
    fresh = tmp_path / "fresh.qm"
    subprocess.run([str(lrelease), str(TRANSLATION_QM.with_suffix(".ts")), "-qm", str(fresh)],
                   check=True, capture_output=True)
    assert fresh.read_bytes() == TRANSLATION_QM.read_bytes()
