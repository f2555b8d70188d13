"""The consultation platform's models: members, meetings, the tracker, municipal rules."""

from umbrella.consultation.models.bodies import *  # noqa: F403
from umbrella.consultation.models.meetings import *  # noqa: F403
from umbrella.consultation.models.rules import *  # noqa: F403
from umbrella.consultation.models.tracker import *  # noqa: F403
