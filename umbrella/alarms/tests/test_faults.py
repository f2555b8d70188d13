"""Fault tests with real worker processes: kill -9 mid-step, and two workers at once.

The workers (``manage.py alarm_worker``) must reach the database this test
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
from umbrella.notify.models import Event
from umbrella.testing import make_personas

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_SECONDS = 1
TIER1_DELAY = 60


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
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ALARM_FAULT") and key != "DATABASE_URL"
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

    def start(self, name: str, **extra_env) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 -- closed with the process
        proc = subprocess.Popen(  # noqa: S603 -- our own manage.py
            [sys.executable, "manage.py", "alarm_worker", "--name", name],
            cwd=settings.BASE_DIR,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
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
        logs = "\n".join(workers.log(p.args[4])[-2000:] for p in workers.procs)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def due_alarm(people) -> Alarm:
    """Raise an alarm whose tier-1 delay has just run out: its escalation is due now."""
    return actions.raise_alarm(
        people.worker, Source.APP, timezone.now() - timedelta(seconds=TIER1_DELAY)
    )


def set_up_circle(people):
    from umbrella.accounts.models import Organisation

    outreach = Organisation.objects.get(name="Outreach organisation (test)")
    actions.set_circle(
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


@pytest.mark.parametrize("fault_point", ["after_claim", "in_step"])
def test_kill_9_mid_escalation_then_restart_steps_exactly_once(workers, tmp_path, fault_point):
    people = make_personas()
    set_up_circle(people)
    alarm = due_alarm(people)
    escalation = Deadline.objects.get(alarm=alarm, kind=DeadlineKind.ESCALATE)
    marker = tmp_path / "fault-reached"

    doomed = workers.start(
        "doomed",
        ALARM_FAULT_POINT=fault_point,
        ALARM_FAULT_FILE=str(marker),
        ALARM_FAULT_SLEEP="30",
    )
    wait_until(marker.exists, 30, f"the worker to reach {fault_point}", workers)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)

    escalation.refresh_from_db()
    # Claims name the process (host:pid), as /healthz names workers.
    assert escalation.claimed_by.endswith(f":{doomed.pid}") and escalation.done_at is None
    assert escalations_of(alarm) == (0, 0)  # the killed step left nothing behind

    survivor = workers.start("survivor")
    wait_until(
        lambda: Deadline.objects.filter(pk=escalation.pk, done_at__isnull=False).exists(),
        30,
        "the survivor to take over after the lease",
        workers,
    )
    escalation.refresh_from_db()
    assert escalation.claimed_by.endswith(f":{survivor.pid}") and escalation.attempt == 2
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    assert escalations_of(alarm) == (1, 1)
    # Exactly one next step is scheduled: the re-alert of the last tier.
    pending = Deadline.objects.filter(alarm=alarm, done_at__isnull=True)
    assert [d.kind for d in pending] == [DeadlineKind.REALERT]
    time.sleep(LEASE_SECONDS + 0.5)  # nothing fires twice after another lease
    assert escalations_of(alarm) == (1, 1)


def test_two_workers_never_fire_the_same_step_twice(workers):
    people = make_personas()
    set_up_circle(people)
    alarms = [due_alarm(people) for _ in range(30)]
    pids = {workers.start("one").pid, workers.start("two").pid}
    escalate = Deadline.objects.filter(kind=DeadlineKind.ESCALATE)
    wait_until(
        lambda: not escalate.filter(done_at__isnull=True).exists(),
        60,
        "both workers to process every escalation",
        workers,
    )
    time.sleep(LEASE_SECONDS + 0.5)
    for alarm in alarms:
        assert escalations_of(alarm) == (1, 1), alarm.pk
    assert set(escalate.values_list("attempt", flat=True)) == {1}
    claimed = {
        int(name.rsplit(":", 1)[1]) for name in escalate.values_list("claimed_by", flat=True)
    }
    assert claimed <= pids
