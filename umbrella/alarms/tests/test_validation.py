"""Bad input answers 422 with a sentence, never 500."""

import pytest

from umbrella.alarms import actions, events
from umbrella.alarms.models import Alarm, Deadline, Source
from umbrella.testing import assert_api_error, auth_header


def post(client, user, url, body):
    return client.post(url, body, content_type="application/json", **auth_header(user))


def test_malformed_json(client, personas):
    response = post(client, personas.worker, "/api/v1/alarms", '{"lat": 50.8,')
    assert_api_error(response, 422)


@pytest.mark.parametrize(
    "body",
    [
        {"lat": 91, "lon": 4.3},
        {"lat": -91, "lon": 4.3},
        {"lat": 50.8, "lon": 181},
        {"lat": "north", "lon": 4.3},
        {"lat": 50.8},
        {"accuracy": -1},
    ],
)
def test_bad_coordinates(client, personas, body):
    assert_api_error(post(client, personas.worker, "/api/v1/alarms", body), 422)
    assert not Alarm.objects.exists()


@pytest.mark.parametrize("minutes", [0, -5, 1441, "ten", None])
def test_bad_checkin_minutes(client, personas, minutes):
    body = assert_api_error(
        post(client, personas.worker, "/api/v1/checkins", {"minutes": minutes}), 422
    )
    assert body["errors"][0]["field"].endswith("minutes")


def test_limits_are_accepted(client, personas):
    assert post(client, personas.worker, "/api/v1/checkins", {"minutes": 1}).status_code == 201
    assert post(client, personas.worker, "/api/v1/checkins", {"minutes": 1440}).status_code == 201
    ok = post(client, personas.worker, "/api/v1/alarms", {"lat": 90, "lon": -180})
    assert ok.status_code == 201


def test_a_failing_publish_leaves_no_alarm(client, personas, circle, monkeypatch, t0):
    def broken(*args, **kwargs):
        raise RuntimeError("notify is down")

    monkeypatch.setattr(events, "notify_publish", lambda: broken)
    with pytest.raises(RuntimeError):
        actions.raise_alarm(personas.worker, Source.APP, t0)
    assert not Alarm.objects.exists() and not Deadline.objects.exists()
    response = post(client, personas.worker, "/api/v1/alarms", {})
    body = assert_api_error(response, 503)
    assert "112" in body["detail"]
    assert not Alarm.objects.exists()
