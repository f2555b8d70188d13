"""Retention: precise locations of resolved alarms are erased after 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from umbrella.alarms.models import Alarm, AlarmStep, Status, StepKind

LOCATION_RETENTION = timedelta(days=30)
BATCH = 200


@transaction.atomic
def erase_expired_locations(now: datetime, batch: int = BATCH) -> int:
    """Erase the precise location and note of alarms closed more than 30 days ago.

    Idempotent: an erased alarm has ``location_erased_at`` and is not picked
    again. The coarse areas (municipality, zone, neighbourhood) stay.
    """
    cutoff = now - LOCATION_RETENTION
    closed_before = Alarm.objects.filter(location_erased_at__isnull=True).filter(
        resolved_at__lt=cutoff, status=Status.RESOLVED
    ) | Alarm.objects.filter(
        location_erased_at__isnull=True, cancelled_at__lt=cutoff, status=Status.CANCELLED
    )
    ids = list(closed_before.values_list("pk", flat=True)[:batch])
    if not ids:
        return 0
    Alarm.objects.filter(pk__in=ids).update(
        latitude=None, longitude=None, accuracy=None, note="", location_erased_at=now
    )
    AlarmStep.objects.bulk_create(
        AlarmStep(alarm_id=pk, kind=StepKind.LOCATION_ERASED, at=now) for pk in ids
    )
    return len(ids)
