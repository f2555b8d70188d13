"""Read-only questions about the platform's health."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from umbrella.core.models import WorkerHeartbeat


def database_is_up() -> bool:
    """Return whether a trivial query succeeds."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down" to the health check
        return False


def last_worker_beat() -> datetime | None:
    """Return the newest heartbeat of any worker, or None when none ever beat."""
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def worker_is_alive(now: datetime) -> bool:
    """Return whether some worker beat within ``WORKER_HEARTBEAT_MAX_AGE`` seconds."""
    beat = last_worker_beat()
    if beat is None:
        return False
    return now - beat <= timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
