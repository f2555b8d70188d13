"""Public toilets per 10,000 residents (issue 19), only where the population is recorded:
elsewhere "population not known" (no value, not suppressed, never 0); the method note cites
the recorded source and date; recording a population is a new roll-up generation."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.utils import translation

from umbrella.areas.actions import record_population
from umbrella.areas.models import PopulationKind
from umbrella.directory.tests import factories as directory
from umbrella.observatory import actions, queries
from umbrella.observatory.tests.factories import at, picture, read

pytestmark = pytest.mark.django_db
NEIGHBOURHOOD, MUNICIPALITY = PopulationKind.NEIGHBOURHOOD, PopulationKind.MUNICIPALITY
# Fixture values, not real figures.
STATBEL = "Test register (municipalities)"
MONITORING = "Test monitoring (neighbourhoods)"


def record(kind, residents, source, day=date(2025, 1, 1)):
    return record_population(kind, residents, source=source, reference_date=day, now=at(2027, 2, 2))


@pytest.fixture
def toilets():
    """Four toilets by the Gare du Nord (two open at night), one in Uccle."""
    north = [
        directory.toilet(directory.NORTH_STATION, hours=directory.ALWAYS),
        directory.toilet(directory.NORTH_STATION, hours=directory.ALWAYS),
        directory.toilet(directory.NORTH_STATION, hours=()),
        directory.toilet(directory.NORTH_STATION, hours=()),
    ]
    uccle = directory.toilet(directory.UCCLE)
    location = north[0].location
    return (
        str(location.neighbourhood.code),
        location.municipality.nis_code,
        uccle.location.municipality.nis_code,
    )


def test_per_10000_residents_where_the_population_is_recorded(toilets):
    neighbourhood, municipality, uccle = toilets
    record(NEIGHBOURHOOD, {neighbourhood: 8_000}, MONITORING)
    record(MUNICIPALITY, {municipality: 20_000}, STATBEL)
    picture()
    visible = read("toilets-in-service-visible-per-10000", period="month", by="neighbourhood")
    assert visible[("2027-01", neighbourhood)] == (5.0, False)  # 4 × 10,000 / 8,000
    others = {code: v for (_p, code), v in visible.items() if code != neighbourhood}
    assert others and all(v == (None, False) for v in others.values())  # not known, not 0
    night = read("toilets-open-at-night-visible-per-10000", period="month", by="neighbourhood")
    assert night[("2027-01", neighbourhood)] == (2.5, False)
    # By municipality: every toilet of the municipality, over its recorded residents.
    by_municipality = read("toilets-in-service-per-10000", period="month", by="municipality")
    assert by_municipality[("2027-01", municipality)] == (2.0, False)
    assert by_municipality[("2027-01", uccle)] == (None, False)  # a toilet, but no population
    assert not any(hidden for _value, hidden in by_municipality.values())
    at_night = read("toilets-open-at-night-per-10000", period="month", by="municipality")
    assert at_night[("2027-01", municipality)] == (1.0, False)


def test_nothing_is_published_per_10000_without_a_population(toilets):
    neighbourhood, municipality, _uccle = toilets
    picture()
    cells = read("toilets-in-service-per-10000", period="month", by="municipality")
    assert cells and all(v == (None, False) for v in cells.values())
    method = str(queries.dataset("toilets-in-service-per-10000").method)
    assert "No population is recorded yet" in method
    # The counts are still there, per neighbourhood, as before.
    assert read("toilets-in-service-visible", period="month", by="neighbourhood")[
        ("2027-01", neighbourhood)
    ] == (4, False)


def test_the_method_note_cites_the_source_and_date(toilets):
    neighbourhood, municipality, _uccle = toilets
    record(MUNICIPALITY, {municipality: 20_000}, STATBEL, date(2025, 1, 1))
    with translation.override("en"):
        method = str(queries.dataset("toilets-in-service-per-10000").method)
    assert STATBEL in method and "2025" in method
    with translation.override("fr"):
        method = str(queries.dataset("toilets-in-service-per-10000").method)
    assert STATBEL in method and "janvier 2025" in method
    # The neighbourhoods' note cites only the neighbourhoods' source: none yet.
    neighbourhoods = str(queries.dataset("toilets-in-service-visible-per-10000").method)
    assert STATBEL not in neighbourhoods


def test_recording_a_population_is_a_new_generation(toilets):
    _neighbourhood, municipality, uccle = toilets
    picture()
    before = queries.generation()
    assert read("toilets-in-service-per-10000", period="month", by="municipality")[
        ("2027-01", uccle)
    ] == (None, False)
    record(MUNICIPALITY, {uccle: 50_000}, STATBEL)
    actions.refresh(at(2027, 2, 15))
    assert queries.generation() > before
    assert read("toilets-in-service-per-10000", period="month", by="municipality")[
        ("2027-01", uccle)
    ] == (0.2, False)
    quiet = queries.generation()
    actions.refresh(at(2027, 2, 15, 13))  # nothing recorded since: the same generation
    assert queries.generation() == quiet


def test_the_api_and_csv_say_population_not_known(client, toilets):
    _neighbourhood, municipality, uccle = toilets
    record(MUNICIPALITY, {municipality: 20_000}, STATBEL)
    picture()
    with time_machine.travel(at(2027, 2, 15), tick=False):
        answer = client.get("/api/v1/statistics/toilets-in-service-per-10000?period=month").json()
        assert answer["by"] == "municipality" and answer["unit"] == "per_10000"
        rows = {r["area"]["code"]: r for r in answer["rows"]}
        assert (rows[municipality]["value"], rows[municipality]["suppressed"]) == (2.0, False)
        assert (rows[uccle]["value"], rows[uccle]["suppressed"]) == (None, False)
        response = client.get("/api/v1/statistics/toilets-in-service-per-10000?format=csv")
        lines = [
            line for line in response.content.decode().splitlines() if not line.startswith("#")
        ]
        table = {row["area_code"]: row for row in csv.DictReader(io.StringIO("\n".join(lines)))}
        assert (table[municipality]["value"], table[municipality]["suppressed"]) == ("2.0", "no")
        assert (table[uccle]["value"], table[uccle]["suppressed"]) == ("", "no")
        listed = client.get("/api/v1/statistics").json()["datasets"]
        rate = next(d for d in listed if d["id"] == "toilets-in-service-per-10000")
        assert STATBEL in rate["method"] and rate["levels"] == ["municipality"]


def test_the_catalogue_lists_the_new_figures(client):
    catalog = client.get("/api/v1/statistics/catalog.jsonld").json()
    listed = {d["dct:identifier"] for d in catalog["dcat:dataset"]}
    assert {
        "report-first-response-median-by-body",
        "report-fixed-median-by-body",
        "toilets-in-service-visible-per-10000",
        "toilets-open-at-night-visible-per-10000",
        "toilets-in-service-per-10000",
        "toilets-open-at-night-per-10000",
    } <= listed


NOT_KNOWN = {
    "nl": "bevolking niet bekend",
    "fr": "population inconnue",
    "en": "population not known",
}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_page_shows_the_new_figures(client, toilets, language):
    _neighbourhood, municipality, _uccle = toilets
    record(MUNICIPALITY, {municipality: 20_000}, STATBEL)
    picture()
    with time_machine.travel(at(2027, 2, 15), tick=False):
        page = client.get(f"/{language}/observatory/").content.decode()
    for slug in (
        "report-first-response-median-by-body",
        "report-fixed-median-by-body",
        "toilets-in-service-per-10000",
        "toilets-open-at-night-visible-per-10000",
    ):
        assert f'id="{slug}"' in page
    with translation.override(language):
        title = str(queries.dataset("toilets-in-service-per-10000").title)
    assert title in page.replace("&#x27;", "'")
    assert NOT_KNOWN[language] in page
    assert STATBEL in page  # the method note
