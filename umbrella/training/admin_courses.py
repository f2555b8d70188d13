"""Admin: courses, modules, lessons, questions, cohorts, certificates."""
