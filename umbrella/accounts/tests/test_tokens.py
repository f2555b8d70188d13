"""API tokens as rows: issue, expiry, revocation, hashed storage."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.utils import timezone

from umbrella.accounts import actions
from umbrella.accounts.auth import token_for_key
from umbrella.accounts.models import ApiToken

BRUSSELS = ZoneInfo("Europe/Brussels")
# Issued the evening before the autumn DST change: expiry is a fixed duration.
ISSUED = dt.datetime(2026, 10, 1, 21, 0, tzinfo=BRUSSELS)


def test_issued_token_is_stored_only_as_a_digest(worker):
    token, plaintext = actions.issue_token(worker, timezone.now(), name="phone")
    row = ApiToken.objects.get(pk=token.pk)
    stored = [str(value) for value in vars(row).values()]
    assert not any(plaintext in value for value in stored)
    assert len(row.key_hash) == 64 and row.key_hash != plaintext
    assert plaintext.startswith(row.prefix) and len(row.prefix) < 12
    assert token_for_key(plaintext) == row


def test_tokens_are_unique(worker):
    assert (
        actions.issue_token(worker, timezone.now())[1]
        != actions.issue_token(worker, timezone.now())[1]
    )


def _expiry() -> dt.datetime:
    # A fixed duration, so computed in UTC: across the DST change the Brussels
    # wall clock shows one hour less than issue time + N days.
    return ISSUED.astimezone(dt.UTC) + dt.timedelta(days=settings.API_TOKEN_DAYS)


def test_token_expires_after_the_configured_days(worker):
    token, _plaintext = actions.issue_token(worker, ISSUED)
    expiry = _expiry()
    assert token.expires_at == expiry
    assert (token.expires_at - token.created_at).total_seconds() == settings.API_TOKEN_DAYS * 86400
    assert token.expires_at.astimezone(BRUSSELS).hour == 20
    assert token.is_valid(expiry - dt.timedelta(seconds=1))
    assert not token.is_valid(expiry)
    assert not token.is_valid(expiry + dt.timedelta(seconds=1))


def test_revoked_token_is_invalid_and_revoking_twice_keeps_the_first_time(worker):
    token, _plaintext = actions.issue_token(worker, ISSUED)
    first = ISSUED + dt.timedelta(hours=1)
    actions.revoke_token(token, first)
    actions.revoke_token(token, first + dt.timedelta(hours=1))
    token.refresh_from_db()
    assert token.revoked_at == first
    assert not token.is_valid(first + dt.timedelta(minutes=1))


def test_token_of_a_deactivated_person_is_invalid(worker):
    token, _plaintext = actions.issue_token(worker, timezone.now())
    worker.is_active = False
    worker.save()
    token.refresh_from_db()
    assert not token.is_valid(timezone.now())


def test_revoke_all_tokens(worker, outsider):
    actions.issue_token(worker, timezone.now())
    actions.issue_token(worker, timezone.now())
    kept, _ = actions.issue_token(outsider, timezone.now())
    assert actions.revoke_all_tokens(worker, timezone.now()) == 2
    kept.refresh_from_db()
    assert kept.revoked_at is None


def test_expiry_seen_through_the_clock(client, worker):
    with time_machine.travel(ISSUED, tick=False):
        _token, plaintext = actions.issue_token(worker, timezone.now())
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    expiry = _expiry()
    with time_machine.travel(expiry - dt.timedelta(seconds=1), tick=False):
        assert client.get("/api/v1/auth/me", **headers).status_code == 200
    with time_machine.travel(expiry, tick=False):
        assert client.get("/api/v1/auth/me", **headers).status_code == 401
    with time_machine.travel(expiry + dt.timedelta(seconds=1), tick=False):
        assert client.get("/api/v1/auth/me", **headers).status_code == 401
