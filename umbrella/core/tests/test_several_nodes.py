"""Several nodes with real processes: two web nodes and two workers on PostgreSQL + Redis.

Each node is a ``manage.py serve --no-worker`` on a port of its own, with a
``var/`` of its own whose ``media`` is one shared directory; the workers run
apart (``manage.py worker``). Secrets, field-encryption keys and VAPID keys
come from the environment, the same on every process, as
docs/operations.md ("Several nodes") asks.

- 50 responders' consoles hold the alarm stream on node A; alarms are raised
  through both nodes; node A is killed (``kill -9`` of its process group)
  and one more alarm is raised before the load balancer sends anyone to
  node B; the consoles reconnect to node B with ``Last-Event-ID`` and, in the
  end, each has seen every event it may see exactly once, and the alarms of
  exactly the circles she is in, in id order. Events of two processes (node
  B's own, the worker's escalation through Redis) may arrive at a node out of
  id order; its hub hands them out in id order (notify/fanout.py), so a
  reconnection's Last-Event-ID never steps past one still on its way.
- A worker is killed while it holds a due escalation (held in the step, its
  transaction open, by ``alarms/tests/fault_worker.py``); the other worker
  takes the step over, and it happens exactly once: one escalation step, one
  event, one SMS delivery.

PostgreSQL only: the processes share the test database, which on SQLite
lives in this process's memory (the SQLite pass skips this module; the
single-machine install is covered by core/tests/test_serve.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import Organisation, Role
from umbrella.alarms import actions
from umbrella.alarms.models import AlarmStep, Deadline, DeadlineKind, Source, StepKind
from umbrella.alarms.tests.conftest import set_accepted_circle
from umbrella.alarms.tests.test_faults import _postgres_url
from umbrella.notify import queries
from umbrella.notify.models import Channel, ContactPoint, Delivery, DeliveryStatus, Event
from umbrella.notify.vapid import generate_keys
from umbrella.testing import make_personas

pytestmark = pytest.mark.django_db(transaction=True)

MANAGE = str(settings.BASE_DIR / "manage.py")
# Rate-limit and cache keys of their own (pub/sub channels are server-wide).
REDIS_URL = "redis://127.0.0.1:6379/8"
CONSOLES = 50
SEX_WORKERS = 6
CIRCLE = 10
# Starting four interpreters at once on a loaded 2-core machine takes a while.
STARTUP = 120.0
PATIENCE = 60.0
TIER1_DELAY = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


class Cluster:
    """The processes of the test, each logging to a file of its own."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.procs: dict[str, subprocess.Popen] = {}
        vapid = generate_keys()
        self.media = tmp_path / "shared-media"
        self.media.mkdir()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("SQLITE_PATH",)},
            "DJANGO_SETTINGS_MODULE": "umbrella.settings",
            "DATABASE_URL": _postgres_url(connection.settings_dict),
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(48),
            # This test writes encrypted rows too (her contact point): its keys.
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "VAPID_PUBLIC_KEY": vapid["public_key"],
            "VAPID_PRIVATE_KEY": vapid["private_key"],
            "SMS_PROVIDER": "console",
            # 50 consoles and the test share one loopback address.
            "API_RATE": "100000/s",
            "PYTHONUNBUFFERED": "1",
        }

    def var_dir(self, name: str) -> Path:
        """Return a node's own var/, whose media/ is the shared directory."""
        var = self.tmp / f"var-{name}"
        var.mkdir(mode=0o700)
        (var / "media").symlink_to(self.media, target_is_directory=True)
        return var

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        env = dict(self.env, UMBRELLA_VAR_DIR=str(self.var_dir(name)))
        log = (self.tmp / f"{name}.log").open("ab")
        # A session of its own: kill -9 of the process group is a node going down
        # (serve and the web process it runs).
        proc = subprocess.Popen(  # noqa: S603 -- our own manage.py
            [sys.executable, *command], cwd=settings.BASE_DIR, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        self.procs[name] = proc
        return proc

    def node(self, name: str) -> int:
        port = _free_port()
        self.start(name, [MANAGE, "serve", "--port", str(port), "--no-worker", "--no-access-log"])
        return port

    def worker(self, name: str, marker: Path) -> subprocess.Popen:
        # Through fault_worker: the first worker to reach the escalation's step
        # holds there (transaction open) so that it can be killed holding it.
        held = ["-m", "umbrella.alarms.tests.fault_worker", "in_step", str(marker), "60"]
        return self.start(name, [*held, "worker", "--name", name])

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name} ---\n{log.read_text(errors='replace')[-4000:]}"
            for log in sorted(self.tmp.glob("*.log"))
        )

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def wait_until(self, predicate, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if predicate():
                    return
            except (OSError, httpx.HTTPError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{self.logs()}")


@pytest.fixture
def cluster(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("Nodes share the database: the PostgreSQL pass runs this.")
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis must answer on 127.0.0.1:6379 in CI.")
        pytest.skip("No Redis on 127.0.0.1:6379 on this machine (CI always has one).")
    made = Cluster(tmp_path)
    yield made
    made.stop()


class Console:
    """A responder's console: the SSE stream, reconnecting with Last-Event-ID (as EventSource)."""

    def __init__(self, user_id: int, token: str, after: int):
        self.user_id, self.token = user_id, token
        self.seen: list[int] = []
        self.alarms: set[int] = set()
        self.last = after
        self.connections: list[str] = []
        self.ready = threading.Event()

    async def run(self, client: httpx.AsyncClient, nodes: list[str], failover) -> None:
        # Node A first. Once it is gone, the load balancer sends her to node B
        # when its health check has noticed (``failover``), and she tries again
        # until B answers, as EventSource does after ``retry``.
        first = True
        while True:
            try:
                await self._read(client, nodes[0] if first else nodes[1])
            except (httpx.HTTPError, OSError):
                pass
            first = False
            while not failover.is_set():
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)

    async def _read(self, client: httpx.AsyncClient, base: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Last-Event-ID": str(self.last)}
        async with client.stream("GET", f"{base}/api/v1/alarms/stream", headers=headers) as r:
            r.raise_for_status()
            self.connections.append(base)
            frame: dict[str, str] = {}
            async for line in r.aiter_lines():
                if line.startswith("retry:"):
                    self.ready.set()
                elif line == "":
                    if "id" in frame:
                        self.seen.append(int(frame["id"]))
                        self.last = int(frame["id"])
                        self.alarms.add(json.loads(frame["data"])["alarm"]["id"])
                    frame = {}
                elif not line.startswith(":"):
                    key, _, value = line.partition(":")
                    frame[key] = value.strip()


def _run_consoles(consoles: list[Console], nodes: list[str], failover, stop: threading.Event):
    async def main():
        limits = httpx.Limits(max_connections=CONSOLES + 10)
        timeout = httpx.Timeout(None, connect=10.0)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            tasks = [asyncio.create_task(c.run(client, nodes, failover)) for c in consoles]
            while not stop.is_set():
                await asyncio.sleep(0.1)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


def _healthy(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200


def _raise(port: int, token: str, note: str) -> int:
    response = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/alarms",
        headers={"Authorization": f"Bearer {token}"},
        json={"note": note},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_two_nodes_lose_no_event_when_one_dies_and_a_killed_worker_steps_once(cluster, tmp_path):
    now = timezone.now()
    people = make_personas()
    responders = [
        accounts.create_account(f"console-{i}", Role.RESPONDER, password_hash="!")
        for i in range(CONSOLES)
    ]
    workers = [
        accounts.create_account(f"node-worker-{i}", Role.SEX_WORKER, password_hash="!")
        for i in range(SEX_WORKERS)
    ]
    for i, owner in enumerate(workers):
        names = [responders[(i * CIRCLE + j) % CONSOLES].username for j in range(CIRCLE)]
        set_accepted_circle(owner, [actions.TierSpec("people", 3600, names)], now,
                            police_opt_in=False)  # fmt: skip
    worker_tokens = [accounts.issue_token(w, now)[1] for w in workers]
    # The escalation: tier 1 a console's responder, tier 2 the outreach rota
    # (reached by SMS); raised later, due a second after.
    outreach = Organisation.objects.get(name="Outreach organisation (test)")
    set_accepted_circle(
        people.worker,
        [
            actions.TierSpec("people", TIER1_DELAY, [responders[0].username]),
            actions.TierSpec("organisation_rota", 120, organisation_id=outreach.pk),
        ],
        now,
        police_opt_in=False,
    )
    sms = ContactPoint.objects.create(
        user=people.outreach, kind="sms", value="+32470000001", verified=True, language="en"
    )

    marker = tmp_path / "worker-held"
    port_a, port_b = cluster.node("node-a"), cluster.node("node-b")
    cluster.worker("worker-1", marker)
    cluster.worker("worker-2", marker)
    # /healthz is 200 once the node answers, reaches PostgreSQL and Redis, and
    # a worker beats.
    cluster.wait_until(lambda: _healthy(port_a) and _healthy(port_b), STARTUP, "both nodes")

    start = queries.latest_event_id()
    consoles = [Console(r.pk, accounts.issue_token(r, now)[1], after=start) for r in responders]
    node_a, node_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    failover, stop = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=_run_consoles, args=(consoles, [node_a, node_b], failover, stop)
    )
    thread.start()
    try:
        cluster.wait_until(lambda: all(c.ready.is_set() for c in consoles), PATIENCE,
                           "50 consoles on node A")  # fmt: skip

        def caught_up() -> bool:
            return all(
                set(c.seen) >= {e[0] for e in queries.replay_events(c.user_id, start, 10_000)}
                for c in consoles
            )

        # Raised through both nodes; live on node A's streams through Redis.
        raised = [_raise(port_a, worker_tokens[0], "note written by node A"),
                  _raise(port_b, worker_tokens[1], "")]  # fmt: skip
        cluster.wait_until(caught_up, PATIENCE, "the first alarms on every console")
        # Raised, and node A dies with whatever it had not yet sent.
        raised += [_raise(port_a, worker_tokens[2], ""), _raise(port_b, worker_tokens[3], "")]
        cluster.kill("node-a")
        # Raised while no console has a stream: only a replay can bring it.
        raised.append(_raise(port_b, worker_tokens[4], ""))
        failover.set()
        cluster.wait_until(
            lambda: all(c.connections[-1:] == [node_b] for c in consoles),
            PATIENCE,
            "every console to reconnect to node B",
        )
        raised.append(_raise(port_b, worker_tokens[5], ""))

        # A worker killed while it holds a due escalation.
        alarm = actions.raise_alarm(
            people.worker, Source.APP, timezone.now() - timedelta(seconds=TIER1_DELAY - 1)
        )
        escalation = Deadline.objects.get(alarm=alarm, kind=DeadlineKind.ESCALATE)
        cluster.wait_until(lambda: marker.exists() and marker.read_text(), PATIENCE,
                           "a worker to hold the escalation")  # fmt: skip
        doomed = int(marker.read_text())
        held = next(name for name, p in cluster.procs.items() if p.pid == doomed)
        cluster.kill(held)
        escalation.refresh_from_db()
        assert escalation.claimed_by.endswith(f":{doomed}") and escalation.done_at is None
        cluster.wait_until(
            lambda: Deadline.objects.filter(pk=escalation.pk, done_at__isnull=False).exists(),
            PATIENCE,
            "the other worker to take the escalation over",
        )
        escalated = Event.objects.filter(alarm_id=alarm.pk, event_type="alarm.escalated")
        cluster.wait_until(
            lambda: Delivery.objects.filter(
                event__in=escalated, status=DeliveryStatus.CONSOLE
            ).exists(),
            PATIENCE,
            "the escalation's SMS",
        )
        cluster.wait_until(caught_up, PATIENCE, "every console to catch up on node B")
        time.sleep(1)  # nothing arrives, or fires, twice afterwards
    finally:
        stop.set()
        thread.join(timeout=30)

    # Every console saw every event it may see, once and in id order: those
    # node A had not sent when it died were replayed by node B from
    # Last-Event-ID.
    for console in consoles:
        expected = [e[0] for e in queries.replay_events(console.user_id, start, 10_000)]
        assert console.seen == expected, (console.user_id, console.connections)
        assert console.connections[0] == node_a and console.connections[-1] == node_b
    # And the alarms each was told of are those of the circles she is in.
    for k, console in enumerate(consoles):
        circles = [i for i in range(SEX_WORKERS) if (k - i * CIRCLE) % CONSOLES < CIRCLE]
        assert console.alarms - {alarm.pk} == {raised[i] for i in circles}, k

    # The escalation happened exactly once: one step, one event, one SMS.
    escalation.refresh_from_db()
    assert not escalation.claimed_by.endswith(f":{doomed}") and escalation.attempt == 2
    assert AlarmStep.objects.filter(alarm=alarm, kind=StepKind.ESCALATED).count() == 1
    assert escalated.count() == 1
    deliveries = Delivery.objects.filter(event__alarm_id=alarm.pk, channel=Channel.SMS)
    assert [(d.contact_point_id, d.status) for d in deliveries] == [
        (sms.pk, DeliveryStatus.CONSOLE)
    ]

    # The keys are the same everywhere: node B reads the note node A encrypted.
    note = httpx.get(
        f"{node_b}/api/v1/alarms/{raised[0]}",
        headers={"Authorization": f"Bearer {consoles[0].token}"},
        timeout=30,
    )
    assert note.status_code == 200 and note.json()["note"] == "note written by node A"
    # Nothing was generated on any node: the secrets came from the environment.
    for var in tmp_path.glob("var-*"):
        assert not {"secret_key", "field_encryption_keys", "vapid.json"} & {
            p.name for p in var.iterdir()
        }, var
