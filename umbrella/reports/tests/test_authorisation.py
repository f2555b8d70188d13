"""Who sees and updates what: the reporter, the routed body, another body, police, the public.

Both for an ordinary report (litter in Saint-Josse, to its municipality) and
a confidential one (trafficking in Saint-Josse, to zone 5344's reference
person, and PAG-ASA when the reporter chose it).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import Role
from umbrella.core.audit import reads_of
from umbrella.reports import actions, queries
from umbrella.reports.tests.conftest import submit

pytestmark = pytest.mark.django_db

TRAFFICKING = "Young women seem to be kept in the flat and never go out alone."


@pytest.fixture
def ordinary(matrix):
    return submit(user=matrix.people.resident).report


@pytest.fixture
def confidential(matrix):
    return submit(
        code="trafficking",
        description=TRAFFICKING,
        user=matrix.people.worker,
        wants_victim_support=True,
    ).report


def people(matrix) -> dict:
    p = matrix.people
    return {
        "reporter (resident)": p.resident,
        "reporter (worker)": p.worker,
        "municipality 21014": p.municipality,
        "municipality 21015": matrix.schaerbeek,
        "police 5344": p.police,
        "police 5341": matrix.midi_police,
        "outreach (Espace P)": p.outreach,
        "OCMW/CPAS staff": p.staff,
        "outsider": p.outsider,
        "anonymous": AnonymousUser(),
    }


ORDINARY_VIEW = {"reporter (resident)", "municipality 21014"}
ORDINARY_UPDATE = {"municipality 21014"}


def test_ordinary_report_matrix(matrix, ordinary):
    for name, person in people(matrix).items():
        assert queries.can_view(person, ordinary) is (name in ORDINARY_VIEW), name
        assert queries.can_update(person, ordinary) is (name in ORDINARY_UPDATE), name
    # The public sees it, rounded, on the public side.
    assert queries.public_report(ordinary.public_id) == ordinary
    assert ordinary in queries.public_reports()


def test_ordinary_report_inboxes(matrix, ordinary):
    assert list(queries.inbox_for(matrix.people.municipality)) == [ordinary]
    assert list(queries.inbox_for(matrix.schaerbeek)) == []
    assert list(queries.inbox_for(matrix.people.police)) == []
    assert queries.inbox_for(matrix.people.resident) is None
    assert queries.inbox_for(AnonymousUser()) is None


def test_confidential_report_matrix(matrix, confidential):
    view = {"reporter (worker)", "police 5344"}
    update = {"police 5344"}
    for name, person in people(matrix).items():
        assert queries.can_view(person, confidential) is (name in view), name
        assert queries.can_update(person, confidential) is (name in update), name


def test_the_chosen_victim_support_centre_sees_the_confidential_report(matrix, confidential):
    centre_org = accounts.ensure_organisation("PAG-ASA (test)", "support_organisation")
    counsellor = accounts.create_account("counsellor", Role.SUPPORT_WORKER)
    accounts.add_membership(counsellor, centre_org)
    matrix.pag_asa.organisation = centre_org
    matrix.pag_asa.save()
    assert queries.can_view(counsellor, confidential)
    assert confidential in queries.inbox_for(counsellor)


def test_a_confidential_report_is_never_public(matrix, confidential):
    assert queries.public_report(confidential.public_id) is None
    assert confidential not in queries.public_reports()
    assert confidential not in queries.public_reports(category="trafficking")
    at = confidential.created_at
    assert queries.likely_duplicates(confidential.category, 50.853, 4.369, at) == []


def test_only_police_reference_persons_of_the_zone_see_its_confidential_reports(
    matrix, confidential
):
    # A colleague in the same zone organisation without the reference role.
    colleague = accounts.create_account("desk-officer", Role.MUNICIPALITY_OFFICER)
    accounts.add_membership(colleague, matrix.zone_5344.organisation)
    assert not queries.can_view(colleague, confidential)
    assert confidential not in queries.inbox_for(colleague)
    assert confidential in queries.inbox_for(matrix.people.police)
    assert confidential not in queries.inbox_for(matrix.midi_police)
    with pytest.raises(actions.ReportInvalid):
        actions.post_update(confidential, author=colleague, text="Read it.", new_status="closed")
    actions.post_update(confidential, author=matrix.people.police, text="Taken up.", public=False)


def test_the_zones_trafficking_reference_organisation_also_receives_it(matrix, confidential):
    from umbrella.directory.models import TraffickingReference
    from umbrella.reports.tests.conftest import zone

    reference_org = accounts.ensure_organisation("Zone 5344 TEH cell (test)", "police_zone")
    officer = accounts.create_account("teh-officer", Role.POLICE_REFERENCE)
    accounts.add_membership(officer, reference_org)
    assert not queries.can_view(officer, confidential)
    TraffickingReference.objects.create(
        police_zone=zone("5344"), function_en="TEH cell", accounts_organisation=reference_org
    )
    assert queries.can_view(officer, confidential)
    assert confidential in queries.inbox_for(officer)


def test_platform_admins_read_ordinary_reports_but_never_confidential_ones(
    matrix, ordinary, confidential
):
    admin = matrix.people.admin
    assert queries.can_view(admin, ordinary)
    assert not queries.can_view(admin, confidential)
    assert not queries.can_update(admin, ordinary)


def test_reading_a_confidential_report_is_audited(matrix, confidential, ordinary):
    assert queries.read_report(matrix.people.police, confidential, "test read")
    entries = list(reads_of(confidential))
    assert [(e.actor, e.detail) for e in entries] == [(matrix.people.police, "test read")]
    assert not queries.read_report(matrix.people.municipality, confidential, "not allowed")
    assert len(reads_of(confidential)) == 1
    assert queries.read_report(matrix.people.municipality, ordinary, "ordinary")
    assert len(reads_of(ordinary)) == 0


def test_the_reporter_follows_up_with_the_code_only(matrix):
    submitted = submit()
    assert queries.report_for_code(submitted.follow_up_code) == submitted.report
    assert queries.report_for_code(submitted.follow_up_code[:-1]) is None
    assert queries.report_for_code("") is None
    assert queries.report_of_reporter(matrix.people.resident, submitted.report.pk) is None


def test_harassment_of_sex_workers_is_seen_by_outreach_and_by_police_only_if_asked(matrix):
    text = "A man threatens the sex workers with a knife."
    quiet = submit(code="sex-worker-harassment", description=text).report
    asked = submit(code="sex-worker-harassment", description=text, wants_police=True).report
    outreach, police = matrix.people.outreach, matrix.people.police
    assert queries.can_view(outreach, quiet) and queries.can_update(outreach, quiet)
    assert not queries.can_view(police, quiet)
    assert queries.can_view(police, asked)
    assert not queries.can_view(matrix.people.municipality, asked)
    assert queries.public_report(quiet.pk) is None
