"""The training app's models: courses and quizzes, enrolment and certificates, service feedback."""

from umbrella.training.models.courses import *  # noqa: F403
from umbrella.training.models.enrolment import *  # noqa: F403
from umbrella.training.models.feedback import *  # noqa: F403
