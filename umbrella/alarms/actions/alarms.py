"""Raise, acknowledge, resolve, cancel and see an alarm; each in one transaction.

Every function takes ``now`` from its caller (computed once, in Python) and
writes the alarm, its timeline step, its recipients, its deadlines and its
event (``notify.publish``, which fans out only on commit) together: either
all of it happens or none of it does.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from umbrella.alarms import events
from umbrella.alarms.actions.pins import PinCheck, check_pin
from umbrella.alarms.exceptions import InvalidState, NotAllowed
from umbrella.alarms.models import (
    OUTCOME_SAFE_BY_OWNER,
    Alarm,
    AlarmRecipient,
    AlarmStep,
    Deadline,
    DeadlineKind,
    IdempotencyKey,
    Source,
    Status,
    StepKind,
)
from umbrella.alarms.routing import (
    DEVICE_REALERT_SECONDS,
    TierPlan,
    first_reachable,
    realert_interval,
    tier_plans,
)

logger = logging.getLogger(__name__)


def _area_codes(lat: float | None, lon: float | None) -> dict:
    """Return the area codes of the point; never fail: an alarm must not wait for a map."""
    if lat is None or lon is None:
        return {}
    try:
        from umbrella.areas.locate import locate

        where = locate(lat, lon)
    except Exception:
        logger.exception("could not locate an alarm; raising it without area codes")
        return {}
    return {
        "nis_code": where.municipality.nis_code if where.municipality else "",
        "zone_code": where.police_zone.code if where.police_zone else "",
        "neighbourhood_code": where.neighbourhood.code if where.neighbourhood else "",
    }


def _lock(alarm_id: int) -> Alarm:
    """Return the alarm re-read under a row lock (PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers)."""
    return (
        Alarm.objects.select_for_update(of=("self",))
        .select_related("owner", "device__establishment", "acknowledged_by")
        .get(pk=alarm_id)
    )


def _step(alarm: Alarm, kind: str, now: datetime, *, tier=None, actor=None, count=0) -> None:
    AlarmStep.objects.create(
        alarm=alarm, kind=kind, at=now, tier=tier, actor=actor, recipient_count=count
    )


def told_ids(alarm: Alarm) -> list[int]:
    """Return everyone the alarm was routed to so far."""
    return list(AlarmRecipient.objects.filter(alarm=alarm).values_list("user_id", flat=True))


def _tell(alarm: Alarm, plan: TierPlan, now: datetime) -> list[int]:
    """Record that the people of ``plan`` are told (first time only); return everyone
    told so far (``told_ids`` after it, without reading them again)."""
    known = told_ids(alarm)
    seen = set(known)
    new = [pk for pk in dict.fromkeys(plan.user_ids) if pk not in seen]
    AlarmRecipient.objects.bulk_create(
        AlarmRecipient(alarm=alarm, user_id=pk, tier=plan.position, told_at=now) for pk in new
    )
    return known + new


def _close_deadlines(alarm: Alarm, now: datetime) -> None:
    Deadline.objects.filter(alarm=alarm, done_at__isnull=True).update(done_at=now)


def schedule_next(alarm: Alarm, plans: list[TierPlan], base: datetime, now: datetime) -> Deadline:
    """Create the alarm's next deadline: escalate if a later tier reaches someone,
    else alert the current tier again. ``base`` is when the previous step was due,
    so delays do not drift with the worker's latency."""
    current = next((p for p in plans if p.position == alarm.current_tier), None)
    later = first_reachable(plans, after=alarm.current_tier)
    if current is None:
        # Nobody could be reached (empty rota, no circle yet): look again soon,
        # someone may come on duty. The owner still sees her alarm and 112.
        kind, delay = DeadlineKind.REALERT, DEVICE_REALERT_SECONDS
    elif later is not None:
        kind, delay = DeadlineKind.ESCALATE, current.delay_seconds
    else:
        kind, delay = DeadlineKind.REALERT, realert_interval(current)
    due = base + timedelta(seconds=delay)
    if due <= now:
        # The step ran late (the worker was down): count from now, so a late
        # worker does not fire a burst of catch-up alerts.
        due = now + timedelta(seconds=delay)
    return Deadline.objects.create(
        alarm=alarm, kind=kind, tier=alarm.current_tier, due_at=due, created_at=now
    )


