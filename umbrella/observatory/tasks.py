"""The worker keeps the observatory's roll-up current (docs/observatory.md)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from umbrella.core.actions import release_lease, take_lease
from umbrella.core.worker import periodic_task, worker_name
from umbrella.observatory import actions, pages

# Figures are published per complete month: a few minutes' delay costs nothing.
REFRESH_REST_SECONDS = 300
# One worker at a time refreshes: two would rebuild the same months at once
# (on PostgreSQL the second's insert then breaks the tallies' uniqueness, and
# on a fresh install both create the first watermark). A holder that dies
# frees it at once (its heartbeat says so); one that hangs, after this.
REFRESH_LEASE = "observatory.refresh"
REFRESH_LEASE_SECONDS = 600


@periodic_task(idle_seconds=REFRESH_REST_SECONDS, limit_seconds=120)
def refresh_observatory(now: datetime) -> bool:
    """Fold the rows changed since the last run into the roll-up, then store the cubes and
    the page's figures; another worker doing it already, leave it to that one."""
    holder = worker_name()
    if not take_lease(REFRESH_LEASE, holder, now, REFRESH_LEASE_SECONDS):
        return False
    try:
        actions.refresh(now)
        actions.publish(timezone.localdate(now))
        pages.render_all(timezone.localdate(now))
    finally:
        release_lease(REFRESH_LEASE, holder)
    return False  # one pass catches everything up: rest until the next
