"""First browser journeys: home in three languages, the language switch, quick exit."""

import pytest
from django.conf import settings

from umbrella.browser import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = {
    "nl": "Umbrella: één Brussel voor iedereen die hier woont en werkt",
    "fr": "Umbrella : une seule Bruxelles pour tous ceux qui y vivent et y travaillent",
    "en": "Umbrella: one Brussels for everyone who lives and works here",
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_home_page_in_each_language_is_accessible_and_first_party(
    live_server, page, outside_requests, lang
):
    page.goto(f"{live_server.url}/{lang}/")
    assert page.locator("h1").inner_text() == HEADINGS[lang]
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("a[href='tel:112']").first.is_visible()
    assert page.locator("#quick-exit").is_visible()
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def test_language_switch_changes_the_page_and_persists(live_server, page, outside_requests):
    page.goto(f"{live_server.url}/en/about/")
    page.click("#site-menu summary")
    page.select_option("#language-select", "fr")
    page.click(".language-switch button[type=submit]")
    page.wait_for_url(f"{live_server.url}/fr/about/")
    assert page.locator("html").get_attribute("lang") == "fr"
    # A later visit to the bare address lands in the chosen language.
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/fr/"
    assert page.locator("h1").inner_text() == HEADINGS["fr"]
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def _serve_neutral_page(page):
    """Answer the quick-exit site locally: the test machine has no internet."""
    page.route(
        f"{settings.QUICK_EXIT_URL}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>weather</p>"),
    )


def test_quick_exit_replaces_the_page_and_its_history_entry(live_server, page):
    _serve_neutral_page(page)
    page.goto(f"{live_server.url}/en/")
    page.goto(f"{live_server.url}/en/about/")
    page.click("#quick-exit")
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    assert page.locator("p").inner_text() == "weather"
    # "Back" skips every Umbrella page of the visit, not only the one open when she left.
    page.go_back()
    assert not page.url.startswith(live_server.url)


def test_quick_exit_on_escape_pressed_three_times(live_server, page):
    _serve_neutral_page(page)
    page.goto(f"{live_server.url}/nl/")
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    assert page.locator("p").inner_text() == "weather"
