"""The training app's periodic tasks, autodiscovered by the worker (``core/worker.py``)."""

from umbrella.training import (
    tasks_courses,  # noqa: F401 -- erases unused invitations' addresses
    tasks_feedback,  # noqa: F401 -- registers the directory label refresh
)
