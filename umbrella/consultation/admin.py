"""Admin for the consultation platform: each concern registers its own models."""

from umbrella.consultation.following import admin as following_admin  # noqa: F401
from umbrella.consultation.meetings import admin as meetings_admin  # noqa: F401
from umbrella.consultation.members import admin as members_admin  # noqa: F401
from umbrella.consultation.rules import admin as rules_admin  # noqa: F401
from umbrella.consultation.tracker import admin as tracker_admin  # noqa: F401
