"""Enrolment: managers form cohorts and invite; staff join by code or invitation; overdue."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import Membership, MembershipRole, Role
from umbrella.testing import sign_in
from umbrella.training.courses import actions, queries
from umbrella.training.courses.actions import issue_certificate
from umbrella.training.models import Cohort, CohortMember, Invitation
from umbrella.training.tests.factories import make_course


@pytest.fixture
def cpas(staff):
    return staff.memberships.get().organisation


@pytest.fixture
def manager(cpas):
    user = accounts.create_account("manager", Role.SERVICE_STAFF, password_hash="!")
    accounts.add_membership(user, cpas, role=MembershipRole.MANAGER)
    return user


@pytest.fixture
def cohort(manager, cpas):
    return actions.create_cohort(manager, cpas, make_course(), "Social workers", date(2027, 6, 30))


@pytest.mark.django_db
def test_only_managers_form_cohorts(staff, cpas):
    with pytest.raises(actions.EnrolmentError):
        actions.create_cohort(staff, cpas, make_course(), "x", date(2027, 1, 1))
    assert not Cohort.objects.exists()


@pytest.mark.django_db
def test_join_by_code_adds_the_member_and_the_membership(cohort, resident):
    code = cohort.join_code.lower()
    spaced = f"{code[:4]}-{code[4:]}"
    actions.join_with_code(resident, spaced, timezone.now())
    actions.join_with_code(resident, code, timezone.now())  # idempotent
    assert CohortMember.objects.filter(cohort=cohort, user=resident).count() == 1
    assert Membership.objects.filter(user=resident, organisation=cohort.organisation).exists()
    with (
        translation.override("en"),
        pytest.raises(actions.EnrolmentError, match="No training group has this code"),
    ):
        actions.join_with_code(resident, "WRONG", timezone.now())


@pytest.mark.django_db(transaction=True)
def test_invitation_by_email_then_accepted_erases_the_address(manager, cohort, resident):
    now = timezone.now()
    actions.invite_by_email(manager, cohort, "ana@example.org", now)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]
    token = re.search(r"/invitations/([^/]+)/", mail.outbox[0].body).group(1)
    invitation = actions.invitation_by_token(token)
    assert invitation is not None and Invitation.objects.get().token_hash != token
    actions.accept_invitation(resident, invitation, now)
    invitation.refresh_from_db()
    assert invitation.email == "" and invitation.accepted_by == resident
    assert CohortMember.objects.filter(cohort=cohort, user=resident).exists()


@pytest.mark.django_db
def test_an_invitation_expires_after_30_days(manager, cohort, resident):
    now = timezone.now()
    invitation = actions.invite_by_email(manager, cohort, "a@example.org", now)
    with (
        translation.override("en"),
        pytest.raises(actions.EnrolmentError, match="expired"),
    ):
        actions.accept_invitation(resident, invitation, now + timedelta(days=30))
    actions.accept_invitation(resident, invitation, now + timedelta(days=29))


@pytest.mark.django_db
def test_overdue_after_the_deadline_without_a_certificate(cohort, staff, resident):
    actions.join_cohort(staff, cohort, timezone.now())
    actions.join_cohort(resident, cohort, timezone.now())
    issue_certificate(resident, cohort.course, timezone.now())
    with time_machine.travel("2027-06-30 23:59:59 +02:00", tick=False):
        rows = {r.user.username: r for r in queries.cohort_members(cohort, timezone.now())}
        assert not rows["staff"].overdue and not rows["resident"].overdue
    with time_machine.travel("2027-07-01 00:00:00 +02:00", tick=False):
        rows = {r.user.username: r for r in queries.cohort_members(cohort, timezone.now())}
        assert rows["staff"].overdue and not rows["resident"].overdue
        assert [r.overdue for r in queries.user_cohorts(staff, timezone.now())] == [True]


@pytest.mark.django_db
def test_manager_pages(client, manager, cpas, staff):
    make_course()
    sign_in(client, staff)
    assert client.get(f"/en/training/organisations/{cpas.pk}/").status_code == 404
    sign_in(client, manager)
    url = f"/en/training/organisations/{cpas.pk}/"
    assert client.get(url).status_code == 200
    course = queries.stigma_course()
    bad = client.post(url, {"name": "Group A", "course": course.pk, "deadline": "2001-01-01"})
    assert bad.status_code == 400
    assert "The deadline cannot be in the past." in bad.content.decode()
    assert 'value="Group A"' in bad.content.decode()  # input kept
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(url, {"name": "Group A", "course": course.pk, "deadline": deadline})
    cohort = Cohort.objects.get(name="Group A")
    assert response["Location"] == f"/en/training/organisations/{cpas.pk}/groups/{cohort.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert cohort.join_code[:4] in page
    invalid = client.post(response["Location"], {"email": "not an address"})
    assert invalid.status_code == 400 and "not an address" in invalid.content.decode()


@pytest.mark.django_db
def test_join_page(client, cohort, staff):
    sign_in(client, staff)
    bad = client.post("/nl/training/join/", {"code": "NOPE"})
    assert bad.status_code == 400 and 'value="NOPE"' in bad.content.decode()
    ok = client.post("/nl/training/join/", {"code": cohort.join_code})
    assert ok.status_code == 302
    assert CohortMember.objects.filter(cohort=cohort, user=staff).exists()
    assert "Social workers" in client.get("/nl/training/").content.decode()


@pytest.mark.django_db
def test_addresses_of_invitations_expired_unused_are_erased(manager, cohort):
    from umbrella.core.worker import registered_tasks
    from umbrella.training.courses import tasks

    now = timezone.now()
    old = actions.invite_by_email(manager, cohort, "old@example.org", now)
    new = actions.invite_by_email(manager, cohort, "new@example.org", now + timedelta(days=1))
    task = tasks.erase_expired_invitation_addresses
    assert task in registered_tasks().values()
    assert task(now + timedelta(days=30)) is True
    assert task(now + timedelta(days=30)) is False
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.email, new.email) == ("", "new@example.org")


@pytest.mark.django_db
def test_accept_page_joins_the_group(
    client, manager, cohort, resident, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_by_email(manager, cohort, "r@example.org", now)
    token = re.search(r"/invitations/([^/]+)/", mail.outbox[-1].body).group(1)
    sign_in(client, resident)
    url = f"/en/training/invitations/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Social workers" in page.content.decode()
    assert client.post(url).status_code == 302
    assert CohortMember.objects.filter(cohort=cohort, user=resident).exists()
    assert client.get("/en/training/invitations/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_the_training_page_lists_my_certificates(client, staff):
    certificate = issue_certificate(staff, make_course(), timezone.now())
    sign_in(client, staff)
    html = client.get("/en/training/").content.decode()
    assert f"/en/training/certificates/{certificate.code}.pdf" in html
