"""GET /api/v1/areas/search: find a place by its name; readable 422s, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas/search"


def test_gare_du_nord_in_french(client):
    response = client.get(URL, {"q": "Gare du Nord", "lang": "fr"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    first = response.json()[0]
    assert first == {
        "name": "Gare du Nord",
        "name_nl": "Noordstation",
        "name_fr": "Gare du Nord",
        "kind": "station",
        "lat": first["lat"],
        "lon": first["lon"],
        "municipality": {"nis_code": "21015", "name": "Schaerbeek"},
        "source": "OpenStreetMap, © OpenStreetMap contributors, ODbL 1.0",
    }
    assert (round(first["lat"], 3), round(first["lon"], 3)) == (50.860, 4.362)


def test_names_follow_lang_or_accept_language(client):
    dutch = client.get(URL, {"q": "gare du nord"}, HTTP_ACCEPT_LANGUAGE="nl").json()[0]
    assert dutch["name"] == "Noordstation"
    assert dutch["municipality"]["name"] == "Schaarbeek"
    french = client.get(URL, {"q": "noordstation", "lang": "fr"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert french.json()[0]["name"] == "Gare du Nord"
    # No name in Romanian: French, as everywhere in the areas API.
    assert client.get(URL, {"q": "noordstation", "lang": "ro"}).json()[0]["name"] == "Gare du Nord"


def test_limit_and_nothing_found(client):
    assert len(client.get(URL, {"q": "gare", "limit": "2"}).json()) == 2
    assert len(client.get(URL, {"q": "a"}).json()) == 8
    assert client.get(URL, {"q": "zzzzqqq"}).json() == []


def test_what_is_typed_is_never_cached(client):
    response = client.get(URL, {"q": "rue d'aerschot"})
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({}, "q", "Type the name of a place."),
        ({"q": ""}, "q", "Type the name of a place."),
        ({"q": "   "}, "q", "Type the name of a place."),
        ({"q": "x" * 101}, "q", "Type at most 100 characters."),
        ({"q": "gare", "limit": "0"}, "limit", "from 1 to 20"),
        ({"q": "gare", "limit": "21"}, "limit", "from 1 to 20"),
        ({"q": "gare", "limit": "abc"}, "limit", "from 1 to 20"),
        ({"q": "gare", "limit": "9" * 5000}, "limit", "from 1 to 20"),
        ({"q": "gare", "limit": "²"}, "limit", "from 1 to 20"),
    ],
)
def test_bad_input_answers_422_with_a_sentence(client, params, field, words):
    response = client.get(URL, {**params, "lang": "en"})
    assert response.status_code == 422
    body = response.json()
    assert words in body["detail"]
    assert body["errors"] == [{"field": field, "message": body["detail"]}]


def test_errors_in_french(client):
    body = client.get(URL, {"q": "", "lang": "fr"}).json()
    assert body["detail"] != "Type the name of a place."
    assert body["detail"]


def test_without_geography_503(client, empty_geography):
    response = client.get(URL, {"q": "gare"})
    assert response.status_code == 503
    assert response.json()["detail"]


def test_the_operation_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/areas/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "lang", "limit"}
    assert {"200", "422", "503"} <= set(operation["responses"])
