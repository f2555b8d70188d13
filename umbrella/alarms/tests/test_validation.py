"""Bad input answers 422 with a sentence, never 500."""

from datetime import datetime

import pytest
import time_machine

from umbrella.alarms import actions, events
from umbrella.alarms.models import Alarm, CheckIn, Deadline, Source
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


# The 422 sentences in the request's language (Accept-Language): per field,
# with the field's name and the limit; "field" keeps the path as before.
MESSAGES = {
    "en": {
        "lat": "“lat” must be 90 or less.",
        "lon": "“lon” must be -180 or more.",
        "minutes_low": "“minutes” must be 1 or more.",
        "minutes_high": "“minutes” must be 1440 or less.",
        "minutes_text": "“minutes” must be a whole number.",
        "minutes_missing": "“minutes” is required.",
        "json": "The request body is not valid JSON.",
        "several": "The request is not valid. Check the fields listed.",
    },
    "nl": {
        "lat": "“lat” moet 90 of minder zijn.",
        "lon": "“lon” moet -180 of meer zijn.",
        "minutes_low": "“minutes” moet 1 of meer zijn.",
        "minutes_high": "“minutes” moet 1440 of minder zijn.",
        "minutes_text": "“minutes” moet een geheel getal zijn.",
        "minutes_missing": "“minutes” is verplicht.",
        "json": "De inhoud van het verzoek is geen geldige JSON.",
        "several": "Het verzoek is niet geldig. Controleer de vermelde velden.",
    },
    "fr": {
        "lat": "« lat » doit être inférieur ou égal à 90.",
        "lon": "« lon » doit être supérieur ou égal à -180.",
        "minutes_low": "« minutes » doit être supérieur ou égal à 1.",
        "minutes_high": "« minutes » doit être inférieur ou égal à 1440.",
        "minutes_text": "« minutes » doit être un nombre entier.",
        "minutes_missing": "« minutes » est obligatoire.",
        "json": "Le corps de la requête n'est pas du JSON valide.",
        "several": "La requête n'est pas valide. Vérifiez les champs indiqués.",
    },
    "ro": {
        "lat": "„lat” trebuie să fie cel mult 90.",
        "lon": "„lon” trebuie să fie cel puțin -180.",
        "minutes_low": "„minutes” trebuie să fie cel puțin 1.",
        "minutes_high": "„minutes” trebuie să fie cel mult 1440.",
        "minutes_text": "„minutes” trebuie să fie un număr întreg.",
        "minutes_missing": "„minutes” este obligatoriu.",
        "json": "Corpul cererii nu este JSON valid.",
        "several": "Cererea nu este validă. Verificați câmpurile indicate.",
    },
}


@pytest.mark.parametrize("language", sorted(MESSAGES))
def test_422_messages_are_in_the_requests_language(client, personas, language):
    said = MESSAGES[language]
    headers = {**auth_header(personas.worker), "HTTP_ACCEPT_LANGUAGE": language}

    def error(url, body):
        response = client.post(url, body, content_type="application/json", **headers)
        return assert_api_error(response, 422)

    cases = [
        ("/api/v1/alarms", {"lat": 91, "lon": 4.3}, "lat", "lat"),
        ("/api/v1/alarms", {"lat": 50.8, "lon": -181}, "lon", "lon"),
        ("/api/v1/checkins", {"minutes": 0}, "data.minutes", "minutes_low"),
        ("/api/v1/checkins", {"minutes": 1441}, "data.minutes", "minutes_high"),
        ("/api/v1/checkins", {"minutes": "ten"}, "data.minutes", "minutes_text"),
        ("/api/v1/checkins", {"note": "x"}, "data.minutes", "minutes_missing"),
    ]
    for url, body, field, key in cases:
        answer = error(url, body)
        assert answer["errors"] == [{"field": field, "message": said[key]}], (url, body)
        assert answer["detail"] == said[key]

    malformed = error("/api/v1/alarms", '{"lat": 50.8,')
    assert malformed["detail"] == said["json"]
    assert malformed["errors"] == [{"field": "", "message": said["json"]}]
    assert error("/api/v1/checkins", '{"minutes": 1,')["detail"] == said["json"]

    several = error("/api/v1/alarms", {"lat": 91, "lon": 181})
    assert several["detail"] == said["several"]
    assert [e["field"] for e in several["errors"]] == ["lat", "lon"]


def test_messages_say_plurals_and_lengths(client, personas):
    headers = {**auth_header(personas.worker), "HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post(
        "/api/v1/alarms", {"note": "x" * 1001}, content_type="application/json", **headers
    )
    assert assert_api_error(response, 422)["detail"] == (
        "“note” can be at most 1000 characters long."
    )


