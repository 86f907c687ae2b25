"""Seeded generation of the initial world: account, sites, devices, users, components, filters.

One ``random.Random(seed)`` drives everything here, in a fixed order, so a seed names a world.
Devices are generated in id order with one ``choices`` call each for their sites and profiles,
and carry only a handful of stored fields (see :mod:`datto_tui.fakeapi.model`); 100,000 of them
take about a second.
"""

from __future__ import annotations

import random
from bisect import bisect_right

from datto_tui.fakeapi import names
from datto_tui.fakeapi.config import FakeConfig
from datto_tui.fakeapi.hostile import hostile_text
from datto_tui.fakeapi.model import (
    PROFILES,
    AccountRec,
    ComponentRec,
    DeviceRec,
    FilterRec,
    SiteRec,
    UserRec,
    VariableRec,
)

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
NETWORK_KIND = names.NETWORK_MODELS


_VERSION_MASK = ~((0xF << 76) | (0x3 << 62))
_VERSION_BITS = (0x4 << 76) | (0x2 << 62)


def guid(rng: random.Random) -> str:
    """A random (version 4 shaped) GUID string drawn from ``rng``."""
    h = f"{(rng.getrandbits(128) & _VERSION_MASK) | _VERSION_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _public_ip(rng: random.Random) -> str:
    first = rng.choice((24, 50, 64, 66, 68, 71, 72, 73, 96, 97, 98, 104, 173, 174, 184, 208, 209))
    return f"{first}.{rng.randrange(1, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 255)}"


