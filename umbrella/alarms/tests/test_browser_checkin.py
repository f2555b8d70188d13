"""A missed check-in in real browsers: her phone says "told", the console rings,
she says she is safe, the console shows the alarm resolved.

The worker is on a 390×844 phone in Romanian; the responder's console, in
Dutch, is another browser context. The live ASGI server has no worker
process: the test moves the check-in's deadlines to now and takes the
worker's steps itself, as ``manage.py worker`` would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from umbrella.alarms.models import Alarm, CheckIn, Deadline, DeadlineKind, Source, Status
from umbrella.alarms.tests.asgi_server import asgi_live_server  # noqa: F401 -- fixture
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import run_due_deadlines, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def context_for(browser, server, user, outside_requests, locale, viewport):
    client = sign_in(Client(), user)
    context = browser.new_context(viewport=viewport, locale=locale)
    context.on("request", outside_requests.record)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}]
    )
    return context


def test_a_lapsed_check_in_is_told_rung_and_resolved_when_she_says_she_is_safe(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    personas,
    circle,
):
    server = asgi_live_server
    responder_context = context_for(
        browser,
        server,
        personas.responder,
        outside_requests,
        "nl-BE",
        {"width": 1000, "height": 900},
    )
    worker_context = context_for(browser, server, personas.worker, outside_requests, "ro-RO", PHONE)
    try:
        console = responder_context.new_page()
        console.set_default_timeout(15_000)
        console.goto(f"{server.url}/nl/alarms/console/")
        console.wait_for_selector("#console-connection[data-state=open]")
        console.click("#console-sound")

        # Count the page's vibrations (a headless browser has no motor to ask).
        worker_context.add_init_script(
            "navigator.vibrate = function () {"
            " window.umbrellaVibrations = (window.umbrellaVibrations || 0) + 1; return true; };"
        )
        page = worker_context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{server.url}/ro/alarms/checkin/")
        assert page.locator("a[href='tel:112']").first.is_visible()
        page.fill("#checkin-minutes", "1")
        page.click("#checkin-start button[type=submit]")
        page.wait_for_selector("#checkin-running[data-state=running]")
        assert_no_axe_violations(page)
        checkin = CheckIn.objects.get(owner=personas.worker)

        # The due time passes: the server says "grace", and the page follows it.
        now = timezone.now()
        CheckIn.objects.filter(pk=checkin.pk).update(
            due_at=now - timedelta(seconds=1), grace_seconds=3
        )
        Deadline.objects.filter(checkin=checkin, kind=DeadlineKind.CHECKIN_REMINDER).update(
            due_at=now - timedelta(seconds=1)
        )
        Deadline.objects.filter(checkin=checkin, kind=DeadlineKind.CHECKIN_EXPIRY).update(
            due_at=now + timedelta(seconds=2)
        )
        run_due_deadlines()  # the reminder (no push subscription: nothing to send)
        page.wait_for_selector("#checkin-running[data-state=grace]")
        page.wait_for_function("() => window.umbrellaVibrations === 1")
        assert not Alarm.objects.exists()

        # The grace ends: the worker tells her circle; her screen says "told".
        page.wait_for_timeout(2_200)
        run_due_deadlines()
        alarm = Alarm.objects.get(source=Source.CHECKIN)
        page.wait_for_selector("#checkin-running[data-state=told]")
        assert "112" in page.locator("a[href='tel:112']").first.inner_text()
        assert_no_axe_violations(page)

        # The console rings with it.
        card = console.locator(f"#alarm-{alarm.pk}")
        card.wait_for()
        console.wait_for_selector("#console[data-ringing=true]")

        # Seen by the responder: her screen says who has seen it.
        page.wait_for_function(
            "() => document.querySelector('#checkin-running [data-field=seen]')"
            ".textContent.includes('responder')"
        )

        # The panic page lists the open check-in alarm and never says "no alarm has been sent".
        panic = worker_context.new_page()
        panic.set_default_timeout(15_000)
        panic.goto(f"{server.url}/ro/alarms/panic/")
        panic.wait_for_selector("#panic-open:not([hidden]) li")
        panic.wait_for_selector("#panic-progress:not([hidden])")
        said = panic.locator("#panic-status").inner_text()
        assert said.strip() and said.strip() != panic.locator("#panic").get_attribute(
            "data-msg-ready"
        )
        assert_no_axe_violations(panic)
        panic.close()

        # She taps "I'm safe": the alarm is resolved, her circle told, her screen says so.
        page.click("#checkin-done button[type=submit]")
        page.wait_for_selector("#checkin-running", state="hidden")
        status = page.locator("#checkin-status").inner_text()
        assert status.strip() and "112" not in status
        alarm.refresh_from_db()
        assert alarm.status == Status.RESOLVED and alarm.resolved_by == personas.worker
        console.wait_for_selector(f"#alarm-{alarm.pk}[data-status=resolved]")
        # The console says who closed it: she says she is safe (in Dutch here).
        console.wait_for_function(
            "(id) => document.querySelector('#alarm-' + id + ' [data-field=status]')"
            ".textContent.includes('Ze zegt dat ze veilig is')",
            arg=alarm.pk,
        )
        console.wait_for_selector("#console[data-ringing=false]")
        assert_no_axe_violations(page)
        assert outside_requests.urls == []
    finally:
        worker_context.close()
        responder_context.close()
