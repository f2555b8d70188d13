"""Admin for training, from its two halves: courses, cohorts and certificates
(``courses/admin.py``); service feedback, read-only (``feedback/admin.py``)."""

import umbrella.training.courses.admin  # noqa: F401
import umbrella.training.feedback.admin  # noqa: F401
