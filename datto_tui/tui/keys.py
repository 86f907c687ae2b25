"""Key bindings of the triage features: ids, defaults, read-only rules, keymap checks.

Every binding carries an id (``alerts.resolve``, ``table.filter``, ...). A profile remaps any of
them with ``[profiles.<name>.keys]`` (``"alerts.resolve" = "ctrl+r"``), applied through
``App.set_keymap``; :func:`unknown_binding_ids` tells which ids of a keymap match no binding, so
a typo is reported instead of silently ignored.

Defaults follow three rules (tests check them):

- no tmux/screen prefix (``ctrl+a``, ``ctrl+b``) and no pane-navigation chord (``ctrl+h/j/k/l``);
- no mutating action runs from a key alone: ``x`` and ``J`` open a modal that is the
  confirmation (its default button is Cancel);
- mutating actions (:data:`MUTATING_ACTIONS`) are removed in read-only and wall modes: from the
  keys, the footer, ``?`` and the command palette (``check_action`` returns False), and the
  actions refuse to run when called directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType

# ---- ids -----------------------------------------------------------------------------------

RESOLVE = "alerts.resolve"
QUICK_JOB = "devices.quick_job"
OPEN_PORTAL = "item.open_portal"
COPY = "item.copy"
JOB_RUNS = "jobs.show_last"

FILTER = "table.filter"
OFFLINE_ONLY = "devices.offline_only"
WITH_ALERTS = "devices.with_alerts"
PRIORITY = "alerts.priority"
JUMP = "table.jump"
JUMP_BACK = "table.jump_back"

#: Actions (method names without ``action_``) that change something at Datto.
MUTATING_ACTIONS: frozenset[str] = frozenset({"resolve_alerts", "quick_job"})

#: What read-only mode says when a mutating action is asked for anyway.
READ_ONLY_MESSAGE = "Read-only mode: this would change something at Datto, so it is turned off."

#: Chords that belong to terminal multiplexers and pane navigation: never a default here.
RESERVED_KEYS: frozenset[str] = frozenset(
    {"ctrl+a", "ctrl+b", "ctrl+h", "ctrl+j", "ctrl+k", "ctrl+l"}
)

#: App-wide triage keys: they act on the current selection of whatever screen is shown.
APP_BINDINGS: list[BindingType] = [
    Binding("x", "resolve_alerts", "Resolve", id=RESOLVE, tooltip="Resolve the selected alerts"),
    Binding("J", "quick_job", "Quick job", id=QUICK_JOB, tooltip="Run a component"),
    Binding("o", "open_portal", "Open in portal", show=False, id=OPEN_PORTAL),
    Binding("c", "copy_menu", "Copy…", show=False, id=COPY),
]

#: Keys of the main screen (the device and alert tables).
SCREEN_BINDINGS: list[BindingType] = [
    Binding("slash", "filter", "Filter", id=FILTER, key_display="/"),
    Binding("O", "toggle_offline", "Offline only", show=False, id=OFFLINE_ONLY),
    Binding("A", "toggle_with_alerts", "With alerts only", show=False, id=WITH_ALERTS),
    Binding("P", "cycle_priority", "Priority threshold", show=False, id=PRIORITY),
    Binding("g", "jump", "Go to device / alert", show=False, id=JUMP),
    Binding("ctrl+o,backspace", "jump_back", "Jump back", show=False, id=JUMP_BACK),
]


def binding_ids(bindings: Iterable[BindingType]) -> set[str]:
    """The ids of ``bindings`` (Binding objects only; tuples carry none)."""
    return {b.id for b in bindings if isinstance(b, Binding) and b.id}


def known_binding_ids(*owners: type) -> set[str]:
    """Every binding id declared by ``owners`` (classes) and their bases."""
    ids: set[str] = set()
    for owner in owners:
        for cls in owner.__mro__:
            ids |= binding_ids(cls.__dict__.get("BINDINGS", ()))
    return ids


def unknown_binding_ids(keymap: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """The ids of ``keymap`` that name no known binding (sorted)."""
    known_set = set(known)
    return sorted(k for k in keymap if k not in known_set)


def default_keys(bindings: Iterable[BindingType]) -> list[str]:
    """Every key of ``bindings`` (comma lists split), as declared."""
    keys: list[str] = []
    for b in bindings:
        if isinstance(b, Binding):
            keys.extend(k.strip() for k in b.key.split(","))
    return keys
