"""Check-in timers in time: due time plus grace, one second either side."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from umbrella.alarms import actions, events
from umbrella.alarms.models import Alarm, CheckInStatus, Deadline, DeadlineKind, Source
from umbrella.testing import auth_header

GRACE = 120


def run_due_at(at) -> int:
    """Run the worker at ``at``; return how many expiry and escalation steps it took.

    The reminder at the due time is a step too; its own tests count it
    (test_checkin_states.py), here it is left out.
    """
    steps = Deadline.objects.filter(claimed_by="test", done_at__isnull=False).exclude(
        kind=DeadlineKind.CHECKIN_REMINDER
    )
    before = steps.count()
    with time_machine.travel(at, tick=False):
        while actions.process_due_deadline(timezone.now(), worker="test"):
            pass
    return steps.count() - before


@pytest.fixture
def checkin(personas, circle, published, t0):
    return actions.start_checkin(personas.worker, 30, t0, note="client at hotel X")


def test_expiry_waits_for_the_grace_period(checkin, personas, published, t0):
    expires = t0 + timedelta(minutes=30, seconds=GRACE)
    assert checkin.expires_at() == expires
    assert run_due_at(t0 + timedelta(minutes=30)) == 0  # due, but in grace
    assert run_due_at(expires - timedelta(seconds=1)) == 0
    assert not Alarm.objects.exists()
    assert run_due_at(expires) == 1
    alarm = Alarm.objects.get()
    assert (alarm.source, alarm.owner, alarm.checkin_id) == (
        Source.CHECKIN,
        personas.worker,
        checkin.pk,
    )
    assert alarm.note == "client at hotel X"
    assert published.types() == [events.RAISED]
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.EXPIRED
    assert run_due_at(expires + timedelta(seconds=1)) == 0
    assert Alarm.objects.count() == 1


def test_done_in_time_raises_nothing(checkin, personas, t0):
    actions.checkin_done(checkin, personas.worker, t0 + timedelta(minutes=29))
    assert run_due_at(t0 + timedelta(hours=2)) == 0
    assert not Alarm.objects.exists()


def test_extend_moves_the_expiry(checkin, personas, t0):
    actions.extend_checkin(checkin, personas.worker, 15, t0 + timedelta(minutes=10))
    old_expiry = t0 + timedelta(minutes=30, seconds=GRACE)
    new_expiry = old_expiry + timedelta(minutes=15)
    assert run_due_at(old_expiry) == 0
    assert run_due_at(old_expiry - timedelta(seconds=1)) == 0
    assert run_due_at(old_expiry + timedelta(seconds=1)) == 0
    assert not Alarm.objects.exists()
    assert run_due_at(new_expiry - timedelta(seconds=1)) == 0
    assert not Alarm.objects.exists()
    assert run_due_at(new_expiry) == 1
    assert Alarm.objects.get().source == Source.CHECKIN
    assert run_due_at(new_expiry + timedelta(seconds=1)) == 0
    assert Alarm.objects.count() == 1


def test_one_second_after_an_extended_expiry_the_alarm_is_raised(checkin, personas, t0):
    # A late worker (nothing processed at the new expiry itself) still raises it.
    actions.extend_checkin(checkin, personas.worker, 15, t0 + timedelta(minutes=10))
    new_expiry = t0 + timedelta(minutes=45, seconds=GRACE)
    assert run_due_at(new_expiry - timedelta(seconds=1)) == 0
    assert not Alarm.objects.exists()
    assert run_due_at(new_expiry + timedelta(seconds=1)) == 1
    assert Alarm.objects.get().checkin_id == checkin.pk
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.EXPIRED


def test_the_due_time_itself_only_starts_the_grace(checkin, personas, published, t0):
    due = t0 + timedelta(minutes=30)
    assert checkin.due_at == due
    for at in (due - timedelta(seconds=1), due, due + timedelta(seconds=1)):
        assert run_due_at(at) == 0, at
    assert not Alarm.objects.exists()
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.RUNNING
    grace_end = due + timedelta(seconds=GRACE)
    assert run_due_at(grace_end - timedelta(seconds=1)) == 0
    assert run_due_at(grace_end) == 1
    assert Alarm.objects.count() == 1
    assert run_due_at(grace_end + timedelta(seconds=1)) == 0
    assert published.types() == [events.RAISED]


def test_done_during_the_grace_cancels_the_expiry(checkin, personas, published, t0):
    due = t0 + timedelta(minutes=30)
    grace_end = due + timedelta(seconds=GRACE)
    assert run_due_at(due + timedelta(seconds=1)) == 0
    with time_machine.travel(due + timedelta(seconds=60), tick=False):
        actions.checkin_done(checkin, personas.worker, timezone.now())
    for at in (
        grace_end - timedelta(seconds=1),
        grace_end,
        grace_end + timedelta(seconds=1),
    ):
        assert run_due_at(at) == 0, at
    assert not Alarm.objects.exists()
    assert published.calls == []
    assert not Deadline.objects.filter(checkin=checkin, done_at__isnull=True).exists()
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.DONE


def test_checkin_api(client, personas, circle, t0):
    headers = auth_header(personas.worker)
    created = client.post(
        "/api/v1/checkins", {"minutes": 45, "note": "n"}, content_type="application/json", **headers
    )
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "running" and body["grace_seconds"] == GRACE
    extended = client.post(
        f"/api/v1/checkins/{body['id']}/extend",
        {"minutes": 10},
        content_type="application/json",
        **headers,
    )
    assert extended.status_code == 200 and extended.json()["due_at"] > body["due_at"]
    other = client.post(f"/api/v1/checkins/{body['id']}/done", **auth_header(personas.outsider))
    assert other.status_code == 404
    done = client.post(
        f"/api/v1/checkins/{body['id']}/done", content_type="application/json", **headers
    )
    assert done.json()["status"] == "done"
    late = client.post(
        f"/api/v1/checkins/{body['id']}/extend",
        {"minutes": 10},
        content_type="application/json",
        **headers,
    )
    assert late.status_code == 409 and late.json()["detail"]
