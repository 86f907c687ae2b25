"""The layer rule: the API client imports neither Textual nor Rich (nor the fake service)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import datto_tui.api

API_DIR = Path(datto_tui.api.__file__).parent
FORBIDDEN = ("textual", "rich", "datto_tui.tui", "datto_tui.fakeapi", "datto_tui.monitor")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_api_module_imports_a_ui_or_the_fake() -> None:
    modules = sorted(API_DIR.glob("*.py"))
    assert len(modules) >= 10
    for path in modules:
        for name in imported_modules(path):
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_importing_the_client_loads_no_textual_nor_rich() -> None:
    # httpx imports click, pygments and Rich for its own command line when click is installed;
    # the client imports httpx without it (api/_lean_httpx.py), and click stays importable.
    check = (
        "import sys, datto_tui.api, datto_tui.api.client;"
        "ui = ('textual', 'rich', 'click', 'pygments', 'datto_tui.tui');"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ui or m.startswith(ui)));"
        "import importlib.util, httpx;"
        "importlib.util.find_spec('click') is None or __import__('click');"
        "print(httpx.Client.__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines() == ["", "Client"]
