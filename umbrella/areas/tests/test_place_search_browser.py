"""Finding a place by its name, as a new visitor does, in a real browser, in French.

On the directory she types "Gare du Nord", picks it, the map centres there and
the list starts with the nearest free toilet open now; on a 360 px phone and a
desktop; with the keyboard alone ("Noordstation"); and on the report form,
where choosing a place moves the map and never submits the report. axe-core
finds nothing, and no request leaves 127.0.0.1.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from umbrella.browser import assert_no_axe_violations
from umbrella.directory.models import TriState
from umbrella.directory.snapshot import reset_snapshot
from umbrella.directory.tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geography"),
]
BRUSSELS = ZoneInfo("Europe/Brussels")
# A Wednesday at 11:00 in Brussels.
WEDNESDAY_MORNING = datetime(2026, 12, 2, 11, 0, tzinfo=BRUSSELS)
DAYTIME = [(d, time(8), time(20)) for d in range(7)]
# The gazetteer's point for Gare du Nord (data/brussels/gazetteer.csv).
GARE_DU_NORD = (50.8603, 4.3617)
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1000, "height": 800}


@pytest.fixture(autouse=True)
def _fresh_directory():
    # Each test's rows are flushed after it, so two tests can reach the same directory
    # revision with different rows: forget the list the last one built.
    reset_snapshot()
    yield
    reset_snapshot()


@pytest.fixture(autouse=True)
def _wednesday_morning():
    # Server-side "open now" is computed at this moment; the browser's clock is not used.
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        yield


@pytest.fixture
def toilets(geography):
    return {
        # Nearer to the station, but not what she is looking for: paying, or closed now.
        "paying": factories.toilet(
            (50.8602, 4.3614),
            free=TriState.NO,
            hours=DAYTIME,
            location_fields={"name_fr": "Toilette payante de la gare"},
        ),
        "night": factories.toilet(
            (50.8605, 4.3621),
            free=TriState.YES,
            hours=[(d, time(20), time(6)) for d in range(7)],
            location_fields={"name_fr": "Toilette de nuit"},
        ),
        # About 150 m away: free and open now.
        "answer": factories.toilet(
            (50.8593, 4.3630),
            free=TriState.YES,
            hours=DAYTIME,
            location_fields={
                "name_fr": "Toilette de la rue du Progrès",
                "address": "Rue du Progrès 80",
                "postcode": "1210",
            },
        ),
        # Free and open, but at the Grand-Place, 1.6 km away.
        "farther": factories.toilet(
            factories.GRAND_PLACE,
            free=TriState.YES,
            hours=DAYTIME,
            location_fields={"name_fr": "Toilette de la Grand-Place"},
        ),
    }


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone-360", "desktop"])
def french_page(request, browser, outside_requests):
    context = browser.new_context(
        viewport=request.param, locale="fr-BE", is_mobile=request.param is PHONE
    )
    context.on("request", outside_requests.record)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _map_view(page, root):
    return page.evaluate(
        """(root) => {
            const handle = document.querySelector(root).umbrellaMap;
            const map = handle.setView ? handle : handle.map;
            const centre = map.getCenter();
            return [centre.lat, centre.lng, map.getZoom()];
        }""",
        root,
    )


def test_gare_du_nord_then_the_nearest_free_toilet_open_now(
    live_server, french_page, outside_requests, toilets
):
    page = french_page
    page.goto(f"{live_server.url}/fr/directory/?kind=toilet&free=1&open_now=1")
    assert page.locator("html").get_attribute("lang") == "fr"
    search = page.locator("#directory-place-search")
    field = page.get_by_role("searchbox", name="Trouver un lieu")
    assert search.is_visible() and field.is_visible()
    if page.viewport_size["width"] == 360:
        assert page.evaluate("() => document.documentElement.scrollWidth <= 360")
    assert_no_axe_violations(page)

    field.fill("Gare du Nord")
    first = search.locator("[data-place-results] button").first
    first.wait_for()
    assert first.inner_text().startswith("Gare du Nord")
    assert "(Noordstation)" in first.inner_text()
    assert "gare ou station · Schaerbeek" in first.inner_text()
    assert "Lieux trouvés" in search.locator("[role=status]").inner_text()
    assert_no_axe_violations(page)

    with page.expect_navigation():
        first.click()
    # The list now starts from the station: lat and lon in the address, the filters kept.
    assert f"lat={GARE_DU_NORD[0]}" in page.url and f"lon={GARE_DU_NORD[1]}" in page.url
    assert "open_now=1" in page.url and "free=1" in page.url
    page.wait_for_selector("#directory-map-canvas .leaflet-interactive", state="attached")
    lat, lon, zoom = _map_view(page, "[data-directory-map]")
    assert abs(lat - GARE_DU_NORD[0]) < 1e-4 and abs(lon - GARE_DU_NORD[1]) < 1e-4
    assert zoom >= 15
    items = page.locator("#directory-results > li")
    assert items.first.get_attribute("data-id") == f"toilet-{toilets['answer'].pk}"
    assert "Ouvert maintenant" in items.first.inner_text()
    assert items.count() == 2  # with the Grand-Place one, farther
    assert items.nth(1).get_attribute("data-id") == f"toilet-{toilets['farther'].pk}"
    assert "au plus près de votre point" in page.locator(".directory-count").inner_text()
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def test_with_the_keyboard_alone_in_dutch_spelling(live_server, page, outside_requests, toilets):
    page.goto(f"{live_server.url}/fr/directory/?kind=toilet&free=1&open_now=1")
    field = page.locator("#directory-place-search [data-place-input]")
    field.focus()
    page.keyboard.type("noordstation")
    page.keyboard.press("Enter")
    first = page.locator("#directory-place-search [data-place-results] button").first
    first.wait_for()
    assert first.inner_text().startswith("Gare du Nord")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.dataset.kind") == "station"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"lat={GARE_DU_NORD[0]}" in page.url, page.url
    assert page.locator("#directory-results > li").first.get_attribute("data-id") == (
        f"toilet-{toilets['answer'].pk}"
    )
    assert outside_requests.urls == []


def test_nothing_found_and_escape(live_server, page, outside_requests, geography):
    page.goto(f"{live_server.url}/fr/directory/")
    search = page.locator("#directory-place-search")
    field = search.locator("[data-place-input]")
    field.fill("zzzzqqq")
    field.press("Enter")
    status = search.locator("[role=status]")
    page.wait_for_function(
        "() => document.querySelector('#directory-place-search [role=status]')"
        ".textContent.startsWith('Aucun lieu')"
    )
    assert "néerlandais ou en français" in status.inner_text()
    field.fill("rogier")
    search.locator("[data-place-results] button").first.wait_for()
    field.press("Escape")
    assert search.locator("[data-place-results] button").count() == 0
    assert outside_requests.urls == []


def test_on_the_report_form_the_map_moves_and_nothing_is_sent(
    live_server, page, outside_requests, geography
):
    page.goto(f"{live_server.url}/fr/reports/new/")
    page.wait_for_selector("[data-report-map]:not([hidden])")
    field = page.locator("#report-place-search [data-place-input]")
    field.fill("Rue d'Aerschot")
    field.press("Enter")  # searches; never submits the report form
    first = page.locator("#report-place-search [data-place-results] button").first
    first.wait_for()
    assert first.inner_text().startswith("Rue d'Aerschot (Aarschotstraat)")
    url = page.url
    first.click()
    assert page.url == url
    lat, lon, zoom = _map_view(page, "[data-report-map]")
    assert abs(lat - 50.8640) < 1e-4 and abs(lon - 4.3640) < 1e-4 and zoom >= 16
    assert (
        "La carte montre maintenant Rue d'Aerschot"
        in page.locator("#report-place-search [role=status]").inner_text()
    )
    # The keyboard goes on from the map: Enter drops the pin at the place.
    assert page.evaluate("() => document.activeElement.id") == "report-map-canvas"
    page.keyboard.press("Enter")
    assert page.locator("#id_lat").input_value().startswith("50.864")
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def test_on_the_areas_map_the_place_is_looked_up(live_server, page, outside_requests, geography):
    page.goto(f"{live_server.url}/fr/areas/map/")
    page.wait_for_selector("[data-brussels-map]:not([hidden])")
    field = page.locator("#areas-place-search [data-place-input]")
    field.fill("Noordstation")
    first = page.locator("#areas-place-search [data-place-results] button").first
    first.wait_for()
    first.click()
    lat, lon, zoom = _map_view(page, "[data-brussels-map]")
    assert abs(lat - GARE_DU_NORD[0]) < 1e-4 and abs(lon - GARE_DU_NORD[1]) < 1e-4
    assert zoom >= 16
    # The map's own lookup answers for the place: its municipality, zone and neighbourhood.
    page.wait_for_selector("#locate-result[data-nis-code='21015']")
    assert page.locator("#locate-result").get_attribute("data-zone") == "5344"
    assert_no_axe_violations(page)
    assert outside_requests.urls == []
