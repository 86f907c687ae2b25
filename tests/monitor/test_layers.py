"""The headless layers never import textual or rich (checked in a fresh interpreter).

``import httpx`` alone pulls in rich when rich is installed (httpx's optional command-line
client, loaded inside ``try: ... except ImportError``), so merely looking at ``sys.modules``
would blame our code for httpx's choice and could not tell the two apart. Instead the probe makes
``textual`` and ``rich`` unimportable before importing anything: httpx falls back quietly, and
any import of them from our headless code fails the probe.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEADLESS = ("datto_tui.monitor", "datto_tui.api", "datto_tui.fakeapi", "datto_tui.config")

# Blocks textual and rich, imports every module of each headless package (skipping a package
# that does not exist at all, and __main__ modules, which would start a program), then reports
# what it imported, what failed, and whether any UI module got loaded regardless.
PROBE = """
import importlib, importlib.util, json, pkgutil, sys

for blocked in ("textual", "rich"):
    sys.modules[blocked] = None  # "import textual" now raises ImportError

imported, absent, failed = [], [], {}

def load(name):
    try:
        importlib.import_module(name)
    except ImportError as error:
        failed[name] = repr(error)
        return False
    imported.append(name)
    return True

for name in sys.argv[1:]:
    if importlib.util.find_spec(name) is None:
        absent.append(name)
        continue
    if not load(name):
        continue
    package = sys.modules[name]
    for info in pkgutil.walk_packages(getattr(package, "__path__", []), name + "."):
        if not info.name.endswith(".__main__"):
            load(info.name)
leaked = sorted(
    m for m, mod in sys.modules.items()
    if mod is not None and m.split(".")[0] in ("textual", "rich")
)
print(json.dumps({"imported": imported, "absent": absent, "failed": failed, "leaked": leaked}))
"""


def probe(*packages: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *packages],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_headless_packages_import_without_textual_or_rich() -> None:
    report = probe(*HEADLESS)
    assert report["failed"] == {}, "these need textual or rich (or fail to import at all)"
    assert report["leaked"] == []
    imported = report["imported"]
    assert isinstance(imported, list)
    for module in ("datto_tui.monitor.store", "datto_tui.monitor.poller", "datto_tui.api.client"):
        assert module in imported
    # Only a package that does not exist yet may be skipped; monitor and api always exist.
    absent = report["absent"]
    assert isinstance(absent, list)
    assert not {"datto_tui.monitor", "datto_tui.api"} & set(absent)


def test_the_probe_catches_a_ui_import() -> None:
    # The UI package must fail under the same probe: proof that the check can fail.
    report = probe("datto_tui.tui.messages")
    failed = report["failed"]
    assert isinstance(failed, dict)
    assert "datto_tui.tui.messages" in failed
