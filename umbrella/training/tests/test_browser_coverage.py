"""The public coverage page with withheld small counts and a regional service, the training
page's feedback links, and the translated "not found" page, in a real browser: axe-core finds
nothing and no request leaves 127.0.0.1."""

from __future__ import annotations

import pytest

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import OrganisationKind, Role
from umbrella.browser import assert_no_axe_violations
from umbrella.training.tests.factories import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coverage_links_and_not_found_pages_are_accessible(live_server, page, outside_requests):
    make_course()
    small = accounts.ensure_organisation(
        "OCMW/CPAS Small (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21014"
    )
    person = accounts.create_account("small0", Role.SERVICE_STAFF, password_hash="!")
    accounts.add_membership(person, small)
    accounts.ensure_organisation("Actiris (t)", OrganisationKind.PUBLIC_SERVICE)

    page.goto(f"{live_server.url}/nl/training/coverage/")
    assert "OCMW/CPAS Small (t)" in page.content() and "Actiris (t)" in page.content()
    assert page.locator("td", has_text="niet getoond").count() >= 1
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/nl/training/")
    with page.expect_navigation():
        page.click("a[href='/nl/training/feedback/']")
    assert page.url.endswith("/nl/training/feedback/")
    assert_no_axe_violations(page)

    response = page.goto(f"{live_server.url}/nl/training/courses/no-such-course/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Deze pagina bestaat niet"  # the site's 404 page
    assert_no_axe_violations(page)
    assert outside_requests.urls == []
