"""Queueing notifications to bodies, and recording each attempt to send one.

``queue_notifications`` writes one ``BodyNotification`` per active contact of
each body (a contact for the report's category, or for every category).
A confidential report routed to a police zone whose body has no contact for
it goes to the zone's trafficking reference e-mail (``reference_for_zone``).
The worker (``tasks.send_notifications``) claims due rows, sends them with
``umbrella.reports.notifications`` and records the outcome here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q

from umbrella.reports.models import (
    NOTIFICATIONS,
    Body,
    BodyKind,
    BodyNotification,
    Channel,
    Contact,
    NotificationAttempt,
    NotificationStatus,
    Report,
)

# Claims, leases and the retry schedule are core/outbox.py's (``NOTIFICATIONS``,
# declared beside the model); sending and recording an attempt are the reports'.
MAX_ATTEMPTS = NOTIFICATIONS.backoff.max_attempts()
# Set after the commit of every queued (or re-queued) notification, in any
# process: the worker's lane sleeps until the next due one and wakes at once.
notifications_queued = NOTIFICATIONS.wake


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after ``attempts`` failed tries: 1, 2, 4 … minutes, at most 6 hours."""
    return NOTIFICATIONS.backoff.delay(attempts)


def _reference_address(report: Report, body: Body) -> str:
    if not (report.confidential and body.kind == BodyKind.POLICE_ZONE and body.police_zone):
        return ""
    from umbrella.directory.queries import reference_for_zone

    reference = reference_for_zone(body.police_zone.code)
    return reference.email if reference is not None else ""


def queue_notifications(
    report: Report, bodies: list[Body], event: str, *, now: datetime, update=None
) -> list[BodyNotification]:
    """Queue one notification per active contact of each body; return the rows."""
    rows = []
    for body in bodies:
        contacts = list(
            Contact.objects.filter(body=body, active=True).filter(
                Q(category=report.category) | Q(category__isnull=True)
            )
        )
        for contact in contacts:
            rows.append(
                BodyNotification(
                    report=report,
                    body=body,
                    contact=contact,
                    update=update,
                    channel=contact.channel,
                    event=event,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        if not contacts:
            address = _reference_address(report, body)
            if address:
                rows.append(
                    BodyNotification(
                        report=report,
                        body=body,
                        update=update,
                        channel=Channel.EMAIL,
                        address=address,
                        event=event,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    created = BodyNotification.objects.bulk_create(rows)
    if created:
        NOTIFICATIONS.queued()
    return created


def claim_due(now: datetime, limit: int = 10) -> list[BodyNotification]:
    """Claim up to ``limit`` due notifications with a lease; return them.

    ``core.outbox``: PostgreSQL ``FOR UPDATE SKIP LOCKED``, SQLite a
    compare-and-set UPDATE per row, so two workers never send the same attempt.
    """
    return NOTIFICATIONS.claim(now, limit=limit)


@transaction.atomic
def record_attempt(
    notification: BodyNotification,
    *,
    now: datetime,
    ok: bool,
    error: str = "",
    http_status: int | None = None,
    duration_ms: int = 0,
    remote_id: str = "",
    permanent: bool = False,
) -> BodyNotification:
    """Record one attempt; mark the notification sent, or schedule the next try, or give up."""
    NotificationAttempt.objects.create(
        notification=notification,
        at=now,
        ok=ok,
        http_status=http_status,
        error=error[:2000],
        duration_ms=max(int(duration_ms), 0),
    )
    attempts = notification.attempts + 1
    changes: dict = {"attempts": F("attempts") + 1}
    if ok:
        changes.update(
            status=NotificationStatus.SENT,
            sent_at=now,
            next_attempt_at=None,
            last_error="",
            remote_id=remote_id[:100],
        )
    elif permanent or NOTIFICATIONS.backoff.is_exhausted(attempts):
        changes.update(
            status=NotificationStatus.FAILED, next_attempt_at=None, last_error=error[:2000]
        )
    else:
        changes.update(
            next_attempt_at=NOTIFICATIONS.backoff.retry_at(now, attempts), last_error=error[:2000]
        )
    NOTIFICATIONS.settle(notification, **changes)
    notification.refresh_from_db()
    return notification


@transaction.atomic
def retry_now(notification: BodyNotification, *, now: datetime) -> None:
    """Queue a failed notification again (an operator's action in the admin)."""
    BodyNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING, next_attempt_at=now
    )
    NOTIFICATIONS.queued()