def make_account(config: FakeConfig, rng: random.Random) -> AccountRec:
    code = f"{config.platform[:3]}{rng.getrandbits(20):05x}0001"
    return AccountRec(
        id=rng.randrange(1000, 9999),
        uid=code,
        name=config.account_name,
        currency="USD",
        billing_email="billing@northwind-it.example",
        device_limit=max(100, (config.devices // 500 + 2) * 500),
        time_zone="America/New_York",
    )


def make_sites(
    config: FakeConfig, rng: random.Random, account: AccountRec, t0_ms: int
) -> list[SiteRec]:
    """``config.sites`` sites: the two system sites first (given 3 or more), then clients."""
    sites: list[SiteRec] = []
    next_id = 300_000 + rng.randrange(0, 50_000)

    def new_id() -> int:
        nonlocal next_id
        next_id += rng.randrange(1, 40)
        return next_id

    if config.sites >= 3:
        sites.append(
            SiteRec(
                index=0,
                id=new_id(),
                uid=guid(rng),
                name="Managed",
                description="This is the default site for your Managed devices.",
                notes=None,
                on_demand=False,
                splashtop_auto_install=True,
                proxy=None,
                autotask_name=None,
                autotask_id=None,
                prefix="MGD",
                domain=None,
                ext_ip=_public_ip(rng),
                created_ms=t0_ms - 6 * 365 * DAY_MS,
                system="managed",
            )
        )
        sites.append(
            SiteRec(
                index=1,
                id=new_id(),
                uid=f"{account.uid}-00000000",
                name="Deleted Devices",
                description="Container for devices marked for deletion",
                notes=None,
                on_demand=False,
                splashtop_auto_install=True,
                proxy=None,
                autotask_name=None,
                autotask_id=None,
                prefix="DEL",
                domain=None,
                ext_ip=_public_ip(rng),
                created_ms=t0_ms - 6 * 365 * DAY_MS,
                system="deleted",
            )
        )
    stems = list(names.COMPANY_STEMS)
    rng.shuffle(stems)
    used_prefixes: set[str] = {"MGD", "DEL"}
    company = 0
    autotask_id = 100
    while len(sites) < config.sites:
        stem = stems[company % len(stems)]
        industry = names.INDUSTRIES[
            (company * 7 + rng.randrange(len(names.INDUSTRIES))) % len(names.INDUSTRIES)
        ]
        generation = company // len(stems)
        base = f"{stem} {industry}" + (f" {generation + 1}" if generation else "")
        prefix = names.company_prefix(stem)
        candidate, n = prefix, 1
        while candidate in used_prefixes:
            n += 1
            candidate = f"{prefix}{n}"
        prefix = candidate
        used_prefixes.add(prefix)
        company += 1
        autotask_id += rng.randrange(1, 5)
        linked = rng.random() < 0.7
        domain = prefix if rng.random() < 0.7 else None
        n_sites = 1 if rng.random() < 0.7 else rng.choice((2, 2, 3))
        locations = rng.sample(names.SITE_LOCATIONS, n_sites)
        for loc_index in range(n_sites):
            if len(sites) >= config.sites:
                break
            index = len(sites)
            name = base if n_sites == 1 else f"{base} - {locations[loc_index]}"
            if config.hostile and index % 6 == 2:
                name = hostile_text(name, index // 6)
            description = rng.choice(("", "", "", f"{base} devices", None))
            notes = None
            if rng.random() < 0.1:
                notes = rng.choice(
                    (
                        "Alarm code with office manager.",
                        "After-hours contact: on-call phone.",
                        "VIP client",
                    )
                )
            proxy = None
            if rng.random() < 0.05:
                proxy = {
                    "host": f"proxy.{prefix.lower()}.local",
                    "port": rng.choice((3128, 8080)),
                    "type": rng.choice(("http", "socks5")),
                    "username": rng.choice((None, "rmmproxy")),
                    "password": None,
                }
            sites.append(
                SiteRec(
                    index=index,
                    id=new_id(),
                    uid=guid(rng),
                    name=name,
                    description=description,
                    notes=notes,
                    on_demand=rng.random() < 0.05,
                    splashtop_auto_install=rng.random() < 0.4,
                    proxy=proxy,
                    autotask_name=f"{stem} {industry}" if linked else None,
                    autotask_id=str(autotask_id) if linked else None,
                    prefix=prefix,
                    domain=domain,
                    ext_ip=_public_ip(rng),
                    created_ms=t0_ms - rng.randrange(30, 6 * 365) * DAY_MS,
                )
            )
    for site in sites:
        site.variables = _site_variables(rng, site)
    return sites


def _site_variables(rng: random.Random, site: SiteRec) -> list[VariableRec]:
    if site.system is not None:
        return []
    variables = [VariableRec(1, "SiteCode", site.prefix, False)]
    if rng.random() < 0.6:
        variables.append(VariableRec(2, "BackupTarget", f"\\\\{site.prefix}-NAS01\\backup", False))
    if rng.random() < 0.3:
        variables.append(VariableRec(3, "WifiPassword", "********", True))
    return variables


class HostnameBook:
    """Hands out hostnames by the usual MSP naming convention, unique per company prefix."""

    def __init__(self) -> None:
        self._counters: dict[tuple[str, str], int] = {}

    def next(self, prefix: str, role: str) -> int:
        key = (prefix, role)
        n = self._counters.get(key, 0) + 1
        self._counters[key] = n
        return n

    def hostname(self, site: SiteRec, profile_key: str, seed: int) -> str:
        p = site.prefix
        if profile_key == "desktop":
            return f"{p}-WS-{self.next(p, 'WS'):04d}"
        if profile_key == "laptop":
            return f"{p}-LT-{self.next(p, 'LT'):04d}"
        if profile_key == "server":
            n = self.next(p, "SRV")
            role = names.SERVER_ROLES[(n - 1) % len(names.SERVER_ROLES)]
            return f"{p}-SRV-{role}{self.next(p, 'SRV-' + role):02d}"
        if profile_key == "mac":
            if seed % 2:
                first = names.FIRST_NAMES[seed % len(names.FIRST_NAMES)]
                n = self.next(p, "MBP-" + first)
                return f"{first}s-MacBook-Pro" + (f"-{n}" if n > 1 else "")
            return f"{p}-MAC-{self.next(p, 'MAC'):03d}"
        if profile_key == "linux":
            n = self.next(p, "LNX")
            role = names.LINUX_ROLES[(n - 1) % len(names.LINUX_ROLES)]
            return f"{p.lower()}-{role}{self.next(p, 'LNX-' + role):02d}"
        if profile_key == "esxi":
            return f"{p.lower()}-esx{self.next(p, 'ESX'):02d}"
        if profile_key == "printer":
            return f"{p}-PRN-{self.next(p, 'PRN'):02d}"
        if profile_key == "network":
            code = NETWORK_KIND[seed % len(NETWORK_KIND)][0]
            return f"{p}-{code}{self.next(p, code):02d}"
        n = self.next(p, "DEV")
        if seed % 3 == 0:
            return f"10.{1 + site.index % 250}.{n // 250}.{n % 250 + 2}"
        return f"{p}-DEV-{n:02d}"


def _os_tables() -> list[tuple[list[float], list[tuple[str | None, str | None]]] | None]:
    """Per profile: cumulative OS weights (normalised to 1) and the (name, version) rows."""
    by_key: dict[str, tuple[tuple[str | None, str | None, int], ...]] = {
        "desktop": names.WINDOWS_DESKTOP_OS,
        "laptop": names.WINDOWS_DESKTOP_OS,
        "server": names.WINDOWS_SERVER_OS,
        "mac": names.MAC_OS,
        "linux": names.LINUX_OS,
        "esxi": names.ESXI_OS,
        "network": names.NETWORK_OS,
    }
    tables: list[tuple[list[float], list[tuple[str | None, str | None]]] | None] = []
    for profile in PROFILES:
        table = by_key.get(profile.key)
        if table is None:
            tables.append(None)
            continue
        total = float(sum(row[2] for row in table))
        running, cumulative = 0.0, []
        for row in table:
            running += row[2] / total
            cumulative.append(running)
        tables.append((cumulative, [(row[0], row[1]) for row in table]))
    return tables


def make_devices(
    config: FakeConfig, rng: random.Random, sites: list[SiteRec], t0_ms: int
) -> list[DeviceRec]:
    """``config.devices`` devices in id order, spread over the sites by heavy-tailed weights.

    The per-device loop only assembles values drawn in bulk beforehand: it is the hot path of
    generating 100,000 devices.
    """
    n = config.devices
    if n == 0:
        return []
    weights = [0.0 if s.system else rng.lognormvariate(0.0, 1.0) * 20.0 for s in sites]
    clients = sum(weights) or 1.0
    for i, site in enumerate(sites):
        # A few freshly enrolled devices wait in "Managed"; about 0.5 % await deletion.
        if site.system == "managed":
            weights[i] = clients * 0.003
        elif site.system == "deleted":
            weights[i] = clients * 0.005
    if not any(weights):
        weights = [1.0] * len(sites)
    site_of = rng.choices(range(len(sites)), weights=weights, k=n)
    profile_of = rng.choices(range(len(PROFILES)), weights=[p.weight for p in PROFILES], k=n)
    rand = rng.random
    draws = [rand() for _ in range(3 * n)]  # id gap, OS, creation age
    seeds = [rng.getrandbits(48) for _ in range(n)]
    odds = {"server": 0.96, "network": 0.96, "esxi": 0.96, "linux": 0.96, "printer": 0.9}
    online_odds = [odds.get(p.key, 0.72) for p in PROFILES]
    profile_keys = [p.key for p in PROFILES]
    os_tables = _os_tables()
    book = HostnameBook()
    devices: list[DeviceRec] = []
    append = devices.append
    next_id = 1_000_000 + rng.randrange(0, 500_000)
    hostile = config.hostile
    offline_mean = 3 * DAY_MS
    span = 4 * 365 * DAY_MS
    for ix in range(n):
        site = sites[site_of[ix]]
        profile_index = profile_of[ix]
        key = profile_keys[profile_index]
        next_id += 1 + int(draws[3 * ix] * 4)
        seed = seeds[ix]
        hostname = book.hostname(site, key, seed)
        if hostile and seed % 53 == 0:
            hostname = hostile_text(hostname, seed // 53)
        table = os_tables[profile_index]
        if table is None:
            os_name = display = None
        else:
            cumulative, rows = table
            os_name, display = rows[min(bisect_right(cumulative, draws[3 * ix + 1]), len(rows) - 1)]
        created = t0_ms - int(draws[3 * ix + 2] * span) - HOUR_MS
        deleted = site.system == "deleted"
        online = not deleted and rand() < online_odds[profile_index]
        if online:
            last_seen = t0_ms - (seed % 60) * 1000
            site.online_count += 1
        else:
            # Offline for minutes to months, heavy tailed: most came by recently.
            age = int(min(rng.expovariate(1.0 / offline_mean), 400 * DAY_MS)) + 60_000
            last_seen = max(created + 60_000, t0_ms - age)
        append(
            DeviceRec(
                ix,
                next_id,
                guid(rng),
                site.index,
                hostname,
                profile_index,
                os_name,
                display,
                seed,
                online,
                last_seen,
                created,
                deleted,
            )
        )
        site.device_ixs.append(ix)
    return devices


def make_users(rng: random.Random, config: FakeConfig, t0_ms: int) -> list[UserRec]:
    """Technicians of the MSP; the first one owns the API key."""
    users = [
        UserRec(
            id=rng.randrange(10_000, 20_000),
            username=config.api_username,
            first_name="API",
            last_name="Integration",
            email="api@northwind-it.example",
            telephone=None,
            status="Active",
            created_ms=t0_ms - 400 * DAY_MS,
            last_access_ms=t0_ms,
            disabled=False,
        )
    ]
    for i in range(11):
        first, last = names.person(rng)
        users.append(
            UserRec(
                id=users[-1].id + rng.randrange(1, 50),
                username=names.username(first, last) + (str(i) if i > 8 else ""),
                first_name=first,
                last_name=last,
                email=f"{first.lower()}.{last.lower()}@northwind-it.example",
                telephone=rng.choice((None, f"+1 555 01{rng.randrange(10, 99)}")),
                status="Active" if i < 9 else "Inactive",
                created_ms=t0_ms - rng.randrange(10, 2000) * DAY_MS,
                last_access_ms=t0_ms - rng.randrange(0, 30) * DAY_MS if i < 10 else None,
                disabled=i >= 9,
            )
        )
    if config.hostile:
        users[3].first_name = hostile_text(users[3].first_name, 1)
        users[4].username = hostile_text(users[4].username, 2)
    return users


def make_components(rng: random.Random) -> list[ComponentRec]:
    components: list[ComponentRec] = []
    cid = rng.randrange(100_000, 200_000)
    for name, description, category, creds, variables in names.COMPONENTS:
        cid += rng.randrange(1, 30)
        components.append(
            ComponentRec(
                id=cid,
                uid=guid(rng),
                name=name,
                description=description,
                category_code=category,
                credentials_required=creds,
                variables=[
                    {
                        "name": var_name,
                        "defaultVal": default,
                        "type": var_type,
                        "direction": False,
                        "description": f"{var_name} for {name}",
                        "variablesIdx": idx,
                    }
                    for idx, (var_name, var_type, default) in enumerate(variables)
                ],
            )
        )
    return components


# (name, description, rule, argument)
_DEFAULT_FILTERS = (
    ("All Devices", "Every device in the account", "all", ""),
    ("Online Devices", "Devices currently online", "online", "1"),
    ("Offline Devices", "Devices currently offline", "online", "0"),
    ("All Windows Desktops", "Windows desktops", "category", "Desktop"),
    ("All Windows Laptops", "Windows and Mac laptops", "category", "Laptop"),
    ("All Windows Servers", "Windows servers", "os", "Windows Server"),
    ("All Macs", "macOS devices", "os", "macOS"),
    ("All Linux Devices", "Linux devices", "profile", "linux"),
    ("All ESXi Hosts", "ESXi hosts", "class", "esxihost"),
    ("All Printers", "Printers", "class", "printer"),
    ("All Network Devices", "Network devices", "class", "rmmnetworkdevice"),
    ("Reboot Required", "Devices waiting for a reboot", "reboot", ""),
    ("Offline for 30+ days", "Devices not seen for 30 days", "stale", "30"),
)
_CUSTOM_FILTERS = (
    ("Windows 10 (end of support)", "Devices still on Windows 10", "os", "Windows 10"),
    ("Servers - all clients", "Every server", "category", "Server"),
    ("No antivirus detected", "AV missing", "av", "NotDetected"),
    ("Domain controllers", "DCs by hostname", "hostname", "-SRV-DC"),
)


def make_filters(rng: random.Random, t0_ms: int) -> list[FilterRec]:
    filters: list[FilterRec] = []
    fid = rng.randrange(1_000, 2_000)
    for name, description, rule, arg in _DEFAULT_FILTERS:
        fid += 1
        filters.append(
            FilterRec(
                fid,
                name,
                description,
                "rmm_default",
                rule,
                arg,
                t0_ms - 900 * DAY_MS,
                t0_ms - 300 * DAY_MS,
            )
        )
    fid = rng.randrange(50_000, 60_000)
    for name, description, rule, arg in _CUSTOM_FILTERS:
        fid += rng.randrange(1, 20)
        created = t0_ms - rng.randrange(5, 500) * DAY_MS
        filters.append(
            FilterRec(fid, name, description, "custom", rule, arg, created, created + DAY_MS)
        )
    return filters


def make_account_variables() -> list[VariableRec]:
    return [
        VariableRec(1, "MSPName", "Northwind IT Services", False),
        VariableRec(2, "SupportPhone", "+1 555 0100", False),
        VariableRec(3, "DomainJoinPassword", "********", True),
        VariableRec(4, "HuntressAccountKey", "********", True),
    ]
