"""Worker tasks of notify: send due deliveries, take over attempts of a dead worker."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.utils import timezone

from umbrella.core.worker import periodic_task, worker_name
from umbrella.notify import actions
from umbrella.notify.models import Delivery
from umbrella.notify.transports import DeliveryError, transport_for

logger = logging.getLogger(__name__)

BATCH = 20
# Network sends run side by side: one slow SMS gateway (10 s timeout) must not
# hold back the push messages claimed with it. Only the network I/O runs in
# these threads; every database write stays in the worker's own thread.
SEND_THREADS = 8


def _send(delivery: Delivery) -> tuple[Exception | None, int]:
    started = time.monotonic()
    try:
        transport_for(delivery.channel).send(delivery)
        error = None
    except Exception as exc:
        error = exc
    return error, int((time.monotonic() - started) * 1000)


def record_outcome(delivery: Delivery, error: Exception | None, duration_ms: int) -> bool:
    """Store the outcome of one attempt (and queue its retry); answer whether it was sent."""
    now = timezone.now()
    if error is None:
        actions.record_sent(delivery, now=now, duration_ms=duration_ms)
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
        record_outcome(delivery, error, duration)
        for delivery, (error, duration) in zip(deliveries, outcomes, strict=True)
    )


@periodic_task
def send_due_deliveries(now: datetime) -> bool:
    """Claim a batch of due deliveries and send them; answer whether there was any."""
    expired = actions.expire_leases(now)
    claimed = actions.claim_due_deliveries(now, worker_name(), limit=BATCH)
    send_deliveries(claimed)
    return bool(claimed or expired)
