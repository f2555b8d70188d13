"""The report journey in a real browser: an anonymous report on the map in French, the public
list (without the confidential report), the demo's Saint-Josse officer (``demo-municipality``,
created by ``manage.py demo`` with the seeded routing matrix) updating it in Dutch, and the
follow-up link showing the update. Accessible on every page, first-party only."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from umbrella.accounts.models import User
from umbrella.browser import assert_no_axe_violations
from umbrella.reports.models import Category, Report, ReportStatus
from umbrella.reports.tests.world import make_report
from umbrella.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Rue de la Prairie, Saint-Josse-ten-Noode: where she drops the pin.
PRAIRIE = (50.8530, 4.3690)


def _click_map_at(page, lat, lon):
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = document.querySelector('[data-report-map]').umbrellaMap;
            const point = map.latLngToContainerPoint([lat, lon]);
            return [point.x, point.y];
        }""",
        [lat, lon],
    )
    page.locator("#report-map-canvas").click(position={"x": x, "y": y})


def _signed_in_context(browser, server_url, user):
    client = sign_in(Client(), user)
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="nl-BE")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}]
    )
    return context


@pytest.fixture
def demo(geography):
    """``manage.py demo``: the seeded routing matrix, demo-municipality staff of Saint-Josse."""
    call_command("demo", "--password", "demo-pw", "--force", stdout=io.StringIO())
    return User.objects.get(username="demo-municipality")


def test_report_on_the_map_follow_it_up_and_see_the_update(
    live_server, page, browser, outside_requests, demo
):
    # A confidential signal exists already: it must never show in public.
    trafficking = Category.objects.get(code="trafficking")
    secret, _code = make_report(trafficking, text="Young women locked in a house at night.")
    # So does a litter report 20 m away: the form suggests it before she sends hers.
    litter = Category.objects.get(code="litter")
    earlier, _code = make_report(litter, point=(50.8531, 4.3692), client_key="neighbour")

    # 1. Anonymous, in French: the pin on the map, a category, a description, who she is.
    page.goto(f"{live_server.url}/fr/reports/new/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.wait_for_selector("#report-map-canvas path", state="attached")
    assert_no_axe_violations(page)
    # Harassment offers "also tell the police"; litter offers neither extra choice.
    page.select_option("#id_category", "sex-worker-harassment")
    assert page.locator("[data-option=police]").is_visible()
    assert page.locator("[data-option=victim_support]").is_hidden()
    page.select_option("#id_category", "litter")
    assert page.locator("[data-option=police]").is_hidden()
    assert page.locator("[data-option=victim_support]").is_hidden()
    # "Use my location" drops the pin where the browser says she is, across the street…
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 50.85255, "longitude": 4.36855})
    page.click("#use-my-location")
    page.wait_for_function("() => document.querySelector('#id_lat').value === '50.85255'")
    # …and a click on the map moves it to where the needles are.
    _click_map_at(page, *PRAIRIE)
    assert page.input_value("#id_lat").startswith("50.85")
    assert page.input_value("#id_lon").startswith("4.36")
    duplicates = page.locator("#report-duplicates")
    duplicates.locator(f"a[href='/fr/reports/{earlier.public_id}/']").wait_for()
    assert "Déjà signalé à proximité" in duplicates.inner_text()
    assert_no_axe_violations(page)
    page.fill("#id_description", "Des seringues dans le parterre devant l'école.")
    page.check("input[name=reporter_kind][value=resident]")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")

    # 2. Thank-you: the follow-up link, once.
    assert page.url.endswith("/fr/reports/new/thanks/")
    follow_up_url = page.locator("#follow-up-url").get_attribute("href")
    assert re.search(r"/fr/reports/follow-up/[^/]+/$", follow_up_url)
    assert_no_axe_violations(page)
    report = Report.objects.exclude(pk__in=[secret.pk, earlier.pk]).get()
    assert report.municipality.nis_code == "21014"

    # 3. The public list: her report, never the confidential one.
    page.goto(f"{live_server.url}/fr/reports/")
    page.wait_for_selector("#reports-map-canvas .leaflet-interactive", state="attached")
    listed = page.locator("#reports-results")
    assert listed.locator(f"a[href='/fr/reports/{report.public_id}/']").count() == 1
    assert listed.locator(f"a[href='/fr/reports/{secret.public_id}/']").count() == 0
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/fr/reports/{report.public_id}/")
    assert_no_axe_violations(page)

    # 4. The demo's Saint-Josse officer updates it, in Dutch.
    assert report.body.organisation.memberships.filter(user=demo).exists()
    staff_context = _signed_in_context(browser, live_server.url, demo)
    staff_context.on("request", outside_requests.record)
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    staff.goto(f"{live_server.url}/nl/reports/staff/")
    assert staff.locator("html").get_attribute("lang") == "nl"
    assert_no_axe_violations(staff)
    staff.click(f"a[href='/nl/reports/staff/{report.pk}/']")
    assert_no_axe_violations(staff)
    # The reason to close and the body to refer to show only when they apply.
    assert staff.locator("#id_close_reason").is_hidden()
    staff.select_option("#id_new_status", ReportStatus.CLOSED)
    assert staff.locator("#id_close_reason").is_visible()
    assert staff.locator("#id_referred_to").is_hidden()
    staff.select_option("#id_new_status", ReportStatus.IN_PROGRESS)
    assert staff.locator("#id_close_reason").is_hidden()
    staff.fill("#id_text", "De veegploeg haalt de spuiten vandaag nog weg.")
    with staff.expect_navigation():
        staff.click("form.reports-form button[type=submit]")
    assert "?done=1" in staff.url
    assert_no_axe_violations(staff)
    staff_context.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_PROGRESS

    # 5. Her follow-up link shows the update.
    page.goto(follow_up_url)
    assert "De veegploeg haalt de spuiten vandaag nog weg." in page.locator("main").inner_text()
    assert_no_axe_violations(page)

    assert outside_requests.urls == []
