"""The background worker loop and the registry of its periodic tasks.

Apps register a task with ``@periodic_task``; each task handles at most a
small batch of due items and returns whether it did any work, so the loop can
run again at once while there is a backlog and sleep when there is none
(the healthchecks ``sendalerts`` pattern). Each task loops on its own lane
(thread), so a slow delivery never delays an escalation; the main thread
beats while no lane is stuck.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from umbrella.core import runtime
from umbrella.core.actions import (
    mark_worker_stopped,
    reap_dead_workers,
    record_heartbeat,
    record_lanes,
)

logger = logging.getLogger(__name__)

Task = Callable[[datetime], bool]
# How long a stop waits for lanes still running a task (a send waiting on a
# slow provider) before the worker exits without them.
STOP_GRACE_SECONDS = 0.5
# Lanes resting longer than this start their first run this late (Lane.run).
FIRST_RUN_DELAY_SECONDS = 5.0
_TASKS: dict[str, Task] = {}


def periodic_task(
    func: Task | None = None,
    *,
    idle_seconds: float | None = None,
    wake: threading.Event | None = None,
    limit_seconds: float | None = None,
):
    """Register ``func(now) -> bool`` to run on every worker tick.

    ``idle_seconds``: how long its lane rests after a run that found no work
    (default ``WORKER_TICK_SECONDS``); ``wake``: an event that ends the rest
    early (set when work is queued inside this process); ``limit_seconds``:
    how long one run may take before the lane counts as stuck (default
    ``WORKER_HEARTBEAT_MAX_AGE``).
    """

    def register(task: Task) -> Task:
        task.idle_seconds = idle_seconds  # type: ignore[attr-defined]
        task.wake = wake  # type: ignore[attr-defined]
        task.limit_seconds = limit_seconds  # type: ignore[attr-defined]
        _TASKS[f"{task.__module__}.{task.__qualname__}"] = task
        return task

    return register(func) if func is not None else register


def registered_tasks() -> dict[str, Task]:
    """Return the registered tasks by dotted name."""
    return dict(_TASKS)


def worker_name() -> str:
    """Return a name that tells operators which host and process this is."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_tasks_once(now: datetime) -> bool:
    """Run every registered task once; return whether any of them did work.

    A failing task is logged and does not stop the others: one broken
    integration must not stall alarms.
    """
    busy = False
    for name, task in registered_tasks().items():
        try:
            busy = task(now) or busy
        except Exception:
            logger.exception("worker task %s failed", name)
    return busy


class Lane:
    """One periodic task looping on a thread of its own.

    A slow integration (an SMS provider taking seconds to answer) then never
    holds back an escalation step: deadlines and deliveries do not wait for
    each other. Each time the lane starts a run or a rest it says by when it
    will be back (``back_by``): a run within its limit, a rest within its own
    length (plus ``WORKER_HEARTBEAT_MAX_AGE`` of slack for a busy machine). A
    lane that rests an hour is not stuck; one whose run overruns its limit is.
    """

    def __init__(self, name: str, task: Task, stop: threading.Event) -> None:
        self.name, self.task, self.stop = name, task, stop
        self.max_age = float(settings.WORKER_HEARTBEAT_MAX_AGE)
        self.rest = getattr(self.task, "idle_seconds", None) or settings.WORKER_TICK_SECONDS
        self.limit = getattr(self.task, "limit_seconds", None) or self.max_age
        self.wake: threading.Event | None = getattr(self.task, "wake", None)
        self.back_by = time.monotonic() + self.limit
        # When the last loop (a run, then a rest) began, as a Unix time: GET
        # /metrics shows its age (docs/operations.md).
        self.looped_at = time.time()
        self.thread = threading.Thread(target=self.run, name=f"worker-{name}", daemon=True)

    def run(self) -> None:
        if self.rest > FIRST_RUN_DELAY_SECONDS:
            # A task that rests this long can wait a few seconds more after
            # a (re)start: the deadlines and deliveries lanes then take over
            # a dead worker's claims without a dozen first runs competing
            # for the CPU and the database.
            self.back_by = time.monotonic() + FIRST_RUN_DELAY_SECONDS + self.max_age
            self.stop.wait(FIRST_RUN_DELAY_SECONDS)
        try:
            while not self.stop.is_set():
                close_old_connections()
                self.back_by = time.monotonic() + self.limit
                self.looped_at = time.time()
                try:
                    busy = self.task(timezone.now())
                except Exception:
                    logger.exception("worker task %s failed", self.name)
                    busy = False
                if busy or self.stop.is_set():
                    continue
                self.back_by = time.monotonic() + self.rest + self.max_age
                if self.wake is None:
                    self.stop.wait(self.rest)
                elif self.wake.wait(self.rest) and not self.stop.is_set():
                    self.wake.clear()
        finally:
            close_old_connections()

    def interrupt(self) -> None:
        """End the lane's rest now (the stop event is already set)."""
        if self.wake is not None:
            self.wake.set()

    def state(self) -> dict[str, float]:
        """Return when the last loop began and by when the lane promised to be back
        (Unix times), as the heartbeat row keeps them."""
        back_by = time.time() + (self.back_by - time.monotonic())
        return {"loop": round(self.looped_at, 3), "back_by": round(back_by, 3)}

    def stalled_for(self, now: float | None = None) -> float:
        """Return how far past its promised return the lane is (0 when it is not)."""
        return max(0.0, (time.monotonic() if now is None else now) - self.back_by)


