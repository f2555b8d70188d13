"""Every HTTP request the platform makes to an address someone typed: checked, pinned, bounded.

A push subscription's endpoint comes from a browser (that is, from anyone
with an account); a body's webhook and Open311 endpoints come from staff.
Posted to as they are, they let whoever set them make the worker reach
what only the server can reach (blind SSRF: the metadata service at
169.254.169.254, a database port on 127.0.0.1, the office network), and a
redirect would take the request anywhere after a first, innocent hop.

``request()`` is the one way out for such addresses:

- **https only**, no user name or password in the address, and, when the
  caller gives ``hosts`` (push services), a host on that list (``"*.suffix"``
  matches any name under the suffix);
- the name is **resolved once**, and refused unless *every* address it
  resolves to is global (``ipaddress``: no private, loopback, link-local,
  shared, reserved, multicast or unspecified address; an IPv4-mapped IPv6
  address is judged as its IPv4 address);
- the connection goes to **the address that was checked** (the URL carries the
  IP; ``Host`` and the TLS server name carry the name, so the certificate is
  still verified for the name): a DNS answer that changes between the check
  and the connection (rebinding) cannot move it;
- **redirects are never followed**: a 3xx is an answer like any other.

Tests replace the resolver (``resolve``) rather than open a way around the
check: no setting or variable lets an install skip it.

Callers store no more of an error answer than its status code: a receiver's
error page may quote what it was sent, or be any text its owner likes.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 10.0
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class OutboundRefused(Exception):
    """The address may not be reached; trying again cannot help. The message names no secret."""


def host_allowed(host: str, patterns: Iterable[str]) -> bool:
    """Answer whether ``host`` is one of ``patterns`` (``"*.example.com"``: any name under it)."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().strip().rstrip(".")
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def check_url(url: str, hosts: Iterable[str] | None = None) -> tuple[str, int]:
    """Return (host, port) of an https URL fit to be posted to; raise ``OutboundRefused``."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:
        raise OutboundRefused("the address is not a valid URL") from exc
    if parts.scheme != "https":
        raise OutboundRefused("only https:// addresses are reached")
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused("an address with a user name or password is not reached")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in url):
        raise OutboundRefused("the address has no host")
    if hosts is not None and not host_allowed(host, hosts):
        raise OutboundRefused(f"{host} is not a known push service")
    return host, port


def is_public(address: str) -> bool:
    """Answer whether ``address`` is a global unicast address (IPv4-mapped judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 address inside are judged by it: mapped,
        # 6to4, and NAT64's well-known prefix (which a NAT64 gateway turns into
        # the IPv4 address, private or not).
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Return the addresses ``host`` resolves to (the seam tests replace)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def public_address(host: str, port: int) -> str:
    """Resolve ``host`` once; return its address, or raise ``OutboundRefused`` if any is private."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise OutboundRefused(f"{host} does not resolve") from exc
    if not addresses:
        raise OutboundRefused(f"{host} does not resolve")
    for address in addresses:
        # All, not any: a name that also resolves to 10.0.0.5 is someone's
        # way in, whichever address the client would have picked.
        if not is_public(address):
            raise OutboundRefused(f"{host} resolves to an address that is not public")
    return addresses[0]


_client: httpx.Client | None = None


def set_client(client: httpx.Client | None) -> None:
    """Send through ``client`` (tests: one on an ``httpx.MockTransport``); ``None``: the default."""
    global _client
    _client = client


def client() -> httpx.Client:
    global _client
    if _client is None:
        # Imported here: a web process that never sends anything does not
        # carry httpx (and, where it is installed, its command line's rich and
        # pygments: ~23 MB in all; bench/alarm_latency.py measures the RSS).
        import httpx

        _client = httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
    return _client


def request(
    method: str,
    url: str,
    *,
    hosts: Iterable[str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
    **kwargs,
) -> httpx.Response:
    """Send one request to ``url`` after the checks above; never follow a redirect.

    ``kwargs`` go to ``httpx.Client.request`` (``content``, ``data``, …).
    Raise ``OutboundRefused`` (permanent) or ``httpx.HTTPError`` (network).
    """
    host, port = check_url(url, hosts)
    address = public_address(host, port)
    parts = urlsplit(url)
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit(parts._replace(netloc=f"{literal}:{port}"))
    sent_headers = dict(headers or {})
    sent_headers["Host"] = host if port == 443 else f"{host}:{port}"
    return client().request(
        method,
        pinned,
        headers=sent_headers,
        timeout=timeout,
        follow_redirects=False,
        # The TLS server name, and so the name the certificate is checked against.
        extensions={"sni_hostname": host},
        **kwargs,
    )
