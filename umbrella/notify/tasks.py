"""Worker tasks of notify: send due deliveries, take over attempts of a dead worker."""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from umbrella.core import outbound, wakeup
from umbrella.core.worker import at_start, at_stop, periodic_task, worker_name
from umbrella.notify import actions
from umbrella.notify.actions import deliveries_queued
from umbrella.notify.models import DELIVERIES, Delivery, DeliveryStatus, EventType
from umbrella.notify.providers import get_provider
from umbrella.notify.transports import DeliveryError, message_text, transport_for

logger = logging.getLogger(__name__)

BATCH = 20
# Network sends run side by side: one slow SMS gateway (10 s timeout) must not
# hold back the push messages claimed with it.
SEND_THREADS = 16


class Outcome(NamedTuple):
    """How one attempt ended: the error (None when handed over), how long the transport
    took, the status it earned if sent, and when it ended."""

    error: Exception | None
    duration_ms: int
    status: str
    ended_at: datetime


def _send(delivery: Delivery) -> Outcome:
    """Send one delivery; return how it ended."""
    started = time.monotonic()
    status = DeliveryStatus.SENT
    try:
        status = transport_for(delivery.channel).send(delivery) or DeliveryStatus.SENT
        error = None
    except Exception as exc:
        error = exc
    return Outcome(error, int((time.monotonic() - started) * 1000), status, timezone.now())


def record_outcome(delivery: Delivery, outcome: Outcome) -> bool:
    """Store the outcome of one attempt (and queue its retry); answer whether it was handed over.

    ``sent_at`` is when the provider answered (``outcome.ended_at``), not when
    the outcome was written: the worker writes it a moment later. A status of
    ``console`` means a console provider took it (a local install).
    """
    error, duration_ms, status, now = outcome
    if error is None:
        actions.record_sent(delivery, now=now, duration_ms=duration_ms, status=status)
        return True
    if isinstance(error, DeliveryError):
        logger.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, error)
        permanent, gone = error.permanent, error.gone
    else:
        # A bug in a transport: record it (and retry) rather than leave the
        # row "sending" until its lease runs out.
        logger.error("delivery %s (%s) crashed", delivery.pk, delivery.channel, exc_info=error)
        permanent = gone = False
    actions.record_failure(
        delivery,
        now=now,
        error=f"{type(error).__name__}: {error}"
        if not isinstance(error, DeliveryError)
        else str(error),
        duration_ms=duration_ms,
        permanent=permanent,
        gone=gone,
    )
    return False


def send_deliveries(deliveries: list[Delivery]) -> int:
    """Send claimed deliveries concurrently, record each outcome; return how many were sent."""
    if not deliveries:
        return 0
    with ThreadPoolExecutor(min(SEND_THREADS, len(deliveries))) as pool:
        outcomes = list(pool.map(_send, deliveries))
    return sum(
        record_outcome(delivery, outcome)
        for delivery, outcome in zip(deliveries, outcomes, strict=True)
    )


def send_due_deliveries(now: datetime) -> bool:
    """Claim a batch of due deliveries, send them and wait for every outcome.

    The synchronous form, for tests and one-off runs; the worker pumps
    deliveries through ``pump_deliveries`` instead.
    """
    expired = actions.expire_leases(now)
    claimed = actions.claim_due_deliveries(now, worker_name(), limit=BATCH)
    send_deliveries(claimed)
    return bool(claimed or expired)


