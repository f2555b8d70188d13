"""The panic page offline: the press is queued, and delivered exactly once when back online.

The service worker keeps the POST (with its Idempotency-Key) in IndexedDB
and sends it again when the page says the connection is back; the page
itself may retry too. The server raises one alarm whatever arrives twice.
"""

from __future__ import annotations

import pytest

from umbrella.alarms.models import Alarm, IdempotencyKey
from umbrella.alarms.tests.asgi_server import asgi_live_server  # noqa: F401 -- fixture
from umbrella.alarms.tests.test_browser_journey import hold, signed_in_context
from umbrella.browser import assert_no_axe_violations

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
        panic = context.new_page()
        panic.set_default_timeout(15_000)
        panic.goto(f"{server.url}/en/alarms/panic/")
        panic.wait_for_selector("#panic-button:not([disabled])")
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
