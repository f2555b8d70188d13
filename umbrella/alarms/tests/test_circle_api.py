"""A sex worker sets up her circle: tiers, people by name, delays, the police opt-in."""

from umbrella.alarms.models import Tier
from umbrella.testing import assert_api_error, auth_header

URL = "/api/v1/circle"


def put(client, user, body):
    return client.put(URL, body, content_type="application/json", **auth_header(user))


def test_put_and_get_the_circle(client, personas, outreach_org):
    body = {
        "police_opt_in": False,
        "tiers": [
            {"kind": "people", "delay_seconds": 45, "members": ["Responder"]},
            {"kind": "organisation_rota", "delay_seconds": 90, "organisation_id": outreach_org.pk},
        ],
    }
    response = put(client, personas.worker, body)
    assert response.status_code == 200, response.content
    got = client.get(URL, **auth_header(personas.worker)).json()
    assert got["police_opt_in"] is False
    assert [(t["position"], t["kind"], t["delay_seconds"]) for t in got["tiers"]] == [
        (1, "people", 45),
        (2, "organisation_rota", 90),
    ]
    assert got["tiers"][0]["members"] == ["responder"]


def test_the_police_are_off_by_default(client, personas):
    assert client.get(URL, **auth_header(personas.worker)).json() == {
        "police_opt_in": False,
        "tiers": [],
    }


def test_a_police_tier_needs_the_opt_in(client, personas, police_org):
    tier = {"kind": "police", "delay_seconds": 60, "organisation_id": police_org.pk}
    refused = put(client, personas.worker, {"tiers": [tier]})
    assert "police" in assert_api_error(refused, 422)["detail"]
    assert not Tier.objects.exists()
    accepted = put(client, personas.worker, {"police_opt_in": True, "tiers": [tier]})
    assert accepted.status_code == 200


def test_a_refused_tier_saves_nothing(client, personas):
    put(client, personas.worker, {"tiers": [{"kind": "people", "members": ["responder"]}]})
    refused = put(
        client,
        personas.worker,
        {
            "tiers": [
                {"kind": "people", "members": ["outreach"]},
                {"kind": "organisation_rota", "organisation_id": 999_999},
            ]
        },
    )
    assert "organisation" in assert_api_error(refused, 422)["detail"]
    got = client.get(URL, **auth_header(personas.worker)).json()
    assert [t["members"] for t in got["tiers"]] == [["responder"]]


def test_delays_out_of_range(client, personas):
    tier = {"kind": "people", "members": ["responder"], "delay_seconds": 1}
    assert_api_error(put(client, personas.worker, {"tiers": [tier]}), 422)


def test_only_a_sex_worker_has_a_circle(client, personas):
    assert client.get(URL, **auth_header(personas.responder)).status_code == 403
