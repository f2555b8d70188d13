"""Precise locations are erased 30 days after an alarm is closed; the areas stay."""

from datetime import timedelta

from umbrella.alarms import actions
from umbrella.alarms.models import Alarm, AlarmStep, Source, StepKind
from umbrella.alarms.tasks import erase_old_locations


def test_locations_are_erased_30_days_after_resolution(personas, circle, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37, note="n")
    Alarm.objects.filter(pk=alarm.pk).update(nis_code="21014")
    actions.resolve(alarm, personas.responder, "safe", t0 + timedelta(minutes=5))
    resolved = t0 + timedelta(minutes=5)

    assert actions.erase_expired_locations(resolved + timedelta(days=30, seconds=-1)) == 0
    assert actions.erase_expired_locations(resolved + timedelta(days=30)) == 0  # strictly after
    assert erase_old_locations(resolved + timedelta(days=30, seconds=1)) is True
    alarm.refresh_from_db()
    assert (alarm.latitude, alarm.longitude, alarm.accuracy, alarm.note) == (None, None, None, "")
    assert alarm.nis_code == "21014" and alarm.location_erased_at is not None
    # Idempotent: a second run finds nothing.
    assert erase_old_locations(resolved + timedelta(days=31)) is False
    assert AlarmStep.objects.filter(alarm=alarm, kind=StepKind.LOCATION_ERASED).count() == 1


def test_open_alarms_keep_their_location(personas, circle, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37)
    assert actions.erase_expired_locations(t0 + timedelta(days=90)) == 0
    alarm.refresh_from_db()
    assert alarm.latitude == 50.85


def test_cancelled_alarms_are_erased_too(personas, circle, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37)
    actions.cancel(alarm, personas.worker, None, t0)
    assert actions.erase_expired_locations(t0 + timedelta(days=31)) == 1
