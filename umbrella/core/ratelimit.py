"""The one rate-limit helper of every app: where counters live and how a client is named.

Counters live in their own cache alias, ``RATE_CACHE`` (settings.CACHES): the
database cache when no Redis is configured, Redis when ``REDIS_URL`` is set.
Not the default cache: with the in-memory default, a flood of anything that
fills it (fake room-button presses, Open311 reads) would evict the sign-in
lockout counters and hand an attacker fresh guesses.

A client is named by ``client_key()``: a keyed hash (HMAC with a key derived
from ``SECRET_KEY``) of its address, IPv6 cut to its /64 network. An unkeyed
hash of an IPv4 address is reversed by trying all 2³² addresses; without the
key, the hash in the cache (or in a memory dump of Redis) names nobody.
``daily=True`` also mixes in the date, so today's keys cannot be linked to
yesterday's (reports use it).
"""

from __future__ import annotations

import base64
import pickle
from collections.abc import Callable
from datetime import datetime

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

# _get_ip honours RATELIMIT_IP_META_KEY (behind a proxy) and masks IPv6 to /64.
from django_ratelimit.core import _get_ip, get_usage

RATE_CACHE = "ratelimit"


class DatabaseRateCache(DatabaseCache):
    """The database cache, with an ``incr()`` that keeps the counter's expiry.

    Django's generic ``incr()`` writes the new value back with the cache's
    default timeout (300 s): a counter of an hour, a day or 15 minutes was
    forgotten five minutes after its last count (django-ratelimit counts with
    ``incr()`` too), and a pause of five minutes gave a fresh allowance.
    Redis and the in-memory cache keep the expiry on their own.
    """

    def incr(self, key, delta=1, version=None):
        value = self.get(key, self._missing_key, version=version)
        if value is self._missing_key:
            raise ValueError(f"Key {key!r} not found")
        new_value = value + delta
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            # The value only: the row's expiry stays as add() or set() wrote it.
            # Two simultaneous counts may both read one value, as with Django's.
            cursor.execute(
                f"UPDATE {quote_name(self._table)} SET {quote_name('value')} = %s "  # noqa: S608
                f"WHERE {quote_name('cache_key')} = %s",
                [encoded, self.make_and_validate_key(key, version=version)],
            )
            if cursor.rowcount == 0:  # deleted between the read and the write
                raise ValueError(f"Key {key!r} not found")
        return new_value


def rate_cache():
    """Return the cache that holds every rate-limit counter."""
    return caches[RATE_CACHE]


def client_key(
    request: HttpRequest, purpose: str = "", *, daily: bool = False, now: datetime | None = None
) -> str:
    """Return a keyed hash naming the client of ``request``; never its address.

    ``purpose`` separates the keys of different limits, so one limit's key
    tells nothing about another's.
    """
    try:
        address = _get_ip(request)
    except (KeyError, ValueError):
        address = ""
    salt = "umbrella.ratelimit.client"
    if daily:
        salt += "|" + timezone.localdate(now or timezone.now()).isoformat()
    return keyed(salt, f"{purpose}|{address}")


def keyed(purpose: str, value: str) -> str:
    """Return a keyed hash (HMAC, key derived from ``SECRET_KEY``) of ``value`` for ``purpose``."""
    return salted_hmac(purpose, value, algorithm="sha256").hexdigest()[:40]


def usage(
    request: HttpRequest, group: str, key: str | Callable, rate: str, *, increment: bool
) -> dict | None:
    """Return django-ratelimit's usage of ``group`` for ``key`` (a string or its callable).

    django-ratelimit keeps its counters in ``RATELIMIT_USE_CACHE``, which is
    ``RATE_CACHE``.
    """
    if isinstance(key, str):
        value = key
        key = lambda group, request: value  # noqa: E731 -- django-ratelimit's key signature
    return get_usage(request, group=group, key=key, rate=rate, increment=increment)


def over(request: HttpRequest, group: str, key: str, rate: str, *, increment: bool) -> bool:
    """Answer whether ``key`` used up ``rate`` in ``group`` (this call counted if ``increment``)."""
    found = usage(request, group, key, rate, increment=increment)
    if found is None:
        return False
    if increment:
        return bool(found["should_limit"])
    return found["count"] >= found["limit"]


def hit(key: str, seconds: int) -> int:
    """Count one event under ``key`` in the rate-limit cache; return the count so far.

    The count starts at the first event and is forgotten ``seconds`` later
    (django-ratelimit's windows are fixed on the clock instead). Two
    simultaneous events may read one count: the caller may let one more pass.
    Count only what an attacker cannot multiply (a known button, not any key
    someone makes up): every new key is a row, and a full cache culls rows.
    """
    cache = rate_cache()
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