@pytest.fixture
def running_checkin(client, personas):
    response = post(client, personas.worker, "/api/v1/checkins", {"minutes": 60})
    assert response.status_code == 201
    return response.json()


@pytest.mark.parametrize("minutes", [0, 1441])
def test_extend_out_of_bounds_answers_422(client, personas, running_checkin, minutes):
    url = f"/api/v1/checkins/{running_checkin['id']}/extend"
    body = assert_api_error(post(client, personas.worker, url, {"minutes": minutes}), 422)
    assert body["errors"][0]["field"] == "data.minutes"
    assert CheckIn.objects.get().due_at.isoformat() == running_checkin["due_at"]


def test_extend_past_24_hours_ahead_answers_422_saying_how_much_is_left(
    client, personas, running_checkin
):
    # Due in 60 minutes: 1380 more minutes reach 24 hours exactly; 1381 go past.
    url = f"/api/v1/checkins/{running_checkin['id']}/extend"
    headers = {**auth_header(personas.worker), "HTTP_ACCEPT_LANGUAGE": "en"}
    with time_machine.travel(datetime.fromisoformat(running_checkin["started_at"]), tick=False):
        response = client.post(url, {"minutes": 1381}, content_type="application/json", **headers)
        body = assert_api_error(response, 422)
        said = "A check-in can end at most 24 hours from now: extend it by at most 1380 minutes."
        assert body == {"detail": said, "errors": [{"field": "data.minutes", "message": said}]}
        assert CheckIn.objects.get().due_at.isoformat() == running_checkin["due_at"]

        assert (
            client.post(
                url, {"minutes": 1380}, content_type="application/json", **headers
            ).status_code
            == 200
        )
        full = client.post(url, {"minutes": 1}, content_type="application/json", **headers)
        assert assert_api_error(full, 422)["detail"] == (
            "This check-in already ends 24 hours from now: it cannot be extended any further."
        )


@pytest.fixture
def open_alarm(personas, circle, published, t0):
    return actions.raise_alarm(personas.worker, Source.APP, t0)


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("responder", "resolve"),
        ("worker", "cancel"),
        ("worker", "done"),
        ("worker", "extend"),
    ],
)
def test_malformed_json_on_every_action_answers_422(
    client, personas, open_alarm, running_checkin, who, action
):
    urls = {
        "resolve": f"/api/v1/alarms/{open_alarm.pk}/resolve",
        "cancel": f"/api/v1/alarms/{open_alarm.pk}/cancel",
        "done": f"/api/v1/checkins/{running_checkin['id']}/done",
        "extend": f"/api/v1/checkins/{running_checkin['id']}/extend",
    }
    headers = {**auth_header(getattr(personas, who)), "HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post(
        urls[action], '{"outcome": "safe",', content_type="application/json", **headers
    )
    assert assert_api_error(response, 422)["detail"] == "The request body is not valid JSON."
    # Nothing changed.
    open_alarm.refresh_from_db()
    assert open_alarm.status == "raised"
    assert CheckIn.objects.get().status == "running"
    assert CheckIn.objects.get().due_at.isoformat() == running_checkin["due_at"]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "fr",
            "Un minuteur de sécurité peut se terminer au plus tard dans 24 heures : "
            "prolongez-le de 1380 minutes au maximum.",
        ),
        (
            "ro",
            "Un temporizator se poate încheia cel târziu peste 24 de ore: "
            "prelungiți-l cu cel mult 1380 de minute.",
        ),
    ],
)
def test_extend_past_24_hours_is_refused_in_the_requests_language(
    client, personas, running_checkin, language, said
):
    url = f"/api/v1/checkins/{running_checkin['id']}/extend"
    headers = {**auth_header(personas.worker), "HTTP_ACCEPT_LANGUAGE": language}
    with time_machine.travel(datetime.fromisoformat(running_checkin["started_at"]), tick=False):
        response = client.post(url, {"minutes": 1381}, content_type="application/json", **headers)
    assert assert_api_error(response, 422)["detail"] == said


@pytest.mark.parametrize("language", ["ro", "bg", "es", "pt"])
def test_the_call_112_answer_is_in_the_workers_language(
    client, personas, circle, monkeypatch, language
):
    def broken(*args, **kwargs):
        raise RuntimeError("notify is down")

    monkeypatch.setattr(events, "notify_publish", lambda: broken)
    headers = {**auth_header(personas.worker), "HTTP_ACCEPT_LANGUAGE": language}
    response = client.post("/api/v1/alarms", {}, content_type="application/json", **headers)
    detail = assert_api_error(response, 503)["detail"]
    assert "112" in detail
    assert detail != "The alarm could not be raised. Call 112 now, then try again."
