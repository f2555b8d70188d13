"""Account page, advanced settings, tokens page and passphrase change."""

import re

from django.urls import reverse
from django.utils import timezone

from umbrella.accounts import actions
from umbrella.accounts.models import ApiToken
from umbrella.testing import PERSONA_PASSWORD, api_token_for, sign_in

HOME = reverse("accounts:home")
ACCOUNT = reverse("accounts:account")
ADVANCED = reverse("accounts:advanced")
TOKENS = reverse("accounts:tokens")


def test_pages_need_a_signed_in_person(client, db):
    for url in (HOME, ACCOUNT, ADVANCED, TOKENS, reverse("accounts:regenerate_codes")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_account_page_says_who_you_are_and_tokens_wait_under_advanced(client, worker):
    api_token_for(worker)
    client.force_login(worker)
    html = client.get(ACCOUNT).content.decode()
    assert "worker" in html and "Sex worker" in html
    assert "pseudonymous" in html
    assert "active token" not in html and ADVANCED in html
    advanced = client.get(ADVANCED).content.decode()
    assert "1 active token." in advanced and TOKENS in advanced
    assert "Your account does not need two-step verification." in advanced


def test_account_page_shows_2fa_status_and_organisation_for_staff(client, outreach):
    sign_in(client, outreach)
    html = client.get(ACCOUNT).content.decode()
    assert "Two-step verification is on, and this session is verified." in html
    assert "Outreach organisation (test)" in html and "on duty" in html


def test_tokens_page_creates_a_token_shown_once(client, worker):
    client.force_login(worker)
    response = client.post(TOKENS, {"name": "phone app"})
    plaintext = response.context["new_token"]
    assert plaintext in response.content.decode()
    assert (
        client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 200
    )
    assert plaintext not in client.get(TOKENS).content.decode()


def test_tokens_page_lists_and_revokes_own_tokens(client, worker):
    token, _plaintext = actions.issue_token(worker, timezone.now(), name="old phone")
    client.force_login(worker)
    assert "old phone" in client.get(TOKENS).content.decode()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_outsider_sees_and_revokes_nothing_of_the_worker(client, worker, outsider):
    token, _plaintext = actions.issue_token(worker, timezone.now(), name="worker phone")
    client.force_login(outsider)
    assert "worker phone" not in client.get(TOKENS).content.decode()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post(client, worker):
    token, _plaintext = actions.issue_token(worker, timezone.now())
    client.force_login(worker)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.get().revoked_at is None


def test_passphrase_change(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("accounts:passphrase_change"),
        {
            "old_password": PERSONA_PASSWORD,
            "new_password1": "a different long passphrase",
            "new_password2": "a different long passphrase",
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("a different long passphrase")


def test_pages_load_no_scripts_of_their_own_and_nothing_from_elsewhere(client, police):
    client.force_login(police)
    for url in (reverse("accounts:two_step"), reverse("accounts:login")):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert not re.findall(r'(?:src|action)="https?://', html)
        assert not re.findall(r'<link[^>]+href="https?://', html)


def test_garbage_input_gets_a_form_error_not_a_crash(client, police, worker):
    cases = [
        (reverse("accounts:signup"), {"chosen_name": "x" * 400, "passphrase": "\x00"}),
        (reverse("accounts:recover"), {"chosen_name": "", "code": "😀" * 50}),
        (reverse("accounts:login"), {"username": "a" * 5000, "password": ""}),
    ]
    for url, data in cases:
        assert client.post(url, data).status_code == 200, url
    client.force_login(worker)
    assert client.post(TOKENS, {"name": ""}).status_code == 200
    assert client.post(reverse("accounts:token_revoke", args=[999999])).status_code == 404
    client.force_login(police)
    for url in (reverse("accounts:two_step"), reverse("accounts:totp_setup")):
        response = client.post(url, {"code": "abcdef"})
        assert response.status_code in (200, 302), url
