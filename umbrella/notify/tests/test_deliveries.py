"""The delivery worker: claim, send, record each attempt, retry with backoff, claim once."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from umbrella.notify import actions, providers, tasks, transports
from umbrella.notify.models import Channel, ContactPoint, Delivery, DeliveryStatus, PushSubscription
from umbrella.notify.tests.helpers import alarm_payload
from umbrella.notify.webpush import PushRefused

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 29, 0, 59, 30, tzinfo=dt.UTC)  # across the DST change in Brussels


def publish(owner, recipients):
    return actions.publish(
        "alarm.raised", alarm_id=5, owner_id=owner.pk, payload=alarm_payload(5),
        recipient_ids=[r.pk for r in recipients], tier=1,
    )  # fmt: skip


def contact(user, kind="sms", value="+32470000001", language="en"):
    return ContactPoint.objects.create(
        user=user, kind=kind, value=value, verified=True, language=language
    )


def run_worker_at(moment):
    with time_machine.travel(moment, tick=False):
        from django.utils import timezone

        return tasks.send_due_deliveries(timezone.now())


def test_an_sms_is_handed_over_and_recorded_without_any_detail_of_the_alarm(worker, responder):
    contact(responder, language="fr")
    with time_machine.travel(T0, tick=False):
        publish(worker, [responder])
    assert run_worker_at(T0) is True
    delivery = Delivery.objects.get()
    # The console provider (the default) sends nothing: never "sent".
    assert delivery.status == DeliveryStatus.CONSOLE
    assert delivery.sent_at == T0 and delivery.duration_ms is not None
    ((kind, to, body),) = providers.get_provider().sent
    assert (kind, to) == ("sms", "+32470000001")
    assert "/fr/alarms/console/" in body
    assert "worker" not in body and "raised" not in body
    assert run_worker_at(T0) is False  # nothing left


def test_an_email_goes_through_djangos_backend_in_the_recipients_language(worker, responder):
    contact(responder, kind="email", value="r@example.org", language="nl")
    publish(worker, [responder])
    run_worker_at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    (message,) = mail.outbox
    assert message.to == ["r@example.org"]
    assert "/nl/alarms/console/" in message.body


class FailingTransport:
    def send(self, delivery):
        raise transports.DeliveryError("gateway down")


def test_a_failed_attempt_is_kept_and_retried_with_growing_delays(
    monkeypatch, settings, worker, responder
):
    settings.NOTIFY_RETRY_BASE_SECONDS = 2
    settings.NOTIFY_MAX_ATTEMPTS = 3
    monkeypatch.setitem(transports.TRANSPORTS, Channel.SMS, FailingTransport)
    contact(responder)
    with time_machine.travel(T0, tick=False):
        publish(worker, [responder])

    run_worker_at(T0)
    first, second = Delivery.objects.order_by("attempt")
    assert (first.status, first.error, first.attempt) == ("failed", "gateway down", 1)
    assert (second.status, second.attempt) == ("queued", 2)
    assert second.next_attempt_at == T0 + dt.timedelta(seconds=2)

    assert run_worker_at(T0 + dt.timedelta(seconds=1)) is False  # one second before
    assert run_worker_at(T0 + dt.timedelta(seconds=2)) is True  # at
    third = Delivery.objects.get(attempt=3)
    assert third.next_attempt_at == T0 + dt.timedelta(seconds=2 + 4)
    run_worker_at(T0 + dt.timedelta(seconds=7))  # after
    assert list(Delivery.objects.order_by("attempt").values_list("status", flat=True)) == [
        "failed",
        "failed",
        "failed",
    ]  # fmt: skip  (the limit: no fourth attempt)


def test_a_push_subscription_the_service_calls_gone_is_removed(monkeypatch, worker, responder):
    sub = PushSubscription.objects.create(
        user=responder, endpoint="https://push.example/gone", p256dh="k", auth="a"
    )

    def gone(*args, **kwargs):
        raise PushRefused(410)

    monkeypatch.setattr(transports, "webpush", gone)
    publish(worker, [responder])
    run_worker_at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "410" in delivery.error
    assert not PushSubscription.objects.filter(pk=sub.pk).exists()
    assert Delivery.objects.count() == 1  # not retried


def test_a_push_message_carries_no_location_or_note(monkeypatch, worker, responder):
    PushSubscription.objects.create(
        user=responder, endpoint="https://push.example/ok", p256dh="k", auth="a", language="ro"
    )
    calls = []
    monkeypatch.setattr(transports, "webpush", lambda *a, **kw: calls.append((a, kw)))
    event = publish(worker, [responder])
    run_worker_at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    ((args, kwargs),) = calls
    assert args[0]["endpoint"] == "https://push.example/ok"
    import json

    data = json.loads(kwargs["data"])
    assert data["event_id"] == event.id and data["alarm"] == {"id": 5, "status": "raised"}
    assert "/ro/alarms/console/" in data["url"]
    assert set(data) == {"type", "event_id", "alarm", "tier", "title", "body", "url"}
    assert kwargs["vapid_claims"]["sub"]
    sub = PushSubscription.objects.get()
    assert sub.last_success_at is not None and sub.failures == 0


def test_an_attempt_whose_worker_died_is_failed_and_retried_after_its_lease(
    settings, worker, responder
):
    settings.NOTIFY_LEASE_SECONDS = 60
    contact(responder)
    with time_machine.travel(T0, tick=False):
        publish(worker, [responder])
    (claimed,) = actions.claim_due_deliveries(T0, "dead-worker")
    assert actions.expire_leases(T0 + dt.timedelta(seconds=59)) == 0
    assert actions.expire_leases(T0 + dt.timedelta(seconds=61)) == 1
    claimed.refresh_from_db()
    assert claimed.status == DeliveryStatus.FAILED and "lease" in claimed.error
    assert Delivery.objects.get(attempt=2).status == DeliveryStatus.QUEUED
    # The dead worker's late answer does not overwrite the takeover.
    assert actions.record_sent(claimed, now=T0, duration_ms=1) is False


def test_an_attempt_of_a_worker_that_is_gone_is_retried_at_once_not_after_its_lease(
    settings, worker, responder
):
    """A killed worker's delivery waited its whole 60 s lease before (issue 14)."""
    from umbrella.core.actions import mark_worker_stopped, record_heartbeat

    settings.NOTIFY_LEASE_SECONDS = 60
    contact(responder)
    with time_machine.travel(T0, tick=False):
        publish(worker, [responder])
    record_heartbeat("host:1", T0, T0)
    (claimed,) = actions.claim_due_deliveries(T0, "host:1")
    # A beating holder keeps its attempt for the lease.
    assert actions.expire_leases(T0 + dt.timedelta(seconds=1)) == 0
    # A worker of its host found its pid gone: the attempt is retried at once.
    mark_worker_stopped("host:1", T0 + dt.timedelta(seconds=2))
    assert actions.expire_leases(T0 + dt.timedelta(seconds=2)) == 1
    claimed.refresh_from_db()
    assert claimed.status == DeliveryStatus.FAILED
    assert Delivery.objects.get(attempt=2).status == DeliveryStatus.QUEUED


