"""``c``: choose what to copy of the selected device, alert or site.

Each choice shows the value it would copy (several marked rows: one value per line). A letter
picks directly (``h`` hostname, ``u`` UID, ``i``/``e`` internal/external IP, ``l`` portal link,
``n`` name); Enter picks the highlighted one; Esc cancels. The screen dismisses with the chosen
:class:`CopyChoice`. Values are neutralised (one safe line each) before they are offered, so
nothing pasted from the clipboard can carry a control character. UDF values are never offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from datto_tui.api.models import Alert, Device, Site
from datto_tui.text import clean_line
from datto_tui.tui.clipboard import portal_link


@dataclass(frozen=True)
class CopyChoice:
    """One thing that can be copied: its letter, label, and the text."""

    letter: str
    label: str
    value: str


def _join(values: Sequence[str | None]) -> str:
    return "\n".join(clean_line(v, 2000) for v in values if v)


def copy_choices(items: Sequence[Device | Alert | Site], portal: str | None) -> list[CopyChoice]:
    """What can be copied of ``items`` (all of one kind); empty values are left out."""
    if not items:
        return []
    first = items[0]
    fields: list[tuple[str, str, list[str | None]]]
    if isinstance(first, Device):
        devices = [i for i in items if isinstance(i, Device)]
        fields = [
            ("h", "hostname", [d.hostname for d in devices]),
            ("u", "device UID", [d.uid for d in devices]),
            ("i", "internal IP", [d.int_ip_address for d in devices]),
            ("e", "external IP", [d.ext_ip_address for d in devices]),
            ("l", "portal link", [portal_link(d, portal) for d in devices]),
        ]
    elif isinstance(first, Alert):
        alerts = [i for i in items if isinstance(i, Alert)]
        fields = [
            ("u", "alert UID", [a.alert_uid for a in alerts]),
            ("h", "device hostname", [a.device_name for a in alerts]),
            ("l", "portal link", [portal_link(a, portal) for a in alerts]),
        ]
    else:
        sites = [i for i in items if isinstance(i, Site)]
        fields = [
            ("n", "site name", [s.name for s in sites]),
            ("u", "site UID", [s.uid for s in sites]),
            ("l", "portal link", [portal_link(s, portal) for s in sites]),
        ]
    choices = []
    for letter, label, values in fields:
        text = _join(values)
        if text:
            plural = f" ({len([v for v in values if v])})" if len(items) > 1 else ""
            choices.append(CopyChoice(letter, label + plural, text))
    return choices


class CopyScreen(ModalScreen[CopyChoice | None]):
    """Pick what to copy (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="copy.cancel"),
    ]

    def __init__(self, title: str, choices: Sequence[CopyChoice]) -> None:
        super().__init__(id="copy-screen")
        self._title = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-dialog"):
            yield Static(Text(f"Copy · {self._title}"), id="copy-title")
            options = []
            for index, choice in enumerate(self.choices):
                prompt = Text(f"{choice.letter}  ", "bold")
                prompt.append(f"{choice.label:<20}")
                prompt.append(clean_line(choice.value.replace("\n", ", "), 50), "dim")
                options.append(Option(prompt, id=str(index)))
            yield OptionList(*options, id="copy-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        for choice in self.choices:
            if event.character == choice.letter:
                event.stop()
                self.dismiss(choice)
                return

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.choices[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
