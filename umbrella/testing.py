"""Shared test set-up: named personas, sign-in helpers and domain assertions.

Registered for every test through ``pytest_plugins`` in the root conftest.
Use the pytest fixtures (``personas``, ``worker``, ``responder`` …); they build
the people through the accounts actions.

The personas:

- ``worker``: a sex worker;
- ``responder``: her trusted contact (a responder);
- ``outreach``: an on-duty support worker of an outreach organisation;
- ``resident``: a resident or merchant;
- ``municipality``: a municipality officer of Saint-Josse-ten-Noode (21014);
- ``police``: the trafficking reference person of zone 5344;
- ``staff``: OCMW/CPAS staff in Saint-Josse;
- ``outsider``: another sex worker, who must see nothing of the others;
- ``admin``: a platform administrator.

Every persona's password is ``PERSONA_PASSWORD``. Staff personas are not
2FA-exempt: sign them in with ``sign_in(client, person)``, which also passes
two-step verification, or the middleware sends them to the TOTP pages.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from umbrella.accounts import actions
from umbrella.accounts.models import MembershipRole, OrganisationKind, Role, User
from umbrella.core.ratelimit import rate_cache

PERSONA_PASSWORD = "correct horse battery staple"  # noqa: S105 -- test-only.


@functools.cache
def _persona_password_hash() -> str:
    # Argon2 is slow on purpose; hash once per test run, not per persona.
    return make_password(PERSONA_PASSWORD)


@dataclass
class Personas:
    worker: User
    responder: User
    outreach: User
    resident: User
    municipality: User
    police: User
    staff: User
    outsider: User
    admin: User

    def all(self) -> list[User]:
        return list(vars(self).values())


def make_personas() -> Personas:
    """Create the named personas (and their organisations) in the database."""
    pw = _persona_password_hash()
    outreach_org = actions.ensure_organisation(
        "Outreach organisation (test)", OrganisationKind.SUPPORT_ORGANISATION
    )
    municipality_org = actions.ensure_organisation(
        "Saint-Josse-ten-Noode (test)", OrganisationKind.MUNICIPALITY, nis_code="21014"
    )
    police_org = actions.ensure_organisation(
        "Police zone Bruxelles-Nord (test)", OrganisationKind.POLICE_ZONE, zone_code="5344"
    )
    cpas_org = actions.ensure_organisation(
        "OCMW/CPAS Saint-Josse (test)", OrganisationKind.PUBLIC_SERVICE, nis_code="21014"
    )
    people = Personas(
        worker=actions.create_account("worker", Role.SEX_WORKER, password_hash=pw),
        responder=actions.create_account("responder", Role.RESPONDER, password_hash=pw),
        outreach=actions.create_account("outreach", Role.SUPPORT_WORKER, password_hash=pw),
        resident=actions.create_account("resident", Role.RESIDENT, password_hash=pw),
        municipality=actions.create_account(
            "municipality", Role.MUNICIPALITY_OFFICER, password_hash=pw
        ),
        police=actions.create_account("police", Role.POLICE_REFERENCE, password_hash=pw),
        staff=actions.create_account("staff", Role.SERVICE_STAFF, password_hash=pw),
        outsider=actions.create_account("outsider", Role.SEX_WORKER, password_hash=pw),
        admin=actions.create_account(
            "admin", Role.ADMIN, password_hash=pw, is_staff=True, is_superuser=True
        ),
    )
    actions.add_membership(people.outreach, outreach_org, on_duty=True)
    actions.add_membership(people.municipality, municipality_org)
    actions.add_membership(people.police, police_org)
    actions.add_membership(people.staff, cpas_org, role=MembershipRole.MEMBER)
    return people


# --- Helpers ----------------------------------------------------------------


def api_token_for(user: User, name: str = "test") -> str:
    """Issue an API token for ``user`` and return its plaintext."""
    _token, plaintext = actions.issue_token(user, timezone.now(), name=name)
    return plaintext


def auth_header(user: User) -> dict[str, str]:
    """Return test-client keyword arguments that authenticate as ``user`` on the API."""
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user)}"}


def confirmed_totp_device(user: User) -> TOTPDevice:
    """Return the person's confirmed authenticator device, creating one if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """Return the code the authenticator app shows now, or at Unix time ``at``."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{device.digits}d}"


