"""Deliveries queued on a lane of the running worker leave from it (issue 18).

An escalation step runs on the worker's deadline lane. The deliveries it
queues are written already claimed by that worker, and handed to its senders
when the step commits: the SMS does not wait for the delivery lane to find
and claim it. Queued anywhere else (a web process raising an alarm), they
wait for the delivery lanes, which are woken at the commit. Either way
nobody is told before the commit.
"""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from umbrella.core import worker as core_worker
from umbrella.core.actions import mark_worker_stopped, record_heartbeat
from umbrella.notify import actions
from umbrella.notify.models import ContactPoint, Delivery, DeliveryStatus
from umbrella.notify.tests.helpers import alarm_payload

pytestmark = pytest.mark.django_db(transaction=True)

PATIENCE = 30.0


class Senders:
    """Stands in for the worker's senders (notify/tasks.py: ``Pump``)."""

    def __init__(self, room: int = 16) -> None:
        self.room = room
        self.taken: list[list[int]] = []

    def free(self) -> int:
        return self.room

    def take(self, deliveries) -> None:
        self.taken.append([delivery.pk for delivery in deliveries])


@pytest.fixture
def senders():
    here = Senders()
    actions.send_from_here(here)
    yield here
    actions.send_from_here(None)


def on_a_lane(func):
    """Run ``func()`` once on a worker lane's own thread; return what it returned."""
    result: dict = {}
    stop = threading.Event()

    def task(now):
        try:
            result["value"] = func()
        except BaseException as exc:  # re-raised on the test's thread
            result["error"] = exc
        finally:
            stop.set()
        return False

    core_worker.configure_lane(task)
    lane = core_worker.Lane("test-lane", task, stop)
    lane.thread.start()
    lane.thread.join(PATIENCE)
    assert not lane.thread.is_alive(), "the lane never finished"
    if "error" in result:
        raise result["error"]
    return result.get("value")


def contacts(*users):
    for number, user in enumerate(users, start=1):
        ContactPoint.objects.create(
            user=user, kind="sms", value=f"+3247000000{number}", verified=True
        )


def publish(owner, recipients):
    return actions.publish(
        "alarm.escalated", alarm_id=5, owner_id=owner.pk, payload=alarm_payload(5, tier=2),
        recipient_ids=[r.pk for r in recipients], tier=2,
    )  # fmt: skip


def test_a_lane_writes_its_deliveries_claimed_and_hands_them_over_once_committed(
    senders, worker, responder, outreach
):
    contacts(responder, outreach)

    def step():
        with transaction.atomic():
            publish(worker, [responder, outreach])
            rows = list(Delivery.objects.order_by("pk"))
            assert senders.taken == []  # nobody told before the commit
        return rows

    rows = on_a_lane(step)
    assert [row.status for row in rows] == [DeliveryStatus.SENDING] * 2
    assert {row.claimed_by for row in rows} == {core_worker.worker_name()}
    assert all(row.lease_until > row.created_at for row in rows)
    assert senders.taken == [[row.pk for row in rows]]
    assert not Delivery.objects.filter(status=DeliveryStatus.QUEUED).exists()


def test_a_rolled_back_step_hands_nothing_over(senders, worker, responder):
    contacts(responder)

    def failing_step():
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(worker, [responder])
            raise RuntimeError("the step failed")

    on_a_lane(failing_step)
    assert senders.taken == []
    assert not Delivery.objects.exists()


def test_only_as_many_as_the_senders_have_room_for_are_held(senders, worker, responder, outreach):
    contacts(responder, outreach)
    senders.room = 1
    actions.deliveries_queued.clear()
    on_a_lane(lambda: publish(worker, [responder, outreach]))
    held = Delivery.objects.get(status=DeliveryStatus.SENDING)
    queued = Delivery.objects.get(status=DeliveryStatus.QUEUED)
    assert senders.taken == [[held.pk]]
    assert queued.claimed_by == ""
    assert actions.deliveries_queued.is_set()  # the delivery lane takes the other one


def test_off_a_lane_deliveries_are_queued_for_the_delivery_lanes(senders, worker, responder):
    # A web process raising an alarm, or a test: not a lane of the running worker.
    contacts(responder)
    actions.deliveries_queued.clear()
    publish(worker, [responder])
    assert Delivery.objects.get().status == DeliveryStatus.QUEUED
    assert senders.taken == []
    assert actions.deliveries_queued.is_set()


def test_without_a_running_worker_a_lane_queues_them_as_anyone_does(worker, responder):
    contacts(responder)
    actions.send_from_here(None)
    on_a_lane(lambda: publish(worker, [responder]))
    assert Delivery.objects.get().status == DeliveryStatus.QUEUED


def test_a_held_delivery_of_a_worker_that_died_is_taken_back_and_retried(
    senders, worker, responder
):
    contacts(responder)
    on_a_lane(lambda: publish(worker, [responder]))
    held = Delivery.objects.get()
    assert held.status == DeliveryStatus.SENDING
    # The worker dies after the commit, before its sender got to it.
    now = timezone.now()
    record_heartbeat(held.claimed_by, now, now, name="died")
    mark_worker_stopped(held.claimed_by, now)
    assert actions.expire_leases(now) == 1
    held.refresh_from_db()
    assert held.status == DeliveryStatus.FAILED
    retry = Delivery.objects.get(status=DeliveryStatus.QUEUED)
    assert (retry.attempt, retry.channel, retry.recipient_id) == (2, "sms", responder.pk)
    connection.close()
