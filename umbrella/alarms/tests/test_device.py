"""Room buttons: a plain HTTP call raises the room's alarm."""

from datetime import timedelta

import pytest
import time_machine

from umbrella.alarms import actions, events, queries
from umbrella.alarms.api import DEVICE_PRESSES_PER_MINUTE
from umbrella.alarms.models import Alarm, RoomButton
from umbrella.testing import auth_header


@pytest.fixture
def button_key(establishment, t0):
    _button, key = actions.create_room_button(establishment, "Room 3", t0)
    return key


def press(client, key, at):
    with time_machine.travel(at, tick=False):
        return client.post(f"/api/v1/alarms/device/{key}")


def test_press_raises_the_room_alarm_for_the_on_duty_reference(
    client, button_key, personas, published, t0
):
    response = press(client, button_key, t0)
    assert response.status_code == 201
    body = response.json()
    assert (body["source"], body["status"], body["is_test"]) == ("device", "raised", False)
    (call,) = published.calls
    assert call["event_type"] == events.RAISED
    assert call["recipient_ids"] == [personas.responder.pk]
    assert call["owner_id"] is None
    assert call["payload"]["alarm"]["room_label"] == "Room 3"


def test_presses_within_10_seconds_are_one_alarm(client, button_key, published, t0):
    first = press(client, button_key, t0)
    assert first.status_code == 201 and first.json()["deduplicated"] is False
    # Each press is less than 10 s after the previous one (14 s after the
    # alarm was raised, 5 s after the last press): one alarm while it is open.
    for seconds in (5, 9, 14):
        again = press(client, button_key, t0 + timedelta(seconds=seconds))
        assert again.status_code == 200, seconds
        assert again.json()["id"] == first.json()["id"]
        assert again.json()["deduplicated"] is True
        assert RoomButton.objects.get().last_seen_at == t0 + timedelta(seconds=seconds)
    assert Alarm.objects.count() == 1
    assert published.types() == [events.RAISED]


def test_a_press_joins_the_open_alarm_whatever_its_age(client, button_key, personas, published, t0):
    first = press(client, button_key, t0).json()
    alarm = Alarm.objects.get(pk=first["id"])
    later = press(client, button_key, t0 + timedelta(minutes=10))
    assert later.status_code == 200 and later.json()["id"] == first["id"]
    actions.acknowledge(alarm, personas.responder, t0 + timedelta(minutes=11))
    taken = press(client, button_key, t0 + timedelta(minutes=12))
    assert taken.status_code == 200 and taken.json()["id"] == first["id"]
    assert taken.json()["status"] == "acknowledged"
    assert Alarm.objects.count() == 1


def test_a_press_after_the_alarm_was_resolved_raises_a_new_one(
    client, button_key, personas, published, t0
):
    first = press(client, button_key, t0).json()
    actions.resolve(
        Alarm.objects.get(pk=first["id"]), personas.responder, "safe", t0 + timedelta(seconds=3)
    )
    # Within 10 s of the previous press, but that alarm is closed: a new one.
    again = press(client, button_key, t0 + timedelta(seconds=5))
    assert again.status_code == 201
    body = again.json()
    assert body["id"] != first["id"]
    assert (body["status"], body["deduplicated"]) == ("raised", False)
    assert Alarm.objects.count() == 2
    assert published.types()[-1] == events.RAISED
    # And the new alarm dedupes the presses that follow it.
    assert press(client, button_key, t0 + timedelta(seconds=8)).json()["id"] == body["id"]


def test_test_and_real_alarms_of_one_button_never_join(
    client, establishment, personas, published, t0
):
    button, key = actions.create_room_button(establishment, "Room 2", t0, test_mode=True)
    test = press(client, key, t0).json()
    assert test["is_test"] is True
    actions.set_test_mode(button, False)
    real = press(client, key, t0 + timedelta(seconds=2))
    assert real.status_code == 201
    assert real.json()["is_test"] is False and real.json()["id"] != test["id"]
    assert queries.alarm_counts(is_test=True) == {"device": 1}
    assert queries.alarm_counts(is_test=False) == {"device": 1}


def test_presses_are_rate_limited_per_key(client, button_key, published, t0):
    for i in range(DEVICE_PRESSES_PER_MINUTE):
        assert press(client, button_key, t0 + timedelta(seconds=i)).status_code in (200, 201)
    response = press(client, button_key, t0 + timedelta(seconds=30))
    assert response.status_code == 429 and response.json()["detail"]


def test_an_unknown_key_reveals_nothing(client, button_key, db):
    response = client.post("/api/v1/alarms/device/not-a-real-key")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.post("/api/v1/alarms/device/" + "x" * 500).status_code == 404
    assert not Alarm.objects.exists()


def test_a_revoked_button_is_unknown(client, establishment, t0, db):
    button, key = actions.create_room_button(establishment, "Room 9", t0)
    actions.revoke_room_button(button, t0)
    assert client.post(f"/api/v1/alarms/device/{key}").status_code == 404


def test_test_mode_alarms_are_marked_and_counted_apart(
    client, establishment, personas, published, t0
):
    button, key = actions.create_room_button(establishment, "Room 1", t0, test_mode=True)
    body = press(client, key, t0).json()
    assert body["is_test"] is True
    alarm = Alarm.objects.get(pk=body["id"])
    actions.acknowledge(alarm, personas.responder, t0 + timedelta(seconds=4))
    assert queries.alarm_counts(is_test=True) == {"device": 1}
    assert queries.alarm_counts(is_test=False) == {}
    (row,) = queries.room_buttons(establishment)
    assert (row.test_alarms, row.real_alarms) == (1, 0)
    assert row.last_successful_test == t0 + timedelta(seconds=4)


def test_only_the_digest_of_the_key_is_stored(button_key):
    button = RoomButton.objects.get()
    assert button_key not in button.device_key_hash
    assert button.device_key_prefix == button_key[:8]


def test_establishment_api_creates_a_button_and_shows_its_key_once(client, establishment, personas):
    headers = auth_header(personas.responder)
    url = f"/api/v1/establishments/{establishment.pk}/buttons"
    created = client.post(
        url, {"room_label": "Room 7", "test_mode": True}, content_type="application/json", **headers
    )
    assert created.status_code == 201
    key = created.json()["device_key"]
    listed = client.get(url, **headers)
    assert listed.status_code == 200
    assert key not in listed.content.decode()
    assert listed.json()["buttons"][0]["room_label"] == "Room 7"
    button_id = created.json()["id"]
    patched = client.patch(
        f"{url}/{button_id}", {"test_mode": False}, content_type="application/json", **headers
    )
    assert patched.json()["test_mode"] is False
    assert client.get(url, **auth_header(personas.outsider)).status_code == 404
    assert client.delete(f"{url}/{button_id}", **headers).status_code == 204
    assert client.post(f"/api/v1/alarms/device/{key}").status_code == 404
