"""The directory label's periodic refresh (run by ``manage.py worker``)."""

from __future__ import annotations

from datetime import datetime

from umbrella.core.worker import periodic_task
from umbrella.training.feedback.actions import forget_old_feedback, refresh_directory_labels

# Certificates lapse and weeks end on their own: look once an hour. A new
# certificate or a week's answers show in the directory within the hour.
LABEL_REFRESH_SECONDS = 3600


@periodic_task(idle_seconds=LABEL_REFRESH_SECONDS)
def refresh_labels(now: datetime) -> bool:
    """Bring the directory's "trained for a non-stigmatising approach" in line with the rule,
    and delete the answers that left the window."""
    refresh_directory_labels(now)
    forget_old_feedback(now)
    # Always rest: one pass brings every service in line.
    return False
