"""The training app's models, defined in its two halves and gathered here so Django finds
them: courses, quizzes, enrolment and certificates (``courses/models.py``); sex workers'
service feedback (``feedback/models.py``)."""

from umbrella.training.courses.models import *  # noqa: F403
from umbrella.training.feedback.models import *  # noqa: F403
