"""The alarm journey in real browsers, over the ASGI server (the console needs the stream).

A worker presses the button in Romanian; the responder's console, in Dutch,
rings; the responder takes the alarm; the worker's screen says who is coming.
"""

from __future__ import annotations

import pytest
from django.test import Client

from umbrella.alarms.models import Alarm, AlarmRecipient, Status
from umbrella.alarms.tests.asgi_server import asgi_live_server  # noqa: F401 -- fixture
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOLD_MS = 1300


def signed_in_context(browser, server, user, outside_requests, locale):
    """Return a browser context signed in as ``user`` (past 2FA for staff) by session cookie."""
    client = sign_in(Client(), user)
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale=locale)
    context.on("request", outside_requests.record)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}]
    )
    return context


def open_panic(context, server, language: str):
    """Open the panic screen in ``language`` and wait until its button is ready."""
    panic = context.new_page()
    panic.set_default_timeout(15_000)
    panic.goto(f"{server.url}/{language}/alarms/panic/")
    panic.wait_for_selector("#panic-button:not([disabled])")
    return panic


def hold(page, selector: str, ms: int = HOLD_MS) -> None:
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()


def test_worker_alarm_rings_the_console_and_she_sees_who_is_coming(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    personas,
    circle,
):
    server = asgi_live_server
    responder_context = signed_in_context(
        browser, server, personas.responder, outside_requests, "nl-BE"
    )
    worker_context = signed_in_context(browser, server, personas.worker, outside_requests, "ro-RO")
    try:
        console = responder_context.new_page()
        console.set_default_timeout(15_000)
        console.goto(f"{server.url}/nl/alarms/console/")
        console.wait_for_selector("#console-connection[data-state=open]")
        console.click("#console-sound")  # the user gesture that allows sound
        assert_no_axe_violations(console)

        panic = open_panic(worker_context, server, "ro")
        assert panic.locator("html").get_attribute("lang") == "ro"
        assert_no_axe_violations(panic)

        # One short tap does nothing: a pocket must not send an alarm.
        panic.click("#panic-button")
        panic.wait_for_timeout(700)
        assert Alarm.objects.count() == 0

        hold(panic, "#panic-button")
        panic.wait_for_selector("#panic-progress:not([hidden])")
        alarm = Alarm.objects.get()
        assert (alarm.owner, alarm.status) == (personas.worker, Status.RAISED)

        # The console rings: the alarm appears and the ring runs until someone takes it.
        card = console.locator(f"#alarm-{alarm.pk}")
        card.wait_for()
        assert "worker" in card.locator("[data-field=title]").inner_text()
        console.wait_for_selector("#console[data-ringing=true]")
        assert int(console.locator("#console").get_attribute("data-rings")) >= 1

        # Showing the alarm marks it seen, and the worker sees who has seen it.
        panic.wait_for_function(
            "() => document.querySelector('#panic-progress [data-field=seen]')"
            ".textContent.includes('responder')"
        )
        assert AlarmRecipient.objects.get(alarm=alarm, user=personas.responder).seen_at

        card.locator("[data-action=acknowledge]").click()
        console.wait_for_selector(f"#alarm-{alarm.pk}[data-status=acknowledged]")
        console.wait_for_selector("#console[data-ringing=false]")
        alarm.refresh_from_db()
        assert (alarm.status, alarm.acknowledged_by) == (Status.ACKNOWLEDGED, personas.responder)

        panic.wait_for_function(
            "() => document.querySelector('#panic-progress [data-field=acknowledged]')"
            ".textContent.includes('responder')"
        )
        assert_no_axe_violations(panic)
        assert_no_axe_violations(console)
        assert outside_requests.urls == []
    finally:
        worker_context.close()
        responder_context.close()


def test_keyboard_hold_sends_and_cancel_looks_the_same_with_the_duress_pin(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    personas,
    circle,
):
    from django.utils import timezone

    from umbrella.alarms import actions

    actions.set_duress_pin(personas.worker, "2468", timezone.now())
    server = asgi_live_server
    context = signed_in_context(browser, server, personas.worker, outside_requests, "en-GB")
    try:
        panic = open_panic(context, server, "en")
        panic.focus("#panic-button")
        panic.keyboard.down("Space")
        panic.wait_for_timeout(HOLD_MS)
        panic.keyboard.up("Space")
        panic.wait_for_selector("#panic-cancel:not([hidden])")
        alarm = Alarm.objects.get()

        panic.fill("#cancel-pin", "2468")
        panic.click("#panic-cancel button[type=submit]")
        panic.wait_for_selector("#panic-cancel", state="hidden")
        status = panic.locator("#panic-status").inner_text()
        assert "cancelled" in status
        alarm.refresh_from_db()
        # Her screen says cancelled; for responders the alarm goes on, marked duress.
        assert alarm.status == Status.RAISED and alarm.is_duress
        assert_no_axe_violations(panic)
        assert outside_requests.urls == []
    finally:
        context.close()
