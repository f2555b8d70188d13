"""One web process: uvicorn serving ``umbrella.asgi:application``.

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
"""

from __future__ import annotations

import argparse
import socket

import uvicorn

APPLICATION = "umbrella.core.front:application"


def config(access_log: bool = True) -> uvicorn.Config:
    return uvicorn.Config(
        APPLICATION if access_log else "umbrella.core.front:application_without_access_log",
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
