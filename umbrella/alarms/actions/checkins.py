"""Check-in timers: start, done (or the duress PIN), extend, and expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umbrella.alarms.actions.alarms import raise_alarm
from umbrella.alarms.actions.pins import PinCheck, check_pin
from umbrella.alarms.exceptions import InvalidInput, InvalidState, NotAllowed
from umbrella.alarms.models import (
    CheckIn,
    CheckInStatus,
    Deadline,
    DeadlineKind,
    IdempotencyKey,
    Source,
)

MIN_MINUTES = 1
MAX_MINUTES = 24 * 60
DEFAULT_GRACE_SECONDS = 120


def _lock(checkin: CheckIn) -> CheckIn:
    return (
        CheckIn.objects.select_for_update(of=("self",)).select_related("owner").get(pk=checkin.pk)
    )


def _check_minutes(minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            _("Choose between %(min)s and %(max)s minutes.")
            % {"min": MIN_MINUTES, "max": MAX_MINUTES},
            field="data.minutes",
        )


def _too_far_ahead(base: datetime, now: datetime) -> InvalidInput:
    """Return the refusal of an extension past 24 hours, saying how much is left."""
    left = int((now + timedelta(minutes=MAX_MINUTES) - base).total_seconds() // 60)
    if left < MIN_MINUTES:
        message = _(
            "This check-in already ends 24 hours from now: it cannot be extended any further."
        )
    else:
        message = ngettext(
            "A check-in can end at most 24 hours from now: extend it by at most %(max)s minute.",
            "A check-in can end at most 24 hours from now: extend it by at most %(max)s minutes.",
            left,
        ) % {"max": left}
    return InvalidInput(message, field="data.minutes")


def _schedule_expiry(checkin: CheckIn, now: datetime) -> Deadline:
    Deadline.objects.filter(checkin=checkin, done_at__isnull=True).update(done_at=now)
    return Deadline.objects.create(
        checkin=checkin,
        kind=DeadlineKind.CHECKIN_EXPIRY,
        due_at=checkin.expires_at(),
        created_at=now,
    )


@transaction.atomic
def start_checkin(
    owner,
    minutes: int,
    now: datetime,
    *,
    note: str = "",
    grace_seconds=DEFAULT_GRACE_SECONDS,
    idempotency_key: IdempotencyKey | None = None,
) -> CheckIn:
    """Start a timer: unless she says "done" within ``minutes`` (plus grace), an alarm is raised."""
    _check_minutes(minutes)
    checkin = CheckIn.objects.create(
        owner=owner,
        started_at=now,
        due_at=now + timedelta(minutes=minutes),
        grace_seconds=grace_seconds,
        note=note or "",
    )
    if idempotency_key is not None:
        IdempotencyKey.objects.filter(pk=idempotency_key.pk).update(checkin=checkin)
    _schedule_expiry(checkin, now)
    return checkin


@transaction.atomic
def checkin_done(checkin: CheckIn, owner, now: datetime, pin: str | None = None) -> CheckIn:
    """Stop the timer. With the duress PIN it looks done but raises a duress alarm silently."""
    checkin = _lock(checkin)
    if checkin.owner_id != owner.pk:
        raise NotAllowed()
    if not checkin.is_running():
        return checkin
    checkin.status = CheckInStatus.DONE
    checkin.ended_at = now
    duress = check_pin(owner, pin) == PinCheck.DURESS
    checkin.concealed_from_owner = duress
    checkin.save(update_fields=["status", "ended_at", "concealed_from_owner"])
    Deadline.objects.filter(checkin=checkin, done_at__isnull=True).update(done_at=now)
    if duress:
        raise_alarm(
            owner,
            Source.DURESS,
            now,
            note=checkin.note,
            checkin=checkin,
            duress=True,
            concealed=True,
        )
    return checkin


@transaction.atomic
def extend_checkin(checkin: CheckIn, owner, minutes: int, now: datetime) -> CheckIn:
    """Give the timer ``minutes`` more, counted from its due time (or from now if past)."""
    _check_minutes(minutes)
    checkin = _lock(checkin)
    if checkin.owner_id != owner.pk:
        raise NotAllowed()
    if not checkin.is_running():
        raise InvalidState(_("This check-in has ended; start a new one."))
    base = max(checkin.due_at, now)
    due = base + timedelta(minutes=minutes)
    if due - now > timedelta(minutes=MAX_MINUTES):
        raise _too_far_ahead(base, now)
    checkin.due_at = due
    checkin.save(update_fields=["due_at"])
    _schedule_expiry(checkin, now)
    return checkin


@transaction.atomic
def expire_checkin(checkin: CheckIn, deadline: Deadline, now: datetime) -> bool:
    """Raise the ``checkin`` alarm if the timer ran out (due time plus grace)."""
    checkin = _lock(checkin)
    if not checkin.is_running():
        return False
    if checkin.expires_at() > now:
        # Extended since this deadline was written: make sure the new time is kept.
        pending = Deadline.objects.filter(checkin=checkin, done_at__isnull=True)
        if not pending.exclude(pk=deadline.pk).exists():
            Deadline.objects.create(
                checkin=checkin,
                kind=DeadlineKind.CHECKIN_EXPIRY,
                due_at=checkin.expires_at(),
                created_at=now,
            )
        return False
    checkin.status = CheckInStatus.EXPIRED
    checkin.ended_at = now
    checkin.save(update_fields=["status", "ended_at"])
    raise_alarm(checkin.owner, Source.CHECKIN, now, note=checkin.note, checkin=checkin)
    return True
