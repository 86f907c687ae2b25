"""A small seeded account where every hostile payload sits in a name, a diagnostic and a UDF.

The fake's own ``hostile`` option spreads payloads thinly over a large account; for tests and
pictures the payloads are planted where the screen shows them: device ``i`` is named
``host{i} <payload i>``, site ``i`` ``Site {i} <payload i>``, and an open alert of device ``i``
has payload ``i`` as its diagnostics. Device 0 also carries payloads in two UDFs. The "combo"
device (and its alert) carries every short payload at once, for the detail screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from datto_tui.fakeapi.hostile import HUGE, PAYLOADS
from tests.reliability.support import Rig, make_rig

#: Every payload the fake knows, plus the 10,000-character value.
ALL_PAYLOADS: tuple[str, ...] = (*PAYLOADS, HUGE)


#: Every short payload in one string.
COMBO = " | ".join(PAYLOADS)


@dataclass(frozen=True)
class Planted:
    device_uids: tuple[str, ...]
    site_uids: tuple[str, ...]
    alert_uids: tuple[str, ...]
    combo_device: str
    combo_alert: str

    @property
    def huge_device(self) -> str:
        return self.device_uids[-1]

    @property
    def huge_alert(self) -> str:
        return self.alert_uids[-1]


def hostile_rig(*, devices: int = 60, sites: int = 8) -> tuple[Rig, Planted]:
    """A frozen, seeded dashboard whose data carries every payload (see the module docstring)."""
    rig = make_rig(sites=sites, devices=devices, alerts=6, frozen=True, hostile=True)
    world = rig.service.world
    device_uids: list[str] = []
    alert_uids: list[str] = []
    online = [d for d in world.device_list if d.online and not d.deleted]
    for i, payload in enumerate(ALL_PAYLOADS):
        device = online[i]
        world.set_hostname(device.uid, f"host{i} {payload}")
        device_uids.append(device.uid)
        alert = world.open_alert(
            device.uid,
            context_class="comp_script_ctx",
            priority="High",
            diagnostics=f"diag{i} {payload}",
        )
        alert_uids.append(alert.uid)
    site_uids: list[str] = []
    for i, site in enumerate(world.site_list[: len(ALL_PAYLOADS)]):
        if site.system is None:  # the system sites keep their names
            world.rename_site(site.uid, f"Site {i} {ALL_PAYLOADS[i]}")
            site_uids.append(site.uid)
    world.set_udfs(device_uids[0], {"udf7": ALL_PAYLOADS[2], "udf8": ALL_PAYLOADS[3]})
    combo = online[len(ALL_PAYLOADS)]
    world.set_hostname(combo.uid, f"combo {COMBO}")
    world.set_udfs(combo.uid, {"udf9": COMBO})
    combo_alert = world.open_alert(
        combo.uid, context_class="comp_script_ctx", priority="Critical", diagnostics=COMBO
    )
    return rig, Planted(
        tuple(device_uids), tuple(site_uids), tuple(alert_uids), combo.uid, combo_alert.uid
    )
