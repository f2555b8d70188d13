"""The training app's periodic tasks, autodiscovered by the worker (``core/worker.py``)."""

from umbrella.training import tasks_feedback  # noqa: F401 -- registers the directory label refresh