def run_due_deadlines(worker: str = "browser-test", patience: float = 15.0) -> None:
    """Take every step that is due now, as the worker process does.

    A step that fails is tried again after ``RETRY_AFTER_FAILURE``, as the
    worker tries it again: SQLite's in-memory test database answers "table is
    locked" at once while a live server's request holds the table, where a
    file database would wait.
    """
    from umbrella.alarms import actions as alarm_actions
    from umbrella.alarms.actions.escalation import RETRY_AFTER_FAILURE
    from umbrella.alarms.models import Deadline

    give_up = time.monotonic() + patience
    while True:
        while alarm_actions.process_due_deadline(timezone.now(), worker=worker):
            pass
        due = Deadline.objects.filter(done_at__isnull=True, due_at__lte=timezone.now())
        if not due.exists() or time.monotonic() > give_up:
            return
        time.sleep(RETRY_AFTER_FAILURE.total_seconds())


def sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in on ``client``, past two-step verification when it applies."""
    client.force_login(user)
    if user.requires_two_factor():
        device = confirmed_totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# --- Domain assertions ------------------------------------------------------


def assert_redirects_to_two_factor(response) -> None:
    """Assert a staff page sent the person to the two-step code page.

    One page whether an authenticator is set up or not: where a staff page
    sends them must not tell which.
    """
    # Explicit raises, not assert: helpers must check even under python -O.
    if response.status_code != 302:
        raise AssertionError(f"expected a redirect, got {response.status_code}")
    if not response["Location"].split("?", 1)[0].endswith("/accounts/two-step/"):
        raise AssertionError(f"expected the two-step code page, got {response['Location']}")


def assert_api_error(response, status: int) -> dict:
    """Assert an API error status with a readable ``detail`` sentence; return the body."""
    if response.status_code != status:
        raise AssertionError(f"expected {status}, got {response.status_code}: {response.content!r}")
    body = response.json()
    if not (isinstance(body.get("detail"), str) and body["detail"].strip()):
        raise AssertionError(f"no readable detail in {body!r}")
    # Every 422 also names each field at fault ("" for the whole request): docs/api.md.
    if status == 422 and not (
        isinstance(body.get("errors"), list)
        and body["errors"]
        and all(
            isinstance(e, dict)
            and isinstance(e.get("field"), str)
            and isinstance(e.get("message"), str)
            and e["message"].strip()
            for e in body["errors"]
        )
    ):
        raise AssertionError(f"a 422 without its errors [{{field, message}}]: {body!r}")
    return body


# --- pytest fixtures --------------------------------------------------------


@pytest.fixture(autouse=True)
def _clear_rate_limits(request):
    """Start every test with empty rate-limit counters and an empty cache.

    The counters live in the database cache (``core.ratelimit.RATE_CACHE``):
    a test in a transaction gets them rolled back, but tests that commit
    (``transactional_db``, ``live_server``) must empty the table, which the
    flush between such tests leaves alone (it is not a model's table).
    """
    committing = {"transactional_db", "live_server"} & set(request.fixturenames) or not isinstance(
        rate_cache(), DatabaseCache
    )
    cache.clear()
    if committing:
        rate_cache().clear()
    yield
    cache.clear()
    if committing:
        rate_cache().clear()


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture
def worker(personas) -> User:
    return personas.worker


@pytest.fixture
def responder(personas) -> User:
    return personas.responder


@pytest.fixture
def outreach(personas) -> User:
    return personas.outreach


@pytest.fixture
def resident(personas) -> User:
    return personas.resident


@pytest.fixture
def municipality_officer(personas) -> User:
    return personas.municipality


@pytest.fixture
def police(personas) -> User:
    return personas.police


@pytest.fixture
def staff(personas) -> User:
    return personas.staff


@pytest.fixture
def outsider(personas) -> User:
    return personas.outsider


@pytest.fixture
def platform_admin(personas) -> User:
    return personas.admin
