"""The OCMW/CPAS and Actiris seeded by ``load_training``; the public coverage page withholds
figures about fewer than 5 staff (and totals that would give them away); links to feedback."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import Organisation, OrganisationKind, Role
from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- the 19 municipalities
from umbrella.core import indicators as registry
from umbrella.directory.models import Organization
from umbrella.directory.seeds import load_directory
from umbrella.testing import sign_in
from umbrella.training.courses import queries
from umbrella.training.courses.actions import issue_certificate
from umbrella.training.seeds import ACTIRIS, load_public_services
from umbrella.training.tests.factories import make_course


def staff_of(organisation, count, prefix, role=None):
    people = []
    for i in range(count):
        user = accounts.create_account(f"{prefix}{i}", Role.SERVICE_STAFF, password_hash="!")
        accounts.add_membership(user, organisation, **({"role": role} if role else {}))
        people.append(user)
    return people


# --- Seeds -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_19_ocmw_cpas_and_actiris_are_seeded_once():
    result = load_public_services()
    assert len(result.created) == 20
    services = Organisation.objects.filter(kind=OrganisationKind.PUBLIC_SERVICE)
    assert services.count() == 20
    anderlecht = services.get(nis_code="21001")
    assert anderlecht.name == "OCMW Anderlecht / CPAS Anderlecht"
    assert services.get(nis_code="21014").name == (
        "OCMW Sint-Joost-ten-Node / CPAS Saint-Josse-ten-Noode"
    )
    assert len({o.nis_code for o in services.exclude(nis_code="")}) == 19
    actiris = services.get(name=ACTIRIS)
    assert actiris.nis_code == ""  # no office address is known: one regional organisation
    assert queries.ocmw_cpas().count() == 19

    again = load_public_services()
    assert again.created == [] and len(again.existing) == 20
    assert Organisation.objects.filter(kind=OrganisationKind.PUBLIC_SERVICE).count() == 20


@pytest.mark.django_db
def test_an_organisation_corrected_by_hand_is_left_alone():
    load_public_services()
    Organisation.objects.filter(name=ACTIRIS).update(nis_code="21014")
    load_public_services()
    assert Organisation.objects.get(name=ACTIRIS).nis_code == "21014"


@pytest.mark.django_db
def test_the_directory_entries_of_the_same_services_are_linked_when_unlinked():
    load_directory()
    other = accounts.ensure_organisation("Editors (t)", OrganisationKind.PUBLIC_SERVICE)
    Organization.objects.filter(slug="ocmw-cpas-21015").update(accounts_organisation=other)
    result = load_public_services()
    assert len(result.linked) == 19
    entry = Organization.objects.get(slug="ocmw-cpas-21001")
    assert entry.accounts_organisation.name == "OCMW Anderlecht / CPAS Anderlecht"
    assert Organization.objects.get(slug="actiris").accounts_organisation.name == ACTIRIS
    # An entry that already has its editors keeps them.
    assert Organization.objects.get(slug="ocmw-cpas-21015").accounts_organisation == other


@pytest.mark.django_db
def test_load_training_seeds_them_and_the_coverage_page_lists_them_with_0_staff(client):
    out = io.StringIO()
    call_command("load_training", stdout=out)
    assert "Public services: 20 created" in out.getvalue()
    html = client.get("/nl/training/coverage/").content.decode()
    assert "OCMW Anderlecht / CPAS Anderlecht" in html
    assert "OCMW Ukkel / CPAS Uccle" in html
    assert "Actiris" in html
    assert "Nog geen personeel geregistreerd." in html


@pytest.mark.django_db
def test_load_training_of_named_courses_seeds_nothing(tmp_path):
    from umbrella.training.courses.content_loader import CONTENT_DIR

    call_command("load_training", str(CONTENT_DIR / "working-without-stigma"), stdout=io.StringIO())
    assert not Organisation.objects.filter(kind=OrganisationKind.PUBLIC_SERVICE).exists()


# --- Small staff counts --------------------------------------------------------------------


@pytest.fixture
def small_and_large(db):
    """Saint-Josse: a CPAS of 1 (untrained) and an office of 6 (3 trained); Schaerbeek: a
    CPAS of 2 and one of 3 (5 together); Actiris (regional) with 5 staff, 5 trained."""
    course = make_course()
    now = timezone.now()
    orgs = {
        "one": accounts.ensure_organisation(
            "OCMW/CPAS One (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21014"
        ),
        "six": accounts.ensure_organisation(
            "Office Six (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21014"
        ),
        "two": accounts.ensure_organisation(
            "OCMW/CPAS Two (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21015"
        ),
        "three": accounts.ensure_organisation(
            "OCMW/CPAS Three (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21015"
        ),
        "actiris": accounts.ensure_organisation("Actiris (t)", OrganisationKind.PUBLIC_SERVICE),
    }
    staff_of(orgs["one"], 1, "one")
    for person in staff_of(orgs["six"], 6, "six")[:3]:
        issue_certificate(person, course, now - timedelta(days=3))
    issue_certificate(staff_of(orgs["two"], 2, "two")[0], course, now)
    staff_of(orgs["three"], 3, "three")
    for person in staff_of(orgs["actiris"], 5, "act"):
        issue_certificate(person, course, now)
    return {"now": now, **orgs}


def _row(html: str, name: str) -> str:
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_the_public_page_shows_no_share_of_fewer_than_5_staff(client, small_and_large):
    html = client.get("/en/training/coverage/").content.decode()
    one = _row(html, "OCMW/CPAS One (t)")
    assert "<td>1</td>" in one and "not shown" in one and "%" not in one
    six = _row(html, "Office Six (t)")
    assert "<td>6</td>" in six and "<td>3</td>" in six and "50.0 %" in six
    # Saint-Josse's total minus the office of 6 would give the CPAS of 1 away.
    assert "not shown" in _row(html, "<strong>Saint-Josse-ten-Noode")
    # Schaerbeek: two small services, 5 staff together: the total may be shown.
    schaerbeek = _row(html, "<strong>Schaerbeek")
    assert "<td>5</td>" in schaerbeek and "<td>1</td>" in schaerbeek and "20.0 %" in schaerbeek
    assert "not shown" in _row(html, "OCMW/CPAS Two (t)")
    actiris = _row(html, "Actiris (t)")
    assert "<td>5</td>" in actiris and "100.0 %" in actiris
    # The region minus everything shown leaves the CPAS of 1: withheld as well.
    assert "17 staff members registered. The share trained is not shown" in html
    assert "0 of 1" not in html


@pytest.mark.django_db
def test_the_withholding_rules(small_and_large):
    now = small_and_large["now"]
    rows = {row.nis_code: row for row in queries.municipality_coverage(now)}
    assert (rows["21014"].withheld, rows["21014"].total_shown) == (1, False)
    assert (rows["21015"].withheld, rows["21015"].total_shown) == (5, True)
    regional = queries.regional_coverage(now)
    assert [o.name for o, _c in regional] == ["Actiris (t)"]
    assert queries.region_withheld(list(rows.values()), regional) == 1
    assert queries.region_coverage(now) == queries.Coverage(17, 9, 0)
    assert not queries.total_is_shown(queries.Coverage(4, 0, 0), 0)
    assert queries.total_is_shown(queries.Coverage(5, 0, 0), 0)


@pytest.mark.django_db
def test_the_manager_sees_the_exact_figures_of_their_own_organisation(client, small_and_large):
    manager = accounts.create_account("boss", Role.SERVICE_STAFF, password_hash="!")
    accounts.add_membership(manager, small_and_large["two"], role="manager")
    sign_in(client, manager)
    html = client.get(f"/en/training/organisations/{small_and_large['two'].pk}/").content.decode()
    assert "1 of 3 staff hold a valid certificate (33.3 %)." in html


@pytest.mark.django_db
def test_the_indicator_is_withheld_while_it_would_give_a_small_service_away(small_and_large):
    now = small_and_large["now"]
    figure = registry.get("training.ocmw_cpas_staff_trained").compute(now)
    # OCMW/CPAS One (1 staff), Two (2), Three (3): withheld on the page, 6 staff together.
    assert (figure.value, figure.denominator) == (1, 6)

    def rename(key, name):
        Organisation.objects.filter(pk=small_and_large[key].pk).update(name=name)

    rename("one", "Office One (t)")
    rename("two", "Office Two (t)")
    rename("six", "OCMW/CPAS Six (t)")
    # Six (6, shown on the page) and Three (3, withheld): the total would give Three away.
    figure = registry.get("training.ocmw_cpas_staff_trained").compute(now)
    assert figure.value is None and figure.denominator is None
    assert "one person" in figure.note


@pytest.mark.django_db
def test_the_indicator_withholds_a_total_of_fewer_than_5(db):
    make_course()
    cpas = accounts.ensure_organisation(
        "OCMW/CPAS Small (t)", OrganisationKind.PUBLIC_SERVICE, nis_code="21001"
    )
    staff_of(cpas, 3, "small")
    figure = registry.get("training.ocmw_cpas_staff_trained").compute(timezone.now())
    assert figure.value is None and "one person" in figure.note


# --- Links to the stigma loop ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_training_page_links_to_the_feedback_pages(client, staff, platform_admin):
    html = client.get("/en/training/").content.decode()
    assert 'href="/en/training/feedback/"' in html
    assert "/en/training/feedback/organisation/" not in html
    assert "/en/training/feedback/moderation/" not in html

    sign_in(client, staff)
    html = client.get("/en/training/").content.decode()
    assert 'href="/en/training/feedback/organisation/"' in html
    assert "/en/training/feedback/moderation/" not in html

    client.logout()
    sign_in(client, platform_admin)
    html = client.get("/en/training/").content.decode()
    assert 'href="/en/training/feedback/moderation/"' in html


@pytest.mark.django_db
def test_the_organisation_page_links_to_its_feedback(client, staff):
    organisation = staff.memberships.get().organisation
    accounts.add_membership(staff, organisation, role="manager")
    sign_in(client, staff)
    html = client.get(f"/nl/training/organisations/{organisation.pk}/").content.decode()
    assert 'href="/nl/training/feedback/organisation/"' in html
