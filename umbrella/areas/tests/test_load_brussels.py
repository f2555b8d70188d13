"""load_brussels and its command: complete, idempotent, refusing broken files."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from umbrella.areas.actions import GeographyFileError, default_data_path, load_brussels
from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone
from umbrella.areas.tests.landmarks import ZONES

pytestmark = pytest.mark.django_db


def _empty():
    Neighbourhood.objects.all().delete()
    Municipality.objects.all().delete()
    PoliceZone.objects.all().delete()


def _snapshot():
    return (
        list(PoliceZone.objects.values().order_by("code")),
        list(Municipality.objects.values().order_by("nis_code")),
        list(Neighbourhood.objects.values().order_by("code")),
    )


def test_first_load_creates_6_zones_19_municipalities_145_neighbourhoods():
    _empty()
    counts = load_brussels()
    assert {layer: c.created for layer, c in counts.items()} == {
        "police_zones": 6,
        "municipalities": 19,
        "neighbourhoods": 145,
    }
    assert (PoliceZone.objects.count(), Municipality.objects.count()) == (6, 19)
    assert Neighbourhood.objects.count() == 145


def test_second_load_changes_nothing_and_duplicates_nothing():
    _empty()
    load_brussels()
    before = _snapshot()
    counts = load_brussels()
    assert {layer: (c.created, c.updated, c.unchanged) for layer, c in counts.items()} == {
        "police_zones": (0, 0, 6),
        "municipalities": (0, 0, 19),
        "neighbourhoods": (0, 0, 145),
    }
    assert _snapshot() == before


def test_load_repairs_a_changed_row():
    Municipality.objects.filter(nis_code="21014").update(name_fr="wrong")
    counts = load_brussels()
    assert counts["municipalities"].updated == 1
    assert Municipality.objects.get(nis_code="21014").name_fr == "Saint-Josse-ten-Noode"


def test_municipalities_belong_to_the_zones_of_domain_table():
    for zone, members in ZONES.items():
        found = set(
            Municipality.objects.filter(police_zone__code=zone).values_list("nis_code", flat=True)
        )
        assert found == members


def test_neighbourhood_points_at_its_main_municipality():
    grand_place = Neighbourhood.objects.get(code=1)
    assert grand_place.municipality.nis_code == "21004"


def test_rows_keep_geojson_geometry_and_a_centroid():
    grand_place_city = Municipality.objects.get(nis_code="21004")
    assert json.loads(grand_place_city.geometry)["type"] == "MultiPolygon"
    assert 50.76 < grand_place_city.centroid_lat < 50.92
    assert 4.24 < grand_place_city.centroid_lon < 4.49


def test_command_reports_counts_twice_over():
    out = StringIO()
    call_command("load_brussels", stdout=out)
    call_command("load_brussels", stdout=out)
    text = out.getvalue()
    assert "municipalities: 19 (0 created, 0 updated, 19 unchanged)" in text
    assert "neighbourhoods: 145" in text


def test_command_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="police_zones.geojson"):
        call_command("load_brussels", path=tmp_path, stdout=StringIO())


def test_load_refuses_a_municipality_whose_zone_is_unknown(tmp_path):
    for name in ("police_zones", "municipalities", "neighbourhoods"):
        source = default_data_path() / f"{name}.geojson"
        (tmp_path / source.name).write_bytes(source.read_bytes())
    zones = json.loads((tmp_path / "police_zones.geojson").read_text())
    zones["features"] = zones["features"][1:]  # drop 5339
    (tmp_path / "police_zones.geojson").write_text(json.dumps(zones))
    with pytest.raises(GeographyFileError, match="5339"):
        load_brussels(tmp_path)
