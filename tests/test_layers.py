"""The layers: ui/ and cli/ are front ends over services/; services/ and models/ never
import them. The README's developer table names a real module for every page and command."""
from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = ("ui", "cli")


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (absolute names), with the line: import statements
    anywhere in the file (functions included) and importlib.import_module("...") calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def _front_end_imports(folder: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, module in _imported_modules(path):
            if module.split(".")[0] in FRONT_ENDS:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("folder", ["services", "models"])
def test_services_and_models_never_import_the_front_ends(folder: str) -> None:
    assert (ROOT / folder).is_dir()
    assert _front_end_imports(folder) == []


def test_the_import_walk_sees_every_kind_of_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk itself: a module importing ui/ or cli/ in each way is caught."""
    fake = tmp_path / "services" / "sub"
    fake.mkdir(parents=True)
    (fake / "mod.py").write_text(
        "import ui.app\nfrom cli import build_parser\nfrom .. import x\n"
        "def f():\n    from ui.pages import PAGES\n    import importlib\n    importlib.import_module('cli.drafting')\n",
        encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    bad = _front_end_imports("services")
    assert [b.split(" imports ")[1] for b in bad] == ["ui.app", "cli", "cli.build_parser", "ui.pages", "ui.pages.PAGES",
                                                     "cli.drafting"]


def _developer_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Cho người phát triển")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_every_module_the_readme_names_exists() -> None:
    section = _developer_section()
    named = set(re.findall(r"`([A-Za-z0-9_./-]+\.py)`", section))
    assert len(named) > 40
    missing = sorted(p for p in named if not (ROOT / p).is_file())
    assert missing == []


def test_the_readme_maps_every_page_and_every_command() -> None:
    section = _developer_section()
    rows = [line for line in section.splitlines() if line.startswith("| trang ") or line.startswith("| lệnh ")]
    from ui.pages import PAGES

    for page in PAGES:
        assert any(r.startswith(f"| trang {page.label} |") for r in rows), page.label
        module = f"`ui/pages/{page.key}.py`"
        assert any(module in r for r in rows), module

    import cli
    from ui.commands import register

    parser = cli.build_parser(extra=[register])
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    command_rows = [r.split("|")[1] for r in rows if r.startswith("| lệnh ")]
    for name in commands:
        assert any(f"`{name}`" in r for r in command_rows), name
