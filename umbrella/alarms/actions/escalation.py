"""The deadline worker step: claim one due deadline, take its step exactly once.

Two phases. The claim (a short transaction) writes ``claimed_by`` and
``lease_until``: on PostgreSQL the candidate row is taken with
``SELECT … FOR UPDATE SKIP LOCKED``, so concurrent workers pick different rows;
on SQLite a compare-and-set ``UPDATE … WHERE lease is free`` decides the
winner. The step then runs in its own transaction that re-reads the deadline
under lock, checks the claim is still ours and not done, acts, and sets
``done_at`` — so the step and "it is done" commit together or not at all.

A claim is free when its lease ran out, or at once when its holder is gone:
``claimed_by`` is the holder's process (``host:pid``), and a holder whose
heartbeat row says it stopped, or that has not beaten for
``WORKER_HEARTBEAT_MAX_AGE``, is gone (``core.queries.gone_workers``). A
worker marks stopped, on each beat and before its first claim, the workers
of its own host whose pid no longer runs: a worker killed just after a
claim costs no more than the restart (or a surviving worker's next beat).
Taking over a claim of a holder that was only slow is still safe: its step
re-checks ``claimed_by`` under lock and does nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from umbrella.alarms.actions.alarms import escalate_or_realert
from umbrella.alarms.actions.checkins import expire_checkin, remind_checkin
from umbrella.alarms.models import Deadline, DeadlineKind
from umbrella.core import faults
from umbrella.core.queries import gone_workers
from umbrella.core.worker import commit_claim_unflushed, worker_name

logger = logging.getLogger(__name__)

# How soon a deadline whose step failed may be claimed again.
RETRY_AFTER_FAILURE = timedelta(seconds=1)


def lease() -> timedelta:
    """Return how long a claim protects a deadline before others may take it over."""
    return timedelta(seconds=settings.ALARM_DEADLINE_LEASE_SECONDS)


def _claimable(now: datetime):
    return Deadline.objects.filter(done_at__isnull=True, due_at__lte=now).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(claimed_by__in=gone_workers(now))
    )


def claim_due_deadline(now: datetime, worker: str) -> int | None:
    """Claim the most overdue free deadline for ``worker``; return its id or None."""
    values = {"claimed_by": worker, "lease_until": now + lease(), "attempt": F("attempt") + 1}
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            pk = (
                _claimable(now)
                .order_by("due_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
                .first()
            )
            if pk is not None:
                # Only a claim skips the flush: a look that found nothing
                # (every 5 s while idle) spares the statement.
                commit_claim_unflushed()
                Deadline.objects.filter(pk=pk).update(**values)
            return pk
        for pk in _claimable(now).order_by("due_at", "pk").values_list("pk", flat=True)[:5]:
            if _claimable(now).filter(pk=pk).update(**values) == 1:
                return pk
    return None


@transaction.atomic
def take_step(pk: int, worker: str, now: datetime) -> bool:
    """Take the step of a deadline this worker claimed; return False if it is no longer ours."""
    # The alarm is read by its own step, under its own lock (not joined here).
    deadline = (
        Deadline.objects.select_for_update(of=("self",))
        .filter(pk=pk, done_at__isnull=True, claimed_by=worker)
        .select_related("checkin")
        .first()
    )
    if deadline is None:
        return False
    if deadline.kind in (DeadlineKind.CHECKIN_EXPIRY, DeadlineKind.CHECKIN_REMINDER):
        if deadline.checkin is None:
            raise ValueError(f"{deadline.kind} deadline {pk} has no check-in")
        if deadline.kind == DeadlineKind.CHECKIN_EXPIRY:
            expire_checkin(deadline.checkin, deadline, now)
        else:
            remind_checkin(deadline.checkin, now)
    else:
        if deadline.alarm_id is None:
            raise ValueError(f"{deadline.kind} deadline {pk} has no alarm")
        escalate_or_realert(deadline.alarm_id, deadline, now)
    faults.point("in_step")
    Deadline.objects.filter(pk=pk).update(done_at=now)
    return True


def process_due_deadline(now: datetime, worker: str | None = None) -> bool:
    """Claim and process one due deadline; return whether there was one."""
    worker = worker or worker_name()
    pk = claim_due_deadline(now, worker)
    if pk is None:
        return False
    faults.point("after_claim")
    try:
        take_step(pk, worker, now)
    except Exception:
        # Tried again soon, by any worker: a busy database (SQLite's lock
        # past its timeout on a loaded machine) must not cost the whole
        # lease; a step that keeps failing is retried at this pace, logged.
        logger.exception("deadline %s failed; it will be retried", pk)
        Deadline.objects.filter(pk=pk, claimed_by=worker, done_at__isnull=True).update(
            lease_until=now + RETRY_AFTER_FAILURE
        )
        return True
    faults.point("after_commit")
    return True


def next_due_at() -> datetime | None:
    """Return when the earliest pending deadline is due."""
    return (
        Deadline.objects.filter(done_at__isnull=True)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
