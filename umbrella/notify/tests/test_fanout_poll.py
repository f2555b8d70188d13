"""The database poll: events the channel layer never carried still reach the streams.

That is the path of events published by the worker process when the channel
layer is in memory, and of Redis messages lost while a connection was down.
"""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from umbrella.notify import actions, fanout
from umbrella.notify.tests.helpers import alarm_payload

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_event_the_layer_missed_arrives_through_the_poll(
    settings, monkeypatch, worker, responder
):
    settings.NOTIFY_POLL_SECONDS = 0.05
    monkeypatch.setattr(fanout, "broadcast", lambda message: None)  # the layer "lost" it

    async def scenario():
        hub = fanout.hub()
        subscription = hub.subscribe(responder.pk)
        async with asyncio.timeout(10):
            await hub.joined.wait()  # the hub knows where it starts
        event = await sync_to_async(actions.publish)(
            "alarm.raised", alarm_id=1, owner_id=worker.pk, payload=alarm_payload(1),
            recipient_ids=[responder.pk], tier=1,
        )  # fmt: skip
        async with asyncio.timeout(3):
            event_id, text = await subscription.get()
        return event, event_id, text

    event, event_id, text = async_to_sync(scenario)()
    assert event_id == event.id
    assert text.startswith(f"id: {event.id}\nevent: alarm.raised\ndata: ")


def test_the_hub_sends_an_event_once_whichever_path_brings_it(worker, responder):
    async def scenario():
        hub = fanout.hub()
        subscription = hub.subscribe(responder.pk)
        message = fanout.event_message(
            41, "alarm.raised", owner_id=worker.pk, recipient_ids=[responder.pk],
            payload=alarm_payload(1),
        )  # fmt: skip
        assert hub.dispatch(message) == 1
        assert hub.dispatch(dict(message)) == 0  # the poll's copy
        return subscription.size()

    assert async_to_sync(scenario)() == 1


def _message(event) -> dict:
    return fanout.event_message(
        event.id, event.event_type, owner_id=event.owner_id,
        recipient_ids=[r.user_id for r in event.recipients.all()], payload=event.payload,
    )  # fmt: skip


def test_events_arriving_out_of_id_order_reach_the_stream_in_id_order(
    monkeypatch, worker, responder, outreach
):
    """Two processes' broadcasts may arrive 467 before 465 (the worker's through
    Redis, a node's own locally). A client that got 467 first and reconnected at
    once would send Last-Event-ID 467 and never be replayed 465: the hub reads
    465 from the database before it hands out 467, and drops the late copy."""
    monkeypatch.setattr(fanout, "broadcast", lambda message: None)  # arrivals are the test's

    async def scenario():
        hub = fanout.hub()
        subscription = hub.subscribe(responder.pk)
        async with asyncio.timeout(10):
            await hub.joined.wait()

        def publish(recipients):
            return actions.publish(
                "alarm.raised", alarm_id=1, owner_id=worker.pk, payload=alarm_payload(1),
                recipient_ids=[r.pk for r in recipients], tier=1,
            )  # fmt: skip

        first = await sync_to_async(publish)([responder])
        between = await sync_to_async(publish)([outreach])  # not hers
        last = await sync_to_async(publish)([responder])
        messages = await sync_to_async(lambda: [_message(e) for e in (first, between, last)])()
        # The last arrives first: the two below it are read from the database.
        assert await hub.deliver(messages[2]) == 1
        # Their own copies arrive late, and go nowhere.
        assert await hub.deliver(messages[1]) == 0
        assert await hub.deliver(messages[0]) == 0
        order = [event_id for event_id, _text in subscription.items or ()]
        return first.id, last.id, order

    first_id, last_id, order = async_to_sync(scenario)()
    assert order == [first_id, last_id]


def test_a_stream_that_does_not_read_is_closed_not_grown_forever(monkeypatch, responder):
    monkeypatch.setattr(fanout, "QUEUE_LIMIT", 3)

    async def scenario():
        hub = fanout.hub()
        subscription = hub.subscribe(responder.pk)
        for n in range(1, 6):
            hub.dispatch(fanout.event_message(
                n, "alarm.raised", owner_id=None, recipient_ids=[responder.pk],
                payload=alarm_payload(n),
            ))  # fmt: skip
        items = list(subscription.items)
        return items, hub.stream_count()

    items, remaining = async_to_sync(scenario)()
    assert items[-1] == fanout.CLOSE
    assert remaining == 0
