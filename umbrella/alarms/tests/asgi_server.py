"""An ASGI live server for browser tests that need the SSE stream.

pytest-django's ``live_server`` is WSGI and cannot hold an event stream open,
so this runs uvicorn with the project's ASGI application in a thread of the
test process: it shares the test database (the shared in-memory SQLite, or
the PostgreSQL test database) as ``live_server`` does. Use it with
``django_db(transaction=True)`` so the browser sees committed rows.

Import the fixture into a test module (``from … import asgi_live_server``);
it could move to this directory's conftest.py.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import pytest
import uvicorn

STARTUP_SECONDS = 15


@dataclass
class AsgiLiveServer:
    url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_live_server(transactional_db, settings):
    # The stream lives at the URL umbrella/urls.py will give it (see the
    # urls_stream.py); harmless once the project mounts it itself.
    settings.ROOT_URLCONF = "umbrella.alarms.tests.urls_stream"
    port = _free_port()
    config = uvicorn.Config(
        app="umbrella.asgi:application",
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        # Open event streams never end on their own: do not wait for them.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield AsgiLiveServer(url=f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
    if thread.is_alive():
        server.force_exit = True
        thread.join(timeout=5)
