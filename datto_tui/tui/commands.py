"""Command palette (``ctrl+p``) providers: jump to a site, a device or an alert.

Actions by name come from ``App.get_system_commands`` (see :mod:`datto_tui.tui.triage`); these
providers add the records of the live model. They are built for 100,000 devices:

- the search index (lowercase names) is built on the first keystroke, not when the palette opens,
  and matching is a plain substring test over it, in chunks that yield to the event loop;
- hits are capped (:data:`MAX_HITS`): exact names first, then prefixes, then other substrings;
- names come from the service: hits are plain :class:`rich.text.Text`, never markup (Textual's
  ``Matcher.highlight`` parses markup, so it is not used on them), and the help line, which the
  palette always parses as markup, is escaped (:func:`markup_safe`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, cast

from rich.text import Text
from textual.command import Hit, Hits, Provider

from datto_tui.api.models import Alert, Device, Site
from datto_tui.text import clean_line

if TYPE_CHECKING:
    from datto_tui.monitor.store import Store

#: Most hits one provider offers for a query.
MAX_HITS = 20
#: Candidates collected before ranking (a one-letter query on 100k names stops early).
MAX_CANDIDATES = 400
#: Names tested between two yields to the event loop.
CHUNK = 20_000


class JumpHost(Protocol):
    """What the providers need from the app."""

    @property
    def store(self) -> Store: ...

    def goto(self, kind: str, uid: str) -> None:
        """Show the main screen with ``kind`` (site/device/alert) ``uid`` under the cursor."""
        ...


def markup_safe(text: str) -> str:
    """``text`` for a place Textual parses as markup (the palette's help line): every ``[``
    escaped, so ``[/]``, ``[B]`` or ``[$accent]`` in a name show as typed."""
    return text.replace("[", "\\[")


def rank(name: str, needle: str, position: int) -> float:
    """A score in (0.9, 1]: exact 1, prefix 0.99, else lower the later the match starts."""
    if name == needle:
        return 1.0
    if position == 0:
        return 0.99
    return max(0.9, 0.98 - position / 10_000)


def highlighted(text: str, needle: str) -> Text:
    """``text`` (already neutralised) with the first occurrence of ``needle`` in reverse."""
    out = Text(text)
    start = text.lower().find(needle)
    if needle and start >= 0:
        out.stylize("reverse", start, start + len(needle))
    return out


class _IndexedProvider(Provider):
    """Substring search over (lowercase name, uid) pairs built lazily from the store."""

    kind = ""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._names: list[str] | None = None
        self._lower: list[str] = []
        self._uids: list[str] = []

    @property
    def host(self) -> JumpHost:
        return cast("JumpHost", self.app)

    def entries(self) -> Iterable[tuple[str, str]]:
        """(display name, uid) of every record; names neutralised."""
        raise NotImplementedError

    def describe(self, uid: str) -> str:
        """The help line of a hit."""
        return ""

    async def _index(self) -> list[str]:
        if self._names is None:
            names: list[str] = []
            uids: list[str] = []
            for i, (name, uid) in enumerate(self.entries()):
                names.append(name)
                uids.append(uid)
                if i and i % CHUNK == 0:
                    await asyncio.sleep(0)
            self._names, self._uids = names, uids
            self._lower = [name.lower() for name in names]
        return self._names

    async def search(self, query: str) -> Hits:
        needle = clean_line(query.strip(), 200).lower()
        if not needle:
            return
        names = await self._index()
        lower = self._lower
        found: list[tuple[float, int]] = []
        for start in range(0, len(lower), CHUNK):
            hits = [i for i in range(start, min(start + CHUNK, len(lower))) if needle in lower[i]]
            found.extend((rank(lower[i], needle, lower[i].find(needle)), i) for i in hits)
            if len(found) >= MAX_CANDIDATES:
                break
            await asyncio.sleep(0)
        found.sort(key=lambda item: (-item[0], lower[item[1]]))
        matcher = self.matcher(needle)
        for score, index in found[:MAX_HITS]:
            uid = self._uids[index]
            name = names[index]
            # On the palette's own (unbounded) fuzzy scale, so hits of every provider compare;
            # the substring rank breaks ties (exact before prefix before the rest).
            yield Hit(
                matcher.match(lower[index]) + score,
                highlighted(f"{self.kind}: {name}", needle),
                self._goto(uid),
                text=f"{self.kind}: {name}",
                help=markup_safe(self.describe(uid)),
            )

    def _goto(self, uid: str) -> Callable[[], None]:
        host, kind = self.host, self.kind.lower()

        def run() -> None:
            host.goto(kind, uid)

        return run


class SiteCommands(_IndexedProvider):
    """Jump to a site: the tables show that site."""

    kind = "Site"

    def entries(self) -> Iterator[tuple[str, str]]:
        for uid, site in self.host.store.sites.items():
            yield clean_line(site.name or uid, 80), uid

    def describe(self, uid: str) -> str:
        site: Site | None = self.host.store.sites.get(uid)
        if site is None:
            return ""
        counts = self.host.store.site_counts(uid)
        return f"{counts.devices} devices · {counts.offline} offline · {counts.open_alerts} alerts"


class DeviceCommands(_IndexedProvider):
    """Jump to a device by hostname."""

    kind = "Device"

    def entries(self) -> Iterator[tuple[str, str]]:
        for uid, device in self.host.store.devices.items():
            yield clean_line(device.hostname or uid, 80), uid

    def describe(self, uid: str) -> str:
        device: Device | None = self.host.store.devices.get(uid)
        if device is None:
            return ""
        state = "online" if device.online else "offline" if device.online is False else ""
        parts = [clean_line(device.site_name, 60), state, clean_line(device.int_ip_address, 40)]
        return " · ".join(p for p in parts if p)


class AlertCommands(_IndexedProvider):
    """Jump to an open alert by device, type or diagnostics."""

    kind = "Alert"

    def entries(self) -> Iterator[tuple[str, str]]:
        for uid, alert in self.host.store.alerts.items():
            yield alert_entry(alert), uid

    def describe(self, uid: str) -> str:
        alert: Alert | None = self.host.store.alerts.get(uid)
        if alert is None:
            return ""
        return clean_line(alert.diagnostics or alert.context.summary(), 100)


def alert_entry(alert: Alert) -> str:
    parts = [alert.priority or "Unknown", alert.context.label, alert.device_name or "?"]
    return clean_line(" · ".join(parts), 120)


PROVIDERS: tuple[type[Provider], ...] = (SiteCommands, DeviceCommands, AlertCommands)
