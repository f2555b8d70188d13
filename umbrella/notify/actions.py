"""Functions that change notify's state, each in one transaction.

``publish`` is the interface the alarms app calls (see docs/notify.md); the
others serve the push/contact API and the delivery worker.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

from umbrella.core.worker import on_lane, worker_name
from umbrella.notify import fanout
from umbrella.notify.models import (
    DELIVERIES,
    Channel,
    CodeSent,
    ContactKind,
    ContactPoint,
    Delivery,
    DeliveryStatus,
    Event,
    EventRecipient,
    EventType,
    PushSubscription,
)

if TYPE_CHECKING:
    from umbrella.notify.tasks import Pump

logger = logging.getLogger(__name__)

# Arbitrary but fixed: the key of the PostgreSQL advisory lock that orders
# event inserts ("umbr" in ASCII). Every process must use the same number.
EVENT_ORDER_LOCK = 0x756D6272
CONTACT_CODE_ATTEMPTS = 5
# Events that call people to an alarm, and events after which nobody needs
# calling any more: queued calls (first attempts and retries) then stop.
CALLING_EVENTS = (EventType.RAISED, EventType.ESCALATED)
CLOSING_EVENTS = (EventType.ACKNOWLEDGED, EventType.RESOLVED, EventType.CANCELLED)
SUPERSEDED_ERROR = "not sent: the alarm was {event} first"
CONTACT_CHANNELS: dict[str, Channel] = {
    ContactKind.SMS: Channel.SMS,
    ContactKind.VOICE: Channel.VOICE,
    ContactKind.EMAIL: Channel.EMAIL,
}


# --- Events -----------------------------------------------------------------


def _serialise_event_ids() -> None:
    """Make events commit in id order, so that "id > N" replay never misses one.

    A sequence hands out ids at INSERT time, but transactions commit in any
    order: if event 11 committed before event 10, a client that received 11
    would reconnect with Last-Event-ID 11 and never get 10, and the stream's
    database poll would step past it. A transaction-scoped advisory lock taken
    before the INSERT and held until COMMIT/ROLLBACK makes id order and commit
    order the same. The price: alarm transactions that publish queue behind
    each other from this point, so callers publish as their last write.
    SQLite needs nothing: its writers are already serialised (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVENT_ORDER_LOCK])


def _json_safe(payload: dict) -> dict:
    # The payload travels through JSONField and msgpack (channels_redis):
    # normalise datetimes, decimals and UUIDs to JSON types once, here.
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


# No savepoint: a caller publishes as its last write inside its own
# transaction, which a failure here rolls back whole (the alarm's step or
# change with it); two round trips less on the alarm path (issue 18).
@transaction.atomic(savepoint=False)
def publish(
    event_type: str,
    *,
    alarm_id: int,
    owner_id: int | None,
    payload: dict,
    recipient_ids: list[int],
    tier: int,
    notify_offline: bool = True,
) -> Event:
    """Store one event with its recipients in the caller's transaction; fan it out on commit.

    With ``notify_offline``, also queue one delivery per recipient and per
    channel they have (each push subscription, each verified contact point).
    The owner never gets offline deliveries for her own alarm; she reads her
    alarm's events on the stream.
    """
    if event_type not in EventType.values:
        raise ValueError(f"unknown event type {event_type!r}")
    if not isinstance(payload.get("alarm"), dict) or "tier" not in payload:
        raise ValueError("payload must contain 'alarm' and 'tier'")
    payload = _json_safe(payload)
    recipients = list(dict.fromkeys(int(pk) for pk in recipient_ids))

    _serialise_event_ids()
    event = Event.objects.create(
        event_type=event_type, alarm_id=alarm_id, owner_id=owner_id, tier=tier, payload=payload
    )
    EventRecipient.objects.bulk_create(
        [EventRecipient(event=event, user_id=user_id) for user_id in recipients]
    )
    if event_type in CLOSING_EVENTS:
        _supersede_calls(event)
    if notify_offline:
        _queue_deliveries(event, [pk for pk in recipients if pk != owner_id])

    message = fanout.event_message(
        event.id, event_type, owner_id=owner_id, recipient_ids=recipients, payload=payload
    )
    # robust: the alarm is committed whatever happens to the broadcast; the
    # streams' database poll catches up if the channel layer is down.
    transaction.on_commit(partial(fanout.broadcast, message), robust=True)
    return event


