"""Admin for training (two halves: courses, cohorts, certificates; service feedback)."""

from umbrella.training import admin_courses, admin_feedback  # noqa: F401
