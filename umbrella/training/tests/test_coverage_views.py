"""Coverage per organisation, per municipality and region-wide; the tracker indicator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import OrganisationKind, Role
from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- municipality names
from umbrella.core import indicators as registry
from umbrella.training.courses import queries
from umbrella.training.courses.actions import issue_certificate
from umbrella.training.tests.factories import make_course


def staff_of(organisation, count, prefix):
    people = []
    for i in range(count):
        user = accounts.create_account(f"{prefix}{i}", Role.SERVICE_STAFF, password_hash="!")
        accounts.add_membership(user, organisation)
        people.append(user)
    return people


@pytest.fixture
def region(db):
    """Two OCMW/CPAS and an Actiris office in two municipalities, and a police zone."""
    course = make_course()
    now = timezone.now()
    cpas_sj = accounts.ensure_organisation(
        "OCMW/CPAS Saint-Josse (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21014"
    )
    actiris_sj = accounts.ensure_organisation(
        "Actiris Saint-Josse (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21014"
    )
    cpas_sch = accounts.ensure_organisation(
        "OCMW/CPAS Schaerbeek (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21015"
    )
    police = accounts.ensure_organisation("Zone (t)", OrganisationKind.POLICE_ZONE)
    a = staff_of(cpas_sj, 4, "sj")
    b = staff_of(actiris_sj, 2, "ac")
    c = staff_of(cpas_sch, 5, "sch")
    d = staff_of(police, 3, "pol")
    issue_certificate(a[0], course, now - timedelta(days=10))
    issue_certificate(a[1], course, now - timedelta(days=700))  # lapses within 60 days
    issue_certificate(b[0], course, now - timedelta(days=800))  # expired
    for person in c[:4]:
        issue_certificate(person, course, now - timedelta(days=1))
    issue_certificate(d[0], course, now)  # not a public service
    return {"now": now, "cpas_sj": cpas_sj, "actiris_sj": actiris_sj, "cpas_sch": cpas_sch}


@pytest.mark.django_db
def test_organisation_coverage(region):
    now = region["now"]
    assert queries.organisation_coverage(region["cpas_sj"], now) == queries.Coverage(4, 2, 1)
    assert queries.organisation_coverage(region["cpas_sj"], now).percent == 50.0
    assert queries.organisation_coverage(region["actiris_sj"], now) == queries.Coverage(2, 0, 0)
    assert queries.organisation_coverage(region["cpas_sch"], now) == queries.Coverage(5, 4, 0)


@pytest.mark.django_db
def test_a_renewed_certificate_is_not_counted_as_expiring(region):
    now = region["now"]
    holder = region["cpas_sj"].memberships.get(user__username="sj1").user
    issue_certificate(holder, queries.stigma_course(), now)
    assert queries.organisation_coverage(region["cpas_sj"], now) == queries.Coverage(4, 2, 0)


@pytest.mark.django_db
def test_municipality_and_region_coverage(region):
    now = region["now"]
    rows = {row.nis_code: row for row in queries.municipality_coverage(now)}
    assert set(rows) == {"21014", "21015"}
    assert rows["21014"].total == queries.Coverage(6, 2, 1)
    assert [o.name for o, _c in rows["21014"].organisations] == [
        "Actiris Saint-Josse (t)",
        "OCMW/CPAS Saint-Josse (t)",
    ]
    assert rows["21015"].total == queries.Coverage(5, 4, 0)
    assert queries.region_coverage(now) == queries.Coverage(11, 6, 1)


@pytest.mark.django_db
def test_the_coverage_page_shows_the_figures(client, region):
    html = client.get("/nl/training/coverage/").content.decode()
    assert "Sint-Joost-ten-Node" in html  # the municipality's Dutch name
    assert "OCMW/CPAS Schaerbeek (t)" in html
    assert "Zone (t)" not in html
    html = client.get("/fr/training/coverage/").content.decode()
    assert "Saint-Josse-ten-Noode" in html


@pytest.mark.django_db
def test_the_indicator_counts_ocmw_cpas_staff_only(region):
    # A fifth person at Saint-Josse: below 5 staff its figures would be withheld
    # (test_public_services); here every OCMW/CPAS has 5 staff.
    staff_of(region["cpas_sj"], 1, "sj-new")
    figure = registry.get("training.ocmw_cpas_staff_trained").compute(region["now"])
    # Saint-Josse 2 of 5, Schaerbeek 4 of 5; the Actiris office is not an OCMW/CPAS.
    assert (figure.value, figure.denominator) == (6, 10)


@pytest.mark.django_db
def test_the_indicator_without_staff():
    figure = registry.get("training.ocmw_cpas_staff_trained").compute(timezone.now())
    assert figure.value is None and figure.note
