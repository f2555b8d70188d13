"""Trafficking reference functions: per zone, in the API, on the zone pages, gaps shown."""

import pytest

from umbrella.areas.models import PoliceZone
from umbrella.directory import actions
from umbrella.directory.models import TraffickingReference
from umbrella.directory.queries import reference_for_zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    ref = TraffickingReference(
        police_zone=PoliceZone.objects.get(code="5344"),
        function_nl="Referentieambtenaar mensenhandel",
        function_fr="Fonctionnaire de référence traite des êtres humains",
        function_en="Trafficking reference officer",
        availability_en="Weekdays 8:00–17:00; otherwise call 101.",
        phone="+32 2 000 00 00",
        email="reference@example.org",
    )
    actions.save_entry(ref)
    return ref


def test_reference_for_zone_by_zone_or_code(reference):
    assert reference_for_zone("5344") == reference
    assert reference_for_zone(PoliceZone.objects.get(code="5344")) == reference
    assert reference_for_zone("5339") is None


def test_the_api_carries_the_function_and_shows_gaps(client, reference):
    body = client.get("/api/v1/areas/police-zones", {"lang": "fr"}).json()
    by_code = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    assert len(by_code) == 6
    north = by_code["5344"]["trafficking_reference"]
    assert north["function"] == "Fonctionnaire de référence traite des êtres humains"
    assert north["contact_channels"] == [
        {"kind": "phone", "value": "+32 2 000 00 00"},
        {"kind": "email", "value": "reference@example.org"},
    ]
    # No French availability: English, and the language is said.
    assert north["availability"] == "Weekdays 8:00–17:00; otherwise call 101."
    assert north["to_verify"] is True
    assert all(by_code[code]["trafficking_reference"] is None for code in by_code if code != "5344")


def test_a_change_reaches_the_cached_layer(client, reference):
    first = client.get("/api/v1/areas/police-zones", {"lang": "en"}).json()
    reference.phone = ""
    actions.save_entry(reference)
    second = client.get("/api/v1/areas/police-zones", {"lang": "en"}).json()
    channels = [
        f["properties"]["trafficking_reference"]["contact_channels"]
        for body in (first, second)
        for f in body["features"]
        if f["properties"]["code"] == "5344"
    ]
    assert channels[0] != channels[1]
    assert channels[1] == [{"kind": "email", "value": "reference@example.org"}]


def test_zone_pages_show_the_reference_or_the_gap(client, reference):
    page = client.get("/en/areas/police-zones/5344/")
    assert page.status_code == 200
    assert "Trafficking reference officer" in page.content.decode()
    assert "+32 2 000 00 00" in page.content.decode()
    gap = client.get("/en/areas/police-zones/5339/").content.decode()
    assert "No trafficking reference person has been designated" in gap
    listing = client.get("/en/areas/police-zones/").content.decode()
    assert listing.count("No trafficking reference person has been designated") == 5
    assert client.get("/en/areas/police-zones/9999/").status_code == 404
