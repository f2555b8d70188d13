"""The responder console on a 360 × 640 phone, over the ASGI server (it needs the stream).

An alarm arrives; he takes it and the take button disappears; he resolves it
and the resolve form disappears. Nothing is wider than the screen, a room's
label is not doubled, the place is given in words (neighbourhood,
municipality, distance from him), the sound stays on across a reload, and
axe-core finds nothing.
"""

from __future__ import annotations

import math
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.models import Alarm, Source, Status
from umbrella.alarms.queries import readable_name
from umbrella.alarms.tests.asgi_server import asgi_live_server  # noqa: F401 -- fixture
from umbrella.areas.locate import locate
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}
# Near the Gare du Nord (the alarm) and at the Botanique (the responder), about 700 m apart.
ALARM_POINT = (50.8597, 4.3602)
RESPONDER_POINT = (50.8545, 4.3660)
COORDINATES = re.compile(r"50[.,]\d{3}")

NO_WIDER_THAN_THE_SCREEN = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('main *')].filter((node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.width > width + 0.5);
  }).map((node) => {
    const box = node.getBoundingClientRect();
    const path = [];
    for (let n = node; n && n !== document.body; n = n.parentElement) {
      path.unshift(n.tagName + (n.id ? '#' + n.id : '') + (n.className ? '.' + n.className : ''));
    }
    return path.join(' > ') + ` [${Math.round(box.left)}..${Math.round(box.right)}]`;
  });
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def phone_console(browser, server, user, outside_requests):
    """Return a phone-sized browser context signed in as ``user``, his position shareable."""
    client = sign_in(Client(), user)
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="fr-BE",
        geolocation={"latitude": RESPONDER_POINT[0], "longitude": RESPONDER_POINT[1]},
        permissions=["geolocation"],
    )
    context.on("request", outside_requests.record)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}]
    )
    return context


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance, as the console computes it."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def off_the_loop(action, *args, **kwargs):
    """Run ``action`` in a thread of its own, as a request would.

    Playwright's event loop runs in the test's thread, where notify's
    broadcast after commit cannot run; in another thread it does, so the
    console hears of the alarm the way it does in production.
    """
    result = []

    def run():
        try:
            result.append(action(*args, **kwargs))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


def assert_fits_the_screen(page) -> None:
    """Nothing scrolls sideways, and nothing of the page's own content (in <main>) is wider."""
    measured = page.evaluate(NO_WIDER_THAN_THE_SCREEN)
    assert measured["scroll"] <= measured["width"], measured
    assert measured["wide"] == [], measured


