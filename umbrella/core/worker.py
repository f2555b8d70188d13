"""The background worker loop and the registry of its periodic tasks.

Apps register a task with ``@periodic_task``; each task handles at most a
small batch of due items and returns whether it did any work, so the loop can
run again at once while there is a backlog and sleep when there is none
(the healthchecks ``sendalerts`` pattern). Each task loops on its own lane
(thread), so a slow delivery never delays an escalation; the main thread
beats while no lane is stuck.

An idle worker costs nothing: a lane with ``rest_for`` sleeps until its next
due item (a deadline, a retry), and a new one wakes it at once through its
``wakeup.Channel`` (core/wakeup.py: in-process, PostgreSQL NOTIFY, Redis or
a Unix socket); the database alone says what is due, and no lane sleeps
longer than its ``idle_seconds`` (``wakeup.FALLBACK_SECONDS`` for those).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from umbrella.core import runtime, wakeup
from umbrella.core.actions import (
    forget_old_workers,
    mark_worker_stopped,
    reap_dead_workers,
    record_heartbeat,
    record_lanes,
)
from umbrella.core.queries import pending_migrations, workers_of_host

logger = logging.getLogger(__name__)

Task = Callable[[datetime], bool]
# How long a stop waits for lanes still running a task (a send waiting on a
# slow provider) before the worker exits without them.
STOP_GRACE_SECONDS = 0.5
# Lanes resting longer than this start their first run this late (Lane.run).
FIRST_RUN_DELAY_SECONDS = 5.0
# The main thread beats this many times per WORKER_HEARTBEAT_MAX_AGE (every
# 2 s by default), at most every WORKER_TICK_SECONDS: a beat is a write, and
# an idle worker should cost nothing; /healthz still has five beats' slack.
BEATS_PER_MAX_AGE = 5
# How often a worker started before its migrations were applied looks again.
SCHEMA_WAIT_SECONDS = 5.0
# How often the beat reads which workers this host runs, and deletes the rows
# of workers gone for a day (Reaper).
REAP_READ_EVERY_SECONDS = 30.0
_TASKS: dict[str, Task] = {}
_STARTERS: list[Callable[[], None]] = []
_STOPPERS: list[Callable[[], None]] = []
# The lane the calling thread runs, if it is one (Lane.run sets it).
_here = threading.local()


def periodic_task(
    func: Task | None = None,
    *,
    idle_seconds: float | None = None,
    wake: threading.Event | wakeup.Channel | None = None,
    limit_seconds: float | None = None,
    rest_for: Callable[[datetime], float | None] | None = None,
):
    """Register ``func(now) -> bool`` to run on every worker tick.

    ``idle_seconds``: how long its lane rests after a run that found no work
    (default ``WORKER_TICK_SECONDS``), at most; ``wake``: an event or a
    ``wakeup.Channel`` that ends the rest early (set when work is queued, in
    this process or, for a channel, in any); ``rest_for(now)``: how long the
    lane may rest now (seconds until its next due item; None: nothing due),
    read after every idle run, capped by ``idle_seconds``; ``limit_seconds``:
    how long one run may take before the lane counts as stuck (default
    ``WORKER_HEARTBEAT_MAX_AGE``).
    """

    def register(task: Task) -> Task:
        configure_lane(
            task,
            idle_seconds=idle_seconds,
            wake=wake,
            limit_seconds=limit_seconds,
            rest_for=rest_for,
        )
        _TASKS[f"{task.__module__}.{task.__qualname__}"] = task
        return task

    return register(func) if func is not None else register


def configure_lane(
    task: Task,
    *,
    idle_seconds: float | None = None,
    wake: threading.Event | wakeup.Channel | None = None,
    limit_seconds: float | None = None,
    rest_for: Callable[[datetime], float | None] | None = None,
) -> Task:
    """Give ``task`` its lane's settings (those of ``periodic_task``) without registering it.

    They ride on the function as attributes, which ``Lane`` reads; tests run
    a lane of their own with it.
    """
    # A Callable type has no room for attributes: they are set here, and read with getattr.
    task.idle_seconds = idle_seconds  # type: ignore[attr-defined]
    task.wake = wake  # type: ignore[attr-defined]
    task.rest_for = rest_for  # type: ignore[attr-defined]
    task.limit_seconds = limit_seconds  # type: ignore[attr-defined]
    return task


def at_start(func: Callable[[], None]) -> Callable[[], None]:
    """Register ``func()`` to run once when the worker starts, before its lanes.

    For what would otherwise be paid by the first alarm: an HTTP client to
    create (TLS context, connection pool), keys to load.
    """
    if func not in _STARTERS:
        _STARTERS.append(func)
    return func


def at_stop(func: Callable[[], None]) -> Callable[[], None]:
    """Register ``func()`` to run once when the worker stops, after its lanes (the
    undoing of an ``at_start`` step)."""
    if func not in _STOPPERS:
        _STOPPERS.append(func)
    return func


def on_lane() -> bool:
    """Answer whether the calling thread is a worker lane (a task's own thread)."""
    return getattr(_here, "lane", None) is not None


def keep_connections() -> None:
    """Keep each lane's database connection from one loop to the next.

    Every loop begins with ``close_old_connections()``; with Django's default
    ``CONN_MAX_AGE = 0`` that closes the lane's SQLite connection and the next
    query opens a new one (its PRAGMAs: ~4 ms of CPU, most of what an idle
    lane's look at the database costs). The worker's threads are few and
    long-lived, so each keeps its connection; one that broke is replaced
    (``CONN_HEALTH_CHECKS``). A pooled database (PostgreSQL) is left as it
    is: its connections go back to the pool, which keeps them open.
    """
    for alias in connections:
        database = connections.settings[alias]
        if not (database.get("OPTIONS") or {}).get("pool"):
            database["CONN_MAX_AGE"] = None
            database["CONN_HEALTH_CHECKS"] = True


def commit_claim_unflushed() -> None:
    """Let the current transaction, a claim (a lease on a row), commit without waiting
    for the disk: PostgreSQL's ``synchronous_commit`` off for this transaction only.

    A claim is on the path from a due time to the provider (claim, then the
    step or the send), and waiting for its WAL to reach the disk costs a flush
    (1-5 ms here). Other workers see it as soon as it commits, as before, so
    two workers still never hold one row. A database crash may forget a claim
    (never a step: the step's own commit waits for the disk, and flushes the
    claim's WAL with it); the row is then simply claimed again, as after a
    worker's death. Nothing on SQLite.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def registered_tasks() -> dict[str, Task]:
    """Return the registered tasks by dotted name."""
    return dict(_TASKS)


def worker_name() -> str:
    """Return a name that tells operators which host and process this is: the
    name its wake-up announcements carry."""
    return wakeup.this_process()


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
        wake = getattr(self.task, "wake", None)
        # A channel's own event: waking the lane to stop tells nobody else.
        self.wake: threading.Event | None = getattr(wake, "event", wake)
        self.rest_for = getattr(self.task, "rest_for", None)
        self.overdue = 0  # idle runs in a row that left something due (rest_now)
        self.back_by = time.monotonic() + self.limit
        # When the last loop (a run, then a rest) began, as a Unix time: GET
        # /metrics shows its age (docs/operations.md).
        self.looped_at = time.time()
        self.thread = threading.Thread(target=self.run, name=f"worker-{name}", daemon=True)

    def run(self) -> None:
        _here.lane = self
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
                rest = self.rest_now()
                self.back_by = time.monotonic() + rest + self.max_age
                if self.wake is None:
                    self.stop.wait(rest)
                elif self.wake.wait(rest) and not self.stop.is_set():
                    self.wake.clear()
        finally:
            close_old_connections()

    def rest_now(self) -> float:
        """Return how long to rest: until the next due item, at most ``idle_seconds``."""
        if self.rest_for is None:
            return self.rest
        asked = time.monotonic()
        try:
            until = self.rest_for(timezone.now())
        except Exception:
            logger.exception("worker task %s could not tell its next due time", self.name)
            return min(self.rest, wakeup.FALLBACK_SECONDS)
        if until is not None:
            # Counted from when it was asked: the answer took a query (1-2 ms), and a
            # lane that waited that long more woke as late after its due time.
            until -= time.monotonic() - asked
        if until is None or until > 0:
            self.overdue = 0
            return self.rest if until is None else min(self.rest, until)
        # Something is due that the run did not take: due in the instant since
        # the run (look again at once), or held (a step that keeps failing, a
        # locked database): then back off, 1 ms doubling up to the rest.
        self.overdue += 1
        return 0.0 if self.overdue == 1 else min(self.rest, 0.001 * 2 ** min(self.overdue, 16))

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


def wait_for_schema(stop: threading.Event) -> bool:
    """Wait until the database holds every migration this code needs (and answers);
    answer False when stopped first.

    A worker started before ``manage.py deploy`` ran (``make serve`` after an
    update, a deploy that starts the new code first) would otherwise fail in
    every lane, on every loop, over tables it does not find. It says once
    what it waits for, and no beat is written meanwhile: ``/healthz`` tells
    that no worker runs, and names the pending migrations.
    """
    told = None  # what it waits for, as last said: the database, or its migrations
    while not stop.is_set():
        try:
            pending = pending_migrations()
        except Exception as exc:
            name = exc.__class__.__name__
            state: tuple = ("database", name)
            message = f"the worker waits for its database, which does not answer ({name})"
        else:
            if not pending:
                if told:
                    logger.warning("the worker's database is ready: the worker starts")
                return True
            named = ", ".join(pending[:3]) + (", …" if len(pending) > 3 else "")
            # Said once: a `migrate` under way changes the count every few seconds.
            state = ("migrations",)
            message = (
                f"the worker waits for {len(pending)} migration(s) to be applied ({named}): "
                "run `manage.py deploy`"
            )
        if state != told:
            logger.error(message)
            told = state
        close_old_connections()
        stop.wait(SCHEMA_WAIT_SECONDS)
    return False


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
    beat_every = max(
        settings.WORKER_TICK_SECONDS, settings.WORKER_HEARTBEAT_MAX_AGE / BEATS_PER_MAX_AGE
    )
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
        for starter in list(_STARTERS):
            try:
                starter()
            except Exception:
                logger.exception("worker start-up step %s failed", starter.__qualname__)
        reap = Reaper()
        reap()
        _beat(process, name, started_at, {lane.name: lane.state() for lane in lanes})
        # Other processes' wake-ups (a deadline a web process wrote) reach the
        # lanes through this thread (core/wakeup.py).
        wakeup.Listener(stop).start()
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
            reap()
            collections.maybe_collect()
            stop.wait(beat_every)
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
        for stopper in list(_STOPPERS):
            try:
                stopper()
            except Exception:
                logger.exception("worker stop step %s failed", stopper.__qualname__)
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


class Reaper:
    """Marks stopped the workers of this host whose process is gone: their
    claims are free at once, and the lanes are woken to take them over.

    The host's workers are read from the table at start and then every
    ``REAP_READ_EVERY_SECONDS``, when the rows of workers gone for a day are
    deleted too; in between, a beat only asks the system whether their pids
    still run (the two queries at every beat were half of an idle worker's
    CPU). One started since the last read and killed before the next is
    judged by its beat, as a worker of another host is.
    """

    def __init__(self) -> None:
        self.host = socket.gethostname()
        self.processes: list[str] = []
        self.read_at = -math.inf

    def __call__(self) -> None:
        try:
            if time.monotonic() - self.read_at >= REAP_READ_EVERY_SECONDS:
                forget_old_workers(timezone.now())
                self.processes = workers_of_host(self.host)
                self.read_at = time.monotonic()
            gone = reap_dead_workers(timezone.now(), self.processes, is_running)
        except Exception:
            logger.exception("could not look for dead workers")
            return
        for process in gone:
            logger.warning("worker %s is gone: its claims are free", process)
        if gone:
            self.processes = [p for p in self.processes if p not in gone]
            # Its claimed deadlines and deliveries are free now: take them over.
            wakeup.wake_all_here()


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
