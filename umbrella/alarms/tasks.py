"""The alarms app's periodic tasks, run by ``manage.py worker``."""

from __future__ import annotations

from datetime import datetime

from umbrella.alarms import actions, queries
from umbrella.core import wakeup
from umbrella.core.worker import periodic_task

# Deadlines handled per tick at most, so other tasks (deliveries) keep running.
DEADLINES_PER_TICK = 50
# Set after the commit of a new deadline due before the lane's next look, in
# any process (alarms/apps.py connects it): the lane then sleeps until the new
# next due time.
deadlines_queued = wakeup.channel("deadlines")
# How long the retention lane rests: its work is counted in days.
RETENTION_REST_SECONDS = 60


def seconds_to_next_deadline(now: datetime) -> float | None:
    """How long the deadline lane may sleep: until the next deadline may be claimed."""
    at = queries.next_claimable_deadline_at()
    return None if at is None else (at - now).total_seconds()


@periodic_task(
    idle_seconds=wakeup.FALLBACK_SECONDS,
    wake=deadlines_queued,
    rest_for=seconds_to_next_deadline,
)
def process_deadlines(now: datetime) -> bool:
    """Take the steps of due deadlines (escalations, re-alerts, check-in expiries).

    Between runs the lane sleeps until the next deadline is due (a new one
    wakes it, core/wakeup.py), never longer than ``wakeup.FALLBACK_SECONDS``:
    a step fires within milliseconds of its due time, and the database, not
    the wake-up, says what is due.

    The batch takes the steps due at ``now``, the instant the lane passed in:
    a busy lane is called again at once, with a new ``now``.
    """
    did = False
    for _ in range(DEADLINES_PER_TICK):
        if not actions.process_due_deadline(now):
            break
        did = True
    return did


@periodic_task(idle_seconds=RETENTION_REST_SECONDS)
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
