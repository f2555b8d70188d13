"""The public observatory page in nl, fr and en: every figure with its chart, table, reading,
method note and open-data links; suppressed cells marked, never 0; selection by a GET form."""

from __future__ import annotations

import re
from html import escape

import pytest
import time_machine

from umbrella.areas.models import Municipality
from umbrella.observatory import actions, queries
from umbrella.observatory.tests.factories import (
    BRUSSELS_CITY,
    SAINT_JOSSE,
    SCHAERBEEK,
    alarms,
    at,
    february_2027,  # noqa: F401 -- february_2027 holds the clock
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(worker):
    """Real alarms in Q4 2026: two municipalities above 10, Saint-Josse below it."""
    alarms(worker, 25, at(2026, 10), nis=BRUSSELS_CITY, ack_seconds=30)
    alarms(worker, 14, at(2026, 11), nis=SCHAERBEEK, ack_seconds=50)
    alarms(worker, 3, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=20)
    actions.refresh(at(2027, 2, 15))


HEADINGS = {
    "nl": ("Observatorium", "Alarmknop", "Leefbaarheid", "Diensten"),
    "fr": ("Observatoire", "Bouton d'alarme", "Qualité de vie", "Services"),
    "en": ("Observatory", "Panic button", "Liveability", "Services"),
}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_page_shows_every_figure_in_each_language(client, figures, language):
    response = client.get(f"/{language}/observatory/")
    assert response.status_code == 200
    page = response.content.decode()
    h1, *groups = HEADINGS[language]
    assert re.search(rf"<h1>{h1}\b", page)
    published = {dataset.group for dataset in queries.datasets()}
    for key, heading in zip(("panic", "liveability", "services"), groups, strict=True):
        assert (f">{escape(heading)}</h2>" in page) == (key in published)
    for dataset in queries.datasets():
        assert f'id="{dataset.slug}"' in page
        assert f'href="/api/v1/statistics/{dataset.slug}?period=' in page
    assert page.count('role="img"') >= len(queries.datasets())
    assert 'href="/api/v1/statistics/catalog.jsonld"' in page
    assert 'id="disclosure"' in page
    assert 'id="quick-exit"' in page  # the base layout, as on every page


def test_a_region_wide_figure_reads_in_one_sentence_with_its_table(client, figures):
    page = client.get("/en/observatory/?period=quarter&by=region").content.decode()
    assert "In Q4 2026, “Real alarms raised from a phone”" in page or "Q4 2026" in page
    section = _section(page, "alarms-phone")
    assert "<table>" in section and "<caption>" in section
    assert '<th scope="row">Q4 2026</th><td>42</td>' in section
    assert "(Brussels-Capital Region)" in section
    assert '<details class="method">' in section


def test_by_municipality_a_small_cell_is_marked_suppressed_never_zero(client, figures):
    page = client.get("/en/observatory/?period=quarter&by=municipality").content.decode()
    section = _section(page, "alarms-phone")
    saint_josse = Municipality.objects.get(nis_code=SAINT_JOSSE).name_fr
    row = re.search(
        rf'<tr class="suppressed"><th scope="row">{saint_josse}</th><td>([^<]*)</td>', section
    )
    assert row is not None and row.group(1) == "suppressed (fewer than 10)"
    assert 'class="suppressed" data-suppressed="true"' in section
    assert 'data-code="21014" data-kind="suppressed"' in section  # hatched on the map
    assert "chart-map" in section
    # The outlines are on the page once, whatever the number of maps.
    assert page.count('class="map-outlines"') == 1
    assert page.count('id="municipality-outline-21014"') == 1


def test_a_figure_not_published_at_the_selection_says_where_it_is(client, figures):
    page = client.get("/en/observatory/?period=month&by=municipality").content.decode()
    section = _section(page, "alarms-duress")
    assert "This figure is published by year only." in section
    assert "This figure is published region-wide only." in section


def test_an_unknown_selection_is_refused_with_a_sentence(client, figures):
    response = client.get("/en/observatory/?period=decade&by=street")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice." in page
    assert 'role="alert"' in page


def test_the_page_is_public_and_linked_from_the_footer(client, figures):
    page = client.get("/fr/").content.decode()
    assert 'href="/fr/observatory/"' in page


def _section(page: str, slug: str) -> str:
    start = page.index(f'<section class="figure" id="{slug}"')
    return page[start : page.index("</section>", start)]


def test_a_refresh_of_the_roll_up_shows_on_the_page_at_once(client, figures, worker):
    march = '<th scope="row">March 2027</th><td>%s</td>'
    page = "/en/observatory/?period=month&by=region"
    with time_machine.travel(at(2027, 4, 2), tick=False):
        assert march % 0 in _section(client.get(page).content.decode(), "alarms-test")
        alarms(worker, 12, at(2027, 3, 10), nis=BRUSSELS_CITY, is_test=True)
        actions.refresh(at(2027, 4, 2))
        assert march % 12 in _section(client.get(page).content.decode(), "alarms-test")
