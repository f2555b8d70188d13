"""Check-in timers: start, done (or the duress PIN), extend, the reminder and expiry.

"Done" after the timer ran out (her circle was told) resolves the check-in's
alarm: her circle hears that she says she is safe (``alarms.safe_by_owner``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umbrella.alarms import events
from umbrella.alarms.actions.alarms import raise_alarm, safe_by_owner
from umbrella.alarms.actions.pins import PinCheck, check_pin
from umbrella.alarms.exceptions import InvalidInput, InvalidState, NotAllowed
from umbrella.alarms.models import (
    Alarm,
    CheckIn,
    CheckInStatus,
    Deadline,
    DeadlineKind,
    IdempotencyKey,
    Source,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
    message: StrOrPromise
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
    """Replace the check-in's pending deadlines: a reminder when due, the expiry after grace."""
    Deadline.objects.filter(checkin=checkin, done_at__isnull=True).update(done_at=now)
    if checkin.due_at > now:
        Deadline.objects.create(
            checkin=checkin,
            kind=DeadlineKind.CHECKIN_REMINDER,
            due_at=checkin.due_at,
            created_at=now,
        )
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
    """Stop the timer. With the duress PIN it looks done but raises a duress alarm silently.

    After the timer ran out, "done" is a late "I'm safe": it resolves the
    check-in's alarm (or, with the duress PIN, lets it go on marked duress).
    Either way it looks the same to her. Repeats change nothing.
    """
    checkin = _lock(checkin)
    if checkin.owner_id != owner.pk:
        raise NotAllowed()
    if checkin.status == CheckInStatus.EXPIRED and checkin.safe_at is None:
        return _safe_after_alarm(checkin, owner, now, pin)
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


def expiry_alarm(checkin: CheckIn) -> Alarm | None:
    """Return the alarm the check-in's expiry raised (not a duress alarm of a "done")."""
    return (
        Alarm.objects.filter(checkin=checkin, source=Source.CHECKIN)
        .select_related("owner", "acknowledged_by")
        .order_by("raised_at", "pk")
        .first()
    )


def _safe_after_alarm(checkin: CheckIn, owner, now: datetime, pin: str | None) -> CheckIn:
    """Record her late "I'm safe" and close (or, under duress, keep) the alarm it raised."""
    duress = check_pin(owner, pin) == PinCheck.DURESS
    checkin.safe_at = now
    checkin.concealed_from_owner = duress
    checkin.save(update_fields=["safe_at", "concealed_from_owner"])
    alarm = expiry_alarm(checkin)
    if alarm is not None and alarm.is_open():
        safe_by_owner(alarm, owner, now, duress=duress)
    elif duress:
        # A responder already closed it: the duress PIN is a new call for help, as in time.
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
def remind_checkin(checkin: CheckIn, now: datetime) -> bool:
    """At the due time, push a reminder to her phone (if she allowed notifications).

    Nothing if she said "done", or extended the timer since this reminder was planned.
    """
    checkin = _lock(checkin)
    if not checkin.is_running() or checkin.due_at > now:
        return False
    events.remind(checkin, now)
    return True


@transaction.atomic
def expire_checkin(checkin: CheckIn, deadline: Deadline, now: datetime) -> bool:
    """Raise the ``checkin`` alarm if the timer ran out (due time plus grace)."""
    checkin = _lock(checkin)
    if not checkin.is_running():
        return False
    if checkin.expires_at() > now:
        # Extended since this deadline was written: make sure the new time is kept.
        pending = Deadline.objects.filter(
            checkin=checkin, kind=DeadlineKind.CHECKIN_EXPIRY, done_at__isnull=True
        )
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
