"""Fault tests with real worker processes: kill -9 at each step boundary, and two workers at once.

A crash costs no more than a restart: the claim of a killed worker is free
as soon as a worker of its host sees its pid gone (the restarted worker
before its first claim, a surviving one on its next beat), not when the
30 s lease runs out. The doomed worker runs through ``fault_worker.py``,
which holds it at one boundary so the test kills it exactly there.

The workers (``manage.py worker``) must reach the database this test
writes to. On PostgreSQL that is the test database itself (this test commits
for real: ``transaction=True``). On SQLite the test database lives in memory,
out of the workers' reach, so the test switches its own connection to a
temporary database file, migrates it, and gives the workers the same file
through ``SQLITE_PATH``. Both ``make test`` passes run every test here.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.models import Alarm, AlarmStep, Deadline, DeadlineKind, Source, StepKind
from umbrella.alarms.tests.conftest import set_accepted_circle
from umbrella.core.models import WorkerHeartbeat
from umbrella.notify.models import Event
from umbrella.testing import make_personas

pytestmark = pytest.mark.django_db(transaction=True)

# The default lease: a takeover that waited for it would miss the 5 s goal.
LEASE_SECONDS = 30
TIER1_DELAY = 60
# Goal of issue 14: every escalation reaches the next tier at most this late,
# the restart of a killed worker included.
MAX_LATENESS_SECONDS = 5.0


def _postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if user and password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory, django_db_blocker):
    """Return a migrated SQLite file to copy for each test (migrating takes seconds)."""
    original = connections["default"]
    if original.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("faults") / "template.sqlite3"
    swapped = original.__class__({**original.settings_dict, "NAME": str(path)}, "default")
    connections["default"] = swapped
    try:
        with django_db_blocker.unblock():
            call_command("migrate", verbosity=0)
    finally:
        swapped.close()
        connections["default"] = original
    return path


@pytest.fixture
def shared_env(tmp_path, sqlite_template):
    """Return the environment that points a worker process at this test's database."""
    original = connections["default"]
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    env["ALARM_DEADLINE_LEASE_SECONDS"] = str(LEASE_SECONDS)
    env["PYTHONUNBUFFERED"] = "1"
    if original.vendor == "postgresql":
        env["DATABASE_URL"] = _postgres_url(original.settings_dict)
        yield env
        return
    path = tmp_path / "faults.sqlite3"
    shutil.copyfile(sqlite_template, path)
    swapped = original.__class__({**original.settings_dict, "NAME": str(path)}, "default")
    connections["default"] = swapped
    try:
        env["SQLITE_PATH"] = str(path)
        yield env
    finally:
        swapped.close()
        connections["default"] = original


