"""The base under every map, in a real browser: names that do not overlap and take no click,
a scale bar, her position only when she asks, and a self-hosted PMTiles base map served by
this site alone. At 360 px and on a desktop; axe-core clean; nothing leaves 127.0.0.1."""

import re

import pytest
from django.utils import translation

from umbrella.areas.tests.pmtiles_fixture import write_archive
from umbrella.browser import LOCAL_HOSTS, assert_no_axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geography"),
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1000, "height": 800}
GARE_DU_NORD = (50.8602, 4.3614)
# Every call to the browser's geolocation is counted: none may happen before she asks.
COUNT_GEOLOCATION = """
    window.geolocationCalls = 0;
    if (navigator.geolocation) {
        const ask = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
        navigator.geolocation.getCurrentPosition = (...args) => {
            window.geolocationCalls += 1;
            return ask(...args);
        };
    }
"""
VISIBLE_LABELS = """(root) => Array.from(document.querySelectorAll(root + ' .umbrella-map-label'))
    .filter((label) => label.style.visibility !== 'hidden')
    .map((label) => {
        const box = label.firstElementChild.getBoundingClientRect();
        return {text: label.textContent, kind: label.className,
                left: box.left, right: box.right, top: box.top, bottom: box.bottom};
    })"""


def _context(browser, outside_requests, viewport=DESKTOP, **options):
    context = browser.new_context(viewport=viewport, locale="en-GB", **options)
    context.on("request", outside_requests.record)
    context.add_init_script(COUNT_GEOLOCATION)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _labels(page, root="#brussels-map"):
    return page.evaluate(VISIBLE_LABELS, root)


def _assert_apart(labels):
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            overlap = (
                a["left"] < b["right"]
                and b["left"] < a["right"]
                and a["top"] < b["bottom"]
                and b["top"] < a["bottom"]
            )
            assert not overlap, f"{a['text']} overlaps {b['text']}"


def _wait_for_labels(page, kind, count, root="#brussels-map"):
    page.wait_for_function(
        """([root, kind, n]) => Array.from(document.querySelectorAll(
               root + ' .umbrella-map-label--' + kind))
               .filter((l) => l.style.visibility !== 'hidden').length >= n""",
        arg=[root, kind, count],
    )


def _set_view(page, lat, lon, zoom, root="[data-brussels-map]"):
    page.evaluate(
        """([root, lat, lon, zoom]) => {
            const holder = document.querySelector(root).umbrellaMap;
            (holder.map || holder).setView([lat, lon], zoom, {animate: false});
        }""",
        [root, lat, lon, zoom],
    )


@pytest.mark.parametrize(("viewport", "least"), [(PHONE, 5), (DESKTOP, 12)])
def test_names_and_scale_bar_without_tiles(live_server, browser, outside_requests, viewport, least):
    context, page = _context(browser, outside_requests, viewport)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{live_server.url}/fr/areas/map/")
        _wait_for_labels(page, "municipality", least)
        labels = _labels(page)
        names = {label["text"] for label in labels}
        assert "Bruxelles" in names  # French names on a French page
        assert len(labels) < 19 or viewport is DESKTOP  # thinned on a phone
        _assert_apart(labels)
        canvas = page.locator("#brussels-map").bounding_box()
        for label in labels:  # none cut by the map's edge
            assert canvas["x"] <= label["left"] and label["right"] <= canvas["x"] + canvas["width"]
        scale = page.locator("#brussels-map .leaflet-control-scale-line").inner_text()
        assert re.fullmatch(r"\d+ (m|km)", scale)
        pane = page.locator("#brussels-map .leaflet-umbrellaLabels-pane")
        assert pane.get_attribute("aria-hidden") == "true"
        assert pane.evaluate("(p) => getComputedStyle(p).pointerEvents") == "none"
        assert page.locator("[data-brussels-map]").get_attribute("data-base-layer") == "none"
        assert page.evaluate("window.geolocationCalls") == 0
        assert_no_axe_violations(page)
        # No archive installed: nothing asks for one, and no tile comes from anywhere.
        assert not [url for url in requests if "/tiles/" in url]
        assert outside_requests.urls == []
    finally:
        context.close()


