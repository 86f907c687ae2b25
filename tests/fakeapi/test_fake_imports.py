"""The layer rule: the fake never imports the client, Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import datto_tui.fakeapi
import datto_tui.fakeapi.serve
import datto_tui.fakeapi.app
bad = sorted(m for m in sys.modules if m.startswith(("datto_tui.api", "textual", "rich")))
print(",".join(bad))
"""


def test_fakeapi_imports_neither_client_nor_ui() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