@transaction.atomic
def raise_alarm(
    owner,
    source: str,
    now: datetime,
    *,
    lat: float | None = None,
    lon: float | None = None,
    accuracy: float | None = None,
    note: str = "",
    device=None,
    checkin=None,
    duress: bool = False,
    is_test: bool = False,
    concealed: bool = False,
    idempotency_key: IdempotencyKey | None = None,
) -> Alarm:
    """Raise an alarm: the alarm, tier 1's deliveries and the first deadline, in one commit."""
    alarm = Alarm.objects.create(
        owner=owner,
        source=Source.DURESS if duress else source,
        status=Status.RAISED,
        is_test=is_test,
        is_duress=duress,
        concealed_from_owner=concealed,
        raised_at=now,
        device=device,
        checkin=checkin,
        latitude=lat,
        longitude=lon,
        accuracy=accuracy,
        note=note or "",
        **_area_codes(lat, lon),
    )
    if idempotency_key is not None:
        IdempotencyKey.objects.filter(pk=idempotency_key.pk).update(alarm=alarm)
    plans = tier_plans(alarm, now)
    first = first_reachable(plans)
    if first is not None:
        alarm.current_tier = first.position
        alarm.save(update_fields=["current_tier"])
        _tell(alarm, first, now)
    recipients = first.user_ids if first else ()
    _step(alarm, StepKind.RAISED, now, tier=alarm.current_tier, actor=owner, count=len(recipients))
    if duress:
        _step(alarm, StepKind.DURESS, now, tier=alarm.current_tier, actor=owner)
    schedule_next(alarm, plans, now, now)
    # Publish last: notify serialises event commits from here on.
    events.publish(
        events.RAISED, alarm, recipients, tier=alarm.current_tier, extra={"duress": duress}
    )
    return alarm


# No savepoint: the step's own transaction (escalation.take_step) holds it,
# and a failure anywhere in it rolls the whole step back (two round trips
# less on PostgreSQL).
@transaction.atomic(savepoint=False)
def escalate_or_realert(alarm_id: int, deadline: Deadline, now: datetime) -> bool:
    """Take an escalation deadline's step; return whether anyone was alerted.

    A deadline for a tier the alarm has left, or for an alarm someone took,
    is stale and does nothing.
    """
    alarm = _lock(alarm_id)
    if alarm.status != Status.RAISED or deadline.tier != alarm.current_tier:
        return False
    plans = tier_plans(alarm, now)
    later = first_reachable(plans, after=alarm.current_tier)
    base = deadline.due_at
    if later is not None:
        alarm.current_tier = later.position
        alarm.save(update_fields=["current_tier"])
        recipients = _tell(alarm, later, now)
        _step(alarm, StepKind.ESCALATED, now, tier=later.position, count=len(later.user_ids))
        schedule_next(alarm, plans, base, now)
        events.publish(events.ESCALATED, alarm, recipients, tier=later.position)
    else:
        current = next((p for p in plans if p.position == alarm.current_tier), None)
        recipients = list(current.user_ids) if current else []
        schedule_next(alarm, plans, base, now)
        if current is not None:
            _tell(alarm, current, now)
            _step(alarm, StepKind.REALERTED, now, tier=current.position, count=len(recipients))
            events.publish(
                events.ESCALATED, alarm, recipients, tier=current.position, extra={"realert": True}
            )
    return bool(recipients)


def _require_recipient(alarm: Alarm, user) -> AlarmRecipient:
    recipient = AlarmRecipient.objects.filter(alarm=alarm, user=user).first()
    if recipient is None:
        # Only someone who may see the alarm gets here (the API answers 404
        # to anyone else): its owner, who cannot take her own alarm.
        raise NotAllowed(_("Only the people this alarm was sent to can do this."))
    return recipient


@transaction.atomic
def acknowledge(alarm: Alarm, responder, now: datetime) -> Alarm:
    """Take the alarm ("I'm on it"). The first acknowledgement stops escalation;
    later ones (and repeats) change nothing."""
    alarm = _lock(alarm.pk)
    recipient = _require_recipient(alarm, responder)
    if recipient.seen_at is None:
        recipient.seen_at = now
        recipient.save(update_fields=["seen_at"])
    if alarm.status != Status.RAISED:
        return alarm
    alarm.status = Status.ACKNOWLEDGED
    alarm.acknowledged_at = now
    alarm.acknowledged_by = responder
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _close_deadlines(alarm, now)
    _step(alarm, StepKind.ACKNOWLEDGED, now, tier=alarm.current_tier, actor=responder)
    events.publish(
        events.ACKNOWLEDGED, alarm, told_ids(alarm), tier=alarm.current_tier, notify_offline=False
    )
    return alarm


