"""The app's refusal pages in a real browser: a missing page (404) and a form the page does
not know (400) explain themselves in the reader's language; axe-core finds nothing."""

from __future__ import annotations

import pytest

from umbrella.browser import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_missing_page_is_explained_and_accessible(live_server, page, outside_requests):
    response = page.goto(f"{live_server.url}/nl/platform/meetings/999999/")
    assert response.status == 404
    # The site's own 404 page (core/templates/404.html), which names nothing.
    assert page.locator("h1").inner_text() == "Deze pagina bestaat niet"
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_no_axe_violations(page)
    response = page.goto(f"{live_server.url}/fr/platform/recommendations/nothing-here/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Cette page n’existe pas"
    assert_no_axe_violations(page)
    assert outside_requests.urls == []
