"""The web process watches the worker: a stalled worker is never silent.

``/healthz`` answers 503 as soon as the newest heartbeat is too old, but a
health check only helps if something polls it. Each web process therefore
runs this watchdog (started by the ASGI lifespan in ``umbrella/asgi.py``): it
checks the heartbeat every few seconds and raises an operator alert
(a CRITICAL log line and an e-mail to ``ADMINS``) once per stall, across all
web processes (deduplicated through the shared cache).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_admins
from django.utils import timezone

from umbrella.core.queries import last_worker_beat, worker_is_alive

logger = logging.getLogger("umbrella.watchdog")

CHECK_EVERY_SECONDS = 5.0
_ALERT_KEY = "umbrella:watchdog:worker-stalled"


def check_worker(now: datetime) -> bool:
    """Check the worker's heartbeat; alert operators once per stall. Return whether it is alive."""
    if worker_is_alive(now):
        if cache.delete(_ALERT_KEY):
            logger.warning("the background worker is beating again")
        return True
    # cache.add is atomic: only the first web process to notice alerts.
    if cache.add(_ALERT_KEY, now.isoformat(), timeout=None):
        beat = last_worker_beat()
        message = (
            f"No background worker has beaten since {beat.isoformat() if beat else 'ever'} "
            f"(limit {settings.WORKER_HEARTBEAT_MAX_AGE} s): alarm escalations and deliveries "
            "are stalled. Start `manage.py worker`."
        )
        logger.critical(message)
        mail_admins("Umbrella: the alarm worker is down", message, fail_silently=True)
    return False


async def watch_forever(stop: asyncio.Event) -> None:
    """Check the worker until ``stop`` is set; never let an error end the watch."""
    # Give a freshly started worker (same `make serve`) time for its first beat.
    await asyncio.sleep(settings.WORKER_HEARTBEAT_MAX_AGE)
    while not stop.is_set():
        try:
            await sync_to_async(check_worker, thread_sensitive=False)(timezone.now())
        except Exception:
            logger.exception("watchdog check failed")
        try:
            await asyncio.wait_for(stop.wait(), CHECK_EVERY_SECONDS)
        except TimeoutError:
            pass
