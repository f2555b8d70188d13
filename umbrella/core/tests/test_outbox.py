"""core/outbox.py: the claim, the two kinds of lease, the retry schedule, the lane's sleep.

The mechanism knows a table only by its model and field names, so the lease by
the due time is exercised here on a table of core's own (the audit log's
``object_type`` standing for a status, ``at`` for the due time) and the lease by
status on notify's deliveries, the alarm path's outbox.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from umbrella.core import metrics, outbox
from umbrella.core.actions import mark_worker_stopped, record_heartbeat
from umbrella.core.models import AuditEntry
from umbrella.core.outbox import Backoff, Outbox
from umbrella.notify.models import DELIVERIES, Delivery, DeliveryStatus, Event

T0 = timezone.now().replace(microsecond=0)
LEASE = timedelta(minutes=5)


@pytest.fixture
def registry(monkeypatch):
    """Outboxes declared by a test are forgotten after it."""
    monkeypatch.setattr(outbox, "_REGISTRY", dict(outbox._REGISTRY))
    return outbox._REGISTRY


@pytest.fixture
def rows(registry):
    box = Outbox(
        "test.rows",
        "core.AuditEntry",
        waiting={"object_type": "queued"},
        due="at",
        lease=LEASE,
        on_claim={"detail": Concat(F("detail"), Value("+"))},  # counts the claims
        backoff=Backoff(base=timedelta(seconds=60), attempts=3),
    )
    return box


def row(due_in: int, status: str = "queued") -> AuditEntry:
    return AuditEntry.objects.create(
        action="read", object_type=status, object_id="0", at=T0 + timedelta(seconds=due_in)
    )


def test_retries_wait_base_then_twice_as_long_each_time_at_most_the_cap():
    backoff = Backoff(base=timedelta(minutes=1), attempts=8, cap=timedelta(hours=6))
    assert [backoff.delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff.delay(20) == timedelta(hours=6)


def test_the_last_attempt_is_not_retried():
    backoff = Backoff(base=timedelta(seconds=2), attempts=3)
    assert backoff.retry_at(T0, 1) == T0 + timedelta(seconds=2)
    assert backoff.retry_at(T0, 2) == T0 + timedelta(seconds=4)
    assert backoff.retry_at(T0, 3) is None
    assert backoff.is_exhausted(3) and not backoff.is_exhausted(2)


def test_a_schedule_given_as_functions_follows_the_settings_at_each_use(settings):
    backoff = Backoff(
        base=lambda: timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS),
        attempts=lambda: settings.NOTIFY_MAX_ATTEMPTS,
    )
    settings.NOTIFY_RETRY_BASE_SECONDS, settings.NOTIFY_MAX_ATTEMPTS = 3, 2
    assert (backoff.delay(2), backoff.max_attempts()) == (timedelta(seconds=6), 2)
    settings.NOTIFY_RETRY_BASE_SECONDS, settings.NOTIFY_MAX_ATTEMPTS = 5, 4
    assert (backoff.delay(2), backoff.max_attempts()) == (timedelta(seconds=10), 4)


def test_a_lease_by_status_needs_the_fields_that_hold_it(registry):
    with pytest.raises(ValueError, match="lease_until and owner"):
        Outbox("test.bad", "core.AuditEntry", waiting={"object_type": "queued"}, due="at",
               lease=LEASE, backoff=Backoff(LEASE, 1), held={"object_type": "held"})  # fmt: skip


def test_every_outbox_is_registered_and_reported_by_the_metrics(rows):
    names = [box.name for box in outbox.registered()]
    for name in ("notify.deliveries", "reports.notifications", "consultation.meeting_mail",
                 "consultation.notices", "test.rows"):  # fmt: skip
        assert name in names
    # The metrics enumerate the registry (and the deadlines), not a list of their own.
    assert [table.name for table in metrics.OUTBOXES] == ["alarms.deadlines", *names]
    assert rows.wake is outbox.wakeup.channel("test.rows")


@pytest.mark.django_db
def test_a_claim_takes_due_rows_oldest_first_and_moves_them_a_lease_ahead(rows):
    late, early, later, done = row(-10), row(-20), row(30), row(-30, status="sent")
    claimed = rows.claim(T0, limit=10)
    assert [r.pk for r in claimed] == [early.pk, late.pk]
    assert all(r.at == T0 + LEASE and r.detail == "+" for r in claimed)
    # Nobody else takes them while the lease holds; the rows not due stay.
    assert rows.claim(T0 + timedelta(seconds=10), limit=10) == []
    assert [r.pk for r in rows.claim(T0 + timedelta(seconds=30))] == [later.pk]
    assert AuditEntry.objects.get(pk=done.pk).at == T0 - timedelta(seconds=30)


@pytest.mark.django_db
def test_a_row_whose_worker_died_is_taken_again_once_its_lease_ran_out(rows):
    pending = row(0)
    (first,) = rows.claim(T0)  # the worker dies here, before any outcome
    assert rows.claim(T0 + LEASE - timedelta(seconds=1)) == []
    (again,) = rows.claim(T0 + LEASE)
    assert again.pk == first.pk == pending.pk
    assert again.detail == "++"  # each claim counted (on_claim)


@pytest.mark.django_db
def test_the_limit_caps_a_claim(rows):
    for _ in range(5):
        row(-1)
    assert len(rows.claim(T0, limit=3)) == 3
    assert len(rows.claim(T0, limit=3)) == 2


@pytest.mark.django_db
def test_a_single_row_is_claimed_by_one_caller_only(rows):
    pending = row(0)
    assert rows.claim_one(pending, T0) is True
    assert rows.claim_one(pending, T0) is False
    assert rows.claim(T0) == []


@pytest.mark.django_db
def test_the_lane_sleeps_until_the_next_due_row_or_lease(rows):
    assert rows.next_due_at() is None and rows.seconds_to_next(T0) is None
    row(90)
    row(-5, status="sent")
    assert rows.seconds_to_next(T0) == 90
    row(0)
    rows.claim(T0)
    assert rows.next_due_at() == T0 + timedelta(seconds=90)
    assert rows.seconds_to_next(T0 + timedelta(seconds=100)) == -10  # overdue: no sleep


@pytest.fixture
def delivery(worker, responder):
    event = Event.objects.create(event_type="alarm.raised", alarm_id=1, owner=worker, tier=1,
                                 payload={})  # fmt: skip
    return Delivery.objects.create(event=event, recipient=responder, channel="sms",
                                   next_attempt_at=T0, created_at=T0)  # fmt: skip


@pytest.mark.django_db
def test_a_lease_by_status_marks_the_row_held_by_one_worker_until_a_time(delivery, settings):
    settings.NOTIFY_LEASE_SECONDS = 60
    (claimed,) = DELIVERIES.claim(T0, "host:1")
    assert (claimed.status, claimed.claimed_by) == (DeliveryStatus.SENDING, "host:1")
    assert claimed.lease_until == T0 + timedelta(seconds=60)
    assert DELIVERIES.claim(T0, "host:2") == []
    # While held, the lane sleeps until the lease runs out (not the due time).
    assert DELIVERIES.next_due_at() == T0 + timedelta(seconds=60)
    assert DELIVERIES.next_due_at(waiting=False) == T0 + timedelta(seconds=60)


@pytest.mark.django_db
def test_an_outcome_counts_only_while_its_worker_holds_the_row(delivery, settings):
    settings.NOTIFY_LEASE_SECONDS = 60
    (claimed,) = DELIVERIES.claim(T0, "host:1")
    taken = []
    expired = DELIVERIES.expire(T0 + timedelta(seconds=61), {"status": DeliveryStatus.FAILED},
                                then=taken.append)  # fmt: skip
    assert expired == 1 and [d.pk for d in taken] == [claimed.pk]
    assert DELIVERIES.settle(claimed, status=DeliveryStatus.SENT) is False
    assert Delivery.objects.get(pk=claimed.pk).status == DeliveryStatus.FAILED
    # Taken back once only.
    assert DELIVERIES.expire(T0 + timedelta(seconds=120), {"status": "failed"}) == 0


@pytest.mark.django_db
def test_the_rows_of_a_stopped_worker_are_taken_back_before_their_lease_ends(delivery, settings):
    settings.NOTIFY_LEASE_SECONDS = 60
    record_heartbeat("host:1", T0, T0)
    DELIVERIES.claim(T0, "host:1")
    assert DELIVERIES.expire(T0 + timedelta(seconds=1), {"status": "failed"}) == 0
    mark_worker_stopped("host:1", T0 + timedelta(seconds=2))
    assert DELIVERIES.expire(T0 + timedelta(seconds=2), {"status": "failed"}) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_claims_take_disjoint_rows_on_postgresql(rows):
    for _ in range(40):
        row(-1)
    taken: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def claim(i: int) -> None:
        barrier.wait()
        while batch := rows.claim(T0, limit=3):
            taken[i] += [r.pk for r in batch]
        connection.close()

    threads = [threading.Thread(target=claim, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken[0] + taken[1]) == sorted(AuditEntry.objects.values_list("pk", flat=True))
    assert not set(taken[0]) & set(taken[1])
