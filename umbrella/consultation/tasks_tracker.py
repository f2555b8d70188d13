"""Worker tasks of the tracker: e-mail notices to followers; forgetting unconfirmed addresses.

Imported by ``tasks.py`` (the module the worker discovers).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from umbrella.consultation import actions_tracker
from umbrella.core.worker import periodic_task

BATCH = 20
_last_cleanup: dict[str, datetime] = {}


@periodic_task(idle_seconds=5, wake=actions_tracker.notices_queued)
def send_tracker_notices(now: datetime) -> bool:
    """Send due e-mail notices to followers; answer whether there were any."""
    actions_tracker.notices_queued.clear()
    claimed = actions_tracker.claim_due_notices(now, limit=BATCH)
    for notice in claimed:
        actions_tracker.send_notice(notice, now=now)
    last = _last_cleanup.get("at")
    if last is None or now - last > timedelta(hours=1):
        actions_tracker.forget_unconfirmed(now)
        _last_cleanup["at"] = now
    return bool(claimed)
