"""A worker lane on a real thread whose runs and rests are recorded, for the tests of a
lane that sleeps until its next due row and is woken by the commit that queues one.

The tests make the lane's bound an hour: what runs the task is the wake-up, never
a short poll. They assert the order of what happened, not how long it took.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from django.db import OperationalError, connection

from umbrella.core import wakeup, worker

HOUR = 3600.0
# Long enough for a loaded machine; a test fails, rather than passes, by waiting it out.
PATIENCE = 30.0


class WatchedLane:
    """``task`` on a lane of its own, logging ``("ran", did)`` and ``("rest", seconds)``."""

    def __init__(
        self,
        task: Callable[[datetime], bool],
        wake: wakeup.Channel,
        rest_for: Callable[[datetime], float | None],
        rest_seconds: float = HOUR,
    ) -> None:
        self.log: list[tuple[str, float | None]] = []
        self.wake = wake
        self.resting = threading.Event()
        self.stop = threading.Event()

        def run(now):
            did = task(now)
            self.log.append(("ran", float(did)))
            return did

        def rest(now):
            seconds = rest_for(now)
            self.log.append(("rest", seconds))
            self.resting.set()
            return seconds

        worker.configure_lane(run, idle_seconds=rest_seconds, wake=wake, rest_for=rest)
        self.lane = worker.Lane(task.__name__, run, self.stop)

    def __enter__(self) -> WatchedLane:
        self.wake.clear()
        self.lane.thread.start()
        assert self.resting.wait(PATIENCE), "the lane never went to rest"
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.lane.interrupt()
        self.lane.thread.join(timeout=PATIENCE)
        connection.close()

    def mark(self) -> int:
        """Return where the log stands now (to read what happened after)."""
        return len(self.log)


def wait_until(check: Callable[[], bool]) -> bool:
    """Return whether ``check()`` held within ``PATIENCE`` (asked every 20 ms).

    The SQLite test database is in memory with a shared cache: a read that meets
    the lane's write meets its table lock at once, and is simply tried again.
    """
    pause = threading.Event()
    for _ in range(int(PATIENCE / 0.02)):
        try:
            if check():
                return True
        except OperationalError:
            pass
        pause.wait(0.02)
    return False
