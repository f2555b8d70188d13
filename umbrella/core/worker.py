"""The background worker loop and the registry of its periodic tasks.

Apps register a task with ``@periodic_task``; each task handles at most a
small batch of due items and returns whether it did any work, so the loop can
run again at once while there is a backlog and sleep when there is none
(the healthchecks ``sendalerts`` pattern). Each task loops on its own lane
(thread), so a slow delivery never delays an escalation; the main thread
beats while every lane keeps turning.
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
from umbrella.core.actions import forget_heartbeat, record_heartbeat

logger = logging.getLogger(__name__)

Task = Callable[[datetime], bool]
_TASKS: dict[str, Task] = {}


def periodic_task(
    func: Task | None = None,
    *,
    idle_seconds: float | None = None,
    wake: threading.Event | None = None,
):
    """Register ``func(now) -> bool`` to run on every worker tick.

    ``idle_seconds``: how long its lane rests after a run that found no work
    (default ``WORKER_TICK_SECONDS``); ``wake``: an event that ends the rest
    early (set when work is queued inside this process).
    """

    def register(task: Task) -> Task:
        task.idle_seconds = idle_seconds  # type: ignore[attr-defined]
        task.wake = wake  # type: ignore[attr-defined]
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
    each other. ``last_loop`` tells the heartbeat the lane is still turning.
    """

    def __init__(self, name: str, task: Task, stop: threading.Event) -> None:
        self.name, self.task, self.stop = name, task, stop
        self.last_loop = time.monotonic()
        self.thread = threading.Thread(target=self.run, name=f"worker-{name}", daemon=True)

    def run(self) -> None:
        rest = getattr(self.task, "idle_seconds", None) or settings.WORKER_TICK_SECONDS
        wake: threading.Event | None = getattr(self.task, "wake", None)
        try:
            while not self.stop.is_set():
                close_old_connections()
                try:
                    busy = self.task(timezone.now())
                except Exception:
                    logger.exception("worker task %s failed", self.name)
                    busy = False
                self.last_loop = time.monotonic()
                if busy:
                    continue
                if wake is None:
                    self.stop.wait(rest)
                elif wake.wait(rest):
                    wake.clear()
        finally:
            close_old_connections()

    def stalled_for(self) -> float:
        return time.monotonic() - self.last_loop


def run_forever(stop: threading.Event, name: str | None = None) -> None:
    """Beat, and run every task on its own lane, until ``stop`` is set.

    The heartbeat is written only while every lane keeps turning: a lane
    stuck longer than ``WORKER_HEARTBEAT_MAX_AGE`` stops the beat, so
    ``/healthz`` and the web watchdog report the stall.
    """
    # Apps declare their periodic tasks in a ``tasks`` module.
    autodiscover_modules("tasks")
    name = name or worker_name()
    started_at = timezone.now()
    tick = settings.WORKER_TICK_SECONDS
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    # Full collections between beats (the command applies the policy:
    # runtime.settle_heap()).
    collections = runtime.CollectionTimer()
    lanes = [Lane(task_name, task, stop) for task_name, task in registered_tasks().items()]
    logger.info("worker %s started with tasks: %s", name, ", ".join(registered_tasks()) or "none")
    try:
        _beat(name, started_at)
        for lane in lanes:
            lane.thread.start()
        while not stop.is_set():
            stuck = [lane.name for lane in lanes if lane.stalled_for() > max_age]
            if stuck:
                logger.error("worker %s: task(s) stuck, heartbeat withheld: %s", name, stuck)
            else:
                _beat(name, started_at)
            collections.maybe_collect()
            stop.wait(tick)
    finally:
        stop.set()
        for lane in lanes:
            if lane.thread.is_alive():
                lane.thread.join(timeout=max_age)
        close_old_connections()
        try:
            forget_heartbeat(name)
        except Exception:
            logger.exception("worker %s could not remove its heartbeat", name)
        logger.info("worker %s stopped", name)


def _beat(name: str, started_at: datetime) -> None:
    close_old_connections()
    try:
        record_heartbeat(name, timezone.now(), started_at)
    except Exception:
        logger.exception("worker %s could not record its heartbeat", name)
