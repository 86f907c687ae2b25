"""Device queries: the list filters and device filters (``filterId``) of the service.

A query is computed once per world version and kept in a small LRU cache, so paging through a
filtered list of 100,000 devices costs one scan, then a slice per page. Matching is a
case-insensitive substring test (the service uses SQL ``LIKE``). When a ``filterId`` is given it
alone decides the result, as the service documents.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from datto_tui.fakeapi.generate import NETWORK_KIND
from datto_tui.fakeapi.model import PROFILES, DeviceRec, FilterRec
from datto_tui.fakeapi.traits import quick_av_status, quick_reboot_required

if TYPE_CHECKING:
    from datto_tui.fakeapi.world import World

DAY_MS = 86_400_000


def device_type_name(dev: DeviceRec) -> str:
    """``deviceType.type``: the category, or the kind of network device."""
    profile = PROFILES[dev.profile]
    if profile.key == "network":
        return NETWORK_KIND[dev.seed % len(NETWORK_KIND)][1]
    return profile.category


def filter_predicate(world: World, flt: FilterRec) -> Callable[[DeviceRec], bool]:
    """The device predicate a filter stands for."""
    rule, arg = flt.rule, flt.arg
    if rule == "online":
        want = arg == "1"
        return lambda d: d.online is want
    if rule == "category":
        return lambda d: PROFILES[d.profile].category == arg
    if rule == "class":
        return lambda d: PROFILES[d.profile].device_class == arg
    if rule == "profile":
        return lambda d: PROFILES[d.profile].key == arg
    if rule == "os":
        needle = arg.lower()
        return lambda d: d.os is not None and needle in d.os.lower()
    if rule == "reboot":
        return quick_reboot_required
    if rule == "av":
        return lambda d: quick_av_status(d) == arg
    if rule == "hostname":
        needle = arg.lower()
        return lambda d: needle in d.hostname.lower()
    if rule == "stale":
        limit = world.now_ms - int(arg) * DAY_MS
        return lambda d: not d.online and d.last_seen_ms < limit
    return lambda d: True


class DeviceQueries:
    """Filtered device index lists, cached per (query, world version)."""

    def __init__(self, world: World, cache_size: int = 32) -> None:
        self._world = world
        self._cache: OrderedDict[tuple[object, ...], list[int]] = OrderedDict()
        self._cache_size = cache_size
        self.computed = 0
        """How many queries were computed (not served from the cache); tests assert on it."""

    def _cached(self, key: tuple[object, ...], compute: Callable[[], list[int]]) -> list[int]:
        full = (*key, self._world.version)
        hit = self._cache.get(full)
        if hit is not None:
            self._cache.move_to_end(full)
            return hit
        result = compute()
        self.computed += 1
        self._cache[full] = result
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return result

    def account_devices(
        self,
        *,
        filter_rec: FilterRec | None,
        hostname: str | None,
        device_type: str | None,
        operating_system: str | None,
        site_name: str | None,
    ) -> Sequence[DeviceRec]:
        """Devices of the account, in id order, for the ``/account/devices`` parameters."""
        world = self._world
        if filter_rec is not None:
            key: tuple[object, ...] = ("filter", filter_rec.id, None)
            return _view(world, self._cached(key, lambda: self._by_filter(filter_rec, None)))
        if not (hostname or device_type or operating_system or site_name):
            return world.device_list
        host = (hostname or "").lower()
        dtype = (device_type or "").lower()
        osys = (operating_system or "").lower()
        sname = (site_name or "").lower()

        def compute() -> list[int]:
            sites = world.site_list
            site_ok = [sname in s.name.lower() for s in sites]
            out: list[int] = []
            for d in world.device_list:
                if host and host not in d.hostname.lower():
                    continue
                if sname and not site_ok[d.site]:
                    continue
                if osys and (d.os is None or osys not in d.os.lower()):
                    continue
                if dtype:
                    cat = PROFILES[d.profile].category.lower()
                    if dtype not in cat and dtype not in device_type_name(d).lower():
                        continue
                out.append(d.ix)
            return out

        return _view(world, self._cached(("search", host, dtype, osys, sname), compute))

    def site_devices(self, site_index: int, filter_rec: FilterRec | None) -> Sequence[DeviceRec]:
        """Devices of one site, in id order, optionally narrowed by a filter."""
        world = self._world
        site = world.site_list[site_index]
        if filter_rec is None:
            return _view(world, site.device_ixs)
        key = ("filter", filter_rec.id, site_index)
        return _view(world, self._cached(key, lambda: self._by_filter(filter_rec, site_index)))

    def _by_filter(self, flt: FilterRec, site_index: int | None) -> list[int]:
        world = self._world
        predicate = filter_predicate(world, flt)
        if site_index is None:
            source: Sequence[DeviceRec] = world.device_list
        else:
            source = [world.device_list[i] for i in world.site_list[site_index].device_ixs]
        return [d.ix for d in source if predicate(d)]


class _IndexView(Sequence[DeviceRec]):
    """A read-only sequence of devices given by their indices (slices stay cheap)."""

    __slots__ = ("_devices", "_ixs")

    def __init__(self, devices: list[DeviceRec], ixs: list[int]) -> None:
        self._devices = devices
        self._ixs = ixs

    def __len__(self) -> int:
        return len(self._ixs)

    def __getitem__(self, index: int | slice) -> DeviceRec | list[DeviceRec]:  # type: ignore[override]
        if isinstance(index, slice):
            return [self._devices[i] for i in self._ixs[index]]
        return self._devices[self._ixs[index]]


def _view(world: World, ixs: list[int]) -> Sequence[DeviceRec]:
    return _IndexView(world.device_list, ixs)
