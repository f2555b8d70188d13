"""What her check-in screen is told, second by second, and the late "I'm safe".

Boundaries with time_machine (tick=False): one second before, at and after
the due time and the end of the grace. The late "I'm safe" resolves the
check-in's alarm and tells her circle — live, and by push/SMS in each
recipient's language — unless she used her duress PIN.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from umbrella.alarms import actions, events
from umbrella.alarms.models import (
    OUTCOME_SAFE_BY_OWNER,
    Alarm,
    CheckInStatus,
    Deadline,
    DeadlineKind,
    Source,
    Status,
    StepKind,
)
from umbrella.notify import tasks as notify_tasks
from umbrella.notify import transports
from umbrella.notify.models import (
    Channel,
    ContactKind,
    ContactPoint,
    Delivery,
    Event,
    EventType,
    PushSubscription,
)
from umbrella.testing import auth_header

MINUTES = 30
GRACE = 120


def run_worker(at) -> None:
    """Run the deadline worker at ``at`` (on-commit callbacks included)."""
    with time_machine.travel(at, tick=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            while actions.process_due_deadline(timezone.now(), worker="test"):
                pass


def state_at(client, worker, checkin_id, at) -> dict:
    with time_machine.travel(at, tick=False):
        response = client.get(f"/api/v1/checkins/{checkin_id}", **auth_header(worker))
    assert response.status_code == 200
    return response.json()


def done_at(client, worker, checkin_id, at, pin=None) -> dict:
    body = {"pin": pin} if pin else {}
    with time_machine.travel(at, tick=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                f"/api/v1/checkins/{checkin_id}/done",
                body,
                content_type="application/json",
                **auth_header(worker),
            )
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def checkin(personas, circle, t0):
    return actions.start_checkin(personas.worker, MINUTES, t0, note="hotel X, room 12")


@pytest.fixture
def due(checkin):
    return checkin.due_at


@pytest.fixture
def grace_end(checkin):
    return checkin.expires_at()


@pytest.fixture
def contacts(personas):
    """The responder reads Dutch, the outreach worker French: each is written to in hers."""
    return {
        "nl_sms": ContactPoint.objects.create(
            user=personas.responder,
            kind=ContactKind.SMS,
            value="+32470000001",
            verified=True,
            language="nl",
        ),
        "nl_push": PushSubscription.objects.create(
            user=personas.responder,
            endpoint="https://push.example/nl",
            p256dh="k",
            auth="a",
            language="nl",
        ),
        "fr_sms": ContactPoint.objects.create(
            user=personas.outreach,
            kind=ContactKind.SMS,
            value="+32470000002",
            verified=True,
            language="fr",
        ),
    }


def test_the_state_follows_the_clock_at_every_boundary(client, personas, checkin, due, grace_end):
    worker = personas.worker
    one = timedelta(seconds=1)
    assert state_at(client, worker, checkin.pk, due - one)["state"] == "running"
    assert state_at(client, worker, checkin.pk, due)["state"] == "grace"
    assert state_at(client, worker, checkin.pk, due + one)["state"] == "grace"
    before = state_at(client, worker, checkin.pk, grace_end - one)
    assert before["state"] == "grace"
    assert before["expires_at"] == grace_end.isoformat()
    assert before["now"] == (grace_end - one).isoformat()
    assert before["alarm"] is None and before["told_at"] is None
    run_worker(grace_end - one)
    assert not Alarm.objects.exists()
    run_worker(grace_end)
    told = state_at(client, worker, checkin.pk, grace_end)
    assert told["state"] == "told"
    assert told["told_at"] == grace_end.isoformat()
    assert told["alarm"]["told"] == ["responder"]
    assert told["alarm"]["seen_by"] == [] and told["alarm"]["coming"] is None
    after = state_at(client, worker, checkin.pk, grace_end + one)
    assert after["state"] == "told"


def test_told_shows_who_has_seen_it_and_who_is_coming(client, personas, checkin, grace_end):
    run_worker(grace_end)
    alarm = Alarm.objects.get(source=Source.CHECKIN)
    later = grace_end + timedelta(seconds=20)
    actions.mark_seen(alarm, personas.responder, later)
    seen = state_at(client, personas.worker, checkin.pk, later)["alarm"]
    assert seen["seen_by"] == ["responder"] and seen["coming"] is None
    actions.acknowledge(alarm, personas.responder, later)
    assert state_at(client, personas.worker, checkin.pk, later)["alarm"]["coming"] == "responder"


def test_the_reminder_is_pushed_at_the_due_time_one_row_per_browser(
    personas, checkin, due, grace_end, monkeypatch
):
    PushSubscription.objects.create(
        user=personas.worker,
        endpoint="https://push.example/her",
        p256dh="k",
        auth="a",
        language="ro",
    )
    sent = []
    monkeypatch.setattr(transports, "webpush", lambda *a, **kw: sent.append(kw["data"]))
    run_worker(due - timedelta(seconds=1))
    assert not Event.objects.filter(event_type=EventType.CHECKIN_REMINDER).exists()
    run_worker(due)
    reminder = Event.objects.get(event_type=EventType.CHECKIN_REMINDER)
    assert reminder.owner == personas.worker and reminder.alarm_id is None
    rows = Delivery.objects.filter(event=reminder)
    assert [(row.recipient, row.channel) for row in rows] == [(personas.worker, Channel.WEBPUSH)]
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        notify_tasks.send_due_deliveries(timezone.now())
    assert len(sent) == 1
    assert "/ro/alarms/checkin/" in sent[0]
    # No second reminder, and still no alarm, until the grace ends.
    run_worker(due + timedelta(seconds=1))
    assert Event.objects.filter(event_type=EventType.CHECKIN_REMINDER).count() == 1
    assert not Alarm.objects.exists()


def test_no_reminder_once_she_is_done_or_extended(personas, checkin, due, t0):
    PushSubscription.objects.create(
        user=personas.worker, endpoint="https://push.example/her", p256dh="k", auth="a"
    )
    actions.extend_checkin(checkin, personas.worker, 15, t0 + timedelta(minutes=5))
    run_worker(due)
    assert not Event.objects.filter(event_type=EventType.CHECKIN_REMINDER).exists()
    assert Deadline.objects.filter(
        checkin=checkin,
        kind=DeadlineKind.CHECKIN_REMINDER,
        done_at__isnull=True,
        due_at=due + timedelta(minutes=15),
    ).exists()
    actions.checkin_done(checkin, personas.worker, due + timedelta(minutes=1))
    run_worker(due + timedelta(minutes=15))
    assert not Event.objects.filter(event_type=EventType.CHECKIN_REMINDER).exists()


def test_late_safe_resolves_the_alarm_and_tells_each_responder_in_her_language(
    client, personas, checkin, grace_end, contacts, published, monkeypatch
):
    run_worker(grace_end)
    run_worker(grace_end + timedelta(seconds=60))  # tier 2 (the outreach rota) told too
    alarm = Alarm.objects.get(source=Source.CHECKIN)
    assert alarm.current_tier == 2
    safe = grace_end + timedelta(seconds=90)
    body = done_at(client, personas.worker, checkin.pk, safe)
    assert body["state"] == "safe" and body["safe_at"] == safe.isoformat()
    alarm.refresh_from_db()
    assert alarm.status == Status.RESOLVED
    assert (alarm.resolved_at, alarm.resolved_by) == (safe, personas.worker)
    assert alarm.outcome == OUTCOME_SAFE_BY_OWNER
    assert alarm.acknowledged_at is None  # the evaluation's figure stays a responder's
    assert not Deadline.objects.filter(alarm=alarm, done_at__isnull=True).exists()
    assert alarm.steps.filter(kind=StepKind.RESOLVED, actor=personas.worker).exists()
    resolved = published.of(events.RESOLVED)
    assert len(resolved) == 1
    assert resolved[0]["payload"]["safe_by_owner"] is True
    assert resolved[0]["owner_id"] == personas.worker.pk
    assert set(resolved[0]["recipient_ids"]) == {personas.responder.pk, personas.outreach.pk}
    event = Event.objects.get(event_type=EventType.RESOLVED, alarm_id=alarm.pk)
    rows = Delivery.objects.filter(event=event).order_by("pk")
    assert {(row.recipient_id, row.channel) for row in rows} == {
        (personas.responder.pk, Channel.SMS),
        (personas.responder.pk, Channel.WEBPUSH),
        (personas.outreach.pk, Channel.SMS),
    }
    texts, pushes = [], []

    class Recorder:
        console = False

        def send_sms(self, to, body):
            texts.append((to, body))
            return "id"

        def call(self, to, text, language):
            return "id"

    monkeypatch.setattr(transports, "get_provider", lambda: Recorder())
    monkeypatch.setattr(transports, "webpush", lambda *a, **kw: pushes.append(kw["data"]))
    with time_machine.travel(safe + timedelta(seconds=1), tick=False):
        notify_tasks.send_due_deliveries(timezone.now())
    by_number = dict(texts)
    assert "Ze zegt dat ze veilig is" in by_number["+32470000001"]
    assert "Elle dit qu'elle est en sécurité" in by_number["+32470000002"]
    assert any("Ze zegt dat ze veilig is" in push for push in pushes)
    # Nothing of her: no name, no note, no place.
    assert all("worker" not in body and "hotel" not in body for body in by_number.values())


def test_late_safe_twice_changes_nothing_the_second_time(
    client, personas, checkin, grace_end, contacts, published
):
    run_worker(grace_end)
    first = done_at(client, personas.worker, checkin.pk, grace_end + timedelta(seconds=30))
    rows = Delivery.objects.count()
    second = done_at(client, personas.worker, checkin.pk, grace_end + timedelta(seconds=45))
    assert second["safe_at"] == first["safe_at"] and second["state"] == "safe"
    assert len(published.of(events.RESOLVED)) == 1
    assert Delivery.objects.count() == rows
    assert Alarm.objects.get().resolved_at == grace_end + timedelta(seconds=30)


def test_late_safe_with_the_duress_pin_looks_the_same_but_goes_on(
    client, personas, checkin, grace_end, published
):
    actions.set_duress_pin(personas.worker, "9911", grace_end)
    run_worker(grace_end)
    alarm = Alarm.objects.get(source=Source.CHECKIN)
    normal_keys = None
    body = done_at(client, personas.worker, checkin.pk, grace_end + timedelta(seconds=30), "9911")
    assert body["state"] == "safe" and body["alarm"] is None
    normal_keys = set(body)
    alarm.refresh_from_db()
    assert alarm.status == Status.RAISED and alarm.is_duress and alarm.concealed_from_owner
    assert published.of(events.RESOLVED) == []
    duress = published.of(events.ESCALATED)[-1]
    assert duress["payload"]["duress"] is True and duress["owner_id"] is None
    # Escalation goes on: tier 2 is told at its time.
    run_worker(grace_end + timedelta(seconds=60))
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    # Her screens: the check-in says safe; no open alarm in her list.
    again = state_at(client, personas.worker, checkin.pk, grace_end + timedelta(seconds=61))
    assert again["state"] == "safe" and set(again) == normal_keys
    listed = client.get("/api/v1/alarms?open=1", **auth_header(personas.worker)).json()
    assert listed["alarms"] == []
    # Saying it again, without the PIN, cannot undo the duress.
    done_at(client, personas.worker, checkin.pk, grace_end + timedelta(seconds=70))
    alarm.refresh_from_db()
    assert alarm.status == Status.RAISED and alarm.is_duress


def test_after_a_responder_closed_it_the_check_in_says_closed(
    client, personas, checkin, grace_end, published
):
    run_worker(grace_end)
    alarm = Alarm.objects.get(source=Source.CHECKIN)
    actions.resolve(alarm, personas.responder, "helped", grace_end + timedelta(seconds=30))
    state = state_at(client, personas.worker, checkin.pk, grace_end + timedelta(seconds=31))
    assert state["state"] == "closed"
    done_at(client, personas.worker, checkin.pk, grace_end + timedelta(seconds=40))
    alarm.refresh_from_db()
    assert alarm.outcome == "helped"  # the responder's outcome stays
    assert len(published.of(events.RESOLVED)) == 1


def test_her_check_in_is_hers_only(client, personas, checkin):
    assert (
        client.get(f"/api/v1/checkins/{checkin.pk}", **auth_header(personas.outsider)).status_code
        == 404
    )


def test_the_pages_show_the_state_the_server_knows(client, personas, checkin, grace_end):
    client.force_login(personas.worker)
    with time_machine.travel(grace_end - timedelta(seconds=1), tick=False):
        page = client.get("/en/alarms/checkin/")
    assert page.context["current"]["state"] == "grace"
    run_worker(grace_end)
    with time_machine.travel(grace_end + timedelta(seconds=1), tick=False):
        page = client.get("/en/alarms/checkin/")
        panic = client.get("/en/alarms/panic/")
    assert page.context["current"]["state"] == "told"
    assert [alarm["source"] for alarm in panic.context["open_alarms_json"]] == ["checkin"]
    assert b"Your open alarms" in panic.content
    assert b"Expired check-in" in panic.content
    with time_machine.travel(grace_end + timedelta(seconds=5), tick=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            actions.checkin_done(checkin, personas.worker, timezone.now())
        page = client.get("/en/alarms/checkin/")
        panic = client.get("/en/alarms/panic/")
    assert page.context["current"] is None
    assert panic.context["open_alarms_json"] == []
    assert b'id="panic-open" class="open-alarms" aria-labelledby="panic-open-heading" hidden' in (
        panic.content
    )
    assert Alarm.objects.get().status == Status.RESOLVED
    assert checkin.__class__.objects.get(pk=checkin.pk).status == CheckInStatus.EXPIRED
