"""Retention (docs/privacy.md): open alarms close after a while, precise data goes later.

- An alarm still raised or acknowledged ``ALARM_AUTO_CLOSE_DAYS`` after it was
  raised (nobody resolved it; a duress "cancel" keeps it open for the
  responders) is closed with status "closed by retention".
- ``ALARM_ERASE_AFTER_DAYS`` after an alarm was resolved, cancelled or closed,
  its precise location, note and outcome are erased, and so is the note of the
  check-in that raised it. A check-in that raised no alarm loses its note as
  long after it ended.

The coarse areas (municipality, zone, neighbourhood) and the timeline stay for
the evaluation statistics. Each function works in batches and is idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from umbrella.alarms import events
from umbrella.alarms.models import (
    Alarm,
    AlarmStep,
    CheckIn,
    Deadline,
    Status,
    StepKind,
)
from umbrella.alarms.models.alarm import OPEN_STATUSES

BATCH = 200


def auto_close_after() -> timedelta:
    return timedelta(days=settings.ALARM_AUTO_CLOSE_DAYS)


def erase_after() -> timedelta:
    return timedelta(days=settings.ALARM_ERASE_AFTER_DAYS)


@transaction.atomic
def close_stale_alarms(now: datetime, batch: int = BATCH) -> int:
    """Close alarms still open ``ALARM_AUTO_CLOSE_DAYS`` after they were raised.

    Strictly after: an alarm raised exactly that long ago stays open until the
    next second. Pending deadlines end; whoever was told sees it closed.
    """
    cutoff = now - auto_close_after()
    alarms = list(
        Alarm.objects.select_for_update(of=("self",))
        .select_related("owner", "device__establishment", "acknowledged_by")
        .filter(status__in=OPEN_STATUSES, raised_at__lt=cutoff)
        .order_by("raised_at")[:batch]
    )
    for alarm in alarms:
        alarm.status = Status.CLOSED
        alarm.closed_at = now
        alarm.save(update_fields=["status", "closed_at"])
        Deadline.objects.filter(alarm=alarm, done_at__isnull=True).update(done_at=now)
        AlarmStep.objects.create(alarm=alarm, kind=StepKind.CLOSED, at=now, tier=alarm.current_tier)
        told = list(alarm.recipients.values_list("user_id", flat=True))
        events.publish(events.RESOLVED, alarm, told, tier=alarm.current_tier, notify_offline=False)
    return len(alarms)


@transaction.atomic
def erase_expired_locations(now: datetime, batch: int = BATCH) -> int:
    """Erase the precise data of alarms closed more than ``ALARM_ERASE_AFTER_DAYS`` ago.

    Location, accuracy, note and outcome of the alarm, and the note of its
    check-in. Idempotent: an erased alarm has ``location_erased_at`` and is not
    picked again.
    """
    cutoff = now - erase_after()
    due = Alarm.objects.filter(location_erased_at__isnull=True).filter(
        Q(status=Status.RESOLVED, resolved_at__lt=cutoff)
        | Q(status=Status.CANCELLED, cancelled_at__lt=cutoff)
        | Q(status=Status.CLOSED, closed_at__lt=cutoff)
    )
    rows = list(due.values_list("pk", "checkin_id")[:batch])
    if not rows:
        return 0
    ids = [pk for pk, _ in rows]
    Alarm.objects.filter(pk__in=ids).update(
        latitude=None, longitude=None, accuracy=None, note="", outcome="", location_erased_at=now
    )
    checkin_ids = {checkin_id for _, checkin_id in rows if checkin_id is not None}
    if checkin_ids:
        CheckIn.objects.filter(pk__in=checkin_ids).exclude(note="").update(note="")
    AlarmStep.objects.bulk_create(
        AlarmStep(alarm_id=pk, kind=StepKind.LOCATION_ERASED, at=now) for pk in ids
    )
    return len(ids)


@transaction.atomic
def erase_checkin_notes(now: datetime, batch: int = BATCH) -> int:
    """Erase the notes of check-ins that ended more than ``ALARM_ERASE_AFTER_DAYS`` ago.

    A check-in whose alarm is still within its retention keeps its note (the
    responders may still need it); that alarm's erasure takes it.
    """
    cutoff = now - erase_after()
    ids = list(
        CheckIn.objects.filter(ended_at__lt=cutoff)
        .exclude(note="")
        .exclude(
            pk__in=Alarm.objects.filter(
                checkin__isnull=False, location_erased_at__isnull=True
            ).values("checkin_id")
        )
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    return CheckIn.objects.filter(pk__in=ids).update(note="")
