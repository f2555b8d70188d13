"""Read-only questions about the platform's health."""

from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q

from umbrella.core.models import WorkerHeartbeat

_CACHE_PROBE_KEY = "umbrella:healthz:probe"


def database_is_up() -> bool:
    """Return whether a trivial query succeeds."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down" to the health check
        return False


def cache_is_up() -> bool:
    """Return whether the default cache stores and returns a value.

    With Redis it is the server the rate-limit counters live on too; without,
    those counters are in the database (the `ratelimit` alias), which the
    database check covers.
    """
    try:
        cache.set(_CACHE_PROBE_KEY, 1, timeout=10)
        return cache.get(_CACHE_PROBE_KEY) == 1
    except Exception:  # noqa: BLE001 - any failure means "down" to the health check
        return False


def workers_of_host(host: str) -> list[str]:
    """Return the workers of ``host`` (``host:pid``) not marked stopped."""
    return list(
        WorkerHeartbeat.objects.filter(
            process__startswith=f"{host}:", stopped_at__isnull=True
        ).values_list("process", flat=True)
    )


# Once a process has found its database up to date, it stays so: the code a
# process runs does not change under it (a deploy starts new processes).
_schema_current = False


def pending_migrations() -> list[str]:
    """Return the migrations on disk the database has not applied (``app.name``), oldest first.

    Read from the migration files' names and the ``django_migrations`` table,
    without importing a migration (the migration graph costs a web process
    megabytes it would keep). A process answers from memory once none is
    pending.
    """
    global _schema_current
    if _schema_current:
        return []
    on_disk = {
        (app.label, module.stem)
        for app in apps.get_app_configs()
        for module in (Path(app.path) / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py")
    }
    applied = set(MigrationRecorder(connection).applied_migrations())
    pending = sorted(f"{label}.{name}" for label, name in on_disk - applied)
    _schema_current = not pending
    return pending


def running_workers():
    """Return the heartbeats of workers that have not stopped."""
    return WorkerHeartbeat.objects.filter(stopped_at__isnull=True)


def last_worker_beat() -> datetime | None:
    """Return the newest heartbeat of a running worker, or None when none beats."""
    return running_workers().order_by("-beat_at").values_list("beat_at", flat=True).first()


def worker_is_alive(now: datetime) -> bool:
    """Return whether some worker beat within ``WORKER_HEARTBEAT_MAX_AGE`` seconds."""
    beat = last_worker_beat()
    if beat is None:
        return False
    return now - beat <= timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)


def gone_workers(now: datetime):
    """Return the processes (``host:pid``) whose claims are free at once, as a subquery.

    A worker is gone when it stopped (cleanly, or found dead by a worker of
    its host) or has not beaten for ``WORKER_HEARTBEAT_MAX_AGE``. A holder
    with no row at all (a one-off caller) keeps its claim until the lease ends.
    """
    silent_since = now - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    return WorkerHeartbeat.objects.filter(
        Q(stopped_at__isnull=False) | Q(beat_at__lt=silent_since)
    ).values("process")
