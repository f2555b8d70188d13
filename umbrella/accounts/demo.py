"""Demo accounts and organisations, created or reset by ``manage.py demo``.

Later apps extend the demo here (the alarms app wires demo-worker's circle
with ``escalate_after``); keep the command itself thin.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from django.apps import apps
from django.db import transaction

from umbrella.accounts import actions
from umbrella.accounts.models import MembershipRole, Organisation, OrganisationKind, Role, User

DEFAULT_ESCALATE_AFTER = 60

OUTREACH_ORGANISATION = "Demo outreach organisation (demo)"
MUNICIPALITY_ORGANISATION = "Saint-Josse-ten-Noode (demo)"
POLICE_ORGANISATION = "Police zone Bruxelles-Nord 5344 (demo)"
PUBLIC_SERVICE_ORGANISATION = "OCMW/CPAS Saint-Josse (demo)"

# name → ``actions.ensure_organisation``'s other arguments
ORGANISATIONS: dict[str, dict[str, str]] = {
    OUTREACH_ORGANISATION: {"kind": OrganisationKind.SUPPORT_ORGANISATION},
    MUNICIPALITY_ORGANISATION: {"kind": OrganisationKind.MUNICIPALITY, "nis_code": "21014"},
    POLICE_ORGANISATION: {"kind": OrganisationKind.POLICE_ZONE, "zone_code": "5344"},
    PUBLIC_SERVICE_ORGANISATION: {"kind": OrganisationKind.PUBLIC_SERVICE, "nis_code": "21014"},
}

# username → (role, organisation or None, on duty)
ACCOUNTS = {
    "demo-worker": (Role.SEX_WORKER, None, False),
    "demo-responder": (Role.RESPONDER, None, False),
    "demo-outreach": (Role.SUPPORT_WORKER, OUTREACH_ORGANISATION, True),
    "demo-resident": (Role.RESIDENT, None, False),
    "demo-municipality": (Role.MUNICIPALITY_OFFICER, MUNICIPALITY_ORGANISATION, False),
    "demo-police": (Role.POLICE_REFERENCE, POLICE_ORGANISATION, False),
    "demo-staff": (Role.SERVICE_STAFF, PUBLIC_SERVICE_ORGANISATION, False),
    "demo-secretary": (Role.PLATFORM_SECRETARY, None, False),
    "demo-admin": (Role.ADMIN, None, False),
}


class _Flags(TypedDict):
    is_staff: bool
    is_superuser: bool
    two_factor_exempt: bool


@dataclass
class DemoResult:
    users: dict[str, User] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)
    escalate_after: int = DEFAULT_ESCALATE_AFTER
    # The demo room button's device key (shown once; a new one each run).
    device_key: str = ""


@transaction.atomic
def create_demo(password: str, escalate_after: int = DEFAULT_ESCALATE_AFTER) -> DemoResult:
    """Create or reset every demo account and organisation; safe to run again."""
    if escalate_after <= 0:
        raise ValueError("escalate_after must be a positive number of seconds")
    result = DemoResult(escalate_after=escalate_after)
    for name, spec in ORGANISATIONS.items():
        result.organisations[name] = actions.ensure_organisation(name, **spec)

    # One Argon2 hash for all nine accounts: they share the password anyway,
    # and hashing nine times would make every `make run` slower.
    password_hash = actions.hash_password_once(password)
    for username, (role, organisation_name, on_duty) in ACCOUNTS.items():
        is_admin = role == Role.ADMIN
        flags: _Flags = {
            "is_staff": is_admin,
            "is_superuser": is_admin,
            "two_factor_exempt": True,  # Demo accounts need no 2FA (docs/api.md).
        }
        user = User.objects.filter(username=username).first()
        if user is None:
            user = actions.create_account(username, role, password_hash=password_hash, **flags)
            result.created.append(username)
        else:
            actions.reset_account(user, role=role, password_hash=password_hash, **flags)
            result.reset.append(username)
        if organisation_name:
            actions.add_membership(
                user,
                result.organisations[organisation_name],
                role=MembershipRole.MEMBER,
                on_duty=on_duty,
            )
        result.users[username] = user

    for set_up_demo in app_demos():
        set_up_demo(result)
    return result


def app_demos() -> list[Callable[[DemoResult], None]]:
    """Return each installed app's ``demo.set_up_demo``, in ``INSTALLED_APPS`` order.

    Autodiscovered (as Django's admin finds ``admin.py``): this base app
    imports no domain app; each domain app's ``demo.py`` reads the accounts
    and organisations made here from the ``DemoResult`` it is given.
    """
    found = []
    for app in apps.get_app_configs():
        if app.name == __package__:
            continue
        name = f"{app.name}.demo"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        found.append(module.set_up_demo)
    return found
