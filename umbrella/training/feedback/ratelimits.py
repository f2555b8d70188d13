"""Limits on feedback submissions per client, without keeping the client's address.

The project's one rate-limit helper (``core/ratelimit.py``) names the client by
a keyed hash (HMAC with a key derived from the ``SECRET_KEY``) of its address
(IPv6 cut to its /64 network, as django-ratelimit does) and keeps the counters
in its cache only, expiring with their window. Without the key the hash cannot
be turned back into an address by trying the 2³² IPv4 addresses, which a plain
hash of an address allows. Nothing of it reaches the database.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from umbrella.core import ratelimit

# The rates: settings.TRAINING_FEEDBACK_RATE (per client, all services
# together) and TRAINING_FEEDBACK_SERVICE_RATE (per client and service).


def client_key(request: HttpRequest, scope: str = "") -> str:
    """Return a keyed hash of the client's address (and ``scope``); never the address."""
    return ratelimit.client_key(request, f"training.feedback|{scope}")


def _usages(request: HttpRequest, service_id: int, increment: bool) -> list[dict | None]:
    return [
        ratelimit.usage(
            request,
            "training.feedback",
            client_key(request),
            settings.TRAINING_FEEDBACK_RATE,
            increment=increment,
        ),
        ratelimit.usage(
            request,
            "training.feedback.service",
            client_key(request, f"service:{service_id}"),
            settings.TRAINING_FEEDBACK_SERVICE_RATE,
            increment=increment,
        ),
    ]


def is_limited(request: HttpRequest, service_id: int) -> bool:
    """Answer whether this client sent too many answers recently (overall or for this service)."""
    return any(
        usage is not None and usage["count"] >= usage["limit"]
        for usage in _usages(request, service_id, increment=False)
    )


def count_submission(request: HttpRequest, service_id: int) -> None:
    _usages(request, service_id, increment=True)
