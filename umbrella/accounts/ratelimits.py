"""Limits on guessing: failed sign-ins count per name and per IP address.

Only failures count, so a person who signs in correctly a few times in a row
is never locked out. The counters live in the cache (Redis in production),
shared by every web process.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage


def _usages(request: HttpRequest, scope: str, name: str, increment: bool) -> list[dict | None]:
    rate = settings.LOGIN_RATE
    name_key = name.strip().lower()[:150]
    return [
        get_usage(request, group=f"accounts.{scope}.ip", key="ip", rate=rate, increment=increment),
        get_usage(
            request,
            group=f"accounts.{scope}.name",
            key=lambda group, request: name_key,
            rate=rate,
            increment=increment,
        ),
    ]


def is_locked(request: HttpRequest, scope: str, name: str) -> bool:
    """Answer whether too many attempts failed recently for this name or address.

    ``scope`` separates counters (``login``, ``recover``, ``api-token`` …).
    """
    return any(
        usage is not None and usage["count"] >= usage["limit"]
        for usage in _usages(request, scope, name, increment=False)
    )


def record_failure(request: HttpRequest, scope: str, name: str) -> None:
    """Count one failed attempt for this name and this address."""
    _usages(request, scope, name, increment=True)
