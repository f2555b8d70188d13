"""The directory in a real browser: from Saint-Josse, in French, the nearest free toilet open
now and a service that needs no papers; accessible, first-party only, usable without script."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from umbrella.browser import assert_no_axe_violations
from umbrella.directory.models import TriState
from umbrella.directory.tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geography"),
]
BRUSSELS = ZoneInfo("Europe/Brussels")
# A Wednesday at 11:00 in Brussels.
WEDNESDAY_MORNING = datetime(2026, 12, 2, 11, 0, tzinfo=BRUSSELS)
# In Saint-Josse-ten-Noode (21014), a few hundred metres from the places, clear of markers.
SAINT_JOSSE = (50.8495, 4.3722)
DAYTIME = [(d, time(8), time(20)) for d in range(7)]


@pytest.fixture(autouse=True)
def _wednesday_morning():
    # Server-side "open now" is computed at this moment; the browser's clock is not used.
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        yield


@pytest.fixture
def places(geography):
    return {
        # Nearer, but not what she is looking for: paying, or closed now.
        "paying": factories.toilet(
            (50.85305, 4.36905),
            free=TriState.NO,
            hours=DAYTIME,
            location_fields={"name_fr": "Toilette payante"},
        ),
        "night": factories.toilet(
            (50.8531, 4.3691),
            free=TriState.YES,
            hours=[(d, time(20), time(6)) for d in range(7)],
            location_fields={"name_fr": "Toilette de nuit"},
        ),
        "answer": factories.toilet(
            (50.8540, 4.3700),
            free=TriState.YES,
            hours=DAYTIME,
            location_fields={
                "name_fr": "Toilette de la place Saint-Josse",
                "address": "Place Saint-Josse 1",
                "postcode": "1210",
            },
        ),
        "farther": factories.toilet(
            factories.GRAND_PLACE,
            free=TriState.YES,
            hours=DAYTIME,
            location_fields={"name_fr": "Toilette de la Grand-Place"},
        ),
        "papers": factories.service(
            None, (50.8532, 4.3692), name_fr="Guichet avec papiers", hours=DAYTIME
        ),
        "no_papers": factories.service(
            None,
            factories.NORTH_STATION,
            name_fr="Consultation sans papiers",
            no_papers_needed=True,
            free=True,
            hours=DAYTIME,
        ),
    }


def _click_map_at(page, lat, lon):
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = document.querySelector('[data-directory-map]').umbrellaMap;
            const point = map.latLngToContainerPoint([lat, lon]);
            return [point.x, point.y];
        }""",
        [lat, lon],
    )
    page.locator("#directory-map-canvas").click(position={"x": x, "y": y})


def _first_result(page):
    return page.locator("#directory-results > li").first


def test_from_saint_josse_in_french(live_server, page, outside_requests, places):
    page.goto(f"{live_server.url}/fr/directory/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.wait_for_selector("#directory-map-canvas .leaflet-interactive", state="attached")
    assert_no_axe_violations(page)

    # The nearest free toilet open now: filters, then a click on the map in Saint-Josse.
    page.select_option("#filter-kind", "toilet")
    page.check("input[name=free]")
    page.check("input[name=open_now]")
    with page.expect_navigation():
        _click_map_at(page, *SAINT_JOSSE)
    assert "lat=50.849" in page.url and "open_now=1" in page.url
    page.wait_for_selector("#directory-map-canvas .leaflet-interactive", state="attached")
    first = _first_result(page)
    assert first.get_attribute("data-id") == f"toilet-{places['answer'].pk}"
    assert "Ouvert maintenant" in first.inner_text()
    assert page.locator("#directory-results > li").count() == 2  # with the Grand-Place one
    assert "au plus près de votre point" in page.locator(".directory-count").inner_text()
    assert_no_axe_violations(page)

    first.locator("a").click()
    page.wait_for_selector("h1:has-text('Toilette de la place Saint-Josse')")
    assert "Ouvert maintenant, ferme à 20:00" in page.locator(".directory-now").inner_text()
    assert page.locator("tr[aria-current=date]").count() == 1
    assert page.locator("a.directory-geo").get_attribute("href").startswith("geo:50.854")
    assert_no_axe_violations(page)

    # A service that needs no papers, from the same point.
    page.go_back()
    page.select_option("#filter-kind", "service")
    page.uncheck("input[name=free]")
    page.uncheck("input[name=open_now]")
    page.check("input[name=no_papers]")
    with page.expect_navigation():
        page.click("#directory-filters button[type=submit]")
    first = _first_result(page)
    assert first.get_attribute("data-id") == f"service-{places['no_papers'].pk}"
    assert page.locator("#directory-results > li").count() == 1
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def test_near_me_uses_the_browsers_position(live_server, page, outside_requests, places):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 50.8539, "longitude": 4.3699})
    page.goto(f"{live_server.url}/fr/directory/?kind=toilet&free=1&open_now=1")
    button = page.locator("#near-me")
    assert button.is_visible()
    with page.expect_navigation():
        button.click()
    assert "lat=50.8539" in page.url
    assert _first_result(page).get_attribute("data-id") == f"toilet-{places['answer'].pk}"
    assert outside_requests.urls == []


def test_keyboard_enter_on_the_map_searches_from_its_centre(live_server, page, places):
    page.goto(f"{live_server.url}/en/directory/?kind=toilet")
    page.wait_for_selector("#directory-map-canvas .leaflet-interactive", state="attached")
    page.focus("#directory-map-canvas")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "lat=" in page.url and "lon=" in page.url


def test_the_list_works_without_javascript(live_server, browser, places):
    context = browser.new_context(java_script_enabled=False, locale="fr-BE")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/fr/directory/")
        assert not page.locator("[data-directory-map]").is_visible()
        assert not page.locator("#near-me").is_visible()
        page.select_option("#filter-kind", "toilet")
        page.check("input[name=free]")
        page.check("input[name=open_now]")
        page.select_option("#filter-near", "21014")
        page.click("#directory-filters button[type=submit]")
        page.wait_for_url("**near=21014**")
        first = _first_result(page)
        assert first.get_attribute("data-id") == f"toilet-{places['answer'].pk}"
    finally:
        context.close()