class Pump:
    """The worker's senders: a delivery is claimed as soon as a sender is free.

    Claiming a batch and waiting for its slowest send made a new alarm's SMS
    wait behind the previous batch (a 300 ms provider: up to 300 ms, plus a
    whole tick when the lane slept). Here the senders only do the network
    I/O and hand back each outcome; the lane records outcomes as they come
    (so the database has one writer per worker for deliveries — SQLite's
    lock is never fought over by eight threads) and claims again whenever
    fewer than ``SEND_THREADS`` sends are in flight.
    """

    def __init__(self) -> None:
        self.in_flight = 0
        # Sends are handed over by the delivery lane and, at their commit, by the
        # lane that queued them (``take``); outcomes are recorded by the former.
        self.lock = threading.Lock()
        self.outcomes: queue.SimpleQueue = queue.SimpleQueue()
        self.pool: ThreadPoolExecutor | None = None

    def start(self) -> ThreadPoolExecutor:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="notify-send")
        return self.pool

    def free(self) -> int:
        return SEND_THREADS - self.in_flight

    def submit(self, delivery: Delivery) -> None:
        pool = self.start()
        with self.lock:
            self.in_flight += 1
        pool.submit(self._send, delivery)

    def take(self, deliveries: list[Delivery]) -> None:
        """Send deliveries a lane of this worker queued already claimed (notify.actions:
        ``send_from_here``), now that their transaction committed."""
        for delivery in deliveries:
            self.submit(delivery)

    def _send(self, delivery: Delivery) -> None:
        try:
            outcome = _send(delivery)
        finally:
            close_old_connections()
        self.outcomes.put((delivery, outcome))
        # This lane only: nobody else records this worker's outcomes.
        deliveries_queued.wake_here()

    def record_outcomes(self) -> int:
        """Record the outcomes the senders handed back (on the lane's thread)."""
        recorded = 0
        while True:
            try:
                delivery, outcome = self.outcomes.get_nowait()
            except queue.Empty:
                return recorded
            with self.lock:
                self.in_flight -= 1
            recorded += 1
            try:
                record_outcome(delivery, outcome)
            except Exception:
                # The row stays claimed; its lease runs out and it is sent again.
                logger.exception("recording delivery %s failed", delivery.pk)


_pump = Pump()


def _compose_in_each_language() -> None:
    for code, _name in settings.LANGUAGES:
        message_text(EventType.ESCALATED, code)


@at_start
def prepare_senders() -> None:
    """Create the provider's and the push services' HTTP clients and the senders now,
    and compose one message in each language on a sender.

    Done on first use, they cost the first alarm after a start ~90 ms (a TLS
    context, a connection pool, the provider's set-up), and the first message
    in each language 70–150 ms more (its catalogue; its links come from
    notify/links.py, not the site's URL configuration). The
    messages are composed beside the lanes, not before them: a restarted
    worker takes over a dead one's deadlines first (up to 1 s of composing
    on a loaded machine).
    """
    get_provider()
    outbound.client()
    _pump.start().submit(_compose_in_each_language)
    actions.send_from_here(_pump)


@at_stop
def stop_senders() -> None:
    """Take no more deliveries from the lanes (the worker stops)."""
    actions.send_from_here(None)


def seconds_to_next_delivery(now: datetime) -> float | None:
    """How long the delivery lane may sleep: until a retry is due or a lease runs out.

    Due deliveries count only while a sender is free; until one is, a
    finished send wakes the lane.
    """
    return DELIVERIES.seconds_to_next(now, waiting=_pump.free() > 0)


@periodic_task(
    idle_seconds=wakeup.FALLBACK_SECONDS,
    wake=deliveries_queued,
    rest_for=seconds_to_next_delivery,
)
def pump_deliveries(now: datetime) -> bool:
    """Claim due deliveries for the free senders, then record finished sends and take
    back a dead worker's; answer whether there was any of it.

    The claim comes first: a new alarm's SMS does not wait for the bookkeeping
    of sends already made (a send's outcome recorded a moment later changes
    nothing for anyone).
    """
    claimed = []
    if _pump.free() > 0:
        claimed = actions.claim_due_deliveries(now, worker_name(), limit=min(BATCH, _pump.free()))
        for delivery in claimed:
            _pump.submit(delivery)
    recorded = _pump.record_outcomes()
    expired = actions.expire_leases(now)
    return bool(claimed or recorded or expired)
