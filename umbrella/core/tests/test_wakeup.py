"""Wake-ups across processes (core/wakeup.py): each transport, for real.

The worker's listener turns another process's announcement into the local
event its lane waits on: PostgreSQL ``NOTIFY`` on PostgreSQL, Redis pub/sub
when ``REDIS_URL`` is set, a datagram to the worker's Unix socket otherwise.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection

from umbrella.core import wakeup

pytestmark = pytest.mark.django_db(transaction=True)

PATIENCE = 30.0
# Pub/sub ignores the database number: the channel is named after the database.
REDIS_TEST_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def listening(settings, tmp_path, monkeypatch):
    """Start a listener of the given kind; stop it after the test."""
    settings.VAR_DIR = tmp_path
    started = []

    def start(kind: str) -> wakeup.Listener:
        if kind == "redis":
            settings.REDIS_URL = REDIS_TEST_URL
            wakeup._redis.cache_clear()
        monkeypatch.setattr(wakeup, "transport", lambda: kind)
        listener = wakeup.Listener(threading.Event())
        started.append(listener)
        listener.start()
        assert listener.connected.wait(PATIENCE), f"the {kind} listener never connected"
        return listener

    yield start
    for listener in started:
        listener.stop.set()
        listener.thread.join(timeout=PATIENCE)
    wakeup._redis.cache_clear()
    connection.close()


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _transports() -> list:
    kinds = [pytest.param("socket", id="unix-socket")]
    kinds.append(
        pytest.param(
            "redis",
            id="redis",
            marks=pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379"),
        )
    )
    kinds.append(
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(
                settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                reason="LISTEN/NOTIFY is PostgreSQL's",
            ),
        )
    )
    return kinds


@pytest.mark.parametrize("kind", _transports())
def test_an_announcement_from_another_connection_wakes_the_listening_lane(listening, kind):
    channel = wakeup.channel("test-wake")
    listener = listening(kind)
    # The listener wakes every channel once it is connected (what was said
    # while nobody listened is read from the database): start from quiet.
    channel.clear()
    other = wakeup.channel("test-other")
    other.clear()
    # Sent as another process sends it: over the transport only (this
    # process's own event is not touched by _publish).
    wakeup._publish("test-wake", "another-host:1")
    assert channel.wait(PATIENCE), f"no wake-up over {listener.kind}"
    assert not other.is_set()  # only the channel that was announced


@pytest.mark.parametrize("kind", _transports())
def test_a_process_is_not_woken_again_by_its_own_announcement(listening, kind):
    # Its set() woke its lanes already; the echo over the transport would wake
    # them a second time after every step (docs/architecture.md, "Processes").
    own, other = wakeup.channel("test-own"), wakeup.channel("test-from-another")
    listener = listening(kind)
    own.clear()
    other.clear()
    wakeup._publish("test-own", wakeup.this_process())
    # Each transport keeps one sender's order: once the later announcement
    # from another process has arrived, the earlier one had too.
    wakeup._publish("test-from-another", "another-host:1")
    assert other.wait(PATIENCE), f"no wake-up over {listener.kind}"
    assert not own.is_set()


def test_a_worker_process_gone_without_tidying_up_does_not_break_announcing(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    folder = wakeup.socket_dir()
    folder.mkdir()
    stale = folder / "999999999.sock"
    # A socket file nobody listens on (its worker was killed with -9).
    proc = subprocess.run(  # noqa: S603 -- a socket file left behind by a process now gone
        [
            sys.executable,
            "-c",
            "import socket, sys; "
            "socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])",
            str(stale),
        ],
        check=True,
    )
    assert proc.returncode == 0 and stale.exists()
    wakeup._send_datagrams(b"deadlines")
    assert not stale.exists()  # tidied up by the first announcement that met it


def test_a_committed_write_announces_once_committed_and_a_rolled_back_one_never(monkeypatch):
    from django.db import transaction

    said = []
    monkeypatch.setattr(wakeup, "_publish", lambda name, sender: said.append(name))
    channel = wakeup.channel("test-commit")
    channel.clear()
    with transaction.atomic():
        channel.set_on_commit()
        assert said == [] and not channel.is_set()  # nobody told before the commit
    assert said == ["test-commit"] and channel.is_set()
    channel.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        channel.set_on_commit()
        raise RuntimeError("rolled back")
    assert said == ["test-commit"] and not channel.is_set()
