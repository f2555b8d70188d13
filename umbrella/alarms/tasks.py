"""The alarms app's periodic tasks, run by ``manage.py alarm_worker``."""

from __future__ import annotations

import time
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.core.worker import periodic_task

# Deadlines handled per tick at most, so other tasks (deliveries) keep running.
DEADLINES_PER_TICK = 50


@periodic_task
def process_deadlines(now: datetime) -> bool:
    """Take the steps of due deadlines (escalations, re-alerts, check-in expiries).

    When nothing is due but a deadline falls within the next tick, wait for
    it instead of sleeping the whole tick: the step then fires within
    milliseconds of its due time, not up to a tick late.
    """
    did = False
    for _ in range(DEADLINES_PER_TICK):
        if not actions.process_due_deadline(timezone.now()):
            break
        did = True
    if did:
        return True
    horizon = getattr(settings, "ALARM_DEADLINE_LOOKAHEAD_SECONDS", settings.WORKER_TICK_SECONDS)
    upcoming = actions.next_due_at()
    if upcoming is None:
        return False
    wait = (upcoming - timezone.now()).total_seconds()
    if 0 < wait <= horizon:
        time.sleep(wait)
        return actions.process_due_deadline(timezone.now())
    return False


@periodic_task
def erase_old_locations(now: datetime) -> bool:
    """The retention job: erase precise locations 30 days after an alarm was
    closed, and forget idempotency keys after 24 hours (both idempotent)."""
    erased = actions.erase_expired_locations(now)
    purged = actions.purge_idempotency_keys(now)
    return erased + purged > 0
