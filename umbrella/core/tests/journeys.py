"""What the persona journeys (``test_browser_personas_*.py``) share: the demo's password, the
screens' sizes, a page in a language, signing in, the menu, and the check run on every screen
(axe-core finds nothing, nothing scrolls sideways; at 360 px too where asked)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.utils import translation

from umbrella.browser import assert_no_axe_violations

DEMO_PASSWORD = "demo journeys password"  # noqa: S105 -- test-only.
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 800}
DESKTOP = {"width": 1100, "height": 900}


def words(language: str, msgid: str, context: str | None = None) -> str:
    """Return ``msgid`` as the catalogue (and so the page) says it in ``language``."""
    with translation.override(language):
        if context:
            return str(translation.pgettext(context, msgid))
        return str(translation.gettext(msgid))


def new_context(browser, outside_requests, *, locale: str, viewport=PHONE, **options):
    """A browser of its own (a person's phone or desktop) whose every request is watched."""
    context = browser.new_context(viewport=viewport, locale=locale, **options)
    context.on("request", outside_requests.record)
    return context


def new_page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def open_context(browser, outside_requests, *, locale: str, viewport=PHONE, **options):
    context = new_context(browser, outside_requests, locale=locale, viewport=viewport, **options)
    return context, new_page(context)


def assert_fits(page) -> None:
    """Nothing is wider than the screen: no sideways scrolling."""
    scroll, width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def check_screen(page, *, narrow: bool = False) -> None:
    """axe-core finds nothing and nothing overflows; with ``narrow``, at 360 px wide too."""
    assert_no_axe_violations(page)
    assert_fits(page)
    if not narrow:
        return
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        assert_fits(page)
        assert_no_axe_violations(page)
    finally:
        page.set_viewport_size(size)


def sign_in(page, server_url: str, language: str, username: str) -> None:
    """Open the sign-in page (the only typed address) and sign in; land on the role's home."""
    page.goto(f"{server_url}/{language}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == language
    assert_no_axe_violations(page)
    page.get_by_label(words(language, "Name")).fill(username)
    page.get_by_label(words(language, "Passphrase or password")).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=words(language, "Sign in")).click()
    assert urlparse(page.url).path == f"/{language}/accounts/", page.url
    assert page.get_by_role("heading", level=1).inner_text() == words(language, "Home")
    check_screen(page, narrow=True)


def click_link(page, scope, name: str | re.Pattern) -> None:
    """Click the link named ``name`` inside ``scope`` and wait for the next page."""
    with page.expect_navigation():
        scope.get_by_role("link", name=name).first.click()


def from_menu(page, language: str, label: str, *, exact: bool = True) -> None:
    """Open the header's menu and follow its link ``label`` (as shown in ``language``)."""
    menu = page.locator("#site-menu")
    if menu.get_attribute("open") is None:
        menu.get_by_text(words(language, "Menu"), exact=True).click()
    nav = page.get_by_role("navigation", name=words(language, "Main"))
    with page.expect_navigation():
        nav.get_by_role("link", name=label, exact=exact).first.click()
