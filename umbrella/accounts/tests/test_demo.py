from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from umbrella.accounts.demo import ACCOUNTS
from umbrella.accounts.models import Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "demo-password-123"


def _run(settings, *args, production=False):
    settings.DEBUG = False  # a local install's default (`make run`)
    settings.PRODUCTION = production
    call_command("demo", *args)


def test_creates_every_demo_account_with_the_password_and_no_2fa(settings, db, capsys):
    _run(settings, "--password", PASSWORD)
    output = capsys.readouterr().out
    assert f"Demo password: {PASSWORD}" in output
    assert "Escalation after: 60 seconds" in output
    users = {user.username: user for user in User.objects.all()}
    assert set(users) == set(ACCOUNTS)
    for username in ACCOUNTS:
        assert authenticate(username=username, password=PASSWORD) == users[username]
        assert users[username].two_factor_exempt
        assert not users[username].requires_two_factor()
    assert users["demo-worker"].role == Role.SEX_WORKER
    assert users["demo-responder"].role == Role.RESPONDER
    assert users["demo-admin"].is_superuser and users["demo-admin"].is_staff
    assert not users["demo-police"].is_staff


def test_organisations_and_memberships(settings, db):
    _run(settings, "--password", PASSWORD)
    outreach = Membership.objects.get(user__username="demo-outreach")
    assert outreach.on_duty
    assert outreach.organisation.kind == OrganisationKind.SUPPORT_ORGANISATION
    municipality = Membership.objects.get(user__username="demo-municipality").organisation
    assert (municipality.kind, municipality.nis_code) == (OrganisationKind.MUNICIPALITY, "21014")
    police = Membership.objects.get(user__username="demo-police").organisation
    assert (police.kind, police.zone_code) == (OrganisationKind.POLICE_ZONE, "5344")
    staff = Membership.objects.get(user__username="demo-staff").organisation
    assert (staff.kind, staff.nis_code) == (OrganisationKind.PUBLIC_SERVICE, "21014")
    assert "CPAS" in staff.name


def test_running_twice_resets_instead_of_duplicating(settings, db):
    _run(settings, "--password", PASSWORD)
    first_ids = dict(User.objects.values_list("username", "pk"))
    # The accounts demo's four organisations, the alarms demo studio, and those
    # the other apps' demos add (the consultation platform's Region, …).
    organisations = sorted(Organisation.objects.values_list("name", flat=True))
    memberships = Membership.objects.count()
    assert len(organisations) >= 5 and memberships >= 5
    worker = User.objects.get(username="demo-worker")
    worker.set_password("changed by someone")
    worker.is_active = False
    worker.role = Role.RESIDENT
    worker.save()
    _run(settings, "--password", "second-password-456", "--escalate-after", "5")
    assert dict(User.objects.values_list("username", "pk")) == first_ids
    assert sorted(Organisation.objects.values_list("name", flat=True)) == organisations
    assert Membership.objects.count() == memberships
    worker.refresh_from_db()
    assert worker.is_active and worker.role == Role.SEX_WORKER
    assert authenticate(username="demo-worker", password="second-password-456") == worker


def test_random_password_is_printed_and_works(settings, db, capsys):
    _run(settings)
    password = capsys.readouterr().out.split("Demo password: ")[1].split()[0]
    assert authenticate(username="demo-resident", password=password) is not None


def test_demo_accounts_can_get_a_token_without_a_code(settings, client, db):
    _run(settings, "--password", PASSWORD)
    response = client.post(
        "/api/v1/auth/token",
        {"username": "demo-responder", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_refuses_on_a_production_install(settings, db):
    with pytest.raises(CommandError, match="UMBRELLA_ENV=production"):
        _run(settings, "--password", PASSWORD, production=True)
    assert not User.objects.exists()


def test_force_runs_on_a_production_install(settings, db):
    _run(settings, "--password", PASSWORD, "--force", production=True)
    assert User.objects.count() == len(ACCOUNTS)


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_escalate_after_must_be_a_positive_number(settings, db, value):
    with pytest.raises(CommandError):
        _run(settings, "--password", PASSWORD, "--escalate-after", value)


def test_empty_password_is_refused(settings, db):
    with pytest.raises(CommandError):
        _run(settings, "--password", " ")


def test_each_domain_app_s_demo_is_found_without_accounts_importing_it():
    """accounts is a base app: it finds the apps' demo.py (as the admin finds admin.py)."""
    from umbrella.accounts.demo import app_demos

    assert [set_up.__module__ for set_up in app_demos()] == [
        "umbrella.alarms.demo",
        "umbrella.directory.demo",
        "umbrella.reports.demo",
        "umbrella.consultation.demo",
        "umbrella.training.demo",
    ]
    source = (Path(__file__).resolve().parents[1] / "demo.py").read_text(encoding="utf-8")
    for app in ("alarms", "directory", "reports", "consultation", "training"):
        assert f"umbrella.{app}" not in source
