"""Who may see an alarm: the worker, her responders; nobody else (404, like a missing one)."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import TestCase

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Role
from umbrella.alarms import actions
from umbrella.alarms.models import AlarmRecipient, Circle, Source, Status
from umbrella.alarms.tests.conftest import set_accepted_circle
from umbrella.core.models import AuditEntry
from umbrella.notify.models import Delivery, EventRecipient
from umbrella.notify.tests.helpers import open_stream
from umbrella.testing import api_token_for, assert_api_error, auth_header


@pytest.fixture
def other_responder(personas, t0):
    """Another worker's (the outsider's) responder."""
    person = accounts_actions.create_account("other-responder", Role.RESPONDER, password="x" * 12)
    set_accepted_circle(
        personas.outsider,
        [actions.TierSpec("people", 60, ["other-responder"])],
        t0,
        police_opt_in=False,
    )
    return person


@pytest.fixture
def alarm(personas, circle, published, t0):
    return actions.raise_alarm(personas.worker, Source.APP, t0, lat=50.85, lon=4.37)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 200),
        ("responder", 200),
        ("outsider", 404),
        ("police", 404),
        ("resident", 404),
        ("staff", 404),
    ],
)
def test_detail_matrix(client, alarm, personas, other_responder, who, status):
    response = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(getattr(personas, who)))
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Not found."}


def test_another_workers_responder_sees_nothing(client, alarm, other_responder):
    headers = auth_header(other_responder)
    assert client.get(f"/api/v1/alarms/{alarm.pk}", **headers).status_code == 404
    assert client.post(f"/api/v1/alarms/{alarm.pk}/acknowledge", **headers).status_code == 404
    assert client.get("/api/v1/alarms", **headers).json()["alarms"] == []


def test_a_missing_alarm_answers_like_a_hidden_one(client, alarm, personas):
    missing = client.get("/api/v1/alarms/999999", **auth_header(personas.outsider))
    hidden = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.outsider))
    assert missing.status_code == hidden.status_code == 404
    assert missing.content == hidden.content


def test_the_police_see_it_only_with_opt_in(client, personas, police_org, published, t0):
    set_accepted_circle(
        personas.worker,
        [actions.TierSpec("police", 60, organisation_id=police_org.pk)],
        t0,
        police_opt_in=True,
    )
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    response = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.police))
    assert response.status_code == 200


def test_a_police_officer_in_a_people_tier_is_left_out_without_opt_in(
    client, personas, published, t0
):
    set_accepted_circle(
        personas.worker,
        [actions.TierSpec("people", 60, ["police", "responder"])],
        t0,
        police_opt_in=False,
    )
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert (
        client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.police)).status_code == 404
    )
    assert published.calls[0]["recipient_ids"] == [personas.responder.pk]


def test_every_detail_read_by_someone_else_is_audited(client, alarm, personas):
    client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.responder))
    client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.outsider))  # 404: no read
    for _poll in range(3):  # her own screen polling her alarm: her own data, not audited
        response = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.worker))
        assert response.status_code == 200
    entries = AuditEntry.objects.filter(object_type="alarms.alarm", object_id=str(alarm.pk))
    assert list(entries.values_list("actor__username", flat=True)) == ["responder"]


def test_the_detail_shows_location_recipients_and_timeline(client, alarm, personas):
    body = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.responder)).json()
    assert body["location"] == {"lat": 50.85, "lon": 4.37, "accuracy": None}
    assert body["recipients"][0]["username"] == "responder"
    assert body["timeline"][0]["kind"] == "raised"


def test_the_list_shows_own_and_routed_alarms(client, alarm, personas):
    mine = client.get("/api/v1/alarms", **auth_header(personas.worker)).json()["alarms"]
    routed = client.get("/api/v1/alarms?open=1", **auth_header(personas.responder)).json()["alarms"]
    assert [a["id"] for a in mine] == [a["id"] for a in routed] == [alarm.pk]


# --- The matrix: who may do what to the worker's alarm ------------------------
#
# Her circle names her responder and a police officer, without the police
# opt-in: the officer is left out. Anyone the alarm was not routed to gets
# the 404 of a missing alarm, whatever the action; the worker sees her alarm
# and may cancel it, but only the people it was sent to take, resolve or
# open it as responders (403, with a sentence saying so).

ACTIONS = ["detail", "acknowledge", "resolve", "seen", "cancel"]
EXPECTED = {
    "worker": {"detail": 200, "acknowledge": 403, "resolve": 403, "seen": 403, "cancel": 200},
    "responder": {"detail": 200, "acknowledge": 200, "resolve": 200, "seen": 200, "cancel": 403},
    "other_responder": dict.fromkeys(ACTIONS, 404),
    "outsider": dict.fromkeys(ACTIONS, 404),
    "police": dict.fromkeys(ACTIONS, 404),
}
# What each action changes when it is allowed.
STATUS_AFTER = {"acknowledge": "acknowledged", "resolve": "resolved", "cancel": "cancelled"}


@pytest.fixture
def matrix_alarm(personas, published, t0):
    set_accepted_circle(
        personas.worker,
        [actions.TierSpec("people", 60, ["responder", "police"])],
        t0,
        police_opt_in=False,
    )
    return actions.raise_alarm(personas.worker, Source.APP, t0)


def _request(client, alarm, action, headers):
    url = f"/api/v1/alarms/{alarm.pk}"
    if action == "detail":
        return client.get(url, **headers)
    body = {"outcome": "safe"} if action == "resolve" else {}
    return client.post(f"{url}/{action}", body, content_type="application/json", **headers)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_authorisation_matrix(client, personas, matrix_alarm, other_responder, who, action):
    person = other_responder if who == "other_responder" else getattr(personas, who)
    headers = {**auth_header(person), "HTTP_ACCEPT_LANGUAGE": "en"}
    response = _request(client, matrix_alarm, action, headers)
    expected = EXPECTED[who][action]
    assert response.status_code == expected, response.content
    matrix_alarm.refresh_from_db()
    if expected == 200:
        assert matrix_alarm.status == STATUS_AFTER.get(action, Status.RAISED)
        return
    assert matrix_alarm.status == Status.RAISED  # a refusal changes nothing
    body = assert_api_error(response, expected)
    if expected == 404:
        assert body == {"detail": "Not found."}  # exactly as a missing alarm
    else:
        assert body["detail"] in (
            "Only the people this alarm was sent to can do this.",
            "Only the person who raised this alarm can cancel it.",
        )
    if who == "police":
        assert not AlarmRecipient.objects.filter(alarm=matrix_alarm, user=person).exists()


# --- A police tier whose opt-in is off ----------------------------------------


@pytest.fixture
def police_tier_switched_off(personas, police_org, t0):
    """Tier 1 the police zone, tier 2 her responder; then she switched the opt-in off."""
    set_accepted_circle(
        personas.worker,
        [
            actions.TierSpec("police", 60, organisation_id=police_org.pk),
            actions.TierSpec("people", 60, ["responder"]),
        ],
        t0,
        police_opt_in=True,
    )
    Circle.objects.filter(owner=personas.worker).update(police_opt_in=False)


# Committed for real: two streams held open each take a connection of their
# own, which PostgreSQL's per-test transaction would not allow.
@pytest.mark.django_db(transaction=True)
def test_a_police_tier_without_opt_in_tells_the_police_nothing(
    client, personas, police_tier_switched_off, published, t0, settings
):
    settings.NOTIFY_POLL_SECONDS = 0  # the fan-out alone delivers, as in notify's tests
    police, responder = personas.police, personas.responder

    police_token, responder_token = api_token_for(police), api_token_for(responder)

    async def scenario():
        police_stream = await open_stream({"Authorization": f"Bearer {police_token}"})
        responder_stream = await open_stream({"Authorization": f"Bearer {responder_token}"})
        alarm = await sync_to_async(_raise_committed)(personas.worker, t0)
        frame = await responder_stream.next_event()
        police_heard_nothing = await police_stream.nothing_for(0.5)
        await police_stream.close()
        await responder_stream.close()
        return alarm, frame, police_heard_nothing

    alarm, frame, police_heard_nothing = async_to_sync(scenario)()
    assert frame["json"]["alarm"]["id"] == alarm.pk
    assert police_heard_nothing
    # Escalation and re-alerts go on without them too.
    for seconds in (60, 120, 180):
        with TestCase.captureOnCommitCallbacks(execute=True):
            actions.process_due_deadline(t0 + timedelta(seconds=seconds), worker="test")
    assert len(published.calls) >= 3
    assert all(police.pk not in call["recipient_ids"] for call in published.calls)
    assert not EventRecipient.objects.filter(user=police).exists()
    assert EventRecipient.objects.filter(user=responder).count() == len(published.calls)
    assert not Delivery.objects.filter(recipient=police).exists()
    assert not AlarmRecipient.objects.filter(alarm=alarm, user=police).exists()
    response = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(police))
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/alarms", **auth_header(police)).json()["alarms"] == []


def _raise_committed(owner, now):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.raise_alarm(owner, Source.APP, now)
