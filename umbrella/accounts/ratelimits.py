"""Limits on guessing sign-ins, recovery codes, API tokens and two-step codes.

Three counters, all of failures only (a person who signs in correctly a few
times in a row is never slowed), in the rate-limit cache
(``umbrella.core.ratelimit``), clients named by a keyed hash of their address:

- per **(name, client)** pair: ``LOGIN_RATE``'s count of failures is free;
  after that each further failure of that client for that name makes it wait
  twice as long as the last (1 minute, 2, 4 … at most ``PAIR_MAX_DELAY``).
  An abuser who knows her pseudonym only slows himself down;
- per **client**, whatever the name, ``LOGIN_RATE``: one client trying many
  names (spraying);
- per **name**, whatever the client, ``LOGIN_ACCOUNT_RATE`` (default
  ``60/5m``): a high ceiling that slows an attack from many clients at once.
  It is a fixed window, so it never keeps the owner out for longer than
  the window, and it cannot be filled from one client (the pair backoff stops
  that client long before).

A name that is not anyone's is counted exactly like a real one, so the
answers tell nobody which names exist.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

from umbrella.core import ratelimit

PAIR_FIRST_DELAY = 60  # seconds, after the free failures
PAIR_MAX_DELAY = 3600
# How long a pair's failures are remembered: long enough for the delay to grow.
PAIR_MEMORY = 24 * 3600


def _name_key(name: str) -> str:
    return name.strip().lower()[:150]


def _pair_cache_key(request: HttpRequest, scope: str, name: str) -> str:
    # The name is inside the HMAC too: the cache holds neither a name nor an address.
    return "accounts:pair:" + ratelimit.client_key(request, f"{scope}|{_name_key(name)}")


def _free_failures() -> int:
    count, _slash, _period = settings.LOGIN_RATE.partition("/")
    return int(count)


def _pair_delay(failures: int) -> int:
    """Return how long a pair waits after ``failures`` failures (0 while they are free)."""
    over = failures - _free_failures()
    if over < 0:
        return 0
    return min(PAIR_FIRST_DELAY * 2**over, PAIR_MAX_DELAY)


def _pair_locked(request: HttpRequest, scope: str, name: str, now: float) -> bool:
    state = ratelimit.rate_cache().get(_pair_cache_key(request, scope, name))
    return bool(state) and now < state["until"]


def _record_pair_failure(request: HttpRequest, scope: str, name: str, now: float) -> None:
    cache = ratelimit.rate_cache()
    key = _pair_cache_key(request, scope, name)
    failures = (cache.get(key) or {"failures": 0})["failures"] + 1
    # Two simultaneous failures may both read the same count: the attacker
    # then gets one more try, which the other two counters still bound.
    state = {"failures": failures, "until": now + _pair_delay(failures)}
    cache.set(key, state, timeout=max(PAIR_MEMORY, _pair_delay(failures)))


def _window_counters(request: HttpRequest, scope: str, name: str, increment: bool) -> list[bool]:
    return [
        ratelimit.over(
            request,
            f"accounts.{scope}.client",
            ratelimit.client_key(request, f"accounts.{scope}"),
            settings.LOGIN_RATE,
            increment=increment,
        ),
        ratelimit.over(
            request,
            f"accounts.{scope}.name",
            ratelimit.keyed(f"accounts.{scope}.name", _name_key(name)),
            settings.LOGIN_ACCOUNT_RATE,
            increment=increment,
        ),
    ]


def is_locked(request: HttpRequest, scope: str, name: str) -> bool:
    """Answer whether this client must wait before trying ``name`` again.

    ``scope`` separates counters (``login``, ``recover``, ``api-token`` …).
    """
    if _pair_locked(request, scope, name, time.time()):
        return True
    return any(_window_counters(request, scope, name, increment=False))


def record_failure(request: HttpRequest, scope: str, name: str) -> None:
    """Count one failed attempt of this client for ``name``."""
    _record_pair_failure(request, scope, name, time.time())
    _window_counters(request, scope, name, increment=True)
