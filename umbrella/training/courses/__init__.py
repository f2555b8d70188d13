"""Courses, quizzes, certificates and their public check, cohorts, coverage."""
