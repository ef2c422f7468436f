"""The ``screenshot`` command: one PNG per page plus the whole window."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from cli import add_database_options
from models.db import Database
from tests.test_ui_overview import fill
from ui.commands import register
from ui.pages import PAGES


def run(argv: list[str]) -> int:
    """The command line as main.py builds it, limited to the options and command under test
    (so that other features' commands do not take part)."""
    parser = argparse.ArgumentParser(prog="main.py")
    add_database_options(parser)
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture(autouse=True)
def app(qapp):
    from ui.app import ensure_application

    return ensure_application()


def test_screenshot_writes_one_png_per_page(db: Database, tmp_path: Path, capsys) -> None:
    fill(db)
    out = tmp_path / "ảnh chụp"
    status = run(["--db", str(db.path), "screenshot", "--out", str(out), "--size", "1280x720"])
    assert status == 0
    printed = capsys.readouterr().out
    expected = [out / f"{spec.key}.png" for spec in PAGES] + [out / "window.png"]
    assert sorted(out.iterdir()) == sorted(expected)
    for path in expected:
        assert str(path) in printed
        assert path.stat().st_size > 5000
        image = QImage(str(path))
        assert not image.isNull()
    window = QImage(str(out / "window.png"))
    assert (window.width(), window.height()) == (1280, 720)
    # The page is not a blank image.
    page = QImage(str(out / f"{PAGES[0].key}.png"))
    colours = {page.pixel(x, y) for x in range(0, page.width(), 7) for y in range(0, page.height(), 7)}
    assert len(colours) > 10


def test_screenshot_rejects_bad_size(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        run(["screenshot", "--out", str(tmp_path), "--size", "lớn"])
    assert "không hợp lệ" in capsys.readouterr().err


def test_screenshot_reports_unopenable_database(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "hỏng.db"
    bad.write_bytes(b"not a database" * 100)
    status = run(["--db", str(bad), "screenshot", "--out", str(tmp_path / "out")])
    assert status == 1
    assert "Không mở được cơ sở dữ liệu" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
