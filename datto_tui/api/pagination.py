"""Following the service's pages.

List endpoints answer ``{"pageDetails": {count, totalCount, prevPageUrl, nextPageUrl}, "<name>":
[...]}``. The client builds the first URL itself (``page=0``, ``max``, filters), then follows
``pageDetails.nextPageUrl`` until it is null. The real service makes that link absolute and drops
filter parameters from it, so:

- a relative link is resolved against the page it came from;
- any parameter of the first request (filters, ``max``; never ``page``) that the link lacks is
  added back;
- a link to another scheme, host or port than the configured API address is refused with
  :class:`UnsafeRedirect` before anything is sent (the bearer token never leaves the service);
- a link to a page already fetched in this walk stops it with :class:`UnsafeRedirect` (a loop);
- an empty page ends the walk, whatever its link says;
- a page that is not an object, or whose named array is missing or not a list, raises
  :class:`ProtocolError`.

So loading N items costs exactly ceil(N / max) page requests, and no page is fetched twice.

:class:`Paginated` is what the client's list methods return: ``async for item in paginated``
yields records, ``async for page in paginated.pages()`` yields :class:`Page` objects. Each
iteration starts a fresh walk from the first page.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from datto_tui.api.auth import origin
from datto_tui.api.coerce import as_int
from datto_tui.api.errors import ProtocolError, UnsafeRedirect
from datto_tui.api.offload import OFF_LOOP_ITEMS, gc_paused, off_loop
from datto_tui.text import clean_line

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its records, the list's ``totalCount`` and its index (from 0)."""

    items: list[T]
    total_count: int | None
    index: int


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Where a walk starts: the first URL, and the parameters every page must carry."""

    first_url: str
    keep: Mapping[str, str]


def build_url(base_url: str, path: str, params: Mapping[str, str]) -> str:
    """``base_url + path`` with ``params`` as the query string (encoded by httpx)."""
    return str(httpx.URL(f"{base_url}{path}", params=dict(params)))


def next_page_url(
    current: httpx.URL, link: str, base_origin: tuple[str, str, int | None], keep: Mapping[str, str]
) -> httpx.URL:
    """The URL of the next page: ``link`` resolved, checked and completed (module docstring)."""
    try:
        url = current.join(link.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise ProtocolError(
            f"The service's next-page link {clean_line(link, 200)!r} is not a valid URL ({exc})."
        ) from None
    if origin(url) != base_origin:
        scheme, host, port = base_origin
        raise UnsafeRedirect(
            f"The service's next-page link points at {url.scheme}://{url.host}:{origin(url)[2]}, "
            f"not at the configured API address {scheme}://{host}:{port}; refusing to follow it "
            "(the access token is never sent anywhere else)."
        )
    missing = {name: value for name, value in keep.items() if name not in url.params}
    return url.copy_merge_params(missing) if missing else url


def _url_key(url: httpx.URL) -> tuple[Any, ...]:
    return (*origin(url), url.path, tuple(sorted(url.params.multi_items())))


def unpack_page(body: Any, array_key: str, what: str) -> tuple[list[Any], Mapping[str, Any]]:
    """The named array and ``pageDetails`` of a page; :class:`ProtocolError` if malformed."""
    if not isinstance(body, dict):
        raise ProtocolError(
            f"A page of {what} is a JSON {type(body).__name__}, not an object with "
            f"{array_key!r}; the service's answer does not look like a Datto RMM list."
        )
    items = body.get(array_key)
    if not isinstance(items, list):
        problem = "has no" if array_key not in body else f"has a {type(items).__name__} as its"
        raise ProtocolError(
            f"A page of {what} {problem} {array_key!r} list; the service's answer does not look "
            "like a Datto RMM list."
        )
    details = body.get("pageDetails")
    return items, details if isinstance(details, dict) else {}


class Paginated(Generic[T]):
    """A list endpoint: iterate for records, or :meth:`pages` for pages (module docstring)."""

    def __init__(
        self,
        *,
        what: str,
        plan: Callable[[], Awaitable[PagePlan]],
        fetch: Callable[[str], Awaitable[Any]],
        array_key: str,
        parse: Callable[[Any], T],
        base_url: str,
    ) -> None:
        self._what = what
        self._plan = plan
        self._fetch = fetch
        self._array_key = array_key
        self._parse = parse
        self._origin = origin(httpx.URL(base_url))

    def __repr__(self) -> str:
        return f"Paginated({self._what!r})"

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def collect(self) -> list[T]:
        """Every record of every page, in order."""
        return [item async for item in self]

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Fetch and yield the pages one by one (the next is fetched when asked for)."""
        plan = await self._plan()
        url = httpx.URL(plan.first_url)
        seen = {_url_key(url)}
        parse = self._parse
        index = 0
        while True:
            body = await self._fetch(str(url))
            raw, details = unpack_page(body, self._array_key, self._what)
            if len(raw) >= OFF_LOOP_ITEMS:
                items = await off_loop(_parse_items, raw, parse)
            else:
                items = _parse_items(raw, parse)
            if len(items) != len(raw):
                log.warning(
                    "Skipped %d entries of %s that were not objects",
                    len(raw) - len(items),
                    self._what,
                )
            yield Page(items=items, total_count=as_int(details.get("totalCount")), index=index)
            link = details.get("nextPageUrl")
            if link is None or link == "" or not raw:
                return
            if not isinstance(link, str):
                raise ProtocolError(
                    f"A page of {self._what} has a nextPageUrl that is a "
                    f"{type(link).__name__}, not a URL."
                )
            url = next_page_url(url, link, self._origin, plan.keep)
            key = _url_key(url)
            if key in seen:
                query = clean_line(url.query.decode("ascii", "replace"), 200)
                raise UnsafeRedirect(
                    f"The service's next-page link for {self._what} repeats a page already "
                    f"fetched ({url.path}?{query}); stopping to avoid a loop."
                )
            seen.add(key)
            index += 1


def _parse_items(raw: list[Any], parse: Callable[[Any], T]) -> list[T]:
    """The records of a page's entries that are objects (see :mod:`datto_tui.api.offload`)."""
    with gc_paused():
        return [parse(item) for item in raw if isinstance(item, dict)]
