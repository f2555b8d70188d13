"""Once someone takes an alarm, nobody is called about it any more.

Queued calls of its raised/escalated events (first attempts and retries)
become "superseded" in the acknowledgement's transaction; an attempt that
was on its way and fails is not retried; every row stays. The
acknowledgement itself still reaches everyone on the stream.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.models import Source
from umbrella.notify import actions as notify_actions
from umbrella.notify import providers, tasks, transports
from umbrella.notify.models import (
    Channel,
    ContactPoint,
    Delivery,
    DeliveryStatus,
    Event,
    EventRecipient,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 5, 21, 0, 0, tzinfo=dt.UTC)


class FailingTransport:
    def send(self, delivery):
        raise transports.DeliveryError("gateway down")


@pytest.fixture(autouse=True)
def _console_sms(settings):
    settings.SMS_PROVIDER = "console"
    settings.NOTIFY_RETRY_BASE_SECONDS = 2
    settings.NOTIFY_MAX_ATTEMPTS = 5
    providers.get_provider.cache_clear()
    yield
    providers.get_provider.cache_clear()


def sms(user, number):
    return ContactPoint.objects.create(user=user, kind="sms", value=number, verified=True)


def run_worker_at(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.send_due_deliveries(timezone.now())


def statuses():
    return sorted(Delivery.objects.values_list("recipient__username", "attempt", "status"))


def test_acknowledgement_supersedes_pending_calls_and_stops_retries(monkeypatch, personas, circle):
    sms(personas.responder, "+32470000001")
    sms(personas.outreach, "+32470000002")
    with time_machine.travel(T0, tick=False):
        alarm = actions.raise_alarm(personas.worker, Source.APP, timezone.now())
    # The responder's phone is off: the first text fails, a retry is queued.
    monkeypatch.setitem(transports.TRANSPORTS, Channel.SMS, FailingTransport)
    run_worker_at(T0)
    assert statuses() == [("responder", 1, "failed"), ("responder", 2, "queued")]
    # Nobody answers: tier 2 is told; the outreach worker's text is on its way.
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        assert actions.process_due_deadline(timezone.now(), worker="test")
    # (A worker claimed it, as claim_due_deliveries does.)
    Delivery.objects.filter(recipient=personas.outreach).update(
        status=DeliveryStatus.SENDING,
        claimed_by="w",
        lease_until=T0 + dt.timedelta(seconds=120),
    )
    on_its_way = Delivery.objects.select_related("event").get(recipient=personas.outreach)

    acknowledged_at = T0 + dt.timedelta(seconds=61)
    actions.acknowledge(alarm, personas.responder, acknowledged_at)

    superseded = Delivery.objects.filter(status=DeliveryStatus.SUPERSEDED)
    assert sorted(superseded.values_list("recipient__username", "attempt")) == [
        ("responder", 1),  # the escalation's call
        ("responder", 2),  # the retry of the first text
    ]
    assert all("acknowledged" in error for error in superseded.values_list("error", flat=True))
    # The attempt on its way fails: it is kept, and not retried.
    assert (
        notify_actions.record_failure(
            on_its_way, now=acknowledged_at, error="timeout", duration_ms=10_000
        )
        is None
    )
    # Nothing is sent any more, whatever the clock says; every row stays.
    monkeypatch.setitem(transports.TRANSPORTS, Channel.SMS, transports.SmsTransport)
    assert run_worker_at(T0 + dt.timedelta(hours=1)) is False
    assert providers.get_provider().sent == []
    assert statuses() == [
        ("outreach", 1, "failed"),
        ("responder", 1, "failed"),
        ("responder", 1, "superseded"),
        ("responder", 2, "superseded"),
    ]
    # The acknowledgement still goes out to everyone who was told, and the owner.
    ack = Event.objects.get(event_type="alarm.acknowledged", alarm_id=alarm.pk)
    assert ack.owner == personas.worker
    told = set(EventRecipient.objects.filter(event=ack).values_list("user__username", flat=True))
    assert told == {"responder", "outreach"}


def test_cancelling_supersedes_the_calls_too(personas, circle):
    sms(personas.responder, "+32470000001")
    alarm = actions.raise_alarm(personas.worker, Source.APP, timezone.now())
    actions.cancel(alarm, personas.worker, None, timezone.now())
    assert list(Delivery.objects.values_list("status", flat=True)) == ["superseded"]
    assert run_worker_at(timezone.now() + dt.timedelta(seconds=5)) is False


def test_calls_published_after_the_acknowledgement_still_go_out(personas, circle):
    # The duress PIN after an acknowledgement: everyone told must hear of it.
    sms(personas.responder, "+32470000001")
    actions.set_duress_pin(personas.worker, "2468", timezone.now())
    alarm = actions.raise_alarm(personas.worker, Source.APP, timezone.now())
    actions.acknowledge(alarm, personas.responder, timezone.now())
    actions.cancel(alarm, personas.worker, "2468", timezone.now())
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["queued", "superseded"]
    assert run_worker_at(timezone.now() + dt.timedelta(seconds=5)) is True
    assert len(providers.get_provider().sent) == 1