def test_neighbourhood_names_closer_in_and_a_click_on_a_name_reaches_the_map(
    live_server, browser, outside_requests
):
    context, page = _context(browser, outside_requests)
    try:
        page.goto(f"{live_server.url}/nl/areas/map/")
        _wait_for_labels(page, "municipality", 10)
        assert not [label for label in _labels(page) if "neighbourhood" in label["kind"]]
        page.locator("#brussels-map").scroll_into_view_if_needed()
        _set_view(page, *GARE_DU_NORD, 14)
        _wait_for_labels(page, "neighbourhood", 6)
        labels = _labels(page)
        names = {label["text"] for label in labels}
        assert "NOORDWIJK" in names  # the Dutch name of the Quartier Nord
        assert "Schaarbeek" in names
        _assert_apart(labels)
        assert_no_axe_violations(page)
        # A click right on a name is a click on the map: the place under it is looked up.
        [north] = [label for label in labels if label["text"] == "NOORDWIJK"]
        x = (north["left"] + north["right"]) / 2
        y = (north["top"] + north["bottom"]) / 2
        page.mouse.click(x, y)
        page.locator('#locate-result[data-inside-region="true"]').wait_for()
        assert page.locator("#locate-result").get_attribute("data-neighbourhood")
        assert outside_requests.urls == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_her_position_only_when_she_asks(live_server, browser, outside_requests, viewport):
    lat, lon = GARE_DU_NORD
    context, page = _context(
        browser,
        outside_requests,
        viewport,
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 60},
        permissions=["geolocation"],
    )
    try:
        page.goto(f"{live_server.url}/en/areas/map/")
        _wait_for_labels(page, "municipality", 3)
        page.wait_for_timeout(500)  # time in which nothing may ask for her position
        assert page.evaluate("window.geolocationCalls") == 0
        assert page.locator("#brussels-map path.umbrella-position").count() == 0
        page.get_by_role("button", name="Show my position").click()
        page.locator("#brussels-map path.umbrella-position").wait_for(state="attached")
        assert page.evaluate("window.geolocationCalls") == 1
        circle = page.locator("#brussels-map path.umbrella-position-accuracy")
        assert circle.count() == 1
        # The circle is as wide as the stated 60 m at the map's scale.
        width = circle.bounding_box()["width"]
        metres_per_pixel = page.evaluate(
            """() => {
                const map = document.querySelector('[data-brussels-map]').umbrellaMap.map;
                const a = map.containerPointToLatLng([0, map.getSize().y / 2]);
                const b = map.containerPointToLatLng([100, map.getSize().y / 2]);
                return a.distanceTo(b) / 100;
            }"""
        )
        assert 100 < width * metres_per_pixel < 140
        page.locator('#locate-result[data-nis-code="21015"]').wait_for()
        with translation.override("en"):
            shown = translation.gettext(
                "You are at the blue dot; the circle around it shows how precise your position is."
            )
        assert page.locator("[data-position-status]").inner_text() == shown
        assert_no_axe_violations(page)
        assert outside_requests.urls == []
    finally:
        context.close()


def test_near_me_in_the_directory_draws_her_position_once(live_server, browser, outside_requests):
    lat, lon = GARE_DU_NORD
    context, page = _context(
        browser,
        outside_requests,
        PHONE,
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 35},
        permissions=["geolocation"],
    )
    try:
        page.goto(f"{live_server.url}/en/directory/?kind=toilet")
        assert page.evaluate("window.geolocationCalls") == 0
        with page.expect_navigation():
            page.get_by_role("button", name="Near me").click()
        page.locator("[data-directory-map] path.umbrella-position-accuracy").wait_for(
            state="attached"
        )
        page.locator("[data-directory-map] .leaflet-control-scale-line").wait_for()
        # The accuracy was kept for this one page only.
        assert page.evaluate("sessionStorage.getItem('umbrella-position')") is None
        assert page.locator("[data-directory-map]").get_attribute("data-base-layer") == "none"
        assert_no_axe_violations(page)
        # Reloaded, the point is a plain pin: nothing about her position was kept.
        page.reload()
        page.locator("[data-directory-map] .leaflet-control-scale-line").wait_for()
        assert page.locator("[data-directory-map] path.umbrella-position-accuracy").count() == 0
        assert outside_requests.urls == []
    finally:
        context.close()


def test_a_report_pin_drops_on_a_name(live_server, browser, outside_requests):
    context, page = _context(browser, outside_requests, PHONE)
    try:
        page.goto(f"{live_server.url}/en/reports/new/")
        _wait_for_labels(page, "municipality", 3, root="[data-report-map]")
        page.locator("#report-map-canvas").scroll_into_view_if_needed()
        label = next(
            label
            for label in _labels(page, "[data-report-map]")
            if "municipality" in label["kind"] and 0 < label["top"] and label["bottom"] < 740
        )
        x = (label["left"] + label["right"]) / 2
        y = (label["top"] + label["bottom"]) / 2
        page.mouse.click(x, y)
        page.wait_for_function("() => document.querySelector('#report-form [name=lat]').value")
        # The pin is where the name was (within a pixel or two of rounding): the click went
        # through the name to the map.
        pin = page.evaluate(
            """() => {
                const map = document.querySelector('[data-report-map]').umbrellaMap;
                const form = document.getElementById('report-form');
                const box = map.getContainer().getBoundingClientRect();
                const point = map.latLngToContainerPoint(
                    [Number(form.elements.lat.value), Number(form.elements.lon.value)]);
                return [point.x + box.left, point.y + box.top];
            }"""
        )
        assert abs(pin[0] - x) < 3 and abs(pin[1] - y) < 3
        assert outside_requests.urls == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_a_self_hosted_archive_is_the_base_and_only_this_site_is_asked(
    live_server, browser, outside_requests, settings, tmp_path, viewport
):
    settings.PMTILES_PATH = write_archive(tmp_path / "tiles" / "brussels.pmtiles")
    context, page = _context(browser, outside_requests, viewport)
    responses = []
    page.on("response", lambda r: responses.append(r))
    try:
        page.goto(f"{live_server.url}/fr/areas/map/")
        assert page.locator("[data-brussels-map]").get_attribute("data-base-layer") == "pmtiles"
        _set_view(page, *GARE_DU_NORD, 14)
        page.wait_for_function(
            "() => document.querySelectorAll('#brussels-map .leaflet-tile-pane canvas').length"
        )
        tile_answers = [r for r in responses if r.url.endswith("/tiles/base.pmtiles")]
        assert tile_answers and {r.status for r in tile_answers} == {206}
        assert all(r.request.headers.get("range", "").startswith("bytes=") for r in tile_answers)
        hosts = {re.match(r"https?://([^/:]+)", r.url)[1] for r in responses}
        assert hosts <= LOCAL_HOSTS
        attribution = page.locator("#brussels-map .leaflet-control-attribution").inner_text()
        assert "OpenStreetMap" in attribution
        _wait_for_labels(page, "neighbourhood", 3)
        assert_no_axe_violations(page)
        assert outside_requests.urls == []
    finally:
        context.close()
