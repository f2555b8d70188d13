"""Wake the worker when work is queued: a hint, never the source of truth.

A worker lane sleeps until its next due item (docs/architecture.md,
"Processes"). When a process commits new work (a deadline, a delivery), it
says so on a ``Channel``; the worker's lane for that work wakes at once:

- in the same process, through a ``threading.Event``;
- across processes, after the commit: PostgreSQL ``NOTIFY`` when the
  database is PostgreSQL (any host), else Redis pub/sub when ``REDIS_URL``
  is set (any host), else (SQLite, one host) a datagram to each worker's
  Unix socket in ``VAR_DIR/wake``.

The worker runs one ``Listener`` thread that turns what arrives into the
local events. Each announcement names the process that made it
(``this_process``): a process's own come back to it over the transport,
and are dropped there, as its ``set`` already woke its lanes (an echo woke
the worker's lanes a second time after every step, each look at the
database then competing with the send of the step's SMS).

A wake-up can be lost (the listener reconnecting, a process with another
``VAR_DIR``): no lane ever sleeps longer than
``FALLBACK_SECONDS``, and the lane then reads the database, which alone
says what is due. So a lost wake-up delays by at most that much, and loses
nothing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import selectors
import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# The longest a lane with a wake channel sleeps without reading the database:
# the bound on the delay a lost wake-up costs, and on noticing the claims of
# a worker of another host that fell silent (judged gone after
# WORKER_HEARTBEAT_MAX_AGE: taken over within 10 + 5 s, inside the 30 s
# lease). A dead worker of this host is found by the next beat, which wakes
# the lanes at once. Each such look costs ~3 ms of CPU.
FALLBACK_SECONDS = 5.0
# How long the listener waits for a message before looking at its stop event
# (it is a daemon thread: a stop does not wait for it).
LISTEN_TIMEOUT_SECONDS = 5.0
# How long the listener waits before reconnecting after an error.
RECONNECT_SECONDS = 1.0
PG_CHANNEL = "umbrella_wake"
# Leaves room for "/<pid>.sock" within a Unix socket path's 107 bytes.
MAX_SOCKET_DIR_LENGTH = 80
# An announcement: a channel's name and its sender (host:pid).
MAX_MESSAGE_BYTES = 512

_CHANNELS: dict[str, Channel] = {}


class Channel:
    """A named wake-up: set it once new work is committed.

    Behaves like the ``threading.Event`` a lane waits on (``wait``,
    ``clear``, ``is_set``); ``set`` also tells the other processes.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.event = threading.Event()
        _CHANNELS[name] = self

    def set(self) -> None:
        """Wake this process's lane and tell the other processes (call after the commit)."""
        self.event.set()
        try:
            _publish(self.name, this_process())
        except Exception:
            # A hint only: the fallback sleep bounds what a lost one costs.
            logger.warning("could not announce %s to other processes", self.name, exc_info=True)

    def set_on_commit(self) -> None:
        """``set`` once the current transaction commits (at once outside one)."""
        transaction.on_commit(self.set, robust=True)

    def wake_here(self) -> None:
        """Wake this process's lane only."""
        self.event.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self.event.wait(timeout)

    def clear(self) -> None:
        self.event.clear()

    def is_set(self) -> bool:
        return self.event.is_set()


def channel(name: str) -> Channel:
    """Return the channel ``name``, created on first use (one per process)."""
    return _CHANNELS.get(name) or Channel(name)


def this_process() -> str:
    """Return this process as its announcements name it: host and pid (a forked
    worker is a process of its own)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _wake_local(message: str) -> None:
    """Wake the channel an announcement names, unless this process made it."""
    name, _, sender = message.partition(" ")
    if sender == this_process():
        return  # its set() woke the lane already
    found = _CHANNELS.get(name)
    if found is not None:
        found.wake_here()


def wake_all_here() -> None:
    """Wake every lane of this process (a reconnection, a dead worker's claims freed)."""
    for found in list(_CHANNELS.values()):
        found.wake_here()


def transport() -> str:
    """Return how wake-ups cross processes here: ``postgresql``, ``redis`` or ``socket``."""
    if connection.vendor == "postgresql":
        return "postgresql"
    if settings.REDIS_URL:
        return "redis"
    return "socket"


def _redis_channel() -> str:
    return f"{settings.REDIS_PREFIX}-wake:{connection.settings_dict['NAME']}"


def socket_dir() -> Path:
    """Return the folder of this install's worker sockets (``VAR_DIR/wake``).

    A Unix socket's path has at most 107 bytes: under a deeper ``VAR_DIR``,
    a folder in the temporary directory named after it instead.
    """
    folder = Path(settings.VAR_DIR) / "wake"
    if len(str(folder)) <= MAX_SOCKET_DIR_LENGTH:
        return folder
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"umbrella-wake-{digest}"


@functools.cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def _publish(name: str, sender: str) -> None:
    """Announce channel ``name`` to the other processes, as made by ``sender``."""
    message = f"{name} {sender}"
    kind = transport()
    if kind == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, message])
    elif kind == "redis":
        _redis().publish(_redis_channel(), message)
    else:
        _send_datagrams(message.encode())


