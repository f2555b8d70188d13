"""Who may see an alarm: the worker, her responders; nobody else (404, like a missing one)."""

import pytest

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Role
from umbrella.alarms import actions
from umbrella.alarms.models import Source
from umbrella.core.models import AuditEntry
from umbrella.testing import auth_header


@pytest.fixture
def other_responder(personas, t0):
    """Another worker's (the outsider's) responder."""
    person = accounts_actions.create_account("other-responder", Role.RESPONDER, password="x" * 12)
    actions.set_circle(
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
    actions.set_circle(
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
    actions.set_circle(
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


def test_every_detail_read_is_audited(client, alarm, personas):
    client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.responder))
    client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.worker))
    client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.outsider))  # 404: no read
    entries = AuditEntry.objects.filter(object_type="alarms.alarm", object_id=str(alarm.pk))
    assert sorted(entries.values_list("actor__username", flat=True)) == ["responder", "worker"]


def test_the_detail_shows_location_recipients_and_timeline(client, alarm, personas):
    body = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.responder)).json()
    assert body["location"] == {"lat": 50.85, "lon": 4.37, "accuracy": None}
    assert body["recipients"][0]["username"] == "responder"
    assert body["timeline"][0]["kind"] == "raised"


def test_the_list_shows_own_and_routed_alarms(client, alarm, personas):
    mine = client.get("/api/v1/alarms", **auth_header(personas.worker)).json()["alarms"]
    routed = client.get("/api/v1/alarms?open=1", **auth_header(personas.responder)).json()["alarms"]
    assert [a["id"] for a in mine] == [a["id"] for a in routed] == [alarm.pk]
