"""State changes of the platform core."""

from datetime import datetime

from django.db import transaction

from umbrella.core.models import WorkerHeartbeat


@transaction.atomic
def record_heartbeat(name: str, now: datetime, started_at: datetime) -> None:
    """Record that the worker called ``name`` is alive at ``now``."""
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": now, "started_at": started_at}
    )


@transaction.atomic
def forget_heartbeat(name: str) -> None:
    """Remove a worker that shut down cleanly, so it no longer counts as alive."""
    WorkerHeartbeat.objects.filter(name=name).delete()
