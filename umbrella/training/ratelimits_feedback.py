"""Limits on feedback submissions per client, without keeping the client's address.

The counter's key is a keyed hash (HMAC with the ``SECRET_KEY``) of the
address (IPv6 cut to its /64 network, as django-ratelimit does), held in the
cache only and expiring with its window. Without the key the hash cannot be
turned back into an address by trying the 2³² IPv4 addresses, which a plain
hash of an address allows. Nothing of it reaches the database.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from umbrella.core import ratelimit

# The rates: settings.TRAINING_FEEDBACK_RATE (per client, all services
# together) and TRAINING_FEEDBACK_SERVICE_RATE (per client and service).


def client_key(request: HttpRequest, scope: str = "") -> str:
    """Return a keyed hash of the client's address (and ``scope``); never the address."""
    return ratelimit.client_key(request, f"training.feedback|{scope}")


def _usages(request: HttpRequest, service_id: int, increment: bool) -> list[dict | None]:
    overall = client_key(request)
    per_service = client_key(request, f"service:{service_id}")
    return [
        get_usage(
            request,
            group="training.feedback",
            key=lambda group, request: overall,
            rate=settings.TRAINING_FEEDBACK_RATE,
            increment=increment,
        ),
        get_usage(
            request,
            group="training.feedback.service",
            key=lambda group, request: per_service,
            rate=settings.TRAINING_FEEDBACK_SERVICE_RATE,
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
