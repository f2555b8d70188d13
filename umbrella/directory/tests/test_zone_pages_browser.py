"""The police-zone pages in a real browser: accessible, first-party, gaps said openly."""

import pytest

from umbrella.areas.models import PoliceZone
from umbrella.browser import assert_no_axe_violations
from umbrella.directory import actions
from umbrella.directory.models import TraffickingReference

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geography"),
]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_zone_pages_pass_axe_and_call_no_third_party(page, live_server, outside_requests, language):
    actions.save_entry(
        TraffickingReference(
            police_zone=PoliceZone.objects.get(code="5344"),
            function_fr="Personne de référence traite des êtres humains",
            function_nl="Referentiepersoon mensenhandel",
            phone="+32 2 000 00 00",
            to_verify=True,
        )
    )
    page.goto(f"{live_server.url}/{language}/areas/police-zones/")
    assert page.locator("h1").count() == 1
    assert page.locator("p.gap").count() == 5
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/{language}/areas/police-zones/5344/")
    assert page.locator("a[href='tel:+32 2 000 00 00']").count() == 1
    assert_no_axe_violations(page)
    assert outside_requests.urls == []
