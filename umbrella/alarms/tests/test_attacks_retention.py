"""Issue 15, finding 9: no alarm keeps her precise data for ever.

Before the fix an alarm acknowledged but never resolved, or "cancelled" with
the duress PIN (which keeps it open for the responders), kept its location
and note for ever, and the outcome text and check-in notes were never erased.
Now every alarm closes ALARM_AUTO_CLOSE_DAYS (7) after it was raised, marked
"closed by retention", and its precise data goes ALARM_ERASE_AFTER_DAYS (30)
after it closed. Boundaries with time_machine (tick=False), one second either
side.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.models import (
    Alarm,
    AlarmStep,
    CheckIn,
    Deadline,
    Source,
    Status,
    StepKind,
)
from umbrella.alarms.tasks import erase_old_locations

WEEK = timedelta(days=7)
MONTH = timedelta(days=30)
SECOND = timedelta(seconds=1)


def run_retention(at) -> bool:
    """Run the worker's retention task at ``at`` until it has nothing left to do."""
    did = False
    with time_machine.travel(at, tick=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            while erase_old_locations(timezone.now()):
                did = True
    return did


def precise(alarm: Alarm) -> tuple:
    alarm.refresh_from_db()
    return (alarm.latitude, alarm.longitude, alarm.accuracy, alarm.note, alarm.outcome)


@pytest.fixture
def acknowledged(personas, circle, published, t0):
    alarm = actions.raise_alarm(
        personas.worker, Source.APP, t0, lat=50.85, lon=4.37, accuracy=12, note="room 7"
    )
    actions.acknowledge(alarm, personas.responder, t0 + timedelta(minutes=1))
    return alarm


def test_an_acknowledged_alarm_closes_strictly_after_seven_days(acknowledged, t0):
    assert not run_retention(t0 + WEEK - SECOND)
    assert Alarm.objects.get(pk=acknowledged.pk).status == Status.ACKNOWLEDGED
    assert not run_retention(t0 + WEEK)
    assert Alarm.objects.get(pk=acknowledged.pk).status == Status.ACKNOWLEDGED

    assert run_retention(t0 + WEEK + SECOND)
    alarm = Alarm.objects.get(pk=acknowledged.pk)
    assert alarm.status == Status.CLOSED
    assert alarm.get_status_display() == "Closed by retention"
    assert alarm.closed_at == t0 + WEEK + SECOND
    assert AlarmStep.objects.filter(alarm=alarm, kind=StepKind.CLOSED).count() == 1
    assert not Deadline.objects.filter(alarm=alarm, done_at__isnull=True).exists()
    # Closing keeps the data for the responders' follow-up until the erasure.
    assert precise(alarm)[:4] == (50.85, 4.37, 12, "room 7")


def test_a_closed_alarm_loses_its_precise_data_30_days_later(acknowledged, t0):
    closed = t0 + WEEK + SECOND
    run_retention(closed)
    assert not run_retention(closed + MONTH - SECOND)
    assert not run_retention(closed + MONTH)
    assert precise(acknowledged)[0] == 50.85

    assert run_retention(closed + MONTH + SECOND)
    assert precise(acknowledged) == (None, None, None, "", "")
    alarm = Alarm.objects.get(pk=acknowledged.pk)
    assert alarm.location_erased_at == closed + MONTH + SECOND
    assert alarm.status == Status.CLOSED
    # Idempotent: nothing more to do, one erasure step.
    assert not run_retention(closed + MONTH * 2)
    assert AlarmStep.objects.filter(alarm=alarm, kind=StepKind.LOCATION_ERASED).count() == 1


def test_a_duress_cancelled_alarm_closes_and_is_erased(personas, circle, published, t0):
    actions.set_duress_pin(personas.worker, "9999", t0)
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37, note="x")
    actions.cancel(alarm, personas.worker, "9999", t0 + SECOND)
    alarm.refresh_from_db()
    assert alarm.is_open() and alarm.concealed_from_owner

    run_retention(t0 + WEEK + SECOND)
    alarm.refresh_from_db()
    assert alarm.status == Status.CLOSED
    # Her own screens still say "cancelled", as they did since the duress PIN.
    assert alarm.status_for(personas.worker) == Status.CANCELLED
    assert alarm.status_for(personas.responder) == Status.CLOSED

    run_retention(t0 + WEEK + SECOND + MONTH + SECOND)
    assert precise(alarm) == (None, None, None, "", "")


def test_the_outcome_text_is_erased_with_the_location(personas, circle, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37)
    actions.resolve(alarm, personas.responder, "she went home with Ana", t0 + SECOND)
    run_retention(t0 + SECOND + MONTH)
    assert precise(alarm)[4] == "she went home with Ana"
    run_retention(t0 + SECOND + MONTH + SECOND)
    assert precise(alarm) == (None, None, None, "", "")


def test_the_checkin_note_is_erased_with_its_alarm(personas, circle, published, t0):
    checkin = actions.start_checkin(personas.worker, 30, t0, note="hotel X, room 12")
    expired = checkin.expires_at() + SECOND
    with time_machine.travel(expired, tick=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            while actions.process_due_deadline(timezone.now(), worker="test"):
                pass
    alarm = actions.expiry_alarm(CheckIn.objects.get(pk=checkin.pk))
    assert alarm is not None and alarm.note == "hotel X, room 12"

    closed = alarm.raised_at + WEEK + SECOND
    run_retention(closed)
    run_retention(closed + MONTH)
    assert CheckIn.objects.get(pk=checkin.pk).note == "hotel X, room 12"
    run_retention(closed + MONTH + SECOND)
    assert CheckIn.objects.get(pk=checkin.pk).note == ""
    assert precise(alarm) == (None, None, None, "", "")


def test_a_checkin_without_alarm_loses_its_note(personas, circle, published, t0):
    checkin = actions.start_checkin(personas.worker, 30, t0, note="client from the bar")
    actions.checkin_done(checkin, personas.worker, t0 + timedelta(minutes=10))
    ended = t0 + timedelta(minutes=10)
    run_retention(ended + MONTH)
    assert CheckIn.objects.get(pk=checkin.pk).note == "client from the bar"
    run_retention(ended + MONTH + SECOND)
    assert CheckIn.objects.get(pk=checkin.pk).note == ""


def test_the_delays_come_from_the_settings(acknowledged, t0, settings):
    settings.ALARM_AUTO_CLOSE_DAYS = 2
    settings.ALARM_ERASE_AFTER_DAYS = 3
    run_retention(t0 + timedelta(days=2) + SECOND)
    assert Alarm.objects.get(pk=acknowledged.pk).status == Status.CLOSED
    run_retention(t0 + timedelta(days=5) + 2 * SECOND)
    assert precise(acknowledged) == (None, None, None, "", "")


def test_batches_leave_nothing_behind(personas, circle, published, t0):
    alarms = [
        actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37, note=str(n))
        for n in range(5)
    ]
    later = t0 + WEEK + SECOND
    assert actions.close_stale_alarms(later, batch=2) == 2
    run_retention(later)
    assert set(
        Alarm.objects.filter(pk__in=[a.pk for a in alarms]).values_list("status", flat=True)
    ) == {Status.CLOSED}
    run_retention(later + MONTH + SECOND)
    assert all(precise(alarm) == (None, None, None, "", "") for alarm in alarms)