def _supersede_calls(closing: Event) -> int:
    """Stop the queued calls of the alarm's earlier raised/escalated events.

    Runs in the transaction of the acknowledgement (or resolution or
    cancellation): once it commits, no worker claims those rows any more.
    Each row stays, marked ``superseded``; the closing event itself still
    goes out.
    """
    return Delivery.objects.filter(
        event__alarm_id=closing.alarm_id,
        event__event_type__in=CALLING_EVENTS,
        event_id__lt=closing.id,
        status=DeliveryStatus.QUEUED,
    ).update(
        status=DeliveryStatus.SUPERSEDED,
        error=SUPERSEDED_ERROR.format(event=closing.event_type.removeprefix("alarm.")),
        lease_until=None,
    )


def is_superseded(delivery: Delivery) -> bool:
    """Answer whether the alarm of a call was taken after it was published."""
    event = delivery.event
    return event.event_type in CALLING_EVENTS and (
        Event.objects.filter(
            alarm_id=event.alarm_id, event_type__in=CLOSING_EVENTS, id__gt=event.id
        ).exists()
    )


# Set once queued deliveries are committed: the worker's delivery lane wakes
# at once (an escalation's SMS), whichever process queued them (core/wakeup.py).
deliveries_queued = DELIVERIES.wake


# The running worker's senders (notify/tasks.py sets them at its start, unsets them at its stop).
_senders: Pump | None = None


def send_from_here(senders: Pump | None) -> None:
    """Have the deliveries this worker's lanes queue sent by ``senders`` (None: stop)."""
    global _senders
    _senders = senders


def _write_deliveries(rows: list[Delivery], now: datetime) -> None:
    """Write new deliveries, sent once the caller's transaction commits. On a lane of the
    running worker (a step), as many as its senders have room for are written claimed by
    it and handed to them at the commit (docs/notify.md); the rest are queued."""
    senders = _senders if _senders is not None and on_lane() else None
    room = max(0, senders.free()) if senders is not None else 0
    held, queued = rows[:room], rows[room:]
    if held:
        claim = DELIVERIES.claim_fields(now, worker_name())
        for row in held:
            for field, value in claim.items():
                setattr(row, field, value)
    Delivery.objects.bulk_create(rows)
    if senders is not None and held:
        transaction.on_commit(partial(senders.take, held), robust=True)
    if queued:
        transaction.on_commit(deliveries_queued.set)


def _queue_deliveries(event: Event, user_ids: list[int]) -> None:
    if not user_ids:
        return
    now = event.created_at
    rows = [
        Delivery(
            event=event,
            recipient_id=sub.user_id,
            channel=Channel.WEBPUSH,
            push_subscription=sub,
            next_attempt_at=now,
            created_at=now,
        )
        for sub in PushSubscription.objects.filter(user_id__in=user_ids).order_by("id")
    ]
    rows += [
        Delivery(
            event=event,
            recipient_id=point.user_id,
            channel=CONTACT_CHANNELS[point.kind],
            contact_point=point,
            next_attempt_at=now,
            created_at=now,
        )
        for point in ContactPoint.objects.filter(user_id__in=user_ids, verified=True).order_by("id")
    ]
    _write_deliveries(rows, now)


@transaction.atomic
def remind(user_id: int, *, payload: dict, now: datetime) -> Event:
    """Store a check-in reminder for its owner and queue one push per browser of hers.

    Push only: a text message or a call about her timer could be seen or
    heard by the person she is with. No subscription, no delivery: she did
    not allow notifications. Her own stream receives the event too.
    """
    payload = _json_safe(payload)
    _serialise_event_ids()
    event = Event.objects.create(
        event_type=EventType.CHECKIN_REMINDER,
        alarm_id=None,
        owner_id=user_id,
        tier=0,
        payload=payload,
        created_at=now,
    )
    rows = [
        Delivery(
            event=event,
            recipient_id=user_id,
            channel=Channel.WEBPUSH,
            push_subscription=sub,
            next_attempt_at=now,
            created_at=now,
        )
        for sub in PushSubscription.objects.filter(user_id=user_id).order_by("id")
    ]
    _write_deliveries(rows, now)
    message = fanout.event_message(
        event.id, event.event_type, owner_id=user_id, recipient_ids=[], payload=payload
    )
    transaction.on_commit(partial(fanout.broadcast, message), robust=True)
    return event


