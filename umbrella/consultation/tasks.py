"""Worker tasks of the consultation platform: e-mail reminders before meetings, and the
invitations and reminders to (re)send."""

from __future__ import annotations

from datetime import datetime

from umbrella.consultation import mail_meetings, queries_meetings
from umbrella.core.worker import periodic_task

BATCH = 50


@periodic_task(idle_seconds=60)
def send_meeting_reminders(now: datetime) -> bool:
    """Send the reminders that are due (each once); answer whether there were any."""
    due = queries_meetings.due_reminders(now, limit=BATCH)
    for participation in due:
        mail_meetings.send_reminder(participation, now=now)
    return bool(due)


@periodic_task(idle_seconds=30, wake=mail_meetings.mail_queued)
def send_meeting_mail(now: datetime) -> bool:
    """Send the invitations and reminders that are due, retries included."""
    mail_meetings.mail_queued.clear()
    claimed = mail_meetings.claim_due_mail(now, limit=BATCH)
    for mail in claimed:
        mail_meetings.deliver_mail(mail, now=now, claimed=True)
    return bool(claimed)


# The recommendations tracker registers its own tasks (notices to followers).
from umbrella.consultation import tasks_tracker  # noqa: E402, F401
