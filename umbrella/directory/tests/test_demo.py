"""The directory's demo rows: labelled, where sex work is visible, useful at any hour, reset
by a second run, and never created by the deploy seeds."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from umbrella.areas.locate import locate
from umbrella.directory.demo import NORTH_STATION, SERVICES, TOILETS
from umbrella.directory.models import (
    ChangeLogEntry,
    Facility,
    Location,
    Organization,
    RegularSchedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)
from umbrella.directory.queries import find_places
from umbrella.directory.seeds import load_directory
from umbrella.directory.snapshot import reset_snapshot

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
PASSWORD = "demo-password-123"  # noqa: S105 -- test-only.
# Gare du Nord (the station's forecourt, rue du Progrès side).
GARE_DU_NORD = (50.8602, 4.3614)


def _demo():
    call_command("demo", password=PASSWORD)
    reset_snapshot()


def _counts():
    return (
        Facility.objects.count(),
        Organization.objects.count(),
        Service.objects.count(),
        Location.objects.count(),
        ServiceAtLocation.objects.count(),
        RegularSchedule.objects.count(),
        ServiceLanguage.objects.count(),
    )


def test_every_demo_row_is_flagged_and_named_demo_in_each_content_language():
    _demo()
    demo_locations = Location.objects.filter(is_demo=True)
    assert demo_locations.count() == len(TOILETS) + len(SERVICES)
    for location in demo_locations:
        assert location.name_nl.startswith("Demo — ")
        assert location.name_fr.startswith("Démo — ")
        assert location.name_en.startswith("Demo — ")
    for service in Service.objects.filter(organization__slug="demo-organisation"):
        assert service.is_demo
        assert (service.name_nl[:7], service.name_fr[:7], service.name_en[:7]) == (
            "Demo — ",
            "Démo — ",
            "Demo — ",
        )
    # The API and the pages say "demo" for each of them: every place found is a demo one
    # or a seeded organisation's (the seeds have no toilet).
    demo = [f for f in find_places(None) if f.feature("en", None)["properties"]["demo"]]
    assert len(demo) == len(TOILETS) + len(SERVICES)
    assert all(f.place.is_demo for f in demo)


def test_the_demo_places_are_in_the_quarters_where_sex_work_is_visible():
    _demo()
    by_key = {t.source_id: t for t in TOILETS}
    municipalities = {key: locate(*t.point).municipality.name_fr for key, t in by_key.items()}
    # The North quarter: Gare du Nord and rue d'Aerschot (Schaerbeek side of the tracks).
    assert municipalities["north-station"] == "Schaerbeek"
    assert municipalities["aerschot"] == "Schaerbeek"
    # Alhambra and the place de l'Yser: the City of Brussels.
    assert municipalities["alhambra"] == "Bruxelles"
    assert municipalities["yser"] == "Bruxelles"
    # Avenue Louise: the City's strip, and Ixelles beside it.
    assert municipalities["louise"] == "Bruxelles"
    assert municipalities["louise-paying"] == "Ixelles"
    for toilet in Facility.objects.filter(source="demo").select_related("location"):
        spec = by_key[toilet.source_id]
        assert toilet.location.municipality.name_fr == locate(*spec.point).municipality.name_fr
    quarters = {locate(*s.point).municipality.name_fr for s in SERVICES}
    assert quarters == {"Schaerbeek", "Bruxelles", "Ixelles"}


@pytest.mark.parametrize("hour", [0, 3, 7, 12, 18, 22])
def test_nearest_free_toilet_open_now_near_gare_du_nord_is_a_demo_one(hour):
    _demo()
    at = datetime(2026, 12, 2, hour, 30, tzinfo=BRUSSELS)  # a Wednesday
    first = find_places(
        "toilet", lat=GARE_DU_NORD[0], lon=GARE_DU_NORD[1], open_now=True, free=True, at=at, limit=1
    )[0]
    assert first.place.is_demo
    assert first.open_now is True
    assert (first.place.lat, first.place.lon) == NORTH_STATION
    assert first.distance_m < 100
    assert first.feature("en", None)["properties"]["name"].startswith("Demo — free toilet")


def test_a_paying_demo_toilet_is_not_offered_as_free():
    _demo()
    at = datetime(2026, 12, 5, 12, 0, tzinfo=BRUSSELS)
    near_stephanie = (50.8335, 4.3598)
    found = find_places("toilet", lat=near_stephanie[0], lon=near_stephanie[1], free=True, at=at)
    assert all(f.place.free is True for f in found)
    louise = Facility.objects.get(source="demo", source_id="louise")
    assert found[0].place.pk == louise.pk
    paying = Facility.objects.get(source="demo", source_id="louise-paying")
    assert paying.pk not in {f.place.pk for f in found}


def test_a_service_without_papers_is_open_at_night_near_alhambra():
    _demo()
    at = datetime(2026, 12, 5, 23, 0, tzinfo=BRUSSELS)  # a Saturday night
    [first, *_] = find_places(
        "service", lat=50.8553, lon=4.3538, no_papers=True, open_now=True, at=at
    )
    assert first.place.is_demo
    assert first.place.category == "harm_reduction"


def test_a_second_run_duplicates_nothing_and_resets_what_was_changed():
    _demo()
    counts = _counts()
    toilet = Facility.objects.get(source="demo", source_id="north-station")
    toilet.location.name_en = "Renamed by someone trying the demo"
    toilet.location.save()
    RegularSchedule.objects.filter(facility=toilet).delete()
    service = Service.objects.get(organization__slug="demo-organisation", category="legal_aid")
    service.no_papers_needed = False
    service.save()
    _demo()
    assert _counts() == counts
    toilet.refresh_from_db()
    toilet.location.refresh_from_db()
    assert toilet.location.name_en == "Demo — free toilet, North Station (24/7)"
    assert sorted(
        RegularSchedule.objects.filter(facility=toilet).values_list("weekday", "opens_at")
    ) == [(day, time(0)) for day in range(7)]
    service.refresh_from_db()
    assert service.no_papers_needed is True
    # A run that changes nothing writes nothing to the change log.
    logged = ChangeLogEntry.objects.count()
    _demo()
    assert ChangeLogEntry.objects.count() == logged


def test_the_deploy_seeds_create_no_demo_row():
    load_directory()
    assert not Facility.objects.exists()
    assert not Location.objects.filter(is_demo=True).exists()
    assert not Service.objects.filter(is_demo=True).exists()
    assert not Organization.objects.filter(slug="demo-organisation").exists()
