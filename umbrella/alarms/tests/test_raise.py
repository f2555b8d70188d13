from umbrella.alarms import actions, events
from umbrella.alarms.models import Alarm, AlarmRecipient, Deadline, DeadlineKind, Source, Status
from umbrella.alarms.tests.conftest import TIER1_DELAY
from umbrella.testing import auth_header

URL = "/api/v1/alarms"


def test_raise_tells_tier_1_and_schedules_the_escalation(personas, circle, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert alarm.status == Status.RAISED and alarm.current_tier == 1
    assert list(AlarmRecipient.objects.values_list("user__username", flat=True)) == ["responder"]
    (call,) = published.calls
    assert call["event_type"] == events.RAISED
    assert call["recipient_ids"] == [personas.responder.pk]
    assert call["owner_id"] == personas.worker.pk
    assert call["payload"]["alarm"]["source"] == "app"
    assert call["payload"]["tier"] == 1
    (deadline,) = Deadline.objects.filter(done_at__isnull=True)
    assert deadline.kind == DeadlineKind.ESCALATE
    assert (deadline.due_at - t0).total_seconds() == TIER1_DELAY


def test_api_raise_answers_201_with_the_contract_fields(client, personas, circle, published):
    response = client.post(
        URL,
        {"lat": 50.8530, "lon": 4.3700, "accuracy": 12, "note": "room 3"},
        content_type="application/json",
        **auth_header(personas.worker),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "status", "source", "raised_at"} <= set(body)
    assert (body["status"], body["source"], body["recipient_count"]) == ("raised", "app", 1)
    alarm = Alarm.objects.get(pk=body["id"])
    assert alarm.latitude == 50.853 and alarm.note == "room 3"


def test_api_raise_with_an_empty_body(client, personas, circle, published):
    response = client.post(URL, content_type="application/json", **auth_header(personas.worker))
    assert response.status_code == 201, response.content


def test_payload_carries_no_precise_location_or_note(personas, circle, published, t0):
    actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37, note="secret")
    text = str(published.calls[0]["payload"])
    assert "50.85" not in text and "secret" not in text


def test_nobody_reachable_still_raises_and_looks_again(personas, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert alarm.current_tier == 0
    assert published.calls[0]["recipient_ids"] == []
    assert Deadline.objects.get(alarm=alarm).kind == DeadlineKind.REALERT


def test_only_a_sex_worker_raises(client, personas, published):
    response = client.post(URL, **auth_header(personas.resident))
    assert response.status_code == 403
    assert response.json()["detail"]


def test_without_a_token_401(client, db):
    assert client.post(URL).status_code == 401
