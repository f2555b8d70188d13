"""Admin for the consultation platform (two halves: meetings and members; tracker and rules)."""

from umbrella.consultation import admin_meetings, admin_tracker  # noqa: F401
