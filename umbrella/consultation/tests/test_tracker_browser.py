"""The tracker and the rules monitor in a real browser: the secretary moves a recommendation,
the public sees it in Dutch, French and English; the rules map draws the 19 municipalities
with their letters; axe-core finds nothing; no request leaves the site."""

from __future__ import annotations

import pytest
from django.test import Client

from umbrella.browser import assert_no_axe_violations
from umbrella.consultation import seeds
from umbrella.consultation.models import Recommendation
from umbrella.consultation.tests import factories as make
from umbrella.testing import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geography"),
]


@pytest.fixture
def seeded(geography):
    seeds.load()


def test_the_secretary_moves_a_recommendation_and_the_public_sees_it_in_three_languages(
    live_server, browser, outside_requests, seeded
):
    secretary = make.secretary()
    session = sign_in(Client(), secretary).cookies["sessionid"].value
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="nl-BE")
    context.on("request", outside_requests.record)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/nl/platform/recommendations/public-toilets/update/")
        assert_no_axe_violations(page)
        # A figure out of range: refused, the note stays.
        page.select_option("#id_status", "in_progress")
        page.fill("#id_progress", "140")
        page.fill("#id_note", "Zes nieuwe toiletten gepland")
        page.click("main form button[type=submit]")
        page.wait_for_selector(".tracker-errors")
        assert "geheel getal van 0 tot 100" in page.content()
        assert page.input_value("#id_note") == "Zes nieuwe toiletten gepland"
        assert_no_axe_violations(page)
        page.fill("#id_progress", "40")
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/nl/platform/recommendations/public-toilets/")
        assert page.locator("progress").first.get_attribute("value") == "40"
        assert "Zes nieuwe toiletten gepland" in page.content()
        assert_no_axe_violations(page)
    finally:
        context.close()
    rec = Recommendation.objects.get(slug="public-toilets")
    assert (rec.status, rec.progress) == ("in_progress", 40)

    public = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-GB")
    public.on("request", outside_requests.record)
    try:
        page = public.new_page()
        page.set_default_timeout(15_000)
        for lang, status, title in (
            ("nl", "In uitvoering", "Openbare toiletten, ook waar sekswerk plaatsvindt"),
            ("fr", "En cours", "Des toilettes publiques, aussi là où le travail du sexe a lieu"),
            ("en", "In progress", "Public toilets, also where sex work happens"),
        ):
            page.goto(f"{live_server.url}/{lang}/platform/recommendations/")
            item = page.locator(".tracker-item", has_text=title)
            assert item.locator("progress").get_attribute("value") == "40"
            assert status in item.inner_text()
            assert_no_axe_violations(page)
            page.click(f"text={title}")
            assert page.locator("h1").inner_text().endswith(title)
            assert page.locator("progress").first.get_attribute("value") == "40"
            assert_no_axe_violations(page)
        # The public's e-mail form: a wrong address is refused, kept, and accessible.
        page.fill("#id_email", "not an address")
        page.click("#follow-heading ~ form button[type=submit]")
        page.wait_for_selector(".tracker-errors")
        assert page.input_value("#id_email") == "not an address"
        assert_no_axe_violations(page)
    finally:
        public.close()
    assert outside_requests.urls == []


def test_the_rules_map_and_table_in_french(live_server, page, outside_requests, seeded):
    page.goto(f"{live_server.url}/fr/platform/rules/")
    page.wait_for_selector(".rules-map-label")
    labels = page.locator(".rules-map-label").all_inner_texts()
    assert len(labels) == 19
    assert "Schaerbeek: P" in labels
    assert "Saint-Josse-ten-Noode: P T" in labels
    assert "Anderlecht: —" in labels
    assert (
        page.locator(".rules-map-canvas path.leaflet-interactive, .rules-map-canvas path").count()
        >= 19
    )
    assert page.locator(".rules-table tbody tr").count() == 19
    assert "En vigueur · 2011" in page.content()
    assert_no_axe_violations(page)
    assert outside_requests.urls == []
