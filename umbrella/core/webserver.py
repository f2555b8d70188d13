"""One web process: uvicorn serving ``umbrella.asgi:served``.

``manage.py serve`` starts one of these per web process, each on a listening
socket of its own that it inherits (``--fd``). The sockets share the port
with ``SO_REUSEPORT``, so the kernel spreads new connections over the
processes. With uvicorn's own ``--workers``, the processes share one socket
and whichever wakes first accepts every pending connection: keep-alive
clients then stay on one process and one core while the other idles
(measured in ``bench/open311_requests.py``: half the rate).

  python -m umbrella.core.webserver --fd 3
  python -m umbrella.core.webserver --host 127.0.0.1 --port 8000

uvicorn's own access log is off: it writes the client's address on every
line. ``umbrella/core/front.py`` writes one without (method, path with its
secrets masked, status, duration) and finds the client behind the trusted
proxies (``TRUSTED_PROXY_COUNT``) instead of uvicorn's ``--proxy-headers``.
uvicorn's logging set-up is left to Django's ``LOGGING`` (``log_config=None``).

Each open alarm stream is a connection held for hours, 2,000 to 5,000 per
process: ``LeanHttpToolsProtocol`` is uvicorn's httptools protocol with its
three per-connection queues made lighter (an empty ``deque`` holds a 64-slot
block, ~760 bytes; an empty list 56), ~2.2 KB less per stream measured with
tracemalloc. ``ws="none"``: the application serves no WebSocket (its
``ProtocolTypeRouter`` has only ``http``), so uvicorn does not load a
WebSocket library either. glibc's malloc gets at most ``runtime.MALLOC_ARENAS`` arenas
(``mallopt``, as ``MALLOC_ARENA_MAX`` would): the process's threads (database
pool, sync views) otherwise each keep an arena of their own (~2 MB measured
at 2,000 streams).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
from collections import deque

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from umbrella.core.runtime import limit_malloc_arenas

APPLICATION = "umbrella.asgi:served"


class _Pipeline(list):
    """uvicorn's queue of pipelined requests (appendleft, pop, truth), as a list."""

    __slots__ = ()

    def appendleft(self, item) -> None:
        self.insert(0, item)


def _lighten(event: asyncio.Event) -> None:
    """Keep an ``asyncio.Event``'s waiters in a list (it appends, removes and iterates them).

    Only while nobody waits: a waiter already queued must stay where ``set()`` finds it.
    """
    if type(event._waiters) is deque and not event._waiters:  # noqa: SLF001
        # A list in the deque's place on purpose; the stubs type the attribute as a deque.
        event._waiters = []  # type: ignore[assignment]  # noqa: SLF001


class LeanHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, lighter for connections held open (alarm streams)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A list in the deque's place on purpose; uvicorn types the attribute as a deque.
        self.pipeline = _Pipeline()  # type: ignore[assignment]

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        _lighten(self.flow._is_writable_event)  # noqa: SLF001

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.cycle is not None:
            _lighten(self.cycle.message_event)


def config(access_log: bool = True) -> uvicorn.Config:
    return uvicorn.Config(
        APPLICATION if access_log else "umbrella.asgi:served_without_access_log",
        http=LeanHttpToolsProtocol,
        ws="none",
        proxy_headers=False,
        server_header=False,
        access_log=False,
        log_config=None,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve Umbrella's ASGI application.")
    parser.add_argument("--fd", type=int, help="An inherited listening socket.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args(argv)
    limit_malloc_arenas()
    server = uvicorn.Server(config(access_log=not args.no_access_log))
    if args.fd is None:
        server.config.host, server.config.port = args.host, args.port
        server.run()
    else:
        # socket(fileno=...) reads the family from the socket itself, so TCP
        # options (TCP_NODELAY) apply; uvicorn's own --fd assumes AF_UNIX.
        server.run(sockets=[socket.socket(fileno=args.fd)])


if __name__ == "__main__":
    main()
