"""GET /api/v1/areas/locate: the public contract, and readable 422s that are never 500s."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas/locate"


def test_answer_has_exactly_the_contract_shape(client):
    response = client.get(URL, {"lat": "50.8467", "lon": "4.3525"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "inside_region": True,
        "municipality": {"nis_code": "21004", "name_nl": "Brussel", "name_fr": "Bruxelles"},
        "police_zone": {
            "code": "5339",
            "name": "Bruxelles-Capitale/Ixelles",
            "name_nl": "Brussel-Hoofdstad/Elsene",
            "name_fr": "Bruxelles-Capitale/Ixelles",
        },
        "neighbourhood": {
            "code": 1,
            "name": "GRAND PLACE",
            "name_nl": "GROTE MARKT",
            "name_fr": "GRAND PLACE",
        },
    }


def test_points_are_never_cached(client):
    response = client.get(URL, {"lat": "50.8467", "lon": "4.3525"})
    assert "no-store" in response["Cache-Control"]


def test_names_follow_accept_language_or_lang(client):
    params = {"lat": "50.8495", "lon": "4.3722"}
    dutch = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="nl").json()
    assert dutch["police_zone"]["name"] == dutch["police_zone"]["name_nl"]
    french = client.get(URL, {**params, "lang": "fr"}, HTTP_ACCEPT_LANGUAGE="nl").json()
    assert french["police_zone"]["name"] == french["police_zone"]["name_fr"]
    assert french["municipality"]["nis_code"] == "21014"


def test_outside_the_region_everything_is_null(client):
    response = client.get(URL, {"lat": "50.8836", "lon": "4.4729"})
    assert response.status_code == 200
    assert response.json() == {
        "inside_region": False,
        "municipality": None,
        "police_zone": None,
        "neighbourhood": None,
    }


def test_decimal_comma_is_accepted(client):
    response = client.get(URL, {"lat": "50,8467", "lon": "4,3525"})
    assert response.json()["municipality"]["nis_code"] == "21004"


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, ["lat", "lon"]),
        ({"lat": "50.85"}, ["lon"]),
        ({"lon": "4.35"}, ["lat"]),
        ({"lat": "", "lon": "4.35"}, ["lat"]),
        ({"lat": "abc", "lon": "4.35"}, ["lat"]),
        ({"lat": "nan", "lon": "4.35"}, ["lat"]),
        ({"lat": "50.85", "lon": "inf"}, ["lon"]),
        ({"lat": "1e999", "lon": "4.35"}, ["lat"]),
        ({"lat": "0x10", "lon": "4.35"}, ["lat"]),
        ({"lat": "5_0", "lon": "4.35"}, ["lat"]),
        ({"lat": "91", "lon": "4.35"}, ["lat"]),
        ({"lat": "-90.5", "lon": "4.35"}, ["lat"]),
        ({"lat": "50.85", "lon": "-181"}, ["lon"]),
        ({"lat": "91", "lon": "-181"}, ["lat", "lon"]),
        ({"lat": "x" * 5000, "lon": "4.35"}, ["lat"]),
    ],
)
def test_bad_input_is_a_readable_422(client, params, fields):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert [error["field"] for error in body["errors"]] == fields
    assert body["detail"].endswith(".")
    assert len(body["detail"]) < 400


def test_422_names_the_problem_in_plain_words(client):
    assert "between -90 and 90" in client.get(URL, {"lat": "91", "lon": "4"}).json()["detail"]
    assert "between -180 and 180" in client.get(URL, {"lat": "1", "lon": "-181"}).json()["detail"]
    detail = client.get(URL, {"lat": "abc", "lon": "4"}).json()["detail"]
    assert "“abc”" in detail and "number" in detail
    assert "latitude (lat) and longitude (lon)" in client.get(URL).json()["detail"]


def test_unloaded_geography_is_a_503_not_a_500(client, empty_geography):
    response = client.get(URL, {"lat": "50.8467", "lon": "4.3525"})
    assert response.status_code == 503
    assert response.json()["detail"]
