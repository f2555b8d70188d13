"""GET /api/v1/places: GeoJSON, nearest first, filters, languages, 422s (docs/api.md)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from umbrella.areas.locate import locate
from umbrella.directory.models import Category, LanguageCode, TriState
from umbrella.directory.tests import factories
from umbrella.testing import assert_api_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/places"
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def places(db):
    near = factories.toilet((50.8531, 4.3691), free=TriState.YES)
    far = factories.toilet(factories.UCCLE, free=TriState.NO)
    closed_at_night = factories.toilet(
        (50.8532, 4.3692), hours=[(d, time(8), time(20)) for d in range(7)], free=TriState.YES
    )
    service = factories.service(
        None,
        factories.NORTH_STATION,
        name_nl="Gratis test",
        name_fr="Dépistage gratuit",
        name_en="Free testing",
        free=True,
        anonymous=True,
        no_papers_needed=True,
        languages=[LanguageCode.RO, LanguageCode.FR],
    )
    return {"near": near, "far": far, "day": closed_at_night, "service": service}


def test_nearest_first_with_distances(client, places):
    response = client.get(URL, {"kind": "toilet", "lat": "50.8530", "lon": "4.3690"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["license"] and body["attribution"]
    ids = [f["id"] for f in body["features"]]
    assert ids == [f"toilet-{places[k].pk}" for k in ("near", "day", "far")]
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert distances == sorted(distances) and distances[0] < 50
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [4.3691, 50.8531]}
    assert "no-store" in response["Cache-Control"]


def test_radius_and_open_now(client, places):
    night = datetime(2026, 3, 6, 23, 0, tzinfo=BRUSSELS)
    with time_machine.travel(night, tick=False):
        body = client.get(
            URL,
            {"kind": "toilet", "lat": "50.8530", "lon": "4.3690", "radius": "500", "open_now": "1"},
        ).json()
    assert [f["id"] for f in body["features"]] == [f"toilet-{places['near'].pk}"]
    assert body["features"][0]["properties"]["open_now"] is True


def test_filters_and_stamped_areas(client, places):
    body = client.get(
        URL, {"kind": "service", "free": "1", "no_papers": "1", "language": "ro"}
    ).json()
    [feature] = body["features"]
    properties = feature["properties"]
    expected = locate(*factories.NORTH_STATION)
    assert properties["municipality"]["nis_code"] == expected.municipality.nis_code
    assert properties["police_zone"] == expected.police_zone.code
    assert properties["neighbourhood"] == expected.neighbourhood.code
    assert properties["languages"] == ["fr", "ro"]
    assert client.get(URL, {"kind": "service", "language": "bg"}).json()["features"] == []
    assert (
        client.get(URL, {"kind": "service", "category": Category.LEGAL_AID}).json()["features"]
        == []
    )
    free_toilets = client.get(URL, {"kind": "toilet", "free": "1"}).json()["features"]
    assert {f["id"] for f in free_toilets} == {
        f"toilet-{places['near'].pk}",
        f"toilet-{places['day'].pk}",
    }
    assert {f["properties"]["free"] for f in free_toilets} == {"yes"}


def test_content_in_the_requested_language_with_fallback(client, places):
    fr = client.get(URL, {"kind": "service", "lang": "fr"}).json()["features"][0]
    assert fr["properties"]["name"] == "Dépistage gratuit"
    assert fr["properties"]["category_label"] == "Dépistage santé et IST"
    nl = client.get(URL, {"kind": "service", "lang": "nl"}).json()["features"][0]
    assert nl["properties"]["name"] == "Gratis test"
    ro = client.get(URL, {"kind": "service", "lang": "ro"}).json()["features"][0]
    assert ro["properties"]["name"] == "Free testing"
    assert ro["properties"]["name_language"] == "en"


def test_text_search_across_languages_and_accents(client, places):
    for text in ("depistage", "DÉPISTAGE", "gratis", "free testing"):
        features = client.get(URL, {"kind": "service", "q": text}).json()["features"]
        assert len(features) == 1, text
    assert client.get(URL, {"kind": "service", "q": "nothing-like-it"}).json()["features"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "bar"}, "kind"),
        ({"lat": "91", "lon": "4.35"}, "lat"),
        ({"lat": "50.85", "lon": "-181"}, "lon"),
        ({"lat": "abc", "lon": "4.35"}, "lat"),
        ({"lat": "50.85"}, "lon"),
        ({"lat": "50.85", "lon": "4.35", "radius": "0"}, "radius"),
        ({"lat": "50.85", "lon": "4.35", "radius": "-5"}, "radius"),
        ({"lat": "50.85", "lon": "4.35", "radius": "1e9"}, "radius"),
        ({"lat": "50.85", "lon": "4.35", "radius": "nan"}, "radius"),
        ({"radius": "500"}, "radius"),
        ({"open_now": "maybe"}, "open_now"),
        ({"category": "casino"}, "category"),
        ({"limit": "0"}, "limit"),
        # Digits str.isdigit() accepts but int() refuses, or thousands of them.
        ({"limit": "²"}, "limit"),
        ({"limit": "٣"}, "limit"),
        ({"limit": "9" * 5000}, "limit"),
        ({"limit": "1e3"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"lat": "nan", "lon": "4.35"}, "lat"),
        ({"lat": "50.85", "lon": "inf"}, "lon"),
        ({"lat": "1e999", "lon": "4.35"}, "lat"),
        ({"lat": "50.85", "lon": "-Infinity"}, "lon"),
        ({"lat": "50.85", "lon": "4.35", "radius": "inf"}, "radius"),
        ({"lat": "50.85", "lon": "4.35", "radius": "1e999"}, "radius"),
        ({"lat": "50.85", "lon": "4.35", "radius": "²"}, "radius"),
        ({"lat": "50.85", "lon": "4.35", "radius": "٣٠٠"}, "radius"),
        ({"lat": "50.85", "lon": "4.35", "radius": "9" * 5000}, "radius"),
    ],
)
def test_bad_input_is_a_readable_422(client, params, field):
    body = assert_api_error(client.get(URL, params), 422)
    assert field in {e["field"] for e in body["errors"]}


def test_odd_digits_answer_in_the_requested_language(client):
    en = assert_api_error(client.get(URL, {"limit": "²", "lang": "en"}), 422)
    assert "limit must be a whole number from 1 to 5000" in en["detail"]
    fr = assert_api_error(client.get(URL, {"limit": "²", "lang": "fr"}), 422)
    assert fr["detail"] != en["detail"]
    assert client.get(URL, {"limit": "5000"}).status_code == 200


def test_422_messages_are_translated(client):
    fr = assert_api_error(client.get(URL, {"kind": "bar", "lang": "fr"}), 422)
    nl = assert_api_error(client.get(URL, {"kind": "bar", "lang": "nl"}), 422)
    en = assert_api_error(client.get(URL, {"kind": "bar", "lang": "en"}), 422)
    assert len({fr["detail"], nl["detail"], en["detail"]}) == 3
    fr = assert_api_error(
        client.get(URL, {"lat": "50", "lon": "4", "radius": "0", "lang": "fr"}), 422
    )
    assert (
        fr["detail"]
        != assert_api_error(
            client.get(URL, {"lat": "50", "lon": "4", "radius": "0", "lang": "en"}), 422
        )["detail"]
    )


def test_a_write_shows_at_once(client, places):
    before = len(client.get(URL, {"kind": "toilet"}).json()["features"])
    factories.toilet(factories.GRAND_PLACE)
    assert len(client.get(URL, {"kind": "toilet"}).json()["features"]) == before + 1


def test_the_openapi_document_shows_the_contract(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/places"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"kind", "lat", "lon", "radius", "open_now", "lang"} <= names
    assert {"200", "422"} <= operation["responses"].keys()


def test_a_public_search_reads_no_table_while_the_snapshot_is_fresh(
    client, places, django_assert_num_queries
):
    client.get(URL, {"kind": "toilet"})  # builds this process's snapshot
    with django_assert_num_queries(0):
        response = client.get(URL, {"kind": "toilet", "lat": "50.8530", "lon": "4.3690"})
    assert len(response.json()["features"]) == 3


def test_places_without_a_point_come_after_the_located_ones(client, places):
    phone_line = factories.service(
        None, None, name_en="A phone line", location_fields={"kind": "virtual"}
    )
    unknown_door = factories.service(None, None, name_en="Door not known")
    body = client.get(URL, {"kind": "service", "lat": "50.8530", "lon": "4.3690"}).json()
    assert [f["id"] for f in body["features"]] == [
        f"service-{places['service'].pk}",
        f"service-{phone_line.pk}",
        f"service-{unknown_door.pk}",
    ]
    assert [f["properties"]["distance_m"] is None for f in body["features"]] == [
        False,
        True,
        True,
    ]
    limited = client.get(
        URL, {"kind": "service", "lat": "50.8530", "lon": "4.3690", "limit": "2"}
    ).json()
    assert len(limited["features"]) == 2
    within = client.get(
        URL, {"kind": "service", "lat": "50.8530", "lon": "4.3690", "radius": "50000"}
    ).json()
    assert [f["id"] for f in within["features"]] == [f"service-{places['service'].pk}"]
    page = client.get("/en/directory/", {"kind": "service", "lat": "50.8530", "lon": "4.3690"})
    html = page.content.decode()
    assert html.count("By phone or online only") == 1
    assert html.count("Location not known: ask before you go.") == 1


@pytest.fixture
def access(db):
    """Toilets whose wheelchair access is yes, no and unknown; services with and without a name."""

    def toilet(name, wheelchair):
        return factories.toilet(
            factories.GRAND_PLACE,
            location_fields={"name_en": name, "wheelchair_accessible": wheelchair},
        )

    return {
        "ramp": toilet("Ramp", TriState.YES),
        "stairs": toilet("Stairs", TriState.NO),
        "unchecked": toilet("Unchecked", TriState.UNKNOWN),
        "anonymous": factories.service(
            None,
            name_en="No name asked",
            anonymous=True,
            location_fields={"wheelchair_accessible": TriState.YES},
        ),
        "named": factories.service(None, name_en="Name asked", anonymous=False),
    }


def _api_ids(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return {f["id"] for f in response.json()["features"]}


def _list_ids(client, **params):
    response = client.get("/en/directory/", params)
    assert response.status_code == 200
    return {item["found"].place.id for item in response.context["items"]}


@pytest.mark.parametrize("ids_of", [_api_ids, _list_ids], ids=["api", "list"])
def test_accessible_and_anonymous_filters(client, access, ids_of):
    def ids(*names):
        return {
            f"toilet-{access[n].pk}"
            if n in ("ramp", "stairs", "unchecked")
            else f"service-{access[n].pk}"
            for n in names
        }

    # Unknown access matches neither yes nor no.
    assert ids_of(client, kind="toilet", accessible="1") == ids("ramp")
    assert ids_of(client, kind="toilet", accessible="0") == ids("stairs")
    assert ids_of(client, accessible="1") == ids("ramp", "anonymous")
    assert ids_of(client, kind="service", anonymous="1") == ids("anonymous")
    # "anonymous" describes services only: the list shows services alone.
    assert ids_of(client, kind="service", anonymous="0") == ids("named")
    assert ids_of(client, kind="toilet") == ids("ramp", "stairs", "unchecked")


def test_anonymous_without_a_kind(client, access):
    # The API ignores a service-only filter for toilets; the list shows services only.
    services = {f"service-{access['anonymous'].pk}"}
    toilets = {f"toilet-{access[n].pk}" for n in ("ramp", "stairs", "unchecked")}
    assert _api_ids(client, anonymous="1") == services | toilets
    assert _list_ids(client, anonymous="1") == services
