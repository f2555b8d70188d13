"""BearerTokenAuth on an endpoint (GET /api/v1/auth/me) and token revocation."""

import datetime as dt

import time_machine
from django.utils import timezone

from umbrella.accounts import actions
from umbrella.accounts.models import ApiToken
from umbrella.testing import api_token_for, assert_api_error, auth_header

ME = "/api/v1/auth/me"


def test_a_valid_token_authenticates_its_owner(client, worker):
    response = client.get(ME, **auth_header(worker))
    assert response.status_code == 200
    assert response.json()["username"] == "worker"
    assert response.json()["role"] == "sex_worker"


def test_no_token_or_a_made_up_one_is_401(client, worker):
    assert_api_error(client.get(ME), 401)
    assert_api_error(client.get(ME, HTTP_AUTHORIZATION="Bearer umb_madeup"), 401)
    assert_api_error(client.get(ME, HTTP_AUTHORIZATION="Bearer " + "x" * 5000), 401)
    assert_api_error(client.get(ME, HTTP_AUTHORIZATION="Basic d29ya2VyOng="), 401)


def test_the_token_acts_only_for_its_owner(client, worker, outsider):
    assert client.get(ME, **auth_header(outsider)).json()["username"] == "outsider"


def test_revoke_endpoint_revokes_the_token_in_use(client, worker):
    headers = auth_header(worker)
    other = api_token_for(worker)
    response = client.post("/api/v1/auth/token/revoke", **headers)
    assert response.status_code == 204
    assert_api_error(client.get(ME, **headers), 401)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_revoked_token_is_refused(client, worker):
    token, plaintext = actions.issue_token(worker, timezone.now())
    actions.revoke_token(token, timezone.now())
    assert_api_error(client.get(ME, HTTP_AUTHORIZATION=f"Bearer {plaintext}"), 401)


def test_a_deactivated_persons_token_is_refused(client, worker):
    headers = auth_header(worker)
    worker.is_active = False
    worker.save()
    assert_api_error(client.get(ME, **headers), 401)


def test_last_used_is_written_at_most_once_a_minute(client, worker):
    start = dt.datetime(2026, 10, 25, 2, 30, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        token, plaintext = actions.issue_token(worker, timezone.now())
        headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
        client.get(ME, **headers)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        client.get(ME, **headers)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        client.get(ME, **headers)
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=60)


def test_bearer_requests_do_not_need_2fa_or_csrf(client, police):
    # Staff got their token with a TOTP code; the API does not ask again.
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/auth/token/revoke", **auth_header(police))
    assert response.status_code == 204
    assert ApiToken.objects.get(user=police).revoked_at is not None