# --- Push subscriptions -------------------------------------------------------


@transaction.atomic
def subscribe_push(
    user, *, endpoint: str, p256dh: str, auth: str, language: str, now: datetime
) -> PushSubscription:
    """Store (or move to ``user``) the browser's push subscription.

    The endpoint identifies the browser, not the person: when someone else
    signs in on the same browser and subscribes, the subscription becomes theirs.
    """
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "language": language,
            "failures": 0,
        },
        create_defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "language": language,
            "created_at": now,
        },
    )
    return subscription


@transaction.atomic
def unsubscribe_push(user, *, endpoint: str) -> bool:
    """Remove the person's subscription for this endpoint; answer whether one existed."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted > 0


# --- Contact points -----------------------------------------------------------


def _code_digest(point: ContactPoint, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the database alone does not let anyone
    # try the million six-digit codes offline.
    return salted_hmac("umbrella.notify.contact", f"{point.pk}:{code}").hexdigest()


class TooManyCodes(Exception):
    """A verification message would go over the person's or the number's daily limit."""


VERIFICATION_WINDOW = timedelta(days=1)


def target_digest(value: str) -> str:
    # Keyed: the ledger of messages sent does not hold, nor let anyone test, a number.
    return salted_hmac("umbrella.notify.contact-target", value.strip().lower()).hexdigest()


def _count_cost(user, kind: str, value: str, now: datetime) -> None:
    """Refuse past the daily limits, then record the message about to be sent.

    Each verification message costs the platform a text, a call or an e-mail and
    reaches someone who may not have asked: limited per account and per target.
    """
    since = now - VERIFICATION_WINDOW
    digest = target_digest(value)
    CodeSent.objects.filter(sent_at__lt=since - VERIFICATION_WINDOW).delete()
    if CodeSent.objects.filter(user=user, sent_at__gt=since).count() >= (
        settings.CONTACT_CODES_PER_ACCOUNT_PER_DAY
    ):
        raise TooManyCodes()
    if CodeSent.objects.filter(target_digest=digest, sent_at__gt=since).count() >= (
        settings.CONTACT_CODES_PER_TARGET_PER_DAY
    ):
        raise TooManyCodes()
    CodeSent.objects.create(user=user, target_digest=digest, kind=kind, sent_at=now)


@transaction.atomic
def add_contact_point(user, *, kind: str, value: str, language: str, now: datetime):
    """Create an unverified contact point and return it with its verification code.

    The code is sent to the point after commit, in a neutral opt-in message;
    the person types it back. Raises TooManyCodes past the daily limits.
    """
    _count_cost(user, kind, value, now)
    point = ContactPoint.objects.create(
        user=user, kind=kind, value=value, language=language, created_at=now
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    point.verification_hash = _code_digest(point, code)
    point.save(update_fields=["verification_hash"])

    from umbrella.notify.transports import send_verification_code  # avoid an import cycle

    transaction.on_commit(partial(send_verification_code, point.pk, code), robust=True)
    return point, code


@transaction.atomic
def verify_contact_point(point: ContactPoint, code: str) -> bool:
    """Mark the point verified when ``code`` is right; limit the tries."""
    point = ContactPoint.objects.select_for_update().get(pk=point.pk)
    if point.verified:
        return True
    if point.verification_attempts >= CONTACT_CODE_ATTEMPTS or not point.verification_hash:
        return False
    if constant_time_compare(point.verification_hash, _code_digest(point, code.strip())):
        point.verified = True
        point.verification_hash = ""
        point.save(update_fields=["verified", "verification_hash"])
        return True
    point.verification_attempts += 1
    point.save(update_fields=["verification_attempts"])
    return False


@transaction.atomic
def remove_contact_point(point: ContactPoint) -> None:
    point.delete()


# --- Delivery worker ------------------------------------------------------------
# Claims, leases and the retry schedule are core/outbox.py's (``DELIVERIES``,
# declared in models.py); what an outcome means for an alarm is here.


def claim_due_deliveries(now: datetime, worker: str, limit: int = 20) -> list[Delivery]:
    """Claim up to ``limit`` due deliveries for ``worker`` with a lease; return them.

    ``core.outbox``: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a compare-and-set
    UPDATE per row on SQLite; two workers never hold the same row.
    """
    return DELIVERIES.claim(now, worker, limit)


@transaction.atomic
def record_sent(
    delivery: Delivery, *, now: datetime, duration_ms: int, status: str = DeliveryStatus.SENT
) -> bool:
    """Mark a claimed attempt sent (or ``console``: logged, not sent); answer False
    when its lease was taken over."""
    changed = DELIVERIES.settle(
        delivery, status=status, sent_at=now, duration_ms=duration_ms, lease_until=None
    )
    if changed and delivery.push_subscription_id:
        PushSubscription.objects.filter(pk=delivery.push_subscription_id).update(
            last_success_at=now, failures=0
        )
    return changed


@transaction.atomic
def record_failure(
    delivery: Delivery,
    *,
    now: datetime,
    error: str,
    duration_ms: int | None,
    permanent: bool = False,
    gone: bool = False,
) -> Delivery | None:
    """Mark a claimed attempt failed and queue the next one; return the retry row, if any.

    ``gone``: the push service says the subscription no longer exists
    (404/410), so it is removed and never retried.
    """
    changed = DELIVERIES.settle(
        delivery,
        status=DeliveryStatus.FAILED,
        error=error[:2000],
        duration_ms=duration_ms,
        lease_until=None,
    )
    if not changed:
        return None
    if delivery.push_subscription_id:
        if gone:
            PushSubscription.objects.filter(pk=delivery.push_subscription_id).delete()
            return None
        PushSubscription.objects.filter(pk=delivery.push_subscription_id).update(
            failures=F("failures") + 1
        )
    return _schedule_retry(delivery, now, permanent=permanent)


def _schedule_retry(delivery: Delivery, now: datetime, *, permanent: bool) -> Delivery | None:
    retry_at = DELIVERIES.backoff.retry_at(now, delivery.attempt)
    if permanent or retry_at is None:
        return None
    if is_superseded(delivery):
        # Someone took the alarm while this attempt was on its way.
        return None
    if delivery.channel == Channel.WEBPUSH:
        target_exists = (
            delivery.push_subscription_id is not None
            and PushSubscription.objects.filter(pk=delivery.push_subscription_id).exists()
        )
    else:
        target_exists = (
            delivery.contact_point_id is not None
            and ContactPoint.objects.filter(pk=delivery.contact_point_id).exists()
        )
    if not target_exists:
        return None
    return Delivery.objects.create(
        event_id=delivery.event_id,
        recipient_id=delivery.recipient_id,
        channel=delivery.channel,
        push_subscription_id=delivery.push_subscription_id,
        contact_point_id=delivery.contact_point_id,
        attempt=delivery.attempt + 1,
        created_at=now,
        next_attempt_at=retry_at,
    )


def expire_leases(now: datetime, limit: int = 20) -> int:
    """Fail attempts whose worker died while sending and queue their retries.

    An attempt is stale when its lease ran out, or at once when its holder is
    gone (stopped, found dead by a worker of its host, or silent for the
    heartbeat's max age: ``core.queries.gone_workers``), so a crash costs an
    alert no more than the restart, as it does for escalation deadlines.
    The message may or may not have left: a retry risks a duplicate alert,
    which is better for an alarm than none.
    """
    return DELIVERIES.expire(
        now,
        {"status": DeliveryStatus.FAILED, "error": "lease expired: the worker stopped"},
        then=lambda delivery: _schedule_retry(delivery, now, permanent=False),
        limit=limit,
    )
