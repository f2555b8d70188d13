"""The background worker loop and the registry of its periodic tasks.

Apps register a task with ``@periodic_task``; each task handles at most a
small batch of due items and returns whether it did any work, so the loop can
run again at once while there is a backlog and sleep when there is none
(the healthchecks ``sendalerts`` pattern).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
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


def periodic_task(func: Task) -> Task:
    """Register ``func(now) -> bool`` to run on every worker tick."""
    _TASKS[f"{func.__module__}.{func.__qualname__}"] = func
    return func


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


def run_forever(stop: threading.Event, name: str | None = None) -> None:
    """Beat and run tasks until ``stop`` is set."""
    # Apps declare their periodic tasks in a ``tasks`` module.
    autodiscover_modules("tasks")
    name = name or worker_name()
    started_at = timezone.now()
    tick = settings.WORKER_TICK_SECONDS
    # Full collections between ticks, not in the middle of an escalation
    # step (the command applies the policy: runtime.settle_heap()).
    collections = runtime.CollectionTimer()
    logger.info("worker %s started with tasks: %s", name, ", ".join(registered_tasks()) or "none")
    try:
        while not stop.is_set():
            close_old_connections()
            now = timezone.now()
            try:
                record_heartbeat(name, now, started_at)
            except Exception:
                logger.exception("worker %s could not record its heartbeat", name)
            busy = run_tasks_once(now)
            if not busy:
                collections.maybe_collect()
                stop.wait(tick)
    finally:
        try:
            forget_heartbeat(name)
        except Exception:
            logger.exception("worker %s could not remove its heartbeat", name)
        logger.info("worker %s stopped", name)
