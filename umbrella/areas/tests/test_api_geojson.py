"""GET /api/v1/areas/{municipalities,police-zones,neighbourhoods}: cached GeoJSON layers."""

import gzip
import json

import pytest
from shapely.geometry import Point, shape

from umbrella.areas.tests.landmarks import ZONES

pytestmark = pytest.mark.django_db

LAYERS = [
    ("/api/v1/areas/municipalities", 19),
    ("/api/v1/areas/police-zones", 6),
    ("/api/v1/areas/neighbourhoods", 145),
]


@pytest.mark.parametrize(("url", "count"), LAYERS)
def test_layer_is_a_valid_feature_collection(client, url, count):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["attribution"] and collection["license"]
    assert len(collection["features"]) == count
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert shape(feature["geometry"]).is_valid
        assert {"name", "name_nl", "name_fr"} <= feature["properties"].keys()


@pytest.mark.parametrize(("url", "count"), LAYERS)
def test_layer_is_cacheable_gzipped_and_revalidates(client, url, count):
    plain = client.get(url)
    assert "max-age=3600" in plain["Cache-Control"]
    assert "public" in plain["Cache-Control"]
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert len(zipped.content) < len(plain.content) / 3
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304


def test_police_zones_list_members_and_a_null_reference(client):
    features = client.get("/api/v1/areas/police-zones").json()["features"]
    assert [f["properties"]["code"] for f in features] == sorted(ZONES)
    for feature in features:
        properties = feature["properties"]
        members = {m["nis_code"] for m in properties["municipalities"]}
        assert members == ZONES[properties["code"]]
        assert properties["trafficking_reference"] is None


def test_municipalities_carry_zone_and_a_label_point_inside(client):
    features = client.get("/api/v1/areas/municipalities", {"lang": "nl"}).json()["features"]
    ixelles = next(f for f in features if f["properties"]["nis_code"] == "21009")
    properties = ixelles["properties"]
    assert (properties["name"], properties["police_zone"]) == ("Elsene", "5339")
    label = properties["label_point"]
    assert shape(ixelles["geometry"]).contains(Point(label["lon"], label["lat"]))


def test_neighbourhoods_name_their_main_municipality_and_zone(client):
    features = client.get("/api/v1/areas/neighbourhoods", {"lang": "fr"}).json()["features"]
    grand_place = next(f for f in features if f["properties"]["code"] == 1)
    assert grand_place["id"] == 1
    properties = grand_place["properties"]
    assert properties["name"] == "GRAND PLACE"
    assert (properties["nis_code"], properties["municipality_name"]) == ("21004", "Bruxelles")
    assert properties["police_zone"] == "5339"


def test_names_are_served_in_each_language(client):
    dutch = client.get("/api/v1/areas/municipalities", HTTP_ACCEPT_LANGUAGE="nl").json()
    french = client.get("/api/v1/areas/municipalities", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert dutch["features"][0]["properties"]["name"] == "Anderlecht"
    assert dutch["features"][1]["properties"]["name"] == "Oudergem"
    assert french["features"][1]["properties"]["name"] == "Auderghem"


@pytest.mark.parametrize(("url", "count"), LAYERS)
def test_unloaded_geography_is_a_503(client, empty_geography, url, count):
    assert client.get(url).status_code == 503
