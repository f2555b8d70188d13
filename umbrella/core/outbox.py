"""One outbox mechanism: rows to send, due at a time, each claimed by one worker with a lease.

An outbox is a table the worker empties (notify's deliveries, the reports'
notifications to bodies, the consultation's meeting mail and tracker notices).
Each domain keeps its table and says here what a row waiting to be sent looks
like (``waiting``), which field holds its due time (``due``), how long a claim
holds it (``lease``) and when a failure is retried (``Backoff``); what a row is,
how it is sent and what an outcome means stay the domain's. This module holds
what they share:

- **the claim** (``Outbox.claim``): due waiting rows, oldest first. PostgreSQL:
  ``SELECT … FOR UPDATE SKIP LOCKED``, then one ``UPDATE`` in the same
  transaction, so concurrent workers take disjoint rows without waiting.
  SQLite (no ``SKIP LOCKED``): a compare-and-set ``UPDATE`` per row that only
  matches a row still waiting and due; only the worker whose update changed
  the row owns it. Either way two workers never send the same row.
- **the lease**, one of two kinds:

  * *by the due time* (``held=None``): the claim moves the row's due time
    ``lease`` ahead. The row stays waiting: a worker that dies while sending
    leaves it to be due, and claimed, again once the lease has run out;
  * *by a status* (``held={"status": "sending"}`` with ``lease_until`` and
    ``owner`` fields): the claim marks the row held by one worker until a time.
    The outcome is recorded only while that worker still holds it
    (``Outbox.settle``); ``Outbox.expire`` takes back the rows whose lease ran
    out or whose worker is gone (``core.queries.gone_workers``), each once.

- **the retry schedule** (``Backoff``): base, 2×base, 4×base … (at most
  ``cap``) after each failed attempt, given up after ``attempts``;
- **the lane's sleep** (``Outbox.seconds_to_next``, the ``rest_for`` of a
  ``core.worker.periodic_task``): until the next row is due or a lease runs
  out, woken at once when rows are queued, in any process, through the
  outbox's ``core.wakeup`` channel (``Outbox.wake``).

Every outbox declares itself beside its model (``models.py``), so the registry
(``registered()``, which ``core/metrics.py`` reports) is complete once the apps
are loaded. docs/outbox.md describes the four.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Min, Model, Q, QuerySet

from umbrella.core import wakeup

_REGISTRY: dict[str, Outbox] = {}


def _value(setting):
    # A figure given as a function is read at each use (a setting a test changes).
    return setting() if callable(setting) else setting


@dataclass(frozen=True)
class Backoff:
    """When a failed attempt is tried again: ``base`` × 2^(attempt − 1), at most ``cap``;
    never after attempt number ``attempts``.

    ``base`` and ``attempts`` may be functions, read at each use (a setting).
    """

    base: timedelta | Callable[[], timedelta]
    attempts: int | Callable[[], int]
    cap: timedelta | None = None

    def delay(self, attempt: int) -> timedelta:
        """Return the wait after failed attempt ``attempt`` (1, 2 …): base, 2×base, 4×base …"""
        wait = _value(self.base) * 2 ** max(attempt - 1, 0)
        return wait if self.cap is None else min(wait, self.cap)

    def max_attempts(self) -> int:
        return int(_value(self.attempts))

    def is_exhausted(self, attempt: int) -> bool:
        """Answer whether attempt ``attempt`` was the last one."""
        return attempt >= self.max_attempts()

    def retry_at(self, now: datetime, attempt: int) -> datetime | None:
        """Return when to try again after failed attempt ``attempt``, or None: give up."""
        return None if self.is_exhausted(attempt) else now + self.delay(attempt)


class Outbox:
    """One table the worker empties, and how its rows are claimed, leased and retried.

    ``model``: the model's label (``"notify.Delivery"``); ``waiting``: the field
    values of a row waiting to be sent; ``due``: the field of its due time;
    ``lease``: how long a claim holds a row (a ``timedelta`` or a function
    returning one); ``held``: ``None`` for a lease by the due time, else the
    field values of a claimed row, with the fields ``lease_until`` and
    ``owner`` (see the module's docstring); ``on_claim``: further updates of
    a claim (``{"attempts": F("attempts") + 1}``); ``related``: what a claimed
    row is read with (``select_related``); ``wake``: the name of its
    ``core.wakeup`` channel (the outbox's name by default).
    """

    def __init__(
        self,
        name: str,
        model: str,
        *,
        waiting: dict[str, Any],
        due: str,
        lease: timedelta | Callable[[], timedelta],
        backoff: Backoff,
        held: dict[str, Any] | None = None,
        lease_until: str = "",
        owner: str = "",
        on_claim: dict[str, Any] | None = None,
        related: Sequence[str] = (),
        wake: str = "",
    ) -> None:
        if held is not None and not (lease_until and owner):
            raise ValueError("a lease by status needs its lease_until and owner fields")
        self.name = name
        self.model = model
        self.waiting = dict(waiting)
        self.due = due
        self.lease = lease
        self.backoff = backoff
        self.held = dict(held) if held is not None else None
        self.lease_until = lease_until
        self.owner = owner
        self.on_claim = dict(on_claim or {})
        self.related = tuple(related)
        self.wake = wakeup.channel(wake or name)
        _REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Outbox {self.name}>"

    # --- What is waiting --------------------------------------------------------

    @property
    def rows(self) -> QuerySet:
        return apps.get_model(self.model)._default_manager.all()

    @property
    def pending(self) -> Q:
        """The rows not done yet: waiting, or held by a worker (the outbox's depth)."""
        if self.held is None:
            return Q(**self.waiting)
        return Q(**self.waiting) | Q(**self.held)

    def _due(self, now: datetime) -> QuerySet:
        return self.rows.filter(**self.waiting, **{f"{self.due}__lte": now})

    def next_due_at(self, *, waiting: bool = True) -> datetime | None:
        """Return when the next row is due (a retry, a due-time lease's end) or a held
        row's lease runs out, or None. ``waiting=False``: the leases only (every
        sender busy: a finished send wakes the lane)."""
        moments = []
        if self.held is not None:
            moments.append(self.rows.filter(**self.held).aggregate(at=Min(self.lease_until))["at"])
        if waiting:
            moments.append(self.rows.filter(**self.waiting).aggregate(at=Min(self.due))["at"])
        return min((at for at in moments if at is not None), default=None)

    def seconds_to_next(self, now: datetime, *, waiting: bool = True) -> float | None:
        """How long the outbox's lane may sleep: until ``next_due_at`` (a lane's ``rest_for``)."""
        at = self.next_due_at(waiting=waiting)
        return None if at is None else (at - now).total_seconds()

    def queued(self) -> None:
        """Wake the outbox's lane, in every process, once the current transaction commits."""
        self.wake.set_on_commit()

    # --- The claim ------------------------------------------------------------------

    def claim_fields(self, now: datetime, worker: str) -> dict[str, Any]:
        """Return the field values of a row claimed by ``worker`` at ``now`` (its lease)."""
        until = now + _value(self.lease)
        if self.held is None:
            fields = {self.due: until}
        else:
            fields = {**self.held, self.lease_until: until, self.owner: worker}
        return {**fields, **self.on_claim}

    def claim(self, now: datetime, worker: str = "", limit: int = 20) -> list:
        """Claim up to ``limit`` due rows for ``worker`` with a lease; return them, oldest first."""
        from umbrella.core.worker import commit_claim_unflushed

        due = self._due(now).order_by(self.due, "pk")
        fields = self.claim_fields(now, worker)
        if connection.features.has_select_for_update_skip_locked:
            # Only a transaction of its own may skip the disk flush: inside a caller's,
            # SET LOCAL would reach the caller's writes too.
            unflushed = not connection.in_atomic_block
            with transaction.atomic():
                ids = list(
                    due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
                )
                if ids:
                    if unflushed:
                        commit_claim_unflushed()
                    self.rows.filter(pk__in=ids).update(**fields)
        else:
            ids = [
                pk
                for pk in due.values_list("pk", flat=True)[:limit]
                if self._due(now).filter(pk=pk).update(**fields)
            ]
        if not ids:
            # An idle look (every few seconds): no statement to prepare, and no
            # query with the related rows to build (most of the look's CPU).
            return []
        # In the order they were due (a lease by the due time gave them all one due time).
        found = {row.pk: row for row in self.rows.filter(pk__in=ids).select_related(*self.related)}
        return [found[pk] for pk in ids if pk in found]

    def claim_one(self, row: Model, now: datetime, worker: str = "") -> bool:
        """Claim ``row`` if it is still waiting and due (compare-and-set); answer whether
        this caller now holds it (a row sent at once, outside the worker's lane)."""
        return bool(self._due(now).filter(pk=row.pk).update(**self.claim_fields(now, worker)))

    # --- Outcomes and leases that ran out ------------------------------------------------

    def settle(self, row: Model, **changes: Any) -> bool:
        """Record the outcome of a claimed row; answer False when its lease was taken over.

        With a lease by status, only while the claimant still holds the row;
        with a lease by the due time, the row is updated as it is.
        """
        rows = self.rows.filter(pk=row.pk)
        if self.held is not None:
            rows = rows.filter(**self.held, **{self.owner: getattr(row, self.owner)})
        return bool(rows.update(**changes))

    def stale(self, now: datetime) -> Q:
        """The held rows whose lease ran out or whose worker is gone (a lease by status)."""
        from umbrella.core.queries import gone_workers

        if self.held is None:
            return Q(pk__in=[])
        gone = Q(**{f"{self.owner}__in": gone_workers(now)})
        return (Q(**{f"{self.lease_until}__lt": now}) | gone) & Q(**self.held)

    def expire(
        self,
        now: datetime,
        changes: dict[str, Any],
        then: Callable[[Any], object] | None = None,
        limit: int = 20,
    ) -> int:
        """Take back held rows whose worker died (``stale``): apply ``changes`` to each, once,
        then call ``then`` with the row in the same transaction; return how many.

        Nothing to do with a lease by the due time: the row is simply due again.
        """
        if self.held is None:
            return 0
        stale = self.stale(now)
        found = list(
            self.rows.filter(stale).order_by(self.lease_until).values_list("pk", self.owner)[:limit]
        )
        expired = 0
        for pk, owner in found:
            with transaction.atomic():
                if self.rows.filter(stale, pk=pk, **{self.owner: owner}).update(**changes):
                    expired += 1
                    if then is not None:
                        then(self.rows.get(pk=pk))
        return expired


def registered() -> list[Outbox]:
    """Return every declared outbox, in the order of declaration."""
    return list(_REGISTRY.values())
