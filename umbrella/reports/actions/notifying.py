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

from django.db import connection, transaction
from django.db.models import F, Min, Q

from umbrella.core import wakeup
from umbrella.reports.models import (
    Body,
    BodyKind,
    BodyNotification,
    Channel,
    Contact,
    NotificationAttempt,
    NotificationStatus,
    Report,
)

MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(seconds=60)
RETRY_CAP = timedelta(hours=6)
# A claimed notification is hidden from other workers this long; a worker
# that dies while sending leaves it to be tried again afterwards.
LEASE = timedelta(minutes=5)
# Set after the commit of every queued (or re-queued) notification, in any
# process: the worker's lane sleeps until the next due one and wakes at once.
notifications_queued = wakeup.channel("reports.notifications")


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after ``attempts`` failed tries: 1, 2, 4 … minutes, at most 6 hours."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


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
        notifications_queued.set_on_commit()
    return created


def next_due_at() -> datetime | None:
    """Return when the next pending notification is due (a retry, a lease's end), or None."""
    return BodyNotification.objects.filter(status=NotificationStatus.PENDING).aggregate(
        at=Min("next_attempt_at")
    )["at"]


def claim_due(now: datetime, limit: int = 10) -> list[BodyNotification]:
    """Claim up to ``limit`` due notifications with a lease; return them.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: a compare-and-set UPDATE
    per row, so two workers never send the same attempt.
    """
    lease_until = now + LEASE
    due = BodyNotification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            BodyNotification.objects.filter(id__in=ids).update(next_attempt_at=lease_until)
    else:
        ids = [
            pk
            for pk, at in due.values_list("id", "next_attempt_at")[:limit]
            if BodyNotification.objects.filter(
                pk=pk, status=NotificationStatus.PENDING, next_attempt_at=at
            ).update(next_attempt_at=lease_until)
        ]
    return list(
        BodyNotification.objects.filter(id__in=ids)
        .select_related("report", "report__category", "body", "contact", "update")
        .order_by("id")
    )


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
    elif permanent or attempts >= MAX_ATTEMPTS:
        changes.update(
            status=NotificationStatus.FAILED, next_attempt_at=None, last_error=error[:2000]
        )
    else:
        changes.update(next_attempt_at=now + retry_delay(attempts), last_error=error[:2000])
    BodyNotification.objects.filter(pk=notification.pk).update(**changes)
    notification.refresh_from_db()
    return notification


@transaction.atomic
def retry_now(notification: BodyNotification, *, now: datetime) -> None:
    """Queue a failed notification again (an operator's action in the admin)."""
    BodyNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING, next_attempt_at=now
    )
    notifications_queued.set_on_commit()
