"""Two sleeping worker processes woken by the same deadlines never fire a step twice.

Both workers sleep until the next deadline (alarms/tasks.py) and both are
woken by each new deadline (core/wakeup.py), so they reach for every due
step at the same instant: the claim alone decides who takes it. Real
processes (``manage.py worker``) on the test's database, as in
test_faults.py, whose fixtures this module shares.
"""

from __future__ import annotations

import time

import pytest

from umbrella.alarms.models import Deadline, DeadlineKind
from umbrella.alarms.tests.test_faults import (  # noqa: F401 -- pytest fixtures
    escalation_due_soon,
    escalations_of,
    set_up_circle,
    shared_env,
    sqlite_template,
    wait_until,
    workers,
)
from umbrella.core.models import WorkerHeartbeat
from umbrella.testing import make_personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sleeping_workers_woken_together_take_each_step_once(workers):  # noqa: F811
    people = make_personas()
    set_up_circle(people)
    pids = {workers.start("sleeper-one").pid, workers.start("sleeper-two").pid}
    wait_until(
        lambda: (
            WorkerHeartbeat.objects.filter(
                name__in=["sleeper-one", "sleeper-two"], stopped_at__isnull=True
            ).count()
            == 2
        ),
        60,
        "both workers to beat",
        workers,
    )
    # Written while both sleep, from this process: each new deadline wakes
    # both, and both sleep until the same due times.
    alarms = [escalation_due_soon(people, seconds=3)[0] for _ in range(20)]
    escalate = Deadline.objects.filter(kind=DeadlineKind.ESCALATE, alarm__in=alarms)
    wait_until(
        lambda: not escalate.filter(done_at__isnull=True).exists(),
        120,
        "the workers to take every escalation",
        workers,
    )
    time.sleep(1)  # a second claim, were there one, would land now
    for alarm in alarms:
        assert escalations_of(alarm) == (1, 1), alarm.pk
    assert set(escalate.values_list("attempt", flat=True)) == {1}
    claimed = {
        int(name.rsplit(":", 1)[1]) for name in escalate.values_list("claimed_by", flat=True)
    }
    assert claimed <= pids
