"""Run a creating action once per ``Idempotency-Key``.

The panic app's service worker sends a queued press again when the network
comes back; the press may already have reached the server before the
connection dropped. The same owner sending the same key within 24 hours gets
the alarm (or check-in) the first request created, and nothing new is made.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from umbrella.accounts.models import hash_secret
from umbrella.alarms.models import IdempotencyKey

IDEMPOTENCY_WINDOW = timedelta(hours=24)
KEY_MAX_LENGTH = 100
PURGE_BATCH = 500


def valid_key(key: str) -> bool:
    """Answer whether ``key`` is 1 to 100 printable ASCII characters."""
    return 1 <= len(key) <= KEY_MAX_LENGTH and all(" " <= char <= "~" for char in key)


def _earlier(owner, scope: str, digest: str, now: datetime):
    record = (
        IdempotencyKey.objects.filter(
            owner=owner, scope=scope, key_hash=digest, created_at__gt=now - IDEMPOTENCY_WINDOW
        )
        .select_related("alarm", "checkin")
        .first()
    )
    if record is None:
        return None
    return record.alarm or record.checkin


def run_once(
    owner, scope: str, key: str, now: datetime, create: Callable[[IdempotencyKey], object]
):
    """Return ``(object, created)``: what ``create(record)`` made for this key, made at most once.

    ``create`` runs in the same transaction as the key's row and must link
    the row to what it creates (``record.alarm`` or ``record.checkin``).
    """
    digest = hash_secret(key)
    try:
        with transaction.atomic():
            earlier = _earlier(owner, scope, digest, now)
            if earlier is not None:
                return earlier, False
            # A key older than the window (not purged yet) is free again.
            IdempotencyKey.objects.filter(
                owner=owner,
                scope=scope,
                key_hash=digest,
                created_at__lte=now - IDEMPOTENCY_WINDOW,
            ).delete()
            record = IdempotencyKey.objects.create(
                owner=owner, scope=scope, key_hash=digest, created_at=now
            )
            return create(record), True
    except IntegrityError:
        # A request with the same key committed first (PostgreSQL: this
        # insert waited for it on the unique index): answer what it made.
        earlier = _earlier(owner, scope, digest, now)
        if earlier is None:
            raise
        return earlier, False


@transaction.atomic
def purge_idempotency_keys(now: datetime, batch: int = PURGE_BATCH) -> int:
    """Delete keys older than 24 hours; return how many."""
    ids = list(
        IdempotencyKey.objects.filter(created_at__lte=now - IDEMPOTENCY_WINDOW).values_list(
            "pk", flat=True
        )[:batch]
    )
    if ids:
        IdempotencyKey.objects.filter(pk__in=ids).delete()
    return len(ids)
