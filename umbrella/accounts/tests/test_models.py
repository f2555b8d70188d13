import pytest
from django.db import IntegrityError

from umbrella.accounts import actions
from umbrella.accounts.models import Role, User

STAFF_ROLES = [role for role in Role if role not in (Role.SEX_WORKER, Role.RESIDENT)]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_role_but_sex_workers_and_residents_is_a_staff_role(role):
    assert User(role=role).is_staff_role()
    assert User(role=role).requires_two_factor()


@pytest.mark.parametrize("role", [Role.SEX_WORKER, Role.RESIDENT])
def test_sex_workers_and_residents_are_not_staff_and_need_no_2fa(role):
    assert not User(role=role).is_staff_role()
    assert not User(role=role).requires_two_factor()


def test_responders_count_as_staff():
    assert User(role=Role.RESPONDER).requires_two_factor()


def test_django_staff_flag_requires_2fa_whatever_the_role():
    assert User(role=Role.SEX_WORKER, is_staff=True).requires_two_factor()


def test_exempt_accounts_need_no_2fa():
    assert not User(
        role=Role.ADMIN, is_superuser=True, two_factor_exempt=True
    ).requires_two_factor()


def test_names_are_unique_regardless_of_case(db):
    actions.create_account("Ana", Role.SEX_WORKER)
    with pytest.raises(IntegrityError):
        actions.create_account("ana", Role.SEX_WORKER)


def test_sign_in_name_lookup_ignores_case(db):
    ana = actions.create_account("Ana", Role.SEX_WORKER)
    assert User.objects.get_by_natural_key("ana") == ana
    assert User.objects.get_by_natural_key("Ana") == ana
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("bob")


def test_only_sex_workers_and_residents_can_sign_up_on_their_own(db):
    with pytest.raises(ValueError):
        actions.sign_up("cop", "a long enough passphrase", Role.POLICE_REFERENCE)


def test_membership_is_unique_and_updated_in_place(personas):
    organisation = personas.outreach.memberships.get().organisation
    actions.add_membership(personas.outreach, organisation, on_duty=False)
    membership = personas.outreach.memberships.get()
    assert membership.on_duty is False
    assert actions.remove_membership(personas.outreach, organisation)
    assert not personas.outreach.memberships.exists()