def run_forever(stop: threading.Event, name: str | None = None) -> None:
    """Beat, and run every task on its own lane, until ``stop`` is set.

    The heartbeat is written while no lane is stuck (a run past its limit, a
    rest past its length): a stuck lane stops the beat, so ``/healthz`` and
    the web watchdog report the stall. Each beat also marks stopped the
    workers of this host whose process is gone, so their claims are free at
    once (the first beat does so before any lane claims anything). On stop,
    lanes resting on a wake event are woken, and those still running after
    ``STOP_GRACE_SECONDS`` are left behind (the command then exits): a
    claim they hold is free at once, as the row says this worker stopped.
    """
    # Apps declare their periodic tasks in a ``tasks`` module.
    autodiscover_modules("tasks")
    process = worker_name()
    name = name or process
    started_at = timezone.now()
    tick = settings.WORKER_TICK_SECONDS
    # Full collections between beats (the command applies the policy:
    # runtime.settle_heap()).
    collections = runtime.CollectionTimer()
    lanes = [Lane(task_name, task, stop) for task_name, task in registered_tasks().items()]
    logger.info(
        "worker %s (%s) started with tasks: %s",
        name,
        process,
        ", ".join(registered_tasks()) or "none",
    )
    try:
        _reap()
        _beat(process, name, started_at, {lane.name: lane.state() for lane in lanes})
        for lane in lanes:
            lane.thread.start()
        while not stop.is_set():
            stuck = [lane.name for lane in lanes if lane.stalled_for() > 0]
            lanes_state = {lane.name: lane.state() for lane in lanes}
            if stuck:
                logger.error("worker %s: task(s) stuck, heartbeat withheld: %s", name, stuck)
                _record_lanes(process, name, lanes_state)
            else:
                _beat(process, name, started_at, lanes_state)
            _reap()
            collections.maybe_collect()
            stop.wait(tick)
    finally:
        stop.set()
        for lane in lanes:
            lane.interrupt()
        give_up_at = time.monotonic() + STOP_GRACE_SECONDS
        for lane in lanes:
            lane.thread.join(timeout=max(0.0, give_up_at - time.monotonic()))
        left = [lane.name for lane in lanes if lane.thread.is_alive()]
        if left:
            logger.warning("worker %s stops with task(s) still running: %s", name, left)
        close_old_connections()
        try:
            mark_worker_stopped(process, timezone.now())
        except Exception:
            logger.exception("worker %s could not record its stop", name)
        logger.info("worker %s stopped", name)


def is_running(pid: int) -> bool:
    """Return whether a process ``pid`` exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def _reap() -> None:
    try:
        for process in reap_dead_workers(timezone.now(), socket.gethostname(), is_running):
            logger.warning("worker %s is gone: its claims are free", process)
    except Exception:
        logger.exception("could not look for dead workers")


def _beat(process: str, name: str, started_at: datetime, lanes: dict | None = None) -> None:
    close_old_connections()
    try:
        record_heartbeat(process, timezone.now(), started_at, name=name, lanes=lanes)
    except Exception:
        logger.exception("worker %s could not record its heartbeat", name)


def _record_lanes(process: str, name: str, lanes: dict) -> None:
    close_old_connections()
    try:
        record_lanes(process, timezone.now(), lanes)
    except Exception:
        logger.exception("worker %s could not record its lanes", name)
