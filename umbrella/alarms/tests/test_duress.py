"""The duress PIN: looks like success to whoever holds her phone, calls for help."""

from datetime import timedelta

import pytest

from umbrella.alarms import actions, events
from umbrella.alarms.models import Alarm, DuressPin, Source, Status
from umbrella.testing import auth_header

PIN = "4321"


@pytest.fixture
def duress_pin(personas, t0):
    return actions.set_duress_pin(personas.worker, PIN, t0)


def test_the_pin_is_stored_hashed(duress_pin):
    stored = DuressPin.objects.get().pin_hash
    assert PIN not in stored and stored.startswith("argon2")


def test_cancel_with_the_duress_pin_looks_cancelled_but_goes_on(
    client, personas, circle, duress_pin, published, t0
):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    response = client.post(
        f"/api/v1/alarms/{alarm.pk}/cancel",
        {"pin": PIN},
        content_type="application/json",
        **auth_header(personas.worker),
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["is_duress"] is False
    alarm.refresh_from_db()
    assert alarm.status == Status.RAISED and alarm.is_duress
    duress_event = published.calls[-1]
    assert duress_event["payload"]["duress"] is True
    assert duress_event["owner_id"] is None  # her stream stays quiet
    assert duress_event["recipient_ids"] == [personas.responder.pk]

    # Escalation carries on as if nothing was cancelled.
    assert actions.process_due_deadline(t0 + timedelta(seconds=60), worker="test")
    assert published.types()[-1] == events.ESCALATED

    owner_view = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.worker)).json()
    assert owner_view["status"] == "cancelled" and not owner_view["is_duress"]
    assert [step["kind"] for step in owner_view["timeline"]] == ["raised", "cancelled"]
    assert [r["username"] for r in owner_view["recipients"]] == ["responder"]
    responder_view = client.get(
        f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.responder)
    ).json()
    assert responder_view["status"] == "raised" and responder_view["is_duress"]


def test_after_a_duress_cancel_her_screens_stay_still_while_responders_see_it_climb(
    client, personas, circle, duress_pin, published, t0
):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    headers = auth_header(personas.worker)
    cancelled = client.post(
        f"/api/v1/alarms/{alarm.pk}/cancel",
        {"pin": PIN},
        content_type="application/json",
        **headers,
    ).json()
    assert cancelled["current_tier"] == 1
    assert client.get("/api/v1/alarms?open=1", **headers).json()["alarms"] == []

    # Tier 2 is told, then re-alerted: the alarm climbs for everyone but her.
    assert actions.process_due_deadline(t0 + timedelta(seconds=60), worker="test")
    assert actions.process_due_deadline(t0 + timedelta(seconds=180), worker="test")
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    assert published.types()[-2:] == [events.ESCALATED, events.ESCALATED]

    mine = client.get(f"/api/v1/alarms/{alarm.pk}", **headers).json()
    assert (mine["status"], mine["current_tier"], mine["is_duress"]) == ("cancelled", 1, False)
    assert [r["username"] for r in mine["recipients"]] == ["responder"]
    (listed,) = client.get("/api/v1/alarms", **headers).json()["alarms"]
    assert (listed["id"], listed["status"], listed["current_tier"]) == (alarm.pk, "cancelled", 1)
    assert client.get("/api/v1/alarms?open=1", **headers).json()["alarms"] == []

    for responder in (personas.responder, personas.outreach):
        theirs = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(responder)).json()
        assert (theirs["status"], theirs["current_tier"], theirs["is_duress"]) == (
            "raised",
            2,
            True,
        )
        assert [
            a["id"]
            for a in client.get("/api/v1/alarms?open=1", **auth_header(responder)).json()["alarms"]
        ] == [alarm.pk]


def test_a_second_cancel_cannot_undo_the_duress(personas, circle, duress_pin, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    actions.cancel(alarm, personas.worker, PIN, t0)
    actions.cancel(alarm, personas.worker, None, t0 + timedelta(seconds=5))
    alarm.refresh_from_db()
    assert alarm.status == Status.RAISED and alarm.is_duress


def test_another_pin_is_a_normal_cancel(personas, circle, duress_pin, published, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    actions.cancel(alarm, personas.worker, "9999", t0)
    alarm.refresh_from_db()
    assert alarm.status == Status.CANCELLED and not alarm.is_duress


def test_checkin_done_with_the_duress_pin_raises_a_hidden_duress_alarm(
    client, personas, circle, duress_pin, published, t0
):
    headers = auth_header(personas.worker)
    checkin = client.post(
        "/api/v1/checkins", {"minutes": 30}, content_type="application/json", **headers
    ).json()
    response = client.post(
        f"/api/v1/checkins/{checkin['id']}/done",
        {"pin": PIN},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    alarm = Alarm.objects.get()
    assert (alarm.source, alarm.is_duress, alarm.status) == (Source.DURESS, True, Status.RAISED)
    raised = published.of(events.RAISED)[0]
    assert raised["owner_id"] is None and raised["recipient_ids"] == [personas.responder.pk]
    # Her own screens show nothing of it.
    assert client.get("/api/v1/alarms", **headers).json()["alarms"] == []
    assert client.get(f"/api/v1/alarms/{alarm.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.responder)).json()[
        "is_duress"
    ]


def test_checkin_done_normally_raises_nothing(client, personas, circle, duress_pin, published):
    headers = auth_header(personas.worker)
    checkin = client.post(
        "/api/v1/checkins", {"minutes": 30}, content_type="application/json", **headers
    ).json()
    response = client.post(f"/api/v1/checkins/{checkin['id']}/done", **headers)
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert not Alarm.objects.exists()


def test_duress_pin_api(client, personas):
    headers = auth_header(personas.worker)
    ok = client.put(
        "/api/v1/duress-pin", {"pin": "2580"}, content_type="application/json", **headers
    )
    assert ok.status_code == 204
    bad = client.put(
        "/api/v1/duress-pin", {"pin": "12"}, content_type="application/json", **headers
    )
    assert bad.status_code == 422 and bad.json()["detail"]
