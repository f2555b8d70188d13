"""Escalation in time: one second before, at, and after every deadline."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Membership, Role
from umbrella.alarms import actions, events
from umbrella.alarms.models import AlarmRecipient, AlarmStep, Deadline, Source, Status, StepKind
from umbrella.alarms.routing import DEVICE_REALERT_SECONDS
from umbrella.alarms.tests.conftest import TIER1_DELAY, TIER2_DELAY, set_accepted_circle


def run_due_at(at) -> int:
    """Process every deadline due at ``at`` (with the clock there); return how many."""
    count = 0
    with time_machine.travel(at, tick=False):
        while actions.process_due_deadline(timezone.now(), worker="test"):
            count += 1
    return count


def s(seconds):
    return timedelta(seconds=seconds)


@pytest.fixture
def alarm(personas, circle, published, t0):
    return actions.raise_alarm(personas.worker, Source.APP, t0)


def test_tier_2_is_told_exactly_at_the_tier_1_delay(alarm, personas, published, t0):
    assert run_due_at(t0 + s(TIER1_DELAY - 1)) == 0
    assert published.types() == [events.RAISED]

    assert run_due_at(t0 + s(TIER1_DELAY)) == 1
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    escalated = published.of(events.ESCALATED)
    assert len(escalated) == 1
    assert escalated[0]["tier"] == 2
    assert escalated[0]["recipient_ids"] == sorted([personas.responder.pk, personas.outreach.pk])
    assert AlarmRecipient.objects.get(alarm=alarm, user=personas.outreach).tier == 2

    assert run_due_at(t0 + s(TIER1_DELAY + 1)) == 0
    assert len(published.of(events.ESCALATED)) == 1


def test_the_last_tier_is_alerted_again_every_delay(alarm, personas, published, t0):
    run_due_at(t0 + s(TIER1_DELAY))
    first_realert = t0 + s(TIER1_DELAY + TIER2_DELAY)
    assert run_due_at(first_realert - s(1)) == 0
    assert run_due_at(first_realert) == 1
    realert = published.of(events.ESCALATED)[-1]
    assert realert["payload"]["realert"] is True
    assert realert["recipient_ids"] == [personas.outreach.pk]
    assert run_due_at(first_realert + s(1)) == 0
    second = first_realert + s(TIER2_DELAY)
    assert run_due_at(second - s(1)) == 0
    assert run_due_at(second) == 1
    kinds = list(AlarmStep.objects.filter(alarm=alarm).values_list("kind", flat=True))
    assert kinds == [StepKind.RAISED, StepKind.ESCALATED, StepKind.REALERTED, StepKind.REALERTED]


def test_acknowledgement_stops_escalation(alarm, personas, published, t0):
    actions.acknowledge(alarm, personas.responder, t0 + s(30))
    assert run_due_at(t0 + s(TIER1_DELAY)) == 0
    assert run_due_at(t0 + s(3600)) == 0
    assert not Deadline.objects.filter(done_at__isnull=True).exists()
    assert published.of(events.ESCALATED) == []


def test_a_late_worker_fires_once_and_does_not_burst(alarm, personas, published, t0):
    # The worker was down for 10 minutes: one escalation, then re-alerts
    # count from now, not a burst of catch-up alerts.
    assert run_due_at(t0 + s(600)) == 1
    assert published.types() == [events.RAISED, events.ESCALATED]
    pending = Deadline.objects.get(done_at__isnull=True)
    assert pending.due_at == t0 + s(600 + TIER2_DELAY)


def test_an_empty_rota_is_skipped_and_the_last_reachable_tier_realerted(
    personas, circle, published, t0
):
    Membership.objects.filter(user=personas.outreach).update(on_duty=False)
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert run_due_at(t0 + s(TIER1_DELAY - 1)) == 0
    assert run_due_at(t0 + s(TIER1_DELAY)) == 1
    call = published.calls[-1]
    assert call["payload"]["realert"] is True and call["recipient_ids"] == [personas.responder.pk]
    # Someone comes on duty: the next step escalates to the rota.
    Membership.objects.filter(user=personas.outreach).update(on_duty=True)
    assert run_due_at(t0 + s(2 * TIER1_DELAY)) == 1
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    assert published.calls[-1]["tier"] == 2


def test_a_stale_deadline_does_nothing(alarm, personas, published, t0):
    deadline = Deadline.objects.get(alarm=alarm)
    actions.resolve(alarm, personas.responder, "safe", t0 + s(5))
    Deadline.objects.filter(pk=deadline.pk).update(done_at=None)  # as if left behind
    assert run_due_at(t0 + s(TIER1_DELAY)) == 1
    alarm.refresh_from_db()
    assert alarm.status == Status.RESOLVED and alarm.current_tier == 1
    assert published.of(events.ESCALATED) == []


def test_the_periodic_task_reports_work(alarm, published, t0):
    from umbrella.alarms.tasks import process_deadlines

    with time_machine.travel(t0 + s(TIER1_DELAY - 1), tick=False):
        assert process_deadlines(timezone.now()) is False
    with time_machine.travel(t0 + s(TIER1_DELAY), tick=False):
        assert process_deadlines(timezone.now()) is True
        assert process_deadlines(timezone.now()) is False


def test_the_lane_sleeps_until_the_next_deadline_or_the_end_of_its_lease(alarm, t0):
    from umbrella.alarms.actions.escalation import lease
    from umbrella.alarms.tasks import seconds_to_next_deadline

    due = t0 + s(TIER1_DELAY)
    assert seconds_to_next_deadline(t0) == TIER1_DELAY
    # Claimed by a worker: free again when the claim's lease runs out.
    assert actions.claim_due_deadline(due, "busy-worker") is not None
    assert seconds_to_next_deadline(due) == lease().total_seconds()
    Deadline.objects.update(done_at=due)
    assert seconds_to_next_deadline(due) is None


def test_a_claim_whose_lease_ran_out_is_taken_over(alarm, published, t0, monkeypatch):
    monkeypatch.setenv("ALARM_DEADLINE_LEASE_SECONDS", "30")
    due = t0 + s(TIER1_DELAY)
    pk = actions.claim_due_deadline(due, "crashed-worker")
    assert pk is not None
    assert actions.claim_due_deadline(due + s(29), "other") is None
    assert actions.claim_due_deadline(due + s(31), "other") == pk
    # The crashed worker, back from the dead, cannot take the step any more.
    assert actions.take_step(pk, "crashed-worker", due + s(32)) is False
    assert actions.take_step(pk, "other", due + s(32)) is True
    assert len(published.of(events.ESCALATED)) == 1
    assert Deadline.objects.get(pk=pk).attempt == 2


TIER3_DELAY = 30


@pytest.fixture
def three_tier_alarm(personas, outreach_org, published, t0):
    """Tier 1 her responder (60 s), tier 2 the outreach rota (120 s), tier 3 a friend (30 s)."""
    friend = accounts_actions.create_account("friend", Role.RESPONDER, password="x" * 12)
    set_accepted_circle(
        personas.worker,
        [
            actions.TierSpec("people", TIER1_DELAY, ["responder"]),
            actions.TierSpec("organisation_rota", TIER2_DELAY, organisation_id=outreach_org.pk),
            actions.TierSpec("people", TIER3_DELAY, ["friend"]),
        ],
        t0,
        police_opt_in=False,
    )
    return actions.raise_alarm(personas.worker, Source.APP, t0), friend


def test_three_tiers_are_told_in_order_each_at_its_delay(three_tier_alarm, personas, published, t0):
    alarm, friend = three_tier_alarm
    responder, outreach = personas.responder.pk, personas.outreach.pk
    tier2_at = t0 + s(TIER1_DELAY)
    tier3_at = tier2_at + s(TIER2_DELAY)
    realert_at = tier3_at + s(TIER3_DELAY)

    def told():
        return [(c["tier"], sorted(c["recipient_ids"])) for c in published.calls]

    assert told() == [(1, [responder])]
    assert run_due_at(tier2_at - s(1)) == 0
    assert run_due_at(tier2_at) == 1
    assert told()[-1] == (2, sorted([responder, outreach]))
    assert run_due_at(tier2_at + s(1)) == 0
    assert run_due_at(tier3_at - s(1)) == 0
    assert len(published.calls) == 2
    assert run_due_at(tier3_at) == 1
    assert told()[-1] == (3, sorted([responder, outreach, friend.pk]))
    assert run_due_at(tier3_at + s(1)) == 0
    # The last tier is alerted again after its own delay, and only it.
    assert run_due_at(realert_at - s(1)) == 0
    assert run_due_at(realert_at) == 1
    assert published.calls[-1]["payload"]["realert"] is True
    assert told()[-1] == (3, [friend.pk])
    assert run_due_at(realert_at + s(1)) == 0
    alarm.refresh_from_db()
    assert alarm.current_tier == 3
    steps = AlarmStep.objects.filter(alarm=alarm).values_list("kind", "tier")
    assert list(steps) == [
        (StepKind.RAISED, 1),
        (StepKind.ESCALATED, 2),
        (StepKind.ESCALATED, 3),
        (StepKind.REALERTED, 3),
    ]
    tiers = dict(AlarmRecipient.objects.filter(alarm=alarm).values_list("user_id", "tier"))
    assert tiers == {responder: 1, outreach: 2, friend.pk: 3}


def test_a_room_button_alarm_is_alerted_again_every_minute(
    client, establishment, personas, published, t0
):
    assert DEVICE_REALERT_SECONDS == 60
    _button, key = actions.create_room_button(establishment, "Room 4", t0)
    with time_machine.travel(t0, tick=False):
        assert client.post(f"/api/v1/alarms/device/{key}").status_code == 201
    first = t0 + s(DEVICE_REALERT_SECONDS)
    assert run_due_at(first - s(1)) == 0
    assert run_due_at(first) == 1
    realert = published.calls[-1]
    assert realert["event_type"] == events.ESCALATED and realert["payload"]["realert"] is True
    assert realert["recipient_ids"] == [personas.responder.pk]
    assert run_due_at(first + s(1)) == 0
    second = first + s(DEVICE_REALERT_SECONDS)
    assert run_due_at(second - s(1)) == 0
    assert run_due_at(second) == 1
    assert len(published.of(events.ESCALATED)) == 2
    assert run_due_at(second + s(1)) == 0


def test_an_alarm_that_reached_nobody_is_looked_at_again_every_minute(
    personas, outreach_org, published, t0
):
    # Her only tier is the outreach rota, and nobody is on duty.
    Membership.objects.filter(user=personas.outreach).update(on_duty=False)
    set_accepted_circle(
        personas.worker,
        [actions.TierSpec("organisation_rota", TIER1_DELAY, organisation_id=outreach_org.pk)],
        t0,
        police_opt_in=False,
    )
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert alarm.current_tier == 0
    assert published.calls[0]["recipient_ids"] == []
    first = t0 + s(DEVICE_REALERT_SECONDS)
    assert run_due_at(first - s(1)) == 0
    assert run_due_at(first) == 1  # looked again: still nobody
    assert len(published.calls) == 1
    assert Deadline.objects.get(done_at__isnull=True).due_at == first + s(DEVICE_REALERT_SECONDS)
    assert run_due_at(first + s(1)) == 0

    # Someone comes on duty: the next look tells her.
    Membership.objects.filter(user=personas.outreach).update(on_duty=True)
    second = first + s(DEVICE_REALERT_SECONDS)
    assert run_due_at(second - s(1)) == 0
    assert len(published.calls) == 1
    assert run_due_at(second) == 1
    told = published.calls[-1]
    assert (told["event_type"], told["tier"]) == (events.ESCALATED, 1)
    assert told["recipient_ids"] == [personas.outreach.pk]
    alarm.refresh_from_db()
    assert alarm.current_tier == 1
    assert run_due_at(second + s(1)) == 0
