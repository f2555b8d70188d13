"""Step boundaries where a worker may die, named for the fault tests.

``point(name)`` does nothing. The fault tests start worker processes through
``umbrella/alarms/tests/fault_worker.py``, which replaces it in that process
to hold the worker at one boundary, so the test can kill it exactly there.
Nothing here reads the environment or a setting: a production process
cannot be made to stall at a boundary.
"""


def point(name: str) -> None:
    """Mark a step boundary (``after_claim``, ``in_step``, ``after_commit``); do nothing."""
