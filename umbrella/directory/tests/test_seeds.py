"""The seeds: docs/domain.md's organisations, idempotent, honest about what is not known."""

import pytest
from django.core.management import call_command

from umbrella.accounts.models import User
from umbrella.areas.models import Municipality
from umbrella.directory.models import (
    ChangeLogEntry,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TraffickingReference,
)
from umbrella.directory.queries import find_places
from umbrella.directory.seeds import load_directory

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Organization.objects.count(),
        Service.objects.count(),
        Location.objects.count(),
        ServiceAtLocation.objects.count(),
        ChangeLogEntry.objects.count(),
    )


def test_seeds_are_idempotent_and_never_overwrite(capsys):
    call_command("load_directory")
    first = _counts()
    assert first[0] == 7 + 19
    espace_p = Organization.objects.get(slug="espace-p")
    espace_p.description_en = "Corrected by its staff."
    espace_p.save()
    call_command("load_directory")
    assert _counts() == first
    espace_p.refresh_from_db()
    assert espace_p.description_en == "Corrected by its staff."
    assert "0 organisations created" in capsys.readouterr().out


def test_every_seed_is_to_verify_and_no_coordinate_is_invented():
    call_command("load_directory")
    assert not Organization.objects.filter(to_verify=False).exists()
    assert not Service.objects.filter(to_verify=False).exists()
    centroids = {(m.centroid_lat, m.centroid_lon) for m in Municipality.objects.all()}
    for location in Location.objects.all():
        assert location.to_verify
        if location.has_point():
            # Only a municipality's centre, flagged approximate.
            assert location.approximate
            assert (location.latitude, location.longitude) in centroids
    ixelles = Location.objects.get(organization__slug="ocmw-cpas-21009")
    # Ixelles's centroid lies outside Ixelles: the municipality is kept anyway.
    assert ixelles.municipality.nis_code == "21009"
    assert ixelles.police_zone.code == "5339"
    utsopi = Location.objects.get(organization__slug="utsopi")
    assert utsopi.municipality.nis_code == "21015"
    espace_p = Location.objects.get(organization__slug="espace-p")
    assert not espace_p.has_point()
    assert not TraffickingReference.objects.exists()


def test_seeded_services_are_found_in_every_language():
    call_command("load_directory")
    assert len(find_places("service", category="social_services")) == 19
    assert len(find_places("service", text="centre public d'action")) == 19
    # UTSOPI trains police and CPAS staff: its description matches too.
    assert len(find_places("service", text="CPAS")) == 20
    assert len(find_places("service", text="ocmw sint-joost")) == 1
    [pag_asa] = find_places("service", category="trafficking_support")
    assert pag_asa.feature("fr", None)["properties"]["name"].startswith("Accueil")
    assert pag_asa.feature("fr", None)["properties"]["to_verify"] is True


def test_demo_loads_the_seeds_and_labels_its_own_rows(settings):
    settings.DEBUG = True
    call_command("demo", password="demo-password-123")
    assert Organization.objects.filter(slug="actiris").exists()
    toilets = find_places("toilet")
    assert toilets and all(t.feature("en", None)["properties"]["demo"] for t in toilets)
    reference = TraffickingReference.objects.get(police_zone__code="5344")
    assert reference.is_demo
    call_command("demo", password="demo-password-123")
    assert len(find_places("toilet")) == len(toilets)
    assert TraffickingReference.objects.count() == 1
    # demo-staff edits the seeded OCMW/CPAS Saint-Josse entry, and only that one.
    staff = User.objects.get(username="demo-staff")
    assert staff.is_staff and staff.has_perm("directory.change_service")
    assert not staff.has_perm("directory.change_facility")
    cpas = Organization.objects.get(slug="ocmw-cpas-21014")
    assert cpas.accounts_organisation.memberships.filter(user=staff).exists()
    assert not User.objects.get(username="demo-police").is_staff


SAINT_JOSSE = ("50.8530", "4.3690")


def test_from_saint_josse_a_service_needing_no_papers_is_found_on_the_seeds(client):
    # PAG-ASA's door is not known (docs/domain.md gives no address): it has no point,
    # and a search from a point lists it after the located places.
    load_directory()
    lat, lon = float(SAINT_JOSSE[0]), float(SAINT_JOSSE[1])
    [pag_asa] = find_places("service", lat=lat, lon=lon, no_papers=True)
    assert pag_asa.place.category == "trafficking_support"
    assert pag_asa.distance_m is None
    everything = find_places("service", lat=lat, lon=lon)
    located = [f for f in everything if f.distance_m is not None]
    assert everything[: len(located)] == located
    assert [f.distance_m for f in located] == sorted(f.distance_m for f in located)
    assert pag_asa.place.id in {f.place.id for f in everything[len(located) :]}

    page = client.get("/en/directory/", {"near": "21014", "no_papers": "1"})
    assert page.status_code == 200
    assert [item["found"].place.id for item in page.context["items"]] == [pag_asa.place.id]
    html = page.content.decode()
    assert "Support for victims of trafficking" in html
    assert "Location not known: ask before you go." in html

    body = client.get(
        "/api/v1/places", {"kind": "service", "lat": lat, "lon": lon, "no_papers": "1"}
    ).json()
    [feature] = body["features"]
    assert feature["id"] == pag_asa.place.id
    assert feature["properties"]["distance_m"] is None and feature["geometry"] is None
    # A radius asks for places known to lie within it: one without a point cannot.
    within = client.get(
        "/api/v1/places",
        {"kind": "service", "lat": lat, "lon": lon, "radius": "50000", "no_papers": "1"},
    ).json()
    assert within["features"] == []
