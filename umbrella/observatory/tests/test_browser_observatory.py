"""The observatory in a real browser, in Dutch and in French: a person chooses quarters by
municipality with the plain form, reads a suppressed cell as such on the chart, map and table;
axe-core finds nothing at 360 px and on a desktop, and no request leaves 127.0.0.1."""

from __future__ import annotations

import pytest
import time_machine

from umbrella.browser import assert_no_axe_violations
from umbrella.directory.tests import factories as directory
from umbrella.notify.models import Channel, DeliveryStatus
from umbrella.observatory import actions, queries
from umbrella.observatory.tests.factories import (
    BRUSSELS_CITY,
    SAINT_JOSSE,
    SCHAERBEEK,
    alarms,
    at,
    button_test,
    deliveries,
    establishments,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geography"),
]


@pytest.fixture(autouse=True)
def _february_2027():
    with time_machine.travel(at(2027, 2, 15), tick=True):
        yield


@pytest.fixture
def figures(geography, worker):
    queries.forget()
    alarms(worker, 25, at(2026, 10), nis=BRUSSELS_CITY, ack_seconds=30)
    alarms(worker, 14, at(2026, 11), nis=SCHAERBEEK, ack_seconds=50)
    alarms(worker, 3, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=20)
    deliveries(worker, 12, at(2026, 11), channel=Channel.SMS, status=DeliveryStatus.SENT)
    for button in establishments(10, at(2026, 10, 5), nis=SAINT_JOSSE):
        button_test(button, at(2026, 12, 20))
    toilets = [directory.toilet(directory.NORTH_STATION) for _ in range(2)]
    actions.refresh(at(2027, 2, 15))  # also takes January's picture of the services
    yield toilets[0].location.neighbourhood
    queries.forget()


JOURNEYS = {
    "nl": {
        "h1": "Observatorium: wat de cijfers van Umbrella tonen",
        "period": "per kwartaal",
        "by": "per gemeente",
        "show": "Toon de cijfers",
        "suppressed": "niet getoond (minder dan 10)",
        "saint_josse": "Sint-Joost-ten-Node",
    },
    "fr": {
        "h1": "Observatoire : ce que montrent les chiffres d’Umbrella",
        "period": "par trimestre",
        "by": "par commune",
        "show": "Afficher les chiffres",
        "suppressed": "masqué (moins de 10)",
        "saint_josse": "Saint-Josse-ten-Noode",
    },
}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_choosing_quarters_by_municipality_shows_the_suppressed_cell_as_such(
    live_server, page, outside_requests, figures, language
):
    words = JOURNEYS[language]
    page.goto(f"{live_server.url}/{language}/")
    with page.expect_navigation():
        page.click(f"footer a[href='/{language}/observatory/']")
    assert page.locator("h1").inner_text() == words["h1"]
    assert_no_axe_violations(page)

    page.select_option("select[name=period]", label=words["period"])
    page.select_option("select[name=by]", label=words["by"])
    with page.expect_navigation():
        page.click(f"button:has-text('{words['show']}')")
    assert "period=quarter" in page.url and "by=municipality" in page.url

    figure = page.locator("section.figure#alarms-phone")
    row = figure.locator("tr", has=page.locator("th", has_text=words["saint_josse"]))
    assert row.locator("td").inner_text() == words["suppressed"]
    assert figure.locator("svg.chart-bars rect.suppressed").count() >= 1
    assert (
        figure.locator("svg.chart-map use[data-code='21014'][data-kind='suppressed']").count() == 1
    )
    # Each chart is one image with a name a screen reader reads.
    name = figure.locator("svg.chart-bars title").text_content()
    assert name and figure.locator("svg.chart-bars").get_attribute("role") == "img"
    # A services figure is drawn per neighbourhood, whatever the areas chosen, and says so.
    toilets = page.locator("section.figure#toilets-in-service-visible")
    name = figures.name_nl if language == "nl" else figures.name_fr
    row = toilets.locator("tr", has=page.locator("th", has_text=name.title()))
    assert row.locator("td").inner_text() == "2"
    assert_no_axe_violations(page)

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert_no_axe_violations(page)
    # On a phone the table follows the chart; neither is wider than the screen.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360
    assert outside_requests.urls == []
