"""State changes of the platform core."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from umbrella.core.models import Lease, WorkerHeartbeat
from umbrella.core.queries import gone_workers

FORGET_WORKERS_AFTER = timedelta(days=1)


def record_heartbeat(
    process: str, now: datetime, started_at: datetime, name: str = "", lanes: dict | None = None
) -> None:
    """Record that the worker process ``process`` (``host:pid``) is alive at ``now``,
    with its lanes' state when given (``record_lanes``)."""
    defaults = {
        "name": name or process,
        "beat_at": now,
        "started_at": started_at,
        # A beat also undoes a "stopped" mark set by mistake (a pid read in
        # another pid namespace under the same host name): it is alive.
        "stopped_at": None,
    }
    if lanes is not None:
        defaults.update(lanes=lanes, lanes_at=now)
    # One UPDATE in autocommit, no transaction around it (a beat every 2 s is
    # most of an idle worker's work); the row is created by the first beat
    # only, update_or_create in a transaction of its own. Only this process
    # writes its row.
    if not WorkerHeartbeat.objects.filter(process=process).update(**defaults):
        WorkerHeartbeat.objects.update_or_create(process=process, defaults=defaults)


def record_lanes(process: str, now: datetime, lanes: dict) -> None:
    """Record the lanes' state without a beat (a stuck lane withholds the beat; the
    metrics still show which lane it is and how late)."""
    WorkerHeartbeat.objects.filter(process=process).update(lanes=lanes, lanes_at=now)


@transaction.atomic
def mark_worker_stopped(process: str, now: datetime) -> None:
    """Mark a worker stopped: it no longer counts as alive and its claims are free at once."""
    WorkerHeartbeat.objects.filter(process=process, stopped_at__isnull=True).update(stopped_at=now)


def reap_dead_workers(now: datetime, processes: list[str], is_running) -> list[str]:
    """Mark stopped those of ``processes`` (workers of this host, ``host:pid``)
    whose pid no longer runs; return them.

    Only a process of the same host can tell that a pid no longer runs
    (``is_running(pid)``); workers of other hosts are judged by their beat.
    """
    dead = []
    for process in processes:
        pid = process.rsplit(":", 1)[1]
        if pid.isdigit() and not is_running(int(pid)):
            mark_worker_stopped(process, now)
            dead.append(process)
    return dead


def forget_old_workers(now: datetime) -> int:
    """Delete the rows of workers stopped or silent for a day (their claims'
    leases ran out long ago); return how many."""
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_WORKERS_AFTER).delete()
    return deleted


def take_lease(name: str, holder: str, now: datetime, seconds: float) -> bool:
    """Hold the task ``name`` for ``holder`` (``host:pid``) until ``now + seconds``, unless
    another worker holds it; answer whether ``holder`` does now.

    One compare-and-set ``UPDATE``: of two workers asking at once, one wins.
    """
    Lease.objects.bulk_create([Lease(name=name)], ignore_conflicts=True)
    free = (
        Q(until__isnull=True)
        | Q(until__lt=now)
        | Q(holder=holder)
        | Q(holder__in=gone_workers(now))
    )
    until = now + timedelta(seconds=seconds)
    return Lease.objects.filter(free, name=name).update(holder=holder, until=until) == 1


def release_lease(name: str, holder: str) -> None:
    """Let the task ``name`` go, if ``holder`` still holds it."""
    Lease.objects.filter(name=name, holder=holder).update(until=None)
