"""actions.publish: one transaction with the caller's, fan-out only after commit."""

import pytest
from django.db import transaction

from umbrella.notify import actions, fanout
from umbrella.notify.models import (
    Channel,
    ContactPoint,
    Delivery,
    DeliveryStatus,
    Event,
    EventRecipient,
    PushSubscription,
)
from umbrella.notify.tests.helpers import alarm_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def broadcasts(monkeypatch):
    sent = []
    monkeypatch.setattr(fanout, "broadcast", sent.append)
    return sent


def publish(owner, recipients, **kwargs):
    return actions.publish(
        kwargs.pop("event_type", "alarm.raised"),
        alarm_id=kwargs.pop("alarm_id", 1),
        owner_id=owner.pk,
        payload=alarm_payload(1),
        recipient_ids=[r.pk for r in recipients],
        tier=1,
        **kwargs,
    )


def subscribe(user, n=1):
    return PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example/{user.pk}/{n}", p256dh="k", auth="a"
    )


def test_publish_stores_event_recipients_and_deliveries(
    worker, responder, outreach, broadcasts, django_capture_on_commit_callbacks
):
    push = subscribe(responder)
    sms = ContactPoint.objects.create(
        user=outreach, kind="sms", value="+32470000001", verified=True
    )
    ContactPoint.objects.create(user=outreach, kind="email", value="x@example.org")  # unverified
    subscribe(worker)  # the owner's own browser: never alerted about her own alarm

    actions.deliveries_queued.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = publish(worker, [responder, outreach, responder])

    assert Event.objects.get() == event
    assert event.owner_id == worker.pk and event.tier == 1
    assert sorted(EventRecipient.objects.values_list("user_id", flat=True)) == sorted(
        [responder.pk, outreach.pk]
    )
    deliveries = Delivery.objects.order_by("channel")
    assert [(d.channel, d.recipient_id, d.status, d.attempt) for d in deliveries] == [
        (Channel.SMS, outreach.pk, DeliveryStatus.QUEUED, 1),
        (Channel.WEBPUSH, responder.pk, DeliveryStatus.QUEUED, 1),
    ]
    assert deliveries[0].contact_point == sms and deliveries[1].push_subscription == push
    # After the commit: the broadcast to the streams, and the worker's senders woken.
    assert len(callbacks) == 2
    assert actions.deliveries_queued.is_set()
    assert broadcasts == [
        {
            "type": "notify.event",
            "id": event.id,
            "event_type": "alarm.raised",
            "owner": worker.pk,
            "recipients": [responder.pk, outreach.pk],
            "payload": event.payload,
        }
    ]


def test_nothing_is_fanned_out_or_kept_when_the_caller_rolls_back(
    worker, responder, broadcasts, django_capture_on_commit_callbacks
):
    subscribe(responder)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                publish(worker, [responder])
                raise RuntimeError("the alarm's own write failed")
    assert callbacks == []
    assert broadcasts == []
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_without_notify_offline_only_the_stream_is_told(worker, responder, broadcasts):
    subscribe(responder)
    publish(worker, [responder], notify_offline=False)
    assert EventRecipient.objects.count() == 1
    assert not Delivery.objects.exists()


def test_event_ids_grow(worker, responder, broadcasts):
    ids = [publish(worker, [responder], alarm_id=n).id for n in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5


def test_publish_refuses_an_unknown_type_or_a_payload_without_alarm(worker, responder):
    with pytest.raises(ValueError):
        publish(worker, [responder], event_type="alarm.exploded")
    with pytest.raises(ValueError):
        actions.publish(
            "alarm.raised", alarm_id=1, owner_id=worker.pk, payload={"tier": 1},
            recipient_ids=[], tier=1,
        )  # fmt: skip


def test_payload_datetimes_are_stored_as_json(worker, responder, broadcasts):
    from django.utils import timezone

    payload = alarm_payload(1)
    payload["alarm"]["raised_at"] = timezone.now()
    event = actions.publish(
        "alarm.raised", alarm_id=1, owner_id=worker.pk, payload=payload,
        recipient_ids=[responder.pk], tier=1,
    )  # fmt: skip
    event.refresh_from_db()
    assert isinstance(event.payload["alarm"]["raised_at"], str)
