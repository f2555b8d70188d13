"""Check-in timers in time: due time plus grace, one second either side."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from umbrella.alarms import actions, events
from umbrella.alarms.models import Alarm, CheckInStatus, Source
from umbrella.testing import auth_header

GRACE = 120


def run_due_at(at) -> int:
    count = 0
    with time_machine.travel(at, tick=False):
        while actions.process_due_deadline(timezone.now(), worker="test"):
            count += 1
    return count


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
    assert run_due_at(new_expiry - timedelta(seconds=1)) == 0
    assert run_due_at(new_expiry) == 1
    assert Alarm.objects.get().source == Source.CHECKIN


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