@transaction.atomic
def resolve(alarm: Alarm, user, outcome: str, now: datetime) -> Alarm:
    """Close the alarm with what happened. Resolving twice keeps the first outcome."""
    alarm = _lock(alarm.pk)
    _require_recipient(alarm, user)
    if alarm.status not in (Status.RAISED, Status.ACKNOWLEDGED):
        return alarm
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = now
        alarm.acknowledged_by = user
    alarm.status = Status.RESOLVED
    alarm.resolved_at = now
    alarm.resolved_by = user
    alarm.outcome = outcome
    alarm.save(
        update_fields=[
            "status",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "outcome",
        ]
    )
    _close_deadlines(alarm, now)
    _step(alarm, StepKind.RESOLVED, now, tier=alarm.current_tier, actor=user)
    events.publish(
        events.RESOLVED, alarm, told_ids(alarm), tier=alarm.current_tier, notify_offline=False
    )
    return alarm


@transaction.atomic
def cancel(alarm: Alarm, owner, pin: str | None, now: datetime) -> Alarm:
    """Let the owner call off her alarm.

    With her duress PIN it looks exactly like a cancel to her (the caller
    shows ``alarm.status_for(owner)``), but the alarm goes on, marked duress,
    and everyone told so far hears of it.
    """
    alarm = _lock(alarm.pk)
    if alarm.owner_id is None or alarm.owner_id != owner.pk:
        raise NotAllowed(_("Only the person who raised this alarm can cancel it."))
    if alarm.concealed_from_owner or alarm.status not in (Status.RAISED, Status.ACKNOWLEDGED):
        return alarm
    if check_pin(owner, pin) == PinCheck.DURESS:
        return _go_on_under_duress(alarm, owner, now)
    alarm.status = Status.CANCELLED
    alarm.cancelled_at = now
    alarm.save(update_fields=["status", "cancelled_at"])
    _close_deadlines(alarm, now)
    _step(alarm, StepKind.CANCELLED, now, tier=alarm.current_tier, actor=owner)
    events.publish(
        events.CANCELLED, alarm, told_ids(alarm), tier=alarm.current_tier, notify_offline=False
    )
    return alarm


def _go_on_under_duress(alarm: Alarm, owner, now: datetime) -> Alarm:
    """Mark the (locked) alarm duress and hide it from her; escalation goes on.

    Everyone told so far hears of the duress; her stream stays quiet.
    """
    alarm.is_duress = True
    alarm.concealed_from_owner = True
    alarm.save(update_fields=["is_duress", "concealed_from_owner"])
    _step(alarm, StepKind.DURESS, now, tier=alarm.current_tier, actor=owner)
    events.publish(
        events.ESCALATED,
        alarm,
        told_ids(alarm),
        tier=alarm.current_tier,
        extra={"duress": True},
    )
    return alarm


@transaction.atomic
def safe_by_owner(alarm: Alarm, owner, now: datetime, *, duress: bool = False) -> Alarm:
    """She says she is safe after her check-in's alarm went out: resolve it, and tell
    everyone told so far, live and by push/SMS ("she says she is safe").

    With her duress PIN (``duress``) it only looks so to her: the alarm goes
    on, marked duress. An alarm already closed, or already under duress,
    stays as it is (a repeat changes nothing).
    """
    alarm = _lock(alarm.pk)
    if alarm.owner_id is None or alarm.owner_id != owner.pk:
        raise NotAllowed(_("Only the person who raised this alarm can say she is safe."))
    if alarm.concealed_from_owner or not alarm.is_open():
        return alarm
    if duress:
        return _go_on_under_duress(alarm, owner, now)
    alarm.status = Status.RESOLVED
    alarm.resolved_at = now
    alarm.resolved_by = owner
    alarm.outcome = OUTCOME_SAFE_BY_OWNER
    # acknowledged_at stays empty when nobody took it: the time to the first
    # acknowledgement is the evaluation's headline figure, and she is not a responder.
    alarm.save(update_fields=["status", "resolved_at", "resolved_by", "outcome"])
    _close_deadlines(alarm, now)
    _step(alarm, StepKind.RESOLVED, now, tier=alarm.current_tier, actor=owner)
    # notify_offline: unlike a responder's resolution, the people still on
    # their way must hear it wherever they are.
    events.publish(
        events.RESOLVED,
        alarm,
        told_ids(alarm),
        tier=alarm.current_tier,
        extra={"safe_by_owner": True},
    )
    return alarm


@transaction.atomic
def mark_seen(alarm: Alarm, user, now: datetime) -> datetime:
    """Record that a responder opened the alarm (the owner sees who has); return when she first did.

    Opening it again keeps the first time.
    """
    recipient = _require_recipient(alarm, user)
    if recipient.seen_at is not None:
        return recipient.seen_at
    recipient.seen_at = now
    recipient.save(update_fields=["seen_at"])
    return now


def refuse_closed(alarm: Alarm) -> None:
    if not alarm.is_open():
        raise InvalidState(_("This alarm is already closed."))
