"""RFC 7946 §3.1.6: exteriors counter-clockwise, holes clockwise (issue 16).

Checked on every ring of the shipped files, of every GeoJSON answer the API
and the site give, and of geometry that came from elsewhere (another file, a
row edited by hand), which must come out wound right all the same.
"""

import json

import pytest
from django.urls import reverse

from umbrella.areas.actions import FILES, default_data_path, load_brussels
from umbrella.areas.geojson import oriented, reset_geojson_cache, signed_area
from umbrella.areas.models import PoliceZone

pytestmark = pytest.mark.django_db

GEOJSON = "application/geo+json"


def polygons(geometry: dict | None):
    """Yield the ring lists of every polygon in ``geometry``."""
    if not geometry:
        return
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "GeometryCollection":
        for part in geometry["geometries"]:
            yield from polygons(part)


def wrongly_wound(collection: dict, where: str) -> tuple[list[str], int]:
    """Return a line per ring wound against RFC 7946, and how many rings were checked."""
    wrong, checked = [], 0
    for feature in collection["features"]:
        for p, rings in enumerate(polygons(feature["geometry"])):
            for r, ring in enumerate(rings):
                checked += 1
                area = signed_area(ring)
                if (area <= 0) if r == 0 else (area >= 0):
                    kind = "exterior" if r == 0 else "hole"
                    wrong.append(f"{where} feature {feature.get('id')} polygon {p} {kind} {r}")
    return wrong, checked


@pytest.mark.parametrize("layer", sorted(FILES))
def test_every_ring_of_the_shipped_files_is_wound_as_rfc_7946_asks(layer):
    path = default_data_path() / FILES[layer]
    collection = json.loads(path.read_text(encoding="utf-8"))
    wrong, checked = wrongly_wound(collection, path.name)
    assert checked >= 6
    assert wrong == []


def geojson_routes(client) -> list[str]:
    """Return every API route the OpenAPI document says answers GeoJSON, and the site's export."""
    document = client.get("/api/v1/openapi.json").json()
    routes = [
        path
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method == "get"
        and GEOJSON in operation["responses"].get("200", {}).get("content", {})
        and not any(parameter.get("required") for parameter in operation.get("parameters", []))
    ]
    return [*routes, reverse("directory:export_geojson")]


def test_every_geojson_answer_is_wound_as_rfc_7946_asks(client):
    routes = geojson_routes(client)
    assert {
        "/api/v1/areas/municipalities",
        "/api/v1/areas/police-zones",
        "/api/v1/areas/neighbourhoods",
        "/api/v1/places",
    } <= set(routes)
    checked = 0
    for route in routes:
        response = client.get(route)
        assert response.status_code == 200, route
        assert response["Content-Type"].startswith(GEOJSON), route
        wrong, count = wrongly_wound(json.loads(response.content), route)
        assert wrong == []
        checked += count
    # 7 polygons of police zones, 21 of municipalities, 148 of neighbourhoods.
    assert checked >= 7 + 21 + 148


def test_a_boundary_stored_clockwise_is_served_counter_clockwise(client):
    """Rows edited by hand or loaded by an older version still come out right."""
    zone = PoliceZone.objects.get(code="5339")
    geometry = json.loads(zone.geometry)
    stored_holes = sum(len(rings) - 1 for rings in geometry["coordinates"])
    assert stored_holes >= 1  # the zone has a hole, so holes are checked too
    backwards = {**geometry, "coordinates": [[r[::-1] for r in p] for p in geometry["coordinates"]]}
    assert wrongly_wound({"features": [{"geometry": backwards}]}, "stored")[0]
    PoliceZone.objects.filter(pk=zone.pk).update(geometry=json.dumps(backwards))
    reset_geojson_cache()
    try:
        features = client.get("/api/v1/areas/police-zones").json()["features"]
    finally:
        reset_geojson_cache()
    served = next(f for f in features if f["id"] == "5339")
    assert served["geometry"] == geometry
    assert wrongly_wound({"features": features}, "police-zones")[0] == []


def test_loading_a_file_wound_clockwise_stores_it_counter_clockwise(tmp_path):
    for name in FILES.values():
        collection = json.loads((default_data_path() / name).read_text(encoding="utf-8"))
        for feature in collection["features"]:
            coordinates = feature["geometry"]["coordinates"]
            feature["geometry"]["coordinates"] = [[r[::-1] for r in p] for p in coordinates]
        (tmp_path / name).write_text(json.dumps(collection), encoding="utf-8")
    results = load_brussels(tmp_path)
    # The same boundaries, only wound the other way: stored as before, nothing written.
    assert {layer: counts.updated for layer, counts in results.items()} == {
        "police_zones": 0,
        "municipalities": 0,
        "neighbourhoods": 0,
    }
    for zone in PoliceZone.objects.all():
        stored = {"features": [{"id": zone.code, "geometry": json.loads(zone.geometry)}]}
        assert wrongly_wound(stored, "stored")[0] == []


def test_oriented_reverses_only_the_rings_that_are_wound_wrong():
    exterior_cw = [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]
    hole_ccw = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.2]]
    polygon = {"type": "Polygon", "coordinates": [exterior_cw, hole_ccw]}
    assert oriented(polygon)["coordinates"] == [exterior_cw[::-1], hole_ccw[::-1]]
    # Already right: returned unchanged; twice is the same as once.
    assert oriented(oriented(polygon)) == oriented(polygon)
    multi = {"type": "MultiPolygon", "coordinates": [[exterior_cw[::-1], hole_ccw[::-1]]]}
    assert oriented(multi) == multi
    point = {"type": "Point", "coordinates": [4.35, 50.85]}
    assert oriented(point) == point
    assert oriented(None) is None
    # Coordinates with an altitude keep it.
    assert oriented({"type": "Polygon", "coordinates": [[[*c, 7] for c in exterior_cw]]})[
        "coordinates"
    ] == [[[*c, 7] for c in exterior_cw[::-1]]]
