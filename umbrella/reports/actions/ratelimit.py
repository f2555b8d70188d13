"""Rate limits on new reports, per client, storing no IP address.

The caller passes a ``client_key``: a keyed hash of the client address with
a key that changes every day (``client_key_for(request)``), so even the
cache never holds an address, and yesterday's keys cannot be linked to
today's. Counters live in the rate-limit cache (``umbrella.core.ratelimit``:
the database or Redis, shared by every web process) and expire on their own.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from umbrella.core import ratelimit


def client_key_for(request, now: datetime | None = None) -> str:
    """Return a rate-limit key for the client of ``request``: never the address itself."""
    return ratelimit.client_key(request, "reports", daily=True, now=now)[:32]


def _limits() -> tuple[int, int]:
    return (
        settings.REPORTS_PER_CLIENT_PER_HOUR,
        settings.REPORTS_PER_CLIENT_PER_DAY,
    )


def _keys(client_key: str, now: datetime) -> tuple[str, str]:
    digest = hashlib.sha256(client_key.encode()).hexdigest()[:24]
    local = timezone.localtime(now)
    return (
        f"reports:rate:h:{local:%Y%m%d%H}:{digest}",
        f"reports:rate:d:{local:%Y%m%d}:{digest}",
    )


def is_limited(client_key: str, now: datetime) -> bool:
    """Answer whether this client reached its hourly or daily number of reports."""
    if not client_key:
        return False
    hourly, daily = _limits()
    hour_key, day_key = _keys(client_key, now)
    counts = ratelimit.rate_cache().get_many([hour_key, day_key])
    return counts.get(hour_key, 0) >= hourly or counts.get(day_key, 0) >= daily


def count(client_key: str, now: datetime) -> None:
    """Count one accepted report for this client."""
    if not client_key:
        return
    hour_key, day_key = _keys(client_key, now)
    cache = ratelimit.rate_cache()
    for key, ttl in ((hour_key, 3600), (day_key, 86400)):
        if cache.add(key, 1, ttl):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, ttl)
