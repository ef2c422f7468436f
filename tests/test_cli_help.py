"""The command line speaks Vietnamese: argparse's own words (usage, options, help, errors)
come from resources/translations/argparse_vi.json, and no English placeholder stands as a
value name in any command's help."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from cli import ARGPARSE_VI, build_parser

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ("usage:", "options:", "positional arguments", "show this help message", "show program's version")
# Upper-case words that may stand in help: abbreviations, not value names.
ABBREVIATIONS = {"CSDL", "JSON", "PDF", "PNG", "URL", "UBND", "TBXH", "CSTDCS", "YYYY"}


def _all_helps(parser: argparse.ArgumentParser, path: list[str]):
    yield path, parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_helps(sub, [*path, name])


def _parser() -> argparse.ArgumentParser:
    from ui.commands import register

    return build_parser(extra=[register])


def test_every_help_is_in_vietnamese():
    helps = list(_all_helps(_parser(), []))
    assert len(helps) > 20
    for path, text in helps:
        where = " ".join(path) or "(main)"
        assert text.startswith("Cách dùng: "), where
        for phrase in ENGLISH:
            assert phrase not in text, (where, phrase)
        names = set(re.findall(r"\b[A-Z][A-Z_]{2,}\b", text)) - ABBREVIATIONS
        assert not names, (where, names)


def test_errors_are_in_vietnamese():
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "draft", "--year"], capture_output=True,
                         text=True, encoding="utf-8", cwd=ROOT)
    assert run.returncode == 2
    assert "lỗi: tham số --year: cần một giá trị" in run.stderr
    assert "error" not in run.stderr and "usage" not in run.stderr
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "khong-co-lenh"], capture_output=True,
                         text=True, encoding="utf-8", cwd=ROOT)
    assert run.returncode == 2 and "lựa chọn không hợp lệ: 'khong-co-lenh'" in run.stderr


def test_the_translation_covers_what_argparse_shows():
    """Each key is a text argparse of this Python really asks for (a key that no longer
    matches after a Python upgrade would silently fall back to English)."""
    import inspect
    import json

    source = inspect.getsource(argparse)
    table = json.loads(ARGPARSE_VI.read_text(encoding="utf-8"))
    for key in table:
        if key.startswith("_"):
            continue
        assert repr(key)[1:-1] in source or key in source, key
