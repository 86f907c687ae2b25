"""Datto RMM platforms and the addresses derived from them.

The API of platform ``p`` is ``https://p-api.centrastage.net`` (the client appends ``/api/v2/...``
and ``/auth/oauth/token``); its web portal is ``https://p.rmm.datto.com``. A base URL may be given
instead (``DATTO_API_URL``, config ``api_url``, ``--api-url``): scheme, host and optional port.
Plain ``http`` is refused unless the host is a loopback address.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from datto_tui.api.errors import ConfigurationError

PLATFORMS: tuple[str, ...] = ("pinotage", "merlot", "concord", "vidal", "zinfandel", "syrah")


def api_base_url(platform: str) -> str:
    """``https://<platform>-api.centrastage.net`` for a known platform."""
    name = platform.strip().lower()
    if name not in PLATFORMS:
        raise ConfigurationError(
            f"Unknown Datto RMM platform {platform!r}. Use one of: {', '.join(PLATFORMS)} "
            "(shown in Setup > Users > API as part of your API URL), or give the URL itself."
        )
    return f"https://{name}-api.centrastage.net"


def portal_base_url(platform: str | None) -> str | None:
    """``https://<platform>.rmm.datto.com`` for a known platform, else None."""
    if platform and platform.strip().lower() in PLATFORMS:
        return f"https://{platform.strip().lower()}.rmm.datto.com"
    return None


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def normalise_base_url(url: str) -> str:
    """Validate a base URL and return it as ``scheme://host[:port]`` without a trailing path.

    A trailing ``/api`` or ``/api/v2`` (as users copy it from the portal) is dropped. Raises
    :class:`ConfigurationError` for anything that is not http(s), has no host, or is plain http to
    a non-loopback host (the bearer token would cross the network in clear text).
    """
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"API URL {text!r} is not an http(s) URL; expected e.g. https://merlot-api.centrastage.net"
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigurationError(
            f"API URL {text!r} uses plain http to a remote host; the token would travel "
            "unencrypted. Use https (plain http is allowed for loopback addresses only)."
        )
    path = parts.path.rstrip("/")
    for suffix in ("/api/v2", "/api"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    if path:
        raise ConfigurationError(
            f"API URL {text!r} has a path {parts.path!r}; give only scheme, host and port."
        )
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def platform_of_base_url(base_url: str) -> str | None:
    """The platform name of a ``https://<p>-api.centrastage.net`` URL, else None."""
    host = urlsplit(base_url).hostname or ""
    if host.endswith("-api.centrastage.net"):
        name = host.removesuffix("-api.centrastage.net")
        return name if name in PLATFORMS else None
    return None
