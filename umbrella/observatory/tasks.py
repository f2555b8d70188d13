"""The worker keeps the observatory's roll-up current (docs/observatory.md)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from umbrella.core.worker import periodic_task
from umbrella.observatory import actions, pages

# Figures are published per complete month: a few minutes' delay costs nothing.
REFRESH_REST_SECONDS = 300


@periodic_task(idle_seconds=REFRESH_REST_SECONDS, limit_seconds=120)
def refresh_observatory(now: datetime) -> bool:
    """Fold the rows changed since the last run into the roll-up, then store the cubes and
    the page's figures."""
    actions.refresh(now)
    actions.publish(timezone.localdate(now))
    pages.render_all(timezone.localdate(now))
    return False  # one pass catches everything up: rest until the next
