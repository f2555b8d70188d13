"""Worker task of the consultation platform: e-mail reminders before meetings."""

from __future__ import annotations

from datetime import datetime

from umbrella.consultation import actions_meetings, queries_meetings
from umbrella.core.worker import periodic_task

BATCH = 50


@periodic_task(idle_seconds=60)
def send_meeting_reminders(now: datetime) -> bool:
    """Send the reminders that are due (each once); answer whether there were any."""
    due = queries_meetings.due_reminders(now, limit=BATCH)
    for participation in due:
        actions_meetings.send_reminder(participation, now=now)
    return bool(due)


# The recommendations tracker registers its own tasks (notices to followers).
from umbrella.consultation import tasks_tracker  # noqa: E402, F401
