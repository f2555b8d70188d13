"""The deadline lane sleeps until the next deadline; a new deadline wakes it (real threads).

The lane's rest is made an hour long here: what fires the step is the wake-up
(or, when the wake-up is lost, the bounded sleep), never a short poll. Each
test asserts the order of what happened, not how long it took.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.apps import LOOK_SECONDS
from umbrella.alarms.models import Alarm, Deadline, DeadlineKind, Source
from umbrella.alarms.tasks import deadlines_queued, process_deadlines, seconds_to_next_deadline
from umbrella.alarms.tests.test_faults import set_up_circle
from umbrella.core import wakeup, worker
from umbrella.core.tests.lanes import HOUR, PATIENCE, WatchedLane, wait_until
from umbrella.testing import make_personas

pytestmark = pytest.mark.django_db(transaction=True)


def Watched(rest_seconds: float) -> WatchedLane:
    """The deadline task on a lane of its own, recording each run and each rest."""
    return WatchedLane(process_deadlines, deadlines_queued, seconds_to_next_deadline, rest_seconds)


def _wait_done(deadline: Deadline) -> bool:
    return wait_until(
        lambda: Deadline.objects.filter(pk=deadline.pk, done_at__isnull=False).exists()
    )


def _alarm_far_from_due(people) -> Alarm:
    """An open alarm whose own escalation is an hour away (the lane sleeps toward it)."""
    return actions.raise_alarm(people.worker, Source.APP, timezone.now() + timedelta(hours=1))


def test_a_deadline_written_while_the_lane_sleeps_fires_after_the_wake():
    people = make_personas()
    set_up_circle(people)
    alarm = _alarm_far_from_due(people)
    with Watched(rest_seconds=HOUR) as lane:
        # Asleep toward a deadline an hour (and more) away.
        assert lane.log[-1][0] == "rest" and lane.log[-1][1] > 60
        before = len(lane.log)
        # Written as the actions write deadlines: the commit wakes the lane.
        due = Deadline.objects.create(
            alarm=alarm,
            kind=DeadlineKind.REALERT,
            tier=alarm.current_tier,
            due_at=timezone.now(),
            created_at=timezone.now(),
        )
        assert _wait_done(due), lane.log
    # Woken: it ran (and took the step) before resting again.
    assert ("ran", 1.0) in lane.log[before:]


def test_a_lost_wake_up_costs_at_most_the_bounded_sleep(monkeypatch):
    people = make_personas()
    set_up_circle(people)
    alarm = _alarm_far_from_due(people)
    bound = 0.2
    with Watched(rest_seconds=bound) as lane:
        # The next deadline is an hour away, but the lane rests no longer than its bound.
        assert lane.log[-1][1] > 60
        # Written without a wake-up (as if the hint were lost on its way).
        [due] = Deadline.objects.bulk_create(
            [
                Deadline(
                    alarm=alarm,
                    kind=DeadlineKind.REALERT,
                    tier=alarm.current_tier,
                    due_at=timezone.now(),
                    created_at=timezone.now(),
                )
            ]
        )
        assert not deadlines_queued.is_set()
        assert _wait_done(due), lane.log
    assert ("ran", 1.0) in lane.log


def test_the_beat_stays_fresh_and_healthz_answers_200_while_the_lane_sleeps_long(
    monkeypatch, settings
):
    """A worker asleep for an hour toward its next deadline is not dead."""
    settings.WORKER_TICK_SECONDS = 0.05
    settings.WORKER_HEARTBEAT_MAX_AGE = 1
    people = make_personas()
    set_up_circle(people)
    _alarm_far_from_due(people)
    monkeypatch.setattr(worker, "_TASKS", {})
    monkeypatch.setattr(worker, "autodiscover_modules", lambda *names: None)
    monkeypatch.setattr(worker, "FIRST_RUN_DELAY_SECONDS", 0.0)
    rests = []

    def rest_for(now):
        rests.append(seconds_to_next_deadline(now))
        return rests[-1]

    def deadlines(now):
        return process_deadlines(now)

    worker.periodic_task(deadlines, idle_seconds=HOUR, wake=deadlines_queued, rest_for=rest_for)
    stop = threading.Event()
    answers = []

    def watch():
        client = Client()
        try:
            for _ in range(int(PATIENCE / 0.05)):
                if rests:
                    break
                stop.wait(0.05)
            # Three max ages of readiness checks while the lane sleeps.
            for _ in range(30):
                stop.wait(0.1)
                answers.append(client.get("/healthz").json())
        finally:
            stop.set()
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    worker.run_forever(stop, name="asleep")
    watcher.join()
    # Each time it went to rest, it slept toward the deadline an hour away
    # (a wake-up, such as its listener's start, is not a poll).
    assert rests and all(rest > 60 for rest in rests), rests
    # SQLite's shared in-memory test database may refuse a read under the
    # writer's table lock (database "down"); whenever the database answered,
    # the sleeping worker counted as up.
    up = [answer for answer in answers if answer["database"] == "ok"]
    assert len(up) >= 10, answers
    assert all(answer["worker"] == "ok" for answer in up), answers


def test_only_a_deadline_due_before_the_lanes_next_look_wakes_it():
    """The lane looks again within FALLBACK_SECONDS anyway: a later deadline costs no wake-up."""
    people = make_personas()
    set_up_circle(people)
    deadlines_queued.clear()
    alarm = _alarm_far_from_due(people)  # its escalation deadline is an hour away
    assert not deadlines_queued.is_set()
    after_the_look = wakeup.FALLBACK_SECONDS + LOOK_SECONDS + 30

    def write(due_in: float, **fields) -> Deadline:
        return Deadline.objects.create(
            alarm=alarm,
            kind=DeadlineKind.REALERT,
            tier=alarm.current_tier,
            due_at=timezone.now() + timedelta(seconds=due_in),
            created_at=timezone.now(),
            **fields,
        )

    write(after_the_look)
    write(-1, done_at=timezone.now())  # already done: nothing to take
    assert not deadlines_queued.is_set()
    write(wakeup.FALLBACK_SECONDS - 1)
    assert deadlines_queued.is_set()
