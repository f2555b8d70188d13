"""The services' figures from real rows: a picture of the directory and the training taken
once a month, published per month; facts about places at k = 1, staff counts at k = 10."""

from __future__ import annotations

from datetime import time

import pytest
import time_machine

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import OrganisationKind, Role
from umbrella.areas.models import PoliceZone
from umbrella.directory.models import OperatingStatus, TraffickingReference
from umbrella.directory.tests import factories as directory
from umbrella.observatory import queries
from umbrella.observatory.models import Tally
from umbrella.observatory.tests.factories import (
    BRUSSELS_CITY,
    SAINT_JOSSE,
    SCHAERBEEK,
    at,
    picture,
    read,
)
from umbrella.training.courses.actions import issue_certificate
from umbrella.training.tests.factories import make_course

pytestmark = pytest.mark.django_db
REGION = "04000"


NIGHT = tuple((d, time(20), time(6)) for d in range(7))  # 20:00 to 06:00 the next morning
DAY = tuple((d, time(9), time(18)) for d in range(7))


def test_toilets_in_service_and_open_at_night_per_visible_neighbourhood():
    north = [
        directory.toilet(directory.NORTH_STATION, hours=directory.ALWAYS),
        directory.toilet(directory.NORTH_STATION, hours=NIGHT),
        directory.toilet(directory.NORTH_STATION, hours=DAY),
        directory.toilet(directory.NORTH_STATION, hours=()),  # hours unknown
    ]
    directory.toilet(directory.NORTH_STATION, status=OperatingStatus.TEMPORARILY_CLOSED)
    directory.toilet(directory.NORTH_STATION, is_demo=True)  # illustrative: never counted
    directory.toilet(directory.UCCLE)  # not where sex work is visible
    code = str(north[0].location.neighbourhood.code)
    assert code in queries._visible_neighbourhoods()
    picture()
    in_service = read("toilets-in-service-visible", period="month", by="neighbourhood")
    assert in_service[("2027-01", code)] == (4, False)  # small counts shown: k = 1
    others = {key: v for key, v in in_service.items() if key[1] != code}
    assert others and all(v == (0, False) for v in others.values())
    night = read("toilets-open-at-night-visible", period="month", by="neighbourhood")
    assert night[("2027-01", code)] == (2, False)
    # Only January has a picture: December is unknown, not 0.
    assert {period for period, _code in in_service} == {"2027-01"}
    # The API answers them by neighbourhood when no level is asked.
    with pytest.raises(queries.BadQuery):
        queries.table("toilets-in-service-visible", by="region")


def test_a_picture_is_taken_once_a_month_and_kept():
    directory.toilet(directory.NORTH_STATION)
    picture()
    directory.toilet(directory.NORTH_STATION)
    picture(at(2027, 2, 10))  # later in February: January's picture stays as it was
    assert Tally.objects.get(measure="toilets.in_service", month="2027-01-01").count == 1
    picture(
        at(
            2027,
            3,
            1,
            0,
        )
    )
    assert Tally.objects.get(measure="toilets.in_service", month="2027-02-01").count == 2
    assert Tally.objects.get(measure="toilets.in_service", month="2027-01-01").count == 1


def test_services_holding_the_label_by_municipality():
    saint_josse = [directory.service(trained_non_stigmatising=True) for _ in range(3)]
    directory.service(trained_non_stigmatising=False)
    directory.service(trained_non_stigmatising=True, status=OperatingStatus.INACTIVE)
    assert saint_josse[0].location.municipality.nis_code == SAINT_JOSSE
    picture()
    label = read("services-trained-label", period="month", by="municipality")
    assert label[("2027-01", SAINT_JOSSE)] == (3, False)
    assert label[("2027-01", BRUSSELS_CITY)] == (0, False)
    assert read("services-trained-label", period="month")[("2027-01", REGION)] == (3, False)


