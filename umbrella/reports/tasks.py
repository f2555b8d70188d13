"""The reports app's periodic tasks, run by ``manage.py worker``.

Each runs on a lane of its own (see ``umbrella.core.worker``), so a slow
webhook never delays an alarm, and returns whether it did work.
"""

from __future__ import annotations

from datetime import datetime

from umbrella.core.worker import periodic_task
from umbrella.reports import actions, notifications
from umbrella.reports.models import NOTIFICATIONS

# The longest the notifications lane sleeps without reading the database: what
# a lost wake-up (core/wakeup.py) can delay an e-mail or webhook to a body.
NOTIFICATIONS_REST_SECONDS = 60


def seconds_to_next_notification(now: datetime) -> float | None:
    """How long the notifications lane may sleep: until the next one is due."""
    return NOTIFICATIONS.seconds_to_next(now)


@periodic_task(
    idle_seconds=NOTIFICATIONS_REST_SECONDS,
    wake=NOTIFICATIONS.wake,
    rest_for=seconds_to_next_notification,
)
def send_notifications(now: datetime) -> bool:
    """Send due notifications to bodies (first tries and retries with backoff).

    Between runs the lane sleeps until the next one is due; a new one wakes
    it after its commit, in any process (``NOTIFICATIONS.wake``).
    """
    return notifications.send_due(now) > 0


@periodic_task(idle_seconds=300)
def ask_fixed_questions(now: datetime) -> bool:
    """Ask "is it fixed?" of reporters whose report is four weeks old and still open."""
    asked = [pk for pk in actions.due_questions(now) if actions.ask_fixed_question(pk, now)]
    return bool(asked)


@periodic_task(idle_seconds=3600)
def erase_expired_details(now: datetime) -> bool:
    """Erase precise points and e-mail addresses past their retention period; keep only
    the area of confidential reports once their body has them, and erase their
    neighbourhood with the rest."""
    done = actions.coarsen_received_confidential(now)
    done += actions.erase_expired(now)
    done += actions.erase_confidential_areas(now)
    return done > 0
