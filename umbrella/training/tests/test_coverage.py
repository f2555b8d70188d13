"""Coverage figures: the share of an organisation's staff holding a valid certificate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import OrganisationKind, Role
from umbrella.training.courses.actions import issue_certificate, revoke_certificate
from umbrella.training.courses.queries import Share, certified_share
from umbrella.training.tests.factories import make_course


@pytest.fixture
def organisation(db):
    return accounts.ensure_organisation(
        "OCMW/CPAS Ixelles (test)", OrganisationKind.PUBLIC_SERVICE, nis_code="21009"
    )


def member(organisation, name):
    user = accounts.create_account(name, Role.SERVICE_STAFF, password_hash="!")
    accounts.add_membership(user, organisation)
    return user


@pytest.mark.django_db
def test_certified_share_counts_valid_certificates_of_active_members(organisation):
    course = make_course()
    other_course = make_course(slug="another-course")
    now = timezone.now()
    a, b, c, d = (member(organisation, f"s{i}") for i in range(4))
    outsider = accounts.create_account("elsewhere", Role.SERVICE_STAFF, password_hash="!")
    issue_certificate(a, course, now - timedelta(days=10))
    issue_certificate(a, course, now - timedelta(days=5))  # a second one counts once
    issue_certificate(b, course, now - timedelta(days=800))  # expired
    issue_certificate(c, other_course, now)  # not the stigma course
    revoke_certificate(issue_certificate(d, course, now - timedelta(days=1)), now)
    issue_certificate(outsider, course, now)  # not a member
    assert certified_share(organisation, now) == Share(certified=1, staff=4)
    assert certified_share(organisation, now).percent == 25.0


@pytest.mark.django_db
def test_certified_share_at_a_moment_and_inactive_members(organisation):
    course = make_course()
    now = timezone.now()
    a = member(organisation, "a")
    b = member(organisation, "b")
    issue_certificate(a, course, now)
    issue_certificate(b, course, now)
    # Before it was issued, a certificate does not count; after 730 days it has lapsed.
    assert certified_share(organisation, now - timedelta(seconds=1)) == Share(0, 2)
    assert certified_share(organisation, now + timedelta(days=730)) == Share(0, 2)
    assert certified_share(organisation, now + timedelta(days=729)) == Share(2, 2)
    b.is_active = False
    b.save()
    assert certified_share(organisation, now) == Share(1, 1)


@pytest.mark.django_db
def test_certified_share_without_course_or_staff(organisation):
    assert certified_share(organisation) == Share(0, 0)
    assert certified_share(organisation).percent is None
    member(organisation, "x")
    assert certified_share(organisation) == Share(0, 1)
