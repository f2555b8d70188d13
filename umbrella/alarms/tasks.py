"""The alarms app's periodic tasks, run by ``manage.py worker``."""

from __future__ import annotations

import time
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.core.worker import periodic_task

# Deadlines handled per tick at most, so other tasks (deliveries) keep running.
DEADLINES_PER_TICK = 50


# How often the deadline lane looks for the next due time when idle, and how
# far ahead it then waits for one. A deadline written by another process
# less than this before it is due (a check-in of a few seconds, a short tier
# delay) still fires at most this late; one query on an index each time.
DEADLINE_LOOK_SECONDS = 0.2


@periodic_task(idle_seconds=DEADLINE_LOOK_SECONDS)
def process_deadlines(now: datetime) -> bool:
    """Take the steps of due deadlines (escalations, re-alerts, check-in expiries).

    When nothing is due but a deadline falls within the next look, wait for
    it instead of resting: the step then fires within milliseconds of its due
    time.
    """
    did = False
    for _ in range(DEADLINES_PER_TICK):
        if not actions.process_due_deadline(timezone.now()):
            break
        did = True
    if did:
        return True
    horizon = settings.ALARM_DEADLINE_LOOKAHEAD_SECONDS
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
    """The retention job (docs/privacy.md), one batch of each per tick, all idempotent:
    close alarms left open ALARM_AUTO_CLOSE_DAYS, erase precise data
    ALARM_ERASE_AFTER_DAYS after an alarm closed (and old check-ins' notes),
    forget idempotency keys after 24 hours."""
    closed = actions.close_stale_alarms(now)
    erased = actions.erase_expired_locations(now)
    notes = actions.erase_checkin_notes(now)
    purged = actions.purge_idempotency_keys(now)
    return closed + erased + notes + purged > 0
