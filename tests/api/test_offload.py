"""Big answers are decoded and parsed on the worker thread; small ones inline; the collector
pause holds across threads."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from datto_tui.api import ProtocolError, offload, responses
from datto_tui.api.models import Device
from datto_tui.api.offload import OFF_LOOP_BYTES, OFF_LOOP_ITEMS, gc_paused, off_loop
from datto_tui.api.responses import decode_json_off_loop

from .conftest import ClientFactory
from .miniservice import MiniService


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector enabled during the test, as it was after."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


async def test_off_loop_runs_on_the_worker_thread_and_raises_there() -> None:
    def where() -> int:
        return threading.get_ident()

    def fail() -> None:
        raise ValueError("bad page")

    worker = await off_loop(where)
    assert worker != threading.get_ident()
    assert await off_loop(where) == worker  # one thread for the process
    with pytest.raises(ValueError, match="bad page"):
        await off_loop(fail)


def test_the_collector_runs_again_when_the_last_pause_ends(collector_on: None) -> None:
    entered, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def other() -> None:
        with gc_paused():
            entered.set()
            release.wait()
        seen.append(gc.isenabled())

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait()
    assert not gc.isenabled()
    with gc_paused():
        release.set()
        thread.join()
        assert seen == [False]  # the other thread left first: still paused for this one
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on: None) -> None:
    gc.disable()
    try:
        with gc_paused(), gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_big_bodies_are_decoded_off_the_loop_and_keep_their_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[int] = []
    decode = responses.decode_json

    def spy(response: httpx.Response, what: str) -> Any:
        threads.append(threading.get_ident())
        return decode(response, what)

    monkeypatch.setattr(responses, "decode_json", spy)
    request = httpx.Request("GET", "https://x.example/api/v2/account/devices")
    big = b'{"devices": [' + b",".join([b'{"uid": "u"}'] * (OFF_LOOP_BYTES // 10)) + b"]}"
    assert len(big) >= OFF_LOOP_BYTES
    body = await decode_json_off_loop(httpx.Response(200, content=big, request=request), "GET x")
    assert len(body["devices"]) == OFF_LOOP_BYTES // 10
    small = httpx.Response(200, content=b'{"devices": []}', request=request)
    assert await decode_json_off_loop(small, "GET x") == {"devices": []}
    assert threads[0] != threading.get_ident() and threads[1] == threading.get_ident()
    cut = httpx.Response(200, content=big[:-100], request=request)
    with pytest.raises(ProtocolError, match="not valid JSON"):
        await decode_json_off_loop(cut, "GET x")


async def test_big_pages_are_parsed_on_the_worker_small_ones_inline(
    clock: Any, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = MiniService(clock, devices=250 + OFF_LOOP_ITEMS - 1)
    client = make_client(transport=svc.transport)
    threads: list[int] = []
    parse = Device.from_api

    def spy(data: Any) -> Device:
        threads.append(threading.get_ident())
        return parse(data)

    monkeypatch.setattr(Device, "from_api", spy)
    devices = [d async for d in client.devices()]
    assert len(devices) == 250 + OFF_LOOP_ITEMS - 1
    assert [d.hostname for d in devices] == [r["hostname"] for r in svc.devices]
    main = threading.get_ident()
    assert all(t != main for t in threads[:250])  # a full page: the worker
    assert all(t == main for t in threads[250:])  # OFF_LOOP_ITEMS - 1 records: inline
    assert offload._holders == 0 and gc.isenabled()


async def test_calls_on_the_worker_are_counted_until_they_return() -> None:
    started, release = threading.Event(), threading.Event()

    def work() -> str:
        started.set()
        release.wait()
        return "done"

    assert offload.in_flight() == 0
    call = asyncio.ensure_future(off_loop(work))
    await asyncio.to_thread(started.wait)
    assert offload.in_flight() == 1
    release.set()
    assert await call == "done"
    assert offload.in_flight() == 0
