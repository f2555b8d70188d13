"""Each routing rule of the seeded matrix, and how rules combine."""

from __future__ import annotations

import pytest

from umbrella.reports.models import Body, RecipientReason, RoutingRule, RoutingTarget
from umbrella.reports.routing import route
from umbrella.reports.tests.conftest import BRUSSELS_CITY, SAINT_JOSSE, SCHAERBEEK, submit

pytestmark = pytest.mark.django_db


def recipients(report) -> dict[str, str]:
    return {r.body.code: r.reason for r in report.deliveries_to.select_related("body")}


@pytest.mark.parametrize(
    "code", ["litter", "needles", "public-urination", "street-lighting", "noise", "other"]
)
def test_municipal_categories_go_to_the_municipality_of_the_place(matrix, code):
    in_saint_josse = submit(code=code).report
    in_schaerbeek = submit(code=code, lat=SCHAERBEEK[0], lon=SCHAERBEEK[1]).report
    assert in_saint_josse.body == matrix.saint_josse
    assert recipients(in_saint_josse) == {"municipality-21014": RecipientReason.ROUTED}
    assert in_schaerbeek.body == matrix.schaerbeek_body
    assert recipients(in_schaerbeek) == {"municipality-21015": RecipientReason.ROUTED}
    assert in_saint_josse.status == "open"


def test_public_urination_offers_the_nearest_toilets(matrix):
    assert matrix.category("public-urination").shows_toilets
    assert not matrix.category("litter").shows_toilets


def test_drug_dealing_goes_to_the_police_zone_of_the_place(matrix):
    report = submit(code="drug-dealing", description="Dealing at the corner every evening.").report
    city = submit(
        code="drug-dealing",
        description="Dealing at the corner every evening.",
        lat=BRUSSELS_CITY[0],
        lon=BRUSSELS_CITY[1],
    ).report
    assert recipients(report) == {"zone-5344": RecipientReason.ROUTED}
    assert report.body == matrix.zone_5344
    assert recipients(city) == {"zone-5339": RecipientReason.ROUTED}


def test_regional_road_goes_to_net_brussel_and_transport_to_stib(matrix):
    road = submit(code="regional-road", description="Rubbish all along the tunnel.").report
    stop = submit(code="public-transport", description="The shelter glass is broken.").report
    assert recipients(road) == {"net-brussel": RecipientReason.ROUTED}
    assert recipients(stop) == {"stib-mivb": RecipientReason.ROUTED}


def test_harassment_of_sex_workers_goes_to_outreach_and_not_the_police(matrix):
    text = "A man shouts insults at the sex workers in the street every night."
    report = submit(code="sex-worker-harassment", description=text, reporter_kind="sex_worker")
    assert recipients(report.report) == {
        "espace-p": RecipientReason.ROUTED,
        "utsopi": RecipientReason.ROUTED,
        "alias": RecipientReason.ROUTED,
    }
    assert report.report.body == matrix.espace_p
    assert report.guard_explanation is None
    # Confidential: a public pin would show where sex workers work.
    assert report.report.confidential and not report.report.is_public


def test_harassment_goes_to_the_police_too_when_the_reporter_asks(matrix):
    text = "A man threatens the sex workers with a knife."
    report = submit(code="sex-worker-harassment", description=text, wants_police=True).report
    assert recipients(report)["zone-5344"] == RecipientReason.ASKED_POLICE
    assert report.body == matrix.espace_p
    assert report.wants_police


def test_asking_for_the_police_changes_nothing_where_the_category_does_not_offer_it(matrix):
    report = submit(code="noise", description="Loud music at night.", wants_police=True).report
    assert recipients(report) == {"municipality-21014": RecipientReason.ROUTED}
    assert not report.wants_police


def test_trafficking_is_confidential_and_goes_to_the_zone(matrix):
    text = "Young women seem to be kept in the flat and never go out alone."
    report = submit(code="trafficking", description=text).report
    assert report.confidential and not report.is_public
    assert recipients(report) == {"zone-5344": RecipientReason.ROUTED}


def test_trafficking_also_goes_to_pag_asa_when_the_reporter_chooses(matrix):
    text = "Young women seem to be kept in the flat and never go out alone."
    report = submit(code="trafficking", description=text, wants_victim_support=True).report
    assert recipients(report) == {
        "zone-5344": RecipientReason.ROUTED,
        "pag-asa": RecipientReason.ASKED_VICTIM_SUPPORT,
    }
    assert report.body == matrix.zone_5344


def test_a_rule_for_one_municipality_replaces_the_general_rule_there(matrix):
    litter = matrix.category("litter")
    RoutingRule.objects.create(
        category=litter,
        target=RoutingTarget.BODY,
        body=Body.objects.get(code="net-brussel"),
        only_in=matrix.schaerbeek_body.municipality,
    )
    in_schaerbeek = route(litter, nis_code="21015", zone_code="5344")
    in_saint_josse = route(litter, nis_code="21014", zone_code="5344")
    assert [b.code for b in in_schaerbeek.bodies()] == ["net-brussel"]
    assert [b.code for b in in_saint_josse.bodies()] == ["municipality-21014"]


def test_inactive_rules_and_bodies_route_nowhere(matrix):
    noise = matrix.category("noise")
    matrix.saint_josse.active = False
    matrix.saint_josse.save()
    assert route(noise, nis_code="21014", zone_code="5344").lead is None
    RoutingRule.objects.filter(category=noise).update(active=False)
    assert route(noise, nis_code="21015", zone_code="5344").bodies() == []


def test_a_report_no_body_takes_stays_submitted(matrix):
    RoutingRule.objects.filter(category__code="noise").delete()
    report = submit(code="noise", description="Loud music at night.").report
    assert report.status == "submitted"
    assert report.body is None
    assert recipients(report) == {}


def test_the_report_is_stamped_with_its_areas(matrix):
    report = submit(lat=SAINT_JOSSE[0], lon=SAINT_JOSSE[1]).report
    assert report.municipality.nis_code == "21014"
    assert report.police_zone.code == "5344"
    assert report.neighbourhood is not None
