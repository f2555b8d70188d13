"""The panic page offline, and how a press is made.

Offline, the press is queued and delivered exactly once when back online,
and the page offers 112 and a text message to the contact saved on the
phone. One tap sends nothing; two taps close together send the alarm.

The service worker keeps the POST (with its Idempotency-Key) in IndexedDB
and sends it again when the page says the connection is back; the page
itself may retry too. The server raises one alarm whatever arrives twice.
"""

from __future__ import annotations

import pytest
from django.test import Client

from umbrella.alarms.models import Alarm, IdempotencyKey, Status
from umbrella.alarms.tests.asgi_server import asgi_live_server  # noqa: F401 -- fixture
from umbrella.alarms.tests.test_browser_journey import hold, open_panic, signed_in_context
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_press_while_offline_is_queued_and_raises_one_alarm_when_back_online(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    personas,
    circle,
):
    server = asgi_live_server
    context = signed_in_context(browser, server, personas.worker, outside_requests, "en-GB")
    try:
        panic = open_panic(context, server, "en")
        # The service worker is in charge of this page before the network drops.
        panic.wait_for_function("() => navigator.serviceWorker.controller !== null")

        context.set_offline(True)
        hold(panic, "#panic-button")
        panic.wait_for_selector("#panic-offline:not([hidden])")
        panic.wait_for_timeout(1500)
        assert Alarm.objects.count() == 0
        # 112 stays one tap away while the alarm waits.
        assert panic.locator("#panic-offline a[href='tel:112']").count() >= 1
        assert_no_axe_violations(panic)

        context.set_offline(False)
        panic.wait_for_selector("#panic-progress:not([hidden])")
        # Give every retry path (service worker, page) time to fire once more.
        panic.wait_for_timeout(6000)
        alarm = Alarm.objects.get()
        assert alarm.owner == personas.worker
        assert IdempotencyKey.objects.get().alarm == alarm
        assert outside_requests.urls == []
    finally:
        context.close()


def _touch_context(browser, server, user, outside_requests):
    """Return a phone-like context (touch screen) signed in as ``user``."""
    client = sign_in(Client(), user)
    context = browser.new_context(
        viewport={"width": 400, "height": 800}, locale="en-GB", has_touch=True, is_mobile=True
    )
    context.on("request", outside_requests.record)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}]
    )
    return context


def test_offline_the_panic_screen_offers_112_and_a_text_to_the_saved_contact(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    personas,
    circle,
):
    server = asgi_live_server
    context = signed_in_context(browser, server, personas.worker, outside_requests, "en-GB")
    try:
        panic = open_panic(context, server, "en")
        # Before a contact is saved, there is no text-message link to offer.
        assert panic.locator("#panic-offline [data-sms-item]").is_hidden()

        panic.click(".panic-settings summary")
        panic.fill("#panic-contact", "+32 470 12 34 56")
        panic.click("#panic-contact-form button[type=submit]")
        panic.wait_for_selector(
            "[data-field=settings-status]:has-text('Saved on this phone only.')"
        )

        context.set_offline(True)
        panic.wait_for_selector("#panic-offline:not([hidden])")
        sms = panic.locator("#panic-sms")
        sms.wait_for(state="visible")
        href = sms.get_attribute("href")
        assert href.startswith("sms:+32470123456?body="), href
        assert "I%20need%20help." in href
        call = panic.locator("#panic-offline a[href='tel:112']")
        assert call.count() == 1 and call.is_visible()
        assert_no_axe_violations(panic)
        assert Alarm.objects.count() == 0
        assert outside_requests.urls == []
    finally:
        context.close()


def test_a_single_tap_sends_nothing_and_a_double_tap_sends_the_alarm(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    personas,
    circle,
):
    server = asgi_live_server
    context = _touch_context(browser, server, personas.worker, outside_requests)
    try:
        panic = open_panic(context, server, "en")

        panic.tap("#panic-button")
        panic.wait_for_selector(
            "#panic-status:has-text('Press the button again to send the alarm.')"
        )
        # Longer than the double-tap window: the lone tap stays a lone tap.
        panic.wait_for_timeout(1500)
        assert Alarm.objects.count() == 0
        assert panic.locator("#panic-progress").is_hidden()

        panic.tap("#panic-button")
        panic.tap("#panic-button")
        panic.wait_for_selector("#panic-progress:not([hidden])")
        alarm = Alarm.objects.get()
        assert (alarm.owner, alarm.status) == (personas.worker, Status.RAISED)
        assert outside_requests.urls == []
    finally:
        context.close()
