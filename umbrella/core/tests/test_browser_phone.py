"""The header and quick exit on a phone: compact, always in reach, and Back leads away.

Viewports: 390×844 (a current phone) and 360×640 (a small one).
"""

import pytest
from django.conf import settings

from umbrella.browser import assert_no_axe_violations
from umbrella.testing import PERSONA_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONES = [(390, 844), (360, 640)]
NEUTRAL = "<p>weather</p>"


@pytest.fixture
def phone(browser, outside_requests, request):
    width, height = request.param
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-GB", is_mobile=True
    )
    context.on("request", outside_requests.record)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _header_height(page) -> float:
    return page.evaluate(
        "() => document.querySelector('.site-header').getBoundingClientRect().height"
    )


def _nothing_wider(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
        }""",
        selector,
    )


@pytest.mark.parametrize("phone", PHONES, indirect=True, ids=["390x844", "360x640"])
@pytest.mark.parametrize("lang", ["en", "bg", "ro"])
def test_header_is_compact_and_quick_exit_stays_in_reach(
    live_server, phone, outside_requests, lang
):
    page = phone
    page.goto(f"{live_server.url}/{lang}/")
    height = page.evaluate("() => window.innerHeight")
    assert _header_height(page) <= 0.15 * height
    assert page.locator(".site-header a[href='tel:112']").is_visible()
    assert _nothing_wider(page)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 0")
    assert _in_view(page, "#quick-exit")
    assert _in_view(page, ".site-header a[href='tel:112']")
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


@pytest.mark.parametrize("phone", PHONES, indirect=True, ids=["390x844", "360x640"])
def test_menu_opens_by_keyboard_and_by_click(live_server, phone):
    page = phone
    page.goto(f"{live_server.url}/en/about/")
    menu = page.locator("#site-menu")
    link = page.locator("#site-menu nav a[data-link=directory]")
    assert not link.is_visible()
    page.focus("#site-menu summary")
    page.keyboard.press("Enter")
    assert menu.evaluate("(el) => el.open")
    assert link.is_visible()
    assert _nothing_wider(page)
    assert_no_axe_violations(page)
    page.keyboard.press("Enter")
    assert not menu.evaluate("(el) => el.open")
    page.click("#site-menu summary")
    assert link.is_visible()
    link.click()
    page.wait_for_url(f"{live_server.url}/en/directory/**")
    assert _nothing_wider(page)


@pytest.mark.parametrize("phone", [PHONES[0]], indirect=True, ids=["390x844"])
def test_after_quick_exit_back_and_forward_show_no_umbrella_page(live_server, phone):
    page = phone
    page.route(
        f"{settings.QUICK_EXIT_URL}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL),
    )
    for path in ("/en/", "/en/about/", "/en/accounts/login/"):
        page.goto(f"{live_server.url}{path}")
    page.click("#quick-exit")
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    assert page.locator("p").inner_text() == "weather"
    # What the mechanism guarantees: the first Umbrella page of the visit was
    # replaced by the neutral site, so "Back" reaches what came before Umbrella
    # (here the browser's blank start page).
    page.go_back()
    assert not page.url.startswith(live_server.url)
    # "Forward" reaches the later Umbrella pages, which give way to the neutral site at once.
    page.go_forward()
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    page.go_forward()
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    assert page.locator("p").inner_text() == "weather"


def _menu_overflows(page, width: int) -> list[str]:
    """Return each item of the open menu that reaches past a screen ``width`` px wide.

    The phone's own width, not ``innerWidth``: on a phone a page wider than
    the screen widens the layout viewport, and the menu with it.
    """
    return page.evaluate(
        """(width) => {
            const items = document.querySelectorAll(
                '#site-menu nav a, #site-menu nav button, #site-menu nav select,'
                + ' #site-menu nav label, #site-menu nav .menu-heading');
            const out = [];
            for (const item of items) {
                const box = item.getBoundingClientRect();
                if (box.width === 0) continue;
                if (box.left < 0 || box.right > width) {
                    out.push(`${item.textContent.trim()}: ${box.left}-${box.right}`);
                }
            }
            return out;
        }""",
        width,
    )


@pytest.mark.parametrize("phone", [PHONES[1]], indirect=True, ids=["360x640"])
@pytest.mark.parametrize("lang", ["en", "fr", "nl", "ro", "bg", "es", "pt"])
def test_open_menu_fits_a_small_phone_signed_out_and_as_a_worker(live_server, phone, worker, lang):
    """Every item of the open menu lies inside a 360 px screen, in each worker language."""
    page = phone
    page.goto(f"{live_server.url}/{lang}/accounts/login/")
    for signed_in in (False, True):
        if signed_in:
            page.fill("#id_username", worker.username)
            page.fill("#id_password", PERSONA_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").first.click()
            assert page.locator("#site-menu nav a[data-link=panic]").count() == 1
        page.click("#site-menu summary")
        assert page.locator("#site-menu nav a").first.is_visible()
        assert page.locator("#site-menu nav a").count() >= 5
        assert _menu_overflows(page, PHONES[1][0]) == []
        assert _nothing_wider(page)
        page.click("#site-menu summary")