class Workers:
    def __init__(self, env: dict, log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []
        self.names: list[str] = []

    def start(self, name: str) -> subprocess.Popen:
        """Start ``manage.py worker --name name``."""
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 -- closed with the process
        proc = subprocess.Popen(  # noqa: S603 -- our own manage.py
            [sys.executable, "manage.py", "worker", "--name", name],
            cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.procs.append(proc)
        self.names.append(name)
        return proc

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(shared_env, tmp_path):
    pool = Workers(shared_env, tmp_path)
    yield pool
    pool.stop_all()


def wait_until(predicate, timeout: float, what: str, workers: Workers | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    logs = ""
    if workers is not None:
        logs = "\n".join(workers.log(name)[-2000:] for name in workers.names)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def due_alarm(people) -> Alarm:
    """Raise an alarm whose tier-1 delay has just run out: its escalation is due now."""
    return actions.raise_alarm(
        people.worker, Source.APP, timezone.now() - timedelta(seconds=TIER1_DELAY)
    )


def set_up_circle(people):
    from umbrella.accounts.models import Organisation

    outreach = Organisation.objects.get(name="Outreach organisation (test)")
    set_accepted_circle(
        people.worker,
        [
            actions.TierSpec("people", TIER1_DELAY, ["responder"]),
            actions.TierSpec("organisation_rota", 120, organisation_id=outreach.pk),
        ],
        timezone.now(),
        police_opt_in=False,
    )


def escalations_of(alarm: Alarm) -> tuple[int, int]:
    steps = AlarmStep.objects.filter(alarm=alarm, kind=StepKind.ESCALATED).count()
    events = Event.objects.filter(alarm_id=alarm.pk, event_type="alarm.escalated").count()
    return steps, events


def escalation_due_soon(people, seconds: float = 1.0) -> tuple[Alarm, Deadline]:
    """Raise an alarm whose escalation falls due ``seconds`` from now."""
    now = timezone.now()
    alarm = actions.raise_alarm(
        people.worker, Source.APP, now - timedelta(seconds=TIER1_DELAY - seconds)
    )
    return alarm, Deadline.objects.get(alarm=alarm, kind=DeadlineKind.ESCALATE)


def lateness(alarm: Alarm, deadline: Deadline) -> float:
    step = AlarmStep.objects.get(alarm=alarm, kind=StepKind.ESCALATED)
    return (step.at - deadline.due_at).total_seconds()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker_children(pid: int) -> list[int]:
    """Return the workers ``serve`` forked (its children that are not web processes)."""
    out = subprocess.run(  # noqa: S603
        ["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)],  # noqa: S607
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    rows = [line.strip().partition(" ") for line in out.splitlines()]
    return [int(child) for child, _, args in rows if "umbrella.core.webserver" not in args]


@pytest.fixture
def serve_held(shared_env, tmp_path):
    """Start ``manage.py serve`` whose forked workers hold at a boundary (first one there)."""
    started = []

    def start(fault_point: str, marker: Path, worker_processes: int) -> subprocess.Popen:
        log = open(tmp_path / "serve.log", "ab")  # noqa: SIM115 -- closed with the process
        command = ["serve", "--port", str(_free_port()), "--no-access-log",
                   "--worker-processes", str(worker_processes)]  # fmt: skip
        proc = subprocess.Popen(  # noqa: S603 -- our own manage.py
            [sys.executable, "-m", "umbrella.alarms.tests.fault_worker",
             fault_point, str(marker), "60", *command],
            cwd=settings.BASE_DIR, env=shared_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize("worker_processes", [1, 2], ids=["restarted", "surviving"])
@pytest.mark.parametrize("fault_point", ["after_claim", "in_step", "after_commit"])
def test_kill_9_at_a_step_boundary_steps_exactly_once_within_5_seconds(
    serve_held, tmp_path, fault_point, worker_processes
):
    """Killed at each boundary, the escalation reaches tier 2 exactly once and
    at most 5 s after it was due: taken over by the worker ``serve`` restarts
    (one worker process) or by the other worker (two, the default)."""
    people = make_personas()
    set_up_circle(people)
    marker = tmp_path / "fault-reached"
    serve = serve_held(fault_point, marker, worker_processes)

    def all_beating() -> bool:
        pids = _worker_children(serve.pid)
        beating = WorkerHeartbeat.objects.filter(stopped_at__isnull=True)
        return len(pids) == worker_processes and all(
            beating.filter(process__endswith=f":{pid}").exists() for pid in pids
        )

    # A loaded 2-core machine takes up to a minute to start serve and its workers.
    wait_until(all_beating, 120, "the workers to beat")
    alarm, escalation = escalation_due_soon(people)
    wait_until(lambda: marker.exists() and marker.read_text(), 30, fault_point)
    # Whichever worker reached the boundary first is held there: kill it.
    doomed = int(marker.read_text())
    os.kill(doomed, signal.SIGKILL)

    escalation.refresh_from_db()
    # Claims name the process (host:pid), as the heartbeat row does.
    assert escalation.claimed_by.endswith(f":{doomed}")
    if fault_point == "after_commit":
        assert escalation.done_at is not None and escalations_of(alarm) == (1, 1)
    else:
        assert escalation.done_at is None
        assert escalations_of(alarm) == (0, 0)  # the killed step left nothing behind

    wait_until(
        lambda: Deadline.objects.filter(pk=escalation.pk, done_at__isnull=False).exists(),
        LEASE_SECONDS - 5,
        "another worker to take over, before the lease ends",
    )
    escalation.refresh_from_db()
    if fault_point != "after_commit":
        assert not escalation.claimed_by.endswith(f":{doomed}") and escalation.attempt == 2
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    assert escalations_of(alarm) == (1, 1)
    assert lateness(alarm, escalation) <= MAX_LATENESS_SECONDS
    # Exactly one next step is scheduled: the re-alert of the last tier.
    pending = Deadline.objects.filter(alarm=alarm, done_at__isnull=True)
    assert [d.kind for d in pending] == [DeadlineKind.REALERT]
    time.sleep(1)  # nothing fires twice afterwards
    assert escalations_of(alarm) == (1, 1)
    said = f"The worker (pid {doomed}) exited with code -9; restarted it"
    log = tmp_path / "serve.log"
    wait_until(lambda: said in log.read_text(errors="replace"), 30, "serve's log")


def test_two_workers_never_fire_the_same_step_twice(workers):
    people = make_personas()
    set_up_circle(people)
    alarms = [due_alarm(people) for _ in range(30)]
    pids = {workers.start("one").pid, workers.start("two").pid}
    escalate = Deadline.objects.filter(kind=DeadlineKind.ESCALATE)
    wait_until(
        lambda: not escalate.filter(done_at__isnull=True).exists(),
        120,
        "both workers to process every escalation",
        workers,
    )
    time.sleep(1)
    for alarm in alarms:
        assert escalations_of(alarm) == (1, 1), alarm.pk
    assert set(escalate.values_list("attempt", flat=True)) == {1}
    claimed = {
        int(name.rsplit(":", 1)[1]) for name in escalate.values_list("claimed_by", flat=True)
    }
    assert claimed <= pids
