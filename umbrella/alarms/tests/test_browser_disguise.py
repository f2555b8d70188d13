"""The discreet install on a small phone: reached by clicking, chosen without scripts, axe-clean."""

import pytest

from umbrella.browser import assert_no_axe_violations
from umbrella.testing import PERSONA_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_phone(browser, outside_requests):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="ro-RO", is_mobile=True
    )
    context.on("request", outside_requests.record)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_she_disguises_the_app_as_a_calculator_by_clicking(
    live_server, small_phone, outside_requests, worker
):
    page = small_phone
    page.goto(f"{live_server.url}/ro/accounts/login/")
    page.fill("#id_username", worker.username)
    page.fill("#id_password", PERSONA_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.click("#site-menu summary")
    with page.expect_navigation():
        page.click("#site-menu nav a[data-link=account]")
    with page.expect_navigation():
        page.click("main a[href$='/alarms/look/']")
    assert page.url.endswith("/ro/alarms/look/")
    assert page.evaluate("() => document.documentElement.scrollWidth <= 360")
    assert_no_axe_violations(page)

    page.get_by_label("Calculator").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".messages").is_visible()
    assert page.locator("input[value=calculator]").is_checked()
    assert_no_axe_violations(page)

    manifest = page.request.get(f"{live_server.url}/ro/alarms/manifest.webmanifest").json()
    assert manifest["name"] == "Calculator"  # "Calculator" in Romanian too
    assert manifest["icons"][0]["src"].endswith("/calculator-192.png")
    page.goto(f"{live_server.url}/ro/alarms/panic/")
    assert page.title() == "Calculator"
    assert outside_requests.urls == []
