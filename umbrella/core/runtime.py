"""Garbage-collector policy of the long-lived processes (web and worker).

CPython's cyclic collector runs a *full* collection when the objects that
survived into the oldest generation have grown by a quarter. A web process
holding 2,000 alarm streams walks ~150,000 objects in a full collection,
plus Django's own ~100,000 start-up objects: 60-120 ms during which the
event loop stands still and no alarm is delivered. Streams arrive in waves
(a reconnect storm after a restart), so those collections come exactly when
alarms are likely to be in flight: measured as the p99 of
``bench/alarm_latency.py`` (175-207 ms at 2,000 streams, against ~13 ms p50).

The policy, applied once a process has loaded its code:

1. ``gc.freeze()`` the start-up heap (modules, URL patterns, translations):
   it lives as long as the process, so no collection needs to walk it.
2. Young collections stay as CPython runs them (cheap, and they free most
   cyclic garbage), but full collections no longer start on their own in the
   middle of a request: they run on a timer, every
   ``GC_FULL_COLLECTION_SECONDS`` (default 300 s). Cyclic garbage that
   reached the oldest generation waits at most that long.

``GC_FULL_COLLECTION_SECONDS=0`` keeps CPython's defaults.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)

# A threshold the oldest generation's counter (one tick per young
# collection) does not reach between two timed collections.
_NEVER = 1_000_000


def full_collection_seconds() -> float:
    return float(settings.GC_FULL_COLLECTION_SECONDS)


def settle_heap(*, views: bool = True) -> bool:
    """Load every view (``views``), freeze the start-up heap and defer full collections.

    Return whether the policy is on (``GC_FULL_COLLECTION_SECONDS`` > 0). The
    worker serves no page: it passes ``views=False`` and never loads the URL
    configuration (every view module, the API's schemas: ~11 MB).
    """
    if full_collection_seconds() <= 0:
        return False
    if views:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()
    give_back_freed_memory()  # what the start-up's temporary objects left
    young, middle, _oldest = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)
    logger.info("start-up heap frozen (%d objects); full collections timed", gc.get_freeze_count())
    return True


def _libc_malloc_trim():
    """Return glibc's ``malloc_trim``, or None where there is no glibc."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_malloc_trim = _libc_malloc_trim()
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas before any thread starts; answer whether it applied.

    As ``MALLOC_ARENA_MAX`` would: a process's threads (the worker's lanes
    and senders, a web process's database pool) otherwise each keep an
    arena of their own (~4 MB measured in the worker, ~2 MB in a web
    process at 2,000 streams).
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # no glibc: nothing to cap
        return False


def give_back_freed_memory() -> None:
    """Hand back to the system the pages a burst of temporary objects left free.

    For one-off builds (the area index allocates ~57 MB of temporary
    geometries and keeps ~10 MB): without it the process keeps the rest.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def collect_fully() -> float:
    """Run one full collection, then give freed memory back; return the time taken (ms).

    ``malloc_trim`` hands back to the system the pages glibc keeps after a
    burst (a reconnect storm's 2,000 authentications: ~8 MB measured).
    """
    started = time.perf_counter()
    gc.collect()
    give_back_freed_memory()
    took = (time.perf_counter() - started) * 1000
    logger.debug("timed full collection took %.1f ms", took)
    return took


async def collect_on_a_timer() -> None:
    """Run a full collection every ``GC_FULL_COLLECTION_SECONDS`` (a web process's task)."""
    every = full_collection_seconds()
    while every > 0:
        await asyncio.sleep(every)
        collect_fully()


class CollectionTimer:
    """The same timer for a loop that ticks (the worker): ``due(now)`` then collect."""

    def __init__(self) -> None:
        self.every = full_collection_seconds()
        self.last = time.monotonic()

    def maybe_collect(self) -> bool:
        if self.every <= 0 or time.monotonic() - self.last < self.every:
            return False
        collect_fully()
        self.last = time.monotonic()
        return True