def _send_datagrams(payload: bytes) -> None:
    folder = socket_dir()
    try:
        paths = [p for p in folder.iterdir() if p.suffix == ".sock"]
    except FileNotFoundError:
        return  # no worker on this host listens
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for path in paths:
            try:
                sender.sendto(payload, str(path))
            except (ConnectionRefusedError, FileNotFoundError):
                # Its worker is gone without tidying up.
                path.unlink(missing_ok=True)
            except (BlockingIOError, OSError):
                pass  # its queue is full: it is awake already


class Listener:
    """The worker's thread that turns other processes' wake-ups into local events.

    After each (re)connection every channel is woken once: what was announced
    while nobody listened is then read from the database at once.
    """

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.kind = transport()
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self.run, name="worker-wakeup", daemon=True)
        self._settings = dict(connection.settings_dict)
        self._redis_channel = _redis_channel()
        self._socket_path = socket_dir() / f"{os.getpid()}.sock"

    def start(self) -> Listener:
        self.thread.start()
        return self

    def run(self) -> None:
        listen = {
            "postgresql": self._listen_postgresql,
            "redis": self._listen_redis,
            "socket": self._listen_socket,
        }[self.kind]
        while not self.stop.is_set():
            try:
                listen()
            except Exception:
                logger.warning("wake-up listener (%s) lost; reconnecting", self.kind, exc_info=True)
            self.connected.clear()
            self.stop.wait(RECONNECT_SECONDS)

    def _ready(self) -> None:
        self.connected.set()
        wake_all_here()

    def _listen_postgresql(self) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        s = self._settings
        params = {
            "dbname": s["NAME"],
            "user": s.get("USER"),
            "password": s.get("PASSWORD"),
            "host": s.get("HOST"),
            "port": s.get("PORT"),
            "sslmode": (s.get("OPTIONS") or {}).get("sslmode"),
        }
        conninfo = make_conninfo(**{k: str(v) for k, v in params.items() if v})
        with (
            psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn,
            selectors.DefaultSelector() as selector,
        ):
            conn.execute(f"LISTEN {PG_CHANNEL}")
            selector.register(conn.fileno(), selectors.EVENT_READ)
            self._ready()
            while not self.stop.is_set():
                # The thread sleeps in the kernel until the server writes:
                # psycopg's own wait (notifies with a timeout) wakes every
                # 0.1 s to look for a Ctrl-C, 0.16 % of an idle worker's core.
                # timeout=0 reads what arrived (a broken connection raises).
                selector.select(LISTEN_TIMEOUT_SECONDS)
                for notice in conn.notifies(timeout=0):
                    _wake_local(notice.payload)

    def _listen_redis(self) -> None:
        pubsub = _redis().pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self._redis_channel)
            self._ready()
            while not self.stop.is_set():
                message = pubsub.get_message(timeout=LISTEN_TIMEOUT_SECONDS)
                if message and message.get("type") == "message":
                    data = message["data"]
                    _wake_local(data.decode() if isinstance(data, bytes) else str(data))
        finally:
            pubsub.close()

    def _listen_socket(self) -> None:
        path = self._socket_path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.parent.stat().st_uid != os.getuid():
            # Someone else's folder (in the temporary directory): no wake-ups
            # from other processes then, the bounded sleep only.
            raise PermissionError(f"{path.parent} belongs to another user")
        path.unlink(missing_ok=True)
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as receiver:
            receiver.bind(str(path))
            receiver.settimeout(LISTEN_TIMEOUT_SECONDS)
            try:
                self._ready()
                while not self.stop.is_set():
                    try:
                        data = receiver.recv(MAX_MESSAGE_BYTES)
                    except TimeoutError:
                        continue
                    _wake_local(data.decode(errors="replace"))
            finally:
                path.unlink(missing_ok=True)


def wake_on_save(model, wake: Channel, needed: Callable[[Any], bool] | None = None) -> None:
    """Set ``wake`` after the commit of a save of ``model`` (every process).

    ``needed(instance)``, asked after the commit: whether the row as saved
    needs a lane to look now, not at the look it takes within
    ``FALLBACK_SECONDS`` anyway; without it, every save wakes.

    Connected at start-up (an ``AppConfig.ready``), so a row written by the
    web process wakes the worker as one written by the worker does.
    """
    from django.db.models.signals import post_save

    def saved(sender, instance, **kwargs) -> None:
        def committed() -> None:
            if needed is None or needed(instance):
                wake.set()

        transaction.on_commit(committed, robust=True)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"wakeup-{wake.name}")
