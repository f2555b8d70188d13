"""What ``manage.py serve`` puts in front of the ASGI application: the client
behind trusted proxies, and an access log without addresses.

uvicorn's access log writes the client's address on every line (the real one,
once ``X-Forwarded-For`` is honoured), next to report submissions, alarm raises
and account recovery. Its proxy-header handling trusts proxies by address
(``FORWARDED_ALLOW_IPS``); here an operator says how many proxies stand in
front (``TRUSTED_PROXY_COUNT``), which holds however the proxies' addresses
change.

The access log (logger ``umbrella.access``) has one line per request:
method, path (no query string: it may carry an API key), status and duration.
The apps' path filters (``core/log_filters.py``) mask the secrets in paths.
Every request is also counted for ``GET /metrics`` by its route, never its
path (``core/metrics.py``).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from umbrella.core import metrics

logger = logging.getLogger("umbrella.access")


def forwarded_client(scope, proxies: int):
    """Return (client, scheme) as the ``proxies`` trusted proxies report them.

    Each proxy appends the address it received the request from to
    ``X-Forwarded-For``; the client is the address ``proxies`` entries from the
    right. A client may write anything to the left of it, so nothing further
    left is believed. With too few entries the connection's own address stays.
    """
    if proxies <= 0:
        return scope.get("client"), scope.get("scheme", "http")
    forwarded: list[str] = []
    proto = ""
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            forwarded.extend(part.strip() for part in value.decode("latin-1").split(","))
        elif name == b"x-forwarded-proto":
            proto = value.decode("latin-1").split(",")[-1].strip().lower()
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return scope.get("client"), scope.get("scheme", "http")
    client = (forwarded[-proxies], 0)
    scheme = scope.get("scheme", "http")
    if proto in ("http", "https"):
        scheme = proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
    return client, scheme


class Front:
    """Wrap an ASGI application: set the client from trusted proxies, log each request."""

    def __init__(self, app, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        client, scheme = forwarded_client(scope, settings.TRUSTED_PROXY_COUNT)
        # Set on the server's own scope of this request, not a copy: a copy
        # (~460 bytes) would live as long as the request, hours for a stream.
        scope["client"], scope["scheme"] = client, scheme
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.monotonic()
        status = 0

        async def send_and_note(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            seconds = time.monotonic() - started
            # By route and status, never the path (docs/operations.md).
            metrics.observe_request(scope, status, seconds)
            if self.access_log:
                duration_ms = seconds * 1000
                logger.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    scope["path"],
                    status or "-",
                    duration_ms,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status or None,
                        "duration_ms": round(duration_ms, 1),
                    },
                )
