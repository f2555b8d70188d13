"""locate(): the right municipality, zone and neighbourhood for known places, at any border."""

import math
import random

import pytest
import shapely
from shapely.geometry import Point, shape

from umbrella.areas.actions import default_data_path, read_features
from umbrella.areas.locate import (
    NEIGHBOURHOOD_TOLERANCE_M,
    OUTSIDE,
    GeographyNotLoaded,
    get_index,
    locate,
    reset_index,
)
from umbrella.areas.tests.landmarks import LANDMARKS, ZONES
from umbrella.areas.tests.landmarks import OUTSIDE as OUTSIDE_POINTS

pytestmark = pytest.mark.django_db

ZONE_OF = {nis: zone for zone, members in ZONES.items() for nis in members}


@pytest.mark.parametrize(
    ("lat", "lon", "nis_code", "zone", "place"), LANDMARKS, ids=[p[4] for p in LANDMARKS]
)
def test_landmark_is_in_its_municipality_and_zone(lat, lon, nis_code, zone, place):
    location = locate(lat, lon)
    assert location.inside_region
    assert location.municipality.nis_code == nis_code
    assert location.police_zone.code == zone
    assert location.neighbourhood is not None


def test_every_municipality_has_a_landmark():
    assert sorted(nis for *_, nis, _zone, _place in LANDMARKS) == [
        f"210{n:02d}" for n in range(1, 20)
    ]


@pytest.mark.parametrize(
    ("lat", "lon", "place"), OUTSIDE_POINTS, ids=[p[2] for p in OUTSIDE_POINTS]
)
def test_point_outside_the_region_has_no_areas(lat, lon, place):
    location = locate(lat, lon)
    assert location == OUTSIDE
    assert location.as_dict() == {
        "inside_region": False,
        "municipality": None,
        "police_zone": None,
        "neighbourhood": None,
    }


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(math.nan, 4.35), (50.85, math.nan), (math.inf, 4.35), (50.85, -math.inf), (0, 0), (90, 180)],
)
def test_degenerate_points_are_outside(lat, lon):
    assert locate(lat, lon) == OUTSIDE


def test_grand_place_is_in_the_grand_place_neighbourhood():
    neighbourhood = locate(50.8467, 4.3525).neighbourhood
    assert (neighbourhood.code, neighbourhood.name_fr, neighbourhood.name_nl) == (
        1,
        "GRAND PLACE",
        "GROTE MARKT",
    )


def test_rue_d_aerschot_is_schaerbeek_zone_5344():
    # The window bars of the North quarter (docs/domain.md).
    location = locate(50.8625, 4.3632)
    assert (location.municipality.nis_code, location.police_zone.code) == ("21015", "5344")


def test_every_zone_follows_its_municipality_as_in_domain_table():
    index = get_index()
    for municipality, zone in index._municipalities:
        assert ZONE_OF[municipality.nis_code] == zone.code


def test_names_follow_the_active_language():
    from django.utils import translation

    location = locate(50.8495, 4.3722)
    with translation.override("nl"):
        assert location.municipality.name == "Sint-Joost-ten-Node"
        assert location.as_dict()["police_zone"]["name"] == location.police_zone.name_nl
    with translation.override("fr"):
        assert location.municipality.name == "Saint-Josse-ten-Noode"
    with translation.override("ro"):
        # Neither official language: French, the region's majority language.
        assert location.municipality.name == "Saint-Josse-ten-Noode"


def test_point_in_a_micro_hole_gets_the_nearest_municipality():
    features = sorted(
        read_features(default_data_path(), "municipalities"),
        key=lambda f: f["properties"]["nis_code"],
    )
    codes = [f["properties"]["nis_code"] for f in features]
    geoms = [shape(f["geometry"]) for f in features]
    holes = [shapely.Polygon(ring) for ring in shapely.union_all(geoms).interiors]
    assert holes, "the shipped data has micro-holes between municipalities"
    for hole in holes:
        point = hole.representative_point()
        location = locate(point.y, point.x)
        assert location.inside_region
        assert location.police_zone is not None
        by_code = dict(zip(sorted(codes), geoms, strict=True))
        # Within two metres (2e-5 degrees of latitude is about 2.2 m).
        assert by_code[location.municipality.nis_code].distance(point) < 2e-5


def _naive_locate(index_input, region, lat, lon):
    """Answer like LocateIndex, polygon by polygon, without the grid."""
    municipalities, neighbourhoods = index_input
    point = Point(lon, lat)
    if not region.intersects(point):
        return None
    kx = math.cos(math.radians(50.84))

    def metres(geom):
        # Degrees to a local plane, as the index does (scale only: distances).
        return shapely.transform(geom, lambda xy: xy * [kx, 1.0]) if geom else geom

    m = next((code for code, g in municipalities if g.intersects(point)), None)
    if m is None:
        m = min(municipalities, key=lambda cg: metres(cg[1]).distance(metres(point)))[0]
    n = next((code for code, g in neighbourhoods if g.intersects(point)), None)
    if n is None:
        code, g = min(neighbourhoods, key=lambda cg: metres(cg[1]).distance(metres(point)))
        within = metres(g).distance(metres(point)) * 111_195 <= NEIGHBOURHOOD_TOLERANCE_M
        n = code if within else None
    return m, n


def test_grid_answers_exactly_like_a_polygon_by_polygon_search():
    path = default_data_path()
    municipalities = sorted(
        (f["properties"]["nis_code"], shape(f["geometry"]))
        for f in read_features(path, "municipalities")
    )
    neighbourhoods = sorted(
        (f["properties"]["code"], shape(f["geometry"]))
        for f in read_features(path, "neighbourhoods")
    )
    union = shapely.union_all([g for _, g in municipalities])
    region = shapely.Polygon(union.exterior)
    rng = random.Random(20230620)
    points = [(rng.uniform(50.76, 50.92), rng.uniform(4.24, 4.49)) for _ in range(1500)]
    # Points within about 30 m of a border, where the grid falls back to shapely.
    borders = shapely.get_coordinates(shapely.boundary([g for _, g in municipalities]))
    for lon, lat in rng.sample(list(map(tuple, borders)), 1500):
        points.append((lat + rng.uniform(-3e-4, 3e-4), lon + rng.uniform(-4e-4, 4e-4)))
    for lat, lon in points:
        expected = _naive_locate((municipalities, neighbourhoods), region, lat, lon)
        location = locate(lat, lon)
        if expected is None:
            assert location == OUTSIDE, (lat, lon)
        else:
            n = location.neighbourhood.code if location.neighbourhood else None
            assert (location.municipality.nis_code, n) == expected, (lat, lon)


def test_index_splits_the_grid_mostly_into_answered_cells():
    stats = get_index().stats()
    assert stats["border"] < 0.15 * stats["cells"]


def test_empty_database_raises_geography_not_loaded(empty_geography):
    with pytest.raises(GeographyNotLoaded):
        locate(50.8467, 4.3525)


def test_reset_index_rebuilds_from_the_database():
    first = get_index()
    reset_index()
    assert get_index() is not first
    assert locate(50.8467, 4.3525).municipality.nis_code == "21004"