def test_each_police_zone_s_trafficking_reference():
    zone = PoliceZone.objects.get(code="5344")
    TraffickingReference.objects.create(police_zone=zone, function_en="Cell TEH")
    demo = PoliceZone.objects.get(code="5339")
    TraffickingReference.objects.create(police_zone=demo, function_en="Demo", is_demo=True)
    picture()
    zones = read("police-zones-trafficking-reference", period="month", by="police_zone")
    assert zones[("2027-01", "5344")] == (1, False)
    assert zones[("2027-01", "5339")] == (0, False)
    region = read("police-zones-trafficking-reference", period="month", by="region")
    assert region[("2027-01", REGION)] == (1, False)


_people = iter(range(10**6))


def staff(organisation, n, *, certified_at=None, course=None):
    for _ in range(n):
        user = accounts.create_account(
            f"staff-{next(_people)}",
            Role.SERVICE_STAFF,
            password_hash="!",
        )
        accounts.add_membership(user, organisation)
        if certified_at is not None:
            issue_certificate(user, course, certified_at)


def test_training_coverage_of_ocmw_cpas_and_actiris_with_k_10_on_staff():
    course = make_course()

    def ocmw(name, nis):
        return accounts.ensure_organisation(name, OrganisationKind.PUBLIC_SERVICE, nis_code=nis)

    ixelles = ocmw("OCMW/CPAS Elsene/Ixelles", "21009")
    saint_josse = ocmw("OCMW/CPAS Sint-Joost/Saint-Josse", SAINT_JOSSE)
    schaerbeek = ocmw("OCMW/CPAS Schaarbeek/Schaerbeek", SCHAERBEEK)
    actiris = accounts.ensure_organisation("Actiris", OrganisationKind.PUBLIC_SERVICE)
    certified = at(2026, 12, 1)
    staff(ixelles, 20, certified_at=certified, course=course)
    staff(ixelles, 20)
    staff(saint_josse, 10, certified_at=certified, course=course)
    staff(saint_josse, 30)
    staff(schaerbeek, 12, certified_at=certified, course=course)
    staff(schaerbeek, 3)  # three without a certificate: fewer than ten
    staff(actiris, 10, certified_at=certified, course=course)
    staff(actiris, 10)
    picture()
    cover = read("training-coverage-ocmw-cpas", period="month", by="municipality")
    assert cover[("2027-01", "21009")] == (0.5, False)
    assert cover[("2027-01", SCHAERBEEK)] == (None, True)
    # Saint-Josse hides with it: the zone's figure minus Saint-Josse would be Schaerbeek's.
    assert cover[("2027-01", SAINT_JOSSE)] == (None, True)
    region = read("training-coverage-ocmw-cpas", period="month", by="region")
    assert region[("2027-01", REGION)] == (round(42 / 95, 4), False)
    assert read("training-coverage-actiris", period="month")[("2027-01", REGION)] == (0.5, False)


def test_the_api_answers_a_neighbourhood_figure_by_neighbourhood_by_default(client):
    toilet = directory.toilet(directory.NORTH_STATION)
    picture()
    with time_machine.travel(at(2027, 2, 15), tick=False):
        queries.forget()
        response = client.get("/api/v1/statistics/toilets-in-service-visible")
    assert response.status_code == 200
    rows = response.json()["rows"]
    neighbourhood = toilet.location.neighbourhood
    row = next(r for r in rows if r["area"]["code"] == str(neighbourhood.code))
    assert row == {
        "period": "2027-01",
        "area": {
            "kind": "neighbourhood",
            "code": str(neighbourhood.code),
            "name": neighbourhood.name_fr.title(),  # English readers get the French name
        },
        "value": 1,
        "suppressed": False,
    }


def test_the_evaluation_report_draws_a_services_figure_by_neighbourhood():
    from umbrella.observatory.report import evaluation_report
    from umbrella.observatory.tests.test_report import pdf_text

    toilet = directory.toilet(directory.NORTH_STATION)
    picture()
    with time_machine.travel(at(2027, 2, 15), tick=False):
        queries.forget()
        pdf = evaluation_report(at(2027, 1, 1).date(), at(2027, 1, 31).date(), "nl")
    text = " ".join(pdf_text(pdf).split())
    assert "Openbare toiletten in gebruik waar sekswerk zichtbaar is" in text
    assert toilet.location.neighbourhood.name_nl.title() in text
    # The disclosure note says why small counts of places are shown.
    assert "wijzen naar geen enkele persoon" in text
