"""Open-data exports: GeoJSON, CSV (HSDS: test_hsds.py); licence lines; confidential locations."""

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from umbrella.directory.importers import import_toilets
from umbrella.directory.models import LanguageCode, Phone, TriState
from umbrella.directory.tests import factories
from umbrella.directory.tests.hsds_validation import attributes_of
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def directory(db):
    clinic = factories.service(
        factories.organization("Clinic org", description_fr="Clinique", description_en="Clinic"),
        factories.NORTH_STATION,
        name_nl="Kliniek",
        name_fr="Clinique",
        name_en="Clinic",
        no_papers_needed=True,
        languages=[LanguageCode.RO],
        location_fields={"address": "Rue du Nord 1", "postcode": "1210"},
    )
    shelter = factories.service(
        None,
        (50.8550, 4.3700),
        name_en="Night shelter",
        location_fields={
            "confidential": True,
            "name_en": "Secret house",
            "address": "Secret street 1",
            "transportation_en": "Bus 61 to the hidden stop",
        },
    )
    toilet = factories.toilet(factories.GRAND_PLACE, free=TriState.YES)
    return {"clinic": clinic, "shelter": shelter, "toilet": toilet}


def _no_secret(text: str) -> None:
    assert "Secret street" not in text
    assert "Secret house" not in text
    assert "hidden stop" not in text
    assert "50.855" not in text


def test_confidential_location_exports_only_its_municipality(client, personas, directory):
    # Exports are public files: the rule holds even for someone allowed to see the address.
    sign_in(client, personas.admin)
    for url in ("hsds.json", "places.geojson", "places.csv"):
        text = client.get(f"/en/directory/export/{url}").content.decode()
        _no_secret(text)
    body = client.get("/en/directory/export/hsds.json").json()
    hidden = next(x for x in body["locations"] if attributes_of(x)["confidential"] == "yes")
    assert "latitude" not in hidden and "addresses" not in hidden
    areas = {a["link_type"]: a.get("value") for a in hidden["attributes"]}
    assert areas["municipality"] == "21014"


def test_geojson_reuses_the_places_features(client, directory):
    response = client.get("/fr/directory/export/places.geojson")
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["license"] and body["attribution"]
    by_id = {f["id"]: f for f in body["features"]}
    assert by_id[f"service-{directory['clinic'].pk}"]["properties"]["name"] == "Clinique"
    assert by_id[f"service-{directory['shelter'].pk}"]["geometry"] is None
    toilets = client.get("/en/directory/export/places.geojson", {"kind": "toilet"}).json()
    assert [f["id"] for f in toilets["features"]] == [f"toilet-{directory['toilet'].pk}"]


def test_csv_starts_with_licence_and_attribution(client, directory):
    response = client.get("/en/directory/export/places.csv", {"lang": "nl"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("# License: ") and "CC BY 4.0" in lines[0]
    assert lines[1].startswith("# Attribution: ")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))
    clinic = next(r for r in rows if r["id"] == f"service-{directory['clinic'].pk}")
    assert clinic["name"] == "Kliniek"
    assert clinic["no_papers_needed"] == "yes"
    assert clinic["municipality_nis_code"] == "21015"
    shelter = next(r for r in rows if r["id"] == f"service-{directory['shelter'].pk}")
    assert shelter["latitude"] == "" and shelter["address"] == ""
    assert shelter["location_hidden"] == "yes"


def test_osm_rows_bring_the_odbl_line(client, brussels):
    import_toilets(FIXTURES / "osm_toilets.json", progress_stream=StringIO())
    for url in ("hsds.json", "places.geojson"):
        body = client.get(f"/en/directory/export/{url}").json()
        assert "Open Database License" in body["license"]
        assert "© OpenStreetMap contributors" in body["attribution"]
    first = client.get("/en/directory/export/places.csv").content.decode().splitlines()[0]
    assert "Open Database License" in first
    osm = client.get("/en/directory/export/places.geojson").json()["features"]
    assert {f["properties"]["source"] for f in osm} == {"osm"}


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("hsds.json", {"lang": "xx"}),
        ("places.geojson", {"kind": "shop"}),
        ("places.csv", {"lang": "de"}),
    ],
)
def test_bad_parameters_answer_400(client, db, url, params):
    response = client.get(f"/en/directory/export/{url}", params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_export_command(directory, tmp_path):
    target = tmp_path / "out.json"
    call_command("export_directory", "--format", "geojson", "--lang", "nl", "-o", str(target))
    body = json.loads(target.read_text())
    assert "Kliniek" in {f["properties"]["name"] for f in body["features"]}
    out = StringIO()
    call_command("export_directory", "--format", "csv", stdout=out)
    assert out.getvalue().startswith("# License: ")
    _no_secret(out.getvalue())


def test_csv_cells_are_never_formulas(client, db):
    org = factories.organization("@SUM(1+1)")
    sal = factories.service(
        org,
        factories.NORTH_STATION,
        name_en='=HYPERLINK("http://example.invalid","click")',
        location_fields={"address": "-2+3 rue du Calcul", "postcode": "1210"},
    )
    Phone.objects.create(service=sal.service, number="+32 2 000 00 00")
    factories.toilet(
        factories.GRAND_PLACE, location_fields={"name_en": "\tTab first", "address": "\rCR first"}
    )
    text = client.get("/en/directory/export/places.csv").content.decode()
    # A quoted cell may hold a carriage return: read the CSV, not its lines.
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 2)[2], newline="")))
    service = next(r for r in rows if r["id"] == f"service-{sal.pk}")
    assert service["name"] == '\'=HYPERLINK("http://example.invalid","click")'
    assert service["organization"] == "'@SUM(1+1)"
    assert service["address"] == "'-2+3 rue du Calcul"
    assert service["phones"] == "'+32 2 000 00 00"
    toilet = next(r for r in rows if r["id"].startswith("toilet-"))
    assert toilet["name"] == "'\tTab first"
    assert toilet["address"] == "'\nCR first"  # a bare CR would end the row
    # Numbers stay numbers; no other cell starts with a formula character.
    assert float(service["latitude"]) == factories.NORTH_STATION[0]
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
