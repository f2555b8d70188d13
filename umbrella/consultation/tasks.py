"""Worker tasks of the consultation platform: e-mail reminders before meetings, the
invitations and reminders to (re)send, and the notices to the tracker's followers.

The worker discovers this module (``core/worker.py``) and names each task by its
module and function (``umbrella.consultation.tasks.send_meeting_reminders``), so the
tasks of every concern are declared here, each calling its concern's code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from umbrella.consultation.following import actions as following
from umbrella.consultation.following import notices
from umbrella.consultation.following.models import NOTICES
from umbrella.consultation.meetings import mail, queries
from umbrella.consultation.meetings.models import MEETING_MAIL
from umbrella.core.worker import periodic_task

BATCH = 50
NOTICE_BATCH = 20
# The longest the notices lane sleeps without reading the database: what a lost
# wake-up (core/wakeup.py) can delay a notice; also how late, at most, the
# hourly forgetting of unconfirmed e-mail requests runs.
NOTICES_REST_SECONDS = 60
# The same for the lane of e-mails to members (invitations, reminders).
MAIL_REST_SECONDS = 60
_last_cleanup: dict[str, datetime] = {}


@periodic_task(idle_seconds=60)
def send_meeting_reminders(now: datetime) -> bool:
    """Send the reminders that are due (each once); answer whether there were any."""
    due = queries.due_reminders(now, limit=BATCH)
    for participation in due:
        mail.send_reminder(participation, now=now)
    return bool(due)


def seconds_to_next_mail(now: datetime) -> float | None:
    """How long the mail lane may sleep: until the next e-mail to a member is due."""
    return MEETING_MAIL.seconds_to_next(now)


@periodic_task(
    idle_seconds=MAIL_REST_SECONDS,
    wake=MEETING_MAIL.wake,
    rest_for=seconds_to_next_mail,
)
def send_meeting_mail(now: datetime) -> bool:
    """Send the invitations and reminders that are due, retries included.

    Between runs the lane sleeps until the next one is due; new ones wake it
    after their commit, in any process (``MEETING_MAIL.wake``).
    """
    claimed = mail.claim_due_mail(now, limit=BATCH)
    for attempt in claimed:
        mail.deliver_mail(attempt, now=now, claimed=True)
    return bool(claimed)


def seconds_to_next_notice(now: datetime) -> float | None:
    """How long the notices lane may sleep: until the next e-mail notice is due."""
    return NOTICES.seconds_to_next(now)


@periodic_task(
    idle_seconds=NOTICES_REST_SECONDS,
    wake=NOTICES.wake,
    rest_for=seconds_to_next_notice,
)
def send_tracker_notices(now: datetime) -> bool:
    """Send due e-mail notices to followers; answer whether there were any. Forget, once an
    hour, the e-mail requests never confirmed.

    Between runs the lane sleeps until the next notice is due; new ones wake it
    after their commit, in any process (``NOTICES.wake``).
    """
    claimed = notices.claim_due_notices(now, limit=NOTICE_BATCH)
    for notice in claimed:
        notices.send_notice(notice, now=now)
    last = _last_cleanup.get("at")
    if last is None or now - last > timedelta(hours=1):
        following.forget_unconfirmed(now)
        _last_cleanup["at"] = now
    return bool(claimed)
