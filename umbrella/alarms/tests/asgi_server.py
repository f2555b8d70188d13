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
import weakref
from dataclasses import dataclass

import pytest
import uvicorn
from django.db.backends.signals import connection_created

STARTUP_SECONDS = 15


@dataclass
class AsgiLiveServer:
    url: str


class _ServerConnections:
    """Every database connection the server's threads open, to close them on teardown.

    The server runs code in threads the test does not own: one per request
    (Django's thread-sensitive context), asgiref's process-wide thread (the
    event hub's poll), the stream's own pool. A connection left open in one
    of them keeps a session on the test database after the server stops; on
    PostgreSQL (with or without the connection pool, which closes only the
    connections returned to it) the DROP at the end of the run then fails
    ("being accessed by other users") and leaves the database behind.
    """

    def __init__(self) -> None:
        self.test_thread = threading.get_ident()
        self.opened: weakref.WeakSet = weakref.WeakSet()

    def record(self, sender, connection, **kwargs) -> None:
        if threading.get_ident() != self.test_thread:
            self.opened.add(connection)

    def close(self) -> None:
        """Close them from the test's thread, once the server has stopped."""
        for connection in list(self.opened):
            if connection.connection is None:
                continue
            connection.inc_thread_sharing()
            try:
                connection.close()
            finally:
                connection.dec_thread_sharing()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_live_server(transactional_db):
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
    opened = _ServerConnections()
    connection_created.connect(opened.record, weak=False, dispatch_uid="asgi-live-server")
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
    connection_created.disconnect(dispatch_uid="asgi-live-server")
    opened.close()
