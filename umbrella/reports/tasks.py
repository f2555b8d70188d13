"""The reports app's periodic tasks, run by ``manage.py worker``.

Each runs on a lane of its own (see ``umbrella.core.worker``), so a slow
webhook never delays an alarm, and returns whether it did work.
"""

from __future__ import annotations

from datetime import datetime

from umbrella.core.worker import periodic_task
from umbrella.reports import actions, notifications


@periodic_task(idle_seconds=5)
def send_notifications(now: datetime) -> bool:
    """Send due notifications to bodies (first tries and retries with backoff)."""
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