def test_a_second_claimer_gets_nothing_already_claimed(worker, responder):
    for n in range(3):
        contact(responder, value=f"+3247000000{n}")
    publish(worker, [responder])
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    first = actions.claim_due_deliveries(now, "a")
    assert len(first) == 3
    assert actions.claim_due_deliveries(now, "b") == []


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claimers_on_postgresql_never_share_a_delivery(worker, responder):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers (test above).")
    for n in range(60):
        contact(responder, value=f"+324700{n:05d}")
    publish(worker, [responder])
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    barrier = threading.Barrier(2)

    def claimer(name):
        try:
            barrier.wait()
            while batch := actions.claim_due_deliveries(now, name, limit=7):
                claimed[name] += [d.pk for d in batch]
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not set(claimed["a"]) & set(claimed["b"])
    assert len(claimed["a"]) + len(claimed["b"]) == 60


@pytest.mark.django_db(transaction=True)
def test_the_pump_sends_each_delivery_as_soon_as_a_sender_is_free(
    worker, responder, outreach, monkeypatch
):
    """The worker's pump: a slow SMS does not hold back an e-mail claimed with
    it; the lane records each outcome as it comes and never waits for a batch."""
    contact(responder, value="+32470000009")
    contact(outreach, kind="email", value="o@example.org")
    release = threading.Event()
    real_sms = transports.transport_for("sms")

    class SlowSms:
        def send(self, delivery):
            assert release.wait(timeout=10)
            real_sms.send(delivery)

    monkeypatch.setattr(
        tasks,
        "transport_for",
        lambda channel: SlowSms() if channel == "sms" else transports.transport_for(channel),
    )
    publish(worker, [responder, outreach])

    from django.utils import timezone

    assert tasks.pump_deliveries(timezone.now()) is True  # returns at once: both handed over

    def status(channel):
        return Delivery.objects.get(channel=channel).status

    def pump_until(condition):
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)
        while not condition() and dt.datetime.now(dt.UTC) < deadline:
            actions.deliveries_queued.wait(0.05)
            actions.deliveries_queued.clear()
            tasks.pump_deliveries(timezone.now())

    pump_until(lambda: status("email") == DeliveryStatus.SENT)
    assert status("email") == DeliveryStatus.SENT
    assert status("sms") == DeliveryStatus.SENDING  # still with its slow provider
    assert tasks._pump.free() == tasks.SEND_THREADS - 1
    release.set()
    pump_until(lambda: status("sms") == DeliveryStatus.SENT)
    assert status("sms") == DeliveryStatus.SENT
    assert tasks._pump.free() == tasks.SEND_THREADS
    assert tasks.pump_deliveries(timezone.now()) is False  # nothing left
