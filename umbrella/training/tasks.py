"""The training app's periodic tasks, autodiscovered by the worker (``core/worker.py``)."""

import umbrella.training.courses.tasks  # noqa: F401 -- erases unused invitations' addresses
import umbrella.training.feedback.tasks  # noqa: F401 -- registers the directory label refresh
