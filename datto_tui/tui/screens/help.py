"""``?``: every key of the current view, generated from the active bindings.

The list is taken from the screen beneath at the moment ``?`` is pressed (focused widget, its
containers, the screen, the app), so it always matches what the keys do right now, including
keys remapped from the profile (``keys = {"app.refresh" = "f5"}``) and keys hidden by
``check_action`` (read-only and wall modes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True)
class KeyHelp:
    """One line of help: the keys, what they do, and the binding id used to remap them."""

    keys: str
    description: str
    binding_id: str
    enabled: bool


def _describe(binding: Binding) -> str:
    return binding.description or binding.tooltip or binding.action.replace("_", " ")


# Keys that exist on every scrollable widget but do nothing useful in ours.
HIDDEN_ACTIONS = frozenset({"scroll_left", "scroll_right", "page_left", "page_right"})

# Section titles of the widgets that define keys, by widget id.
SECTION_TITLES: dict[str, str] = {
    "devices": "Device table",
    "alerts": "Alert pane",
    "sites": "Site tree",
    "detail-body": "Scrolling",
    "help-body": "Scrolling",
}


def collect_keys(
    active: Mapping[str, ActiveBinding], key_display: Mapping[str, str]
) -> list[tuple[str, list[KeyHelp]]]:
    """Group active bindings by the node that defines them; join keys of the same binding.

    ``key_display`` maps a key to its display form. Returns ``(section title, lines)`` pairs,
    the focused widget's section first and the app's last. The binding id is empty for
    Textual's own bindings (they cannot be remapped by id).
    """
    sections: dict[str, dict[tuple[str, str], KeyHelp]] = {}
    for key, (node, binding, enabled, _tooltip) in active.items():
        if (binding.system and not binding.description) or binding.action in HIDDEN_ACTIONS:
            continue
        title = _section_title(node)
        ident = binding.id or ""
        group = sections.setdefault(title, {})
        shown = key_display.get(key, key)
        slot = (ident or binding.action, binding.action)
        existing = group.get(slot)
        if existing is None:
            group[slot] = KeyHelp(shown, _describe(binding), ident, enabled)
        elif shown not in existing.keys.split(" / "):
            group[slot] = KeyHelp(
                f"{existing.keys} / {shown}", existing.description, ident, existing.enabled
            )
    return [(title, list(lines.values())) for title, lines in sections.items()]


def _section_title(node: object) -> str:
    from textual.app import App
    from textual.screen import Screen

    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return "This screen"
    node_id = getattr(node, "id", None)
    if node_id in SECTION_TITLES:
        return SECTION_TITLES[node_id]
    return type(node).__name__


def render_keys(sections: list[tuple[str, list[KeyHelp]]]) -> Text:
    out = Text(end="")
    key_width = max((len(k.keys) for _, lines in sections for k in lines), default=4) + 2
    desc_width = max((len(k.description) for _, lines in sections for k in lines), default=8) + 2
    for index, (title, lines) in enumerate(sections):
        if index:
            out.append("\n\n")
        out.append(title, "bold underline")
        for line in lines:
            out.append("\n")
            out.append(line.keys.ljust(key_width), "bold" if line.enabled else "dim")
            out.append(line.description.ljust(desc_width), "" if line.enabled else "dim")
            out.append(line.binding_id, "dim")
    return out


def split_columns(
    sections: list[tuple[str, list[KeyHelp]]],
) -> list[list[tuple[str, list[KeyHelp]]]]:
    """Two columns of whole sections, the first holding about half of the lines (wide
    terminals show them side by side; narrower ones stack them, see ``screens.tcss``)."""
    total = sum(len(lines) + 2 for _, lines in sections)
    left: list[tuple[str, list[KeyHelp]]] = []
    used = 0
    for index, section in enumerate(sections):
        size = len(section[1]) + 2
        if left and used + size > total / 2:
            return [left, sections[index:]]
        left.append(section)
        used += size
    return [left]


class HelpScreen(ModalScreen[None]):
    """A modal list of keys. Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close")
    ]

    def __init__(self, sections: list[tuple[str, list[KeyHelp]]]) -> None:
        super().__init__(id="help-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            title = "Keys  (binding ids can be remapped in the profile)"
            yield Static(Text(title), id="help-title")
            with VerticalScroll(id="help-body"), Horizontal(id="help-columns"):
                for index, part in enumerate(split_columns(self.sections)):
                    yield Static(
                        render_keys(part),
                        id="help-keys" if index == 0 else f"help-keys-{index}",
                        classes="help-keys",
                    )
            yield Static(Text("esc / q / ? to close"), id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
