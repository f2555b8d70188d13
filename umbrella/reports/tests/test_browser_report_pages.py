"""The other report pages in a real browser: the form without JavaScript (a neighbourhood
instead of a pin), a refused report, the follow-up with "is it fixed?", moderation, a body
page and the 19 municipalities side by side — accessible, first-party only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from umbrella.areas.models import Neighbourhood
from umbrella.browser import assert_no_axe_violations
from umbrella.reports.models import Report
from umbrella.reports.tests.world import build_world, make_report
from umbrella.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(geography, personas):  # noqa: F811 -- the fixture imported above
    return build_world(personas)


def test_the_form_works_without_javascript_and_keeps_what_she_typed(
    live_server, page, browser, outside_requests, world
):
    # A refused report (too short, and no place): her choices are kept, the errors in Dutch.
    page.goto(f"{live_server.url}/nl/reports/new/")
    page.select_option("#id_category", "litter")
    page.fill("#id_description", "Glas")
    page.check("input[name=reporter_kind][value=merchant]")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    assert page.locator("#report-errors").is_visible()
    assert "Toon waar het is" in page.locator("#report-errors").inner_text()
    assert page.locator("input[name=reporter_kind][value=merchant]").is_checked()
    assert page.input_value("#id_description") == "Glas"
    assert_no_axe_violations(page)

    # Without script there is no map: the neighbourhood list places the report.
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")
    context.on("request", outside_requests.record)
    bare = context.new_page()
    bare.set_default_timeout(15_000)
    bare.goto(f"{live_server.url}/nl/reports/new/")
    assert bare.locator("[data-report-map]").is_hidden()
    neighbourhood = Neighbourhood.objects.filter(municipality__nis_code="21014").first()
    bare.select_option("#id_category", "litter")
    bare.select_option("#id_neighbourhood", str(neighbourhood.code))
    bare.fill("#id_description", "Glasscherven voor de winkel.")
    bare.check("input[name=reporter_kind][value=merchant]")
    bare.click("#report-form button[type=submit]")
    bare.wait_for_url("**/nl/reports/new/thanks/")
    assert bare.locator("#follow-up-code").is_visible()
    context.close()
    report = Report.objects.get()
    assert report.neighbourhood == neighbourhood

    # The thank-you page shows once: a second visit says so.
    page.goto(f"{live_server.url}/nl/reports/new/thanks/")
    assert "maar één keer" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    assert outside_requests.urls == []


def test_follow_up_moderation_and_body_pages_are_accessible(
    live_server, page, browser, outside_requests, world, personas
):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=29), tick=False):
        _report, code = make_report(world.litter)
    make_report(world.litter, text="There are prostitutes always here, remove them.")

    # Four weeks on, her follow-up page asks "is it fixed?" (in French).
    page.goto(f"{live_server.url}/fr/reports/follow-up/{code}/")
    assert page.locator("#fixed-heading").is_visible()
    assert_no_axe_violations(page)
    page.check("input[name=fixed][value=no]")
    with page.expect_navigation():
        page.click("section.reports-question button[type=submit]")
    assert "Merci pour votre réponse." in page.locator("main").inner_text()
    assert_no_axe_violations(page)

    # The public filters, a refused filter, a body page, the comparison.
    page.goto(f"{live_server.url}/fr/reports/?status=nonsense")
    assert "Choisissez une valeur dans la liste." in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/fr/reports/bodies/municipality-21014/")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/fr/reports/bodies/")
    assert page.locator("a[href='/fr/reports/bodies/municipality-21014/']").count() == 1
    assert_no_axe_violations(page)

    # The mediating organisation's moderation queue.
    client = sign_in(Client(), personas.outreach)
    staff_context = browser.new_context(locale="fr-BE")
    staff_context.on("request", outside_requests.record)
    staff_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    staff.goto(f"{live_server.url}/fr/reports/staff/moderation/")
    assert staff.locator(".reports-list > li").count() == 1
    assert_no_axe_violations(staff)
    staff_context.close()
    assert outside_requests.urls == []
