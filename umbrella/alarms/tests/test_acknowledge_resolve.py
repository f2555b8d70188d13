from datetime import timedelta

import pytest

from umbrella.alarms import actions, events
from umbrella.alarms.models import AlarmStep, Source, Status, StepKind
from umbrella.testing import auth_header


@pytest.fixture
def alarm(personas, circle, published, t0):
    return actions.raise_alarm(personas.worker, Source.APP, t0)


def url(alarm, verb):
    return f"/api/v1/alarms/{alarm.pk}/{verb}"


def test_acknowledge_is_idempotent_and_the_first_one_wins(client, alarm, personas, published, t0):
    first = client.post(url(alarm, "acknowledge"), **auth_header(personas.responder))
    again = client.post(url(alarm, "acknowledge"), **auth_header(personas.responder))
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == again.json()["status"] == "acknowledged"
    assert again.json()["acknowledged_by"] == "responder"
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == personas.responder
    acks = published.of(events.ACKNOWLEDGED)
    assert len(acks) == 1
    # Everyone told so far hears who took it; the owner reads it on her stream.
    assert acks[0]["recipient_ids"] == [personas.responder.pk]
    assert acks[0]["owner_id"] == personas.worker.pk
    assert acks[0]["payload"]["alarm"]["acknowledged_by"] == "responder"
    assert AlarmStep.objects.filter(alarm=alarm, kind=StepKind.ACKNOWLEDGED).count() == 1


def test_a_later_tier_acknowledging_after_the_first_changes_nothing(alarm, personas, t0):
    actions.process_due_deadline(t0 + timedelta(seconds=60), worker="test")
    actions.acknowledge(alarm, personas.outreach, t0 + timedelta(seconds=61))
    actions.acknowledge(alarm, personas.responder, t0 + timedelta(seconds=62))
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == personas.outreach
    assert alarm.seconds_to_acknowledge() == 61


def test_resolve_is_idempotent_and_keeps_the_first_outcome(client, alarm, personas, published):
    headers = auth_header(personas.responder)
    first = client.post(
        url(alarm, "resolve"), {"outcome": "safe"}, content_type="application/json", **headers
    )
    again = client.post(
        url(alarm, "resolve"), {"outcome": "other"}, content_type="application/json", **headers
    )
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "resolved"
    alarm.refresh_from_db()
    assert alarm.outcome == "safe" and alarm.status == Status.RESOLVED
    assert len(published.of(events.RESOLVED)) == 1


def test_seen_is_recorded_and_shown_to_the_owner(client, alarm, personas):
    response = client.post(url(alarm, "seen"), **auth_header(personas.responder))
    assert response.status_code == 200
    detail = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.worker)).json()
    assert detail["seen_by"] == ["responder"]
    assert detail["recipients"][0]["seen_at"]


def test_the_owner_cancels_without_a_pin(client, alarm, personas, published):
    response = client.post(url(alarm, "cancel"), **auth_header(personas.worker))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert published.types()[-1] == events.CANCELLED
    alarm.refresh_from_db()
    assert not alarm.deadlines.filter(done_at__isnull=True).exists()


def test_a_responder_cannot_cancel(client, alarm, personas):
    response = client.post(url(alarm, "cancel"), **auth_header(personas.responder))
    assert response.status_code == 403 and response.json()["detail"]
