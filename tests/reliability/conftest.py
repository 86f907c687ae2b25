"""Reliability tests run in UTC, with private XDG folders and no DATTO_* variables of the user."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tests.isolation import isolated_home as isolated_home


@pytest.fixture(autouse=True, scope="session")
def _utc() -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()