def test_the_console_works_on_a_phone(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    geography,
    personas,
    circle,
    establishment,
):
    server = asgi_live_server
    button, key = actions.create_room_button(establishment, "Room 1", timezone.now())
    context = phone_console(browser, server, personas.responder, outside_requests)
    try:
        console = context.new_page()
        console.set_default_timeout(15_000)
        console.goto(f"{server.url}/fr/alarms/console/")
        console.wait_for_selector("#console-connection[data-state=open]")
        assert console.locator("#console-count").inner_text() == "0 alarme en cours"
        assert console.get_attribute("#console", "data-sound") == "off"

        # One tap turns the sound on, and the choice outlives a reload.
        console.click("#console-sound")
        console.wait_for_selector("#console[data-sound=on]")
        console.reload()
        console.wait_for_selector("#console-connection[data-state=open]")
        assert console.evaluate("() => localStorage.getItem('umbrella.console.sound')") == "on"
        assert console.get_attribute("#console-sound", "aria-pressed") == "true"
        state = console.get_attribute("#console", "data-sound")
        assert state in ("on", "blocked")
        if state == "blocked":
            # The browser's autoplay rule: the page says so, and one tap resumes.
            assert console.locator("#console-sound-blocked").is_visible()
            console.click("#console-sound-again")
            console.wait_for_selector("#console[data-sound=on]")
        assert console.locator("#console-sound-blocked").is_hidden()
        assert_fits_the_screen(console)
        assert_no_axe_violations(console)

        # He shares his position: distances appear, computed in the page.
        console.click("#console-distance")
        console.wait_for_selector("#console-distance[aria-pressed=true]")

        # An alarm arrives from the worker's panic button, with her position.
        alarm = off_the_loop(
            actions.raise_alarm,
            personas.worker,
            Source.APP,
            timezone.now(),
            lat=ALARM_POINT[0],
            lon=ALARM_POINT[1],
            accuracy=25,
        )
        card = console.locator(f"#alarm-{alarm.pk}")
        card.wait_for()
        console.wait_for_selector("#console[data-ringing=true]")
        assert card.locator("[data-field=title]").inner_text() == "Alarme de worker"
        console.wait_for_function(
            "(id) => /de vous/.test(document.querySelector(`#alarm-${id} [data-field=place]`)"
            ".textContent)",
            arg=alarm.pk,
        )
        where = locate(*ALARM_POINT)
        place = card.locator("[data-field=place]").inner_text()
        assert where.municipality.name_fr in place
        assert readable_name(where.neighbourhood.name_fr) in place
        shown = re.search(r"Environ (\d+)\s?m de vous", place)
        assert shown and abs(int(shown[1]) - metres_between(ALARM_POINT, RESPONDER_POINT)) <= 10
        assert "à environ 25 m près" in place
        assert not COORDINATES.search(card.inner_text()), card.inner_text()
        # A map stays a secondary control: a link to the phone's maps app.
        assert (
            card.locator("[data-field=geo-link]").get_attribute("href").startswith("geo:50.8597,")
        )
        # The time as French writes it: 24-hour clock, no AM/PM.
        assert re.fullmatch(r"\d{2}:\d{2}", card.locator("time").inner_text())
        assert console.locator("#console-count").inner_text() == "1 alarme en cours"

        # A room button: its label as the establishment wrote it, once.
        pressed, _created = off_the_loop(actions.press_room_button, key, timezone.now())
        room = console.locator(f"#alarm-{pressed.pk}")
        room.wait_for()
        assert room.locator("[data-field=title]").inner_text() == "Room 1"
        assert "Room Room" not in console.locator("#alarm-list").inner_text()
        assert establishment.name in room.locator("[data-field=place]").inner_text()
        console.wait_for_function(
            "() => document.querySelector('#console-count').textContent === '2 alarmes en cours'"
        )
        assert_fits_the_screen(console)
        assert_no_axe_violations(console)

        # He takes it: the take button disappears (hidden wins over .button's display).
        take = card.locator("[data-action=acknowledge]")
        take.click()
        console.wait_for_selector(f"#alarm-{alarm.pk}[data-status=acknowledged]")
        take.wait_for(state="hidden")
        assert take.bounding_box() is None
        alarm.refresh_from_db()
        assert (alarm.status, alarm.acknowledged_by) == (Status.ACKNOWLEDGED, personas.responder)

        # He resolves it: the resolve form and its button disappear too.
        resolve = card.locator("form[data-action=resolve]")
        card.locator("select[name=outcome]").select_option("helped")
        resolve.locator("button[type=submit]").click()
        console.wait_for_selector(f"#alarm-{alarm.pk}[data-status=resolved]")
        resolve.wait_for(state="hidden")
        assert resolve.locator("button[type=submit]").bounding_box() is None
        assert take.bounding_box() is None
        assert Alarm.objects.get(pk=alarm.pk).status == Status.RESOLVED
        console.wait_for_function(
            "() => document.querySelector('#console-count').textContent === '1 alarme en cours'"
        )

        # The map opens on demand and still fits the screen.
        card.locator("[data-action=map]").click()
        card.locator("[data-field=map]").wait_for()
        assert_fits_the_screen(console)
        assert_no_axe_violations(console)
        assert outside_requests.urls == []
    finally:
        context.close()
