"""Staff sign-in through OpenID Connect in Chromium: the link, the page, the round trip
to a stand-in provider on loopback, and the refusal page, checked by axe at 360 px and
on a desktop."""

import pytest

from umbrella.accounts.models import ProviderIdentity
from umbrella.accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, StandInProvider
from umbrella.browser import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRONG_ACR = "urn:be:fedict:iam:fas:Level500"
VIEWPORTS = [{"width": 360, "height": 740}, {"width": 1280, "height": 800}]


@pytest.fixture
def op(settings):
    with StandInProvider() as provider:
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_DISCOVERY_URL = provider.discovery_url
        settings.OIDC_PROVIDER_NAME = "FAS (eID, itsme)"
        settings.OIDC_STRONG_ACR_VALUES = [STRONG_ACR]
        settings.AUTHENTICATION_BACKENDS = [
            "django.contrib.auth.backends.ModelBackend",
            "umbrella.accounts.oidc.StaffOIDCBackend",
        ]
        yield provider


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}]
)
def test_a_staff_member_signs_in_through_the_provider(
    live_server, page, outside_requests, op, staff, viewport
):
    page.set_viewport_size(viewport)
    ProviderIdentity.objects.create(user=staff, issuer=op.url, subject="sub-staff")
    op.claims = {"sub": "sub-staff", "acr": STRONG_ACR}
    page.goto(f"{live_server.url}/en/accounts/login/")
    # What the page says, not its source: the source holds a random CSRF token.
    said = page.locator("body").inner_text()
    assert "FAS" not in said and "eID" not in said
    page.get_by_role("link", name="Staff sign-in").click()
    page.wait_for_url("**/en/accounts/staff/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Continue with FAS (eID, itsme)").click()
    page.wait_for_url("**/en/accounts/")
    # A strong sign-in: no two-step code page on the way.
    assert "two-step" not in page.url
    assert outside_requests.urls == []


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}]
)
def test_the_refusal_page_is_accessible(live_server, page, op, personas, viewport):
    page.set_viewport_size(viewport)
    op.claims = {"sub": "sub-nobody"}
    page.goto(f"{live_server.url}/nl/accounts/staff/")
    page.locator("a.button").click()
    page.wait_for_url("**/oidc/callback/**")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_no_axe_violations(page)
