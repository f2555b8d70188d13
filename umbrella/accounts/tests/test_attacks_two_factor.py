"""Adversarial tests of staff two-step verification after the password (issue 15, finding 8).

Threat: someone holds a staff member's password. Whatever the account's
two-step state (an authenticator set up or not), every answer after the
password must be the same, or the password alone tells them which accounts
still wait for an authenticator (the ones a stolen enrolment code would open).
Before the fix, the website sent an account without an authenticator to
``/accounts/two-step/setup/`` (a page asking for an enrolment code) and one
with an authenticator to ``/accounts/two-step/verify/`` (a page asking for the
app's code): a different address, title, field and error.

The tests walk from the sign-in form by following what the site answers, so
they name no address of the two-step pages.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from umbrella.accounts import actions, enrolment
from umbrella.accounts.models import Role
from umbrella.testing import PERSONA_PASSWORD, confirmed_totp_device, totp_code

HOME = reverse("accounts:home")
WRONG_CODES = ("123456", "abcd-efgh-jkmn-pqrt-uvwx", "x", "")

# Two staff members of one role with names of one length: the answers are
# compared byte for byte once the name (and the CSRF token) is normalised.
WITH, WITHOUT = "staff-with", "staff-none"
ADDRESSES = {WITH: "198.51.100.30", WITHOUT: "198.51.100.31"}


@pytest.fixture
def staff_pair(db):
    with_device = actions.create_account(WITH, Role.MUNICIPALITY_OFFICER, password=PERSONA_PASSWORD)
    without = actions.create_account(WITHOUT, Role.MUNICIPALITY_OFFICER, password=PERSONA_PASSWORD)
    confirmed_totp_device(with_device)
    assert with_device.requires_two_factor() and without.requires_two_factor()
    return with_device, without


def _normalised(response, name: str) -> tuple:
    """Status, location, headers and body of an answer, the CSRF token and the name blanked.

    ``Expires`` (the time of the answer) and the cookies (the session's and
    CSRF's own values) are left out.
    """
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', body)
    body = body.replace(name, "NAME")
    location = response.get("Location", "").replace(name, "NAME")
    headers = sorted(
        (key, value)
        for key, value in response.headers.items()
        if key.lower() not in {"set-cookie", "content-length", "expires"}
    )
    return response.status_code, location, headers, body


def _after_password(name: str):
    """Sign in with the right password and follow the site to its first page; return all."""
    # Each from its own address: the per-client limits count apart.
    client = Client(REMOTE_ADDR=ADDRESSES[name])
    answers = []
    response = client.post(
        reverse("accounts:login"), {"username": name, "password": PERSONA_PASSWORD}
    )
    answers.append(response)
    hops = 0
    while response.status_code == 302 and hops < 5:
        response = client.get(response["Location"])
        answers.append(response)
        hops += 1
    assert response.status_code == 200
    return client, answers, response.wsgi_request.get_full_path()


def test_after_the_password_every_page_is_the_same_with_or_without_an_authenticator(staff_pair):
    """Finding 8. Before the fix the redirect went to ``two-step/setup/`` for an
    account without an authenticator and to ``two-step/verify/`` for one with
    it, and the pages (title, field, wording) differed."""
    _with_client, with_answers, with_page = _after_password(WITH)
    _without_client, without_answers, without_page = _after_password(WITHOUT)
    assert with_page == without_page
    assert [_normalised(r, WITH) for r in with_answers] == [
        _normalised(r, WITHOUT) for r in without_answers
    ]
    # One field, which says it takes either code.
    page = with_answers[-1].content.decode()
    assert len(re.findall(r"<input(?![^>]*type=\"hidden\")", page)) == 1
    assert 'name="code"' in page


def test_a_wrong_code_gets_the_same_answer_with_or_without_an_authenticator(staff_pair):
    """Finding 8. Before the fix each page had its own field and error
    ("enrolment code … expired" against "enter the code that shows now")."""
    with_client, _answers, page = _after_password(WITH)
    without_client, _answers, _page = _after_password(WITHOUT)
    for code in WRONG_CODES:
        with_answer = with_client.post(page, {"code": code, "next": HOME})
        without_answer = without_client.post(page, {"code": code, "next": HOME})
        assert _normalised(with_answer, WITH) == _normalised(without_answer, WITHOUT), code
        assert with_answer.status_code == 200
    # The limit on wrong codes is reached at the same point for both.
    answers = {WITH: [], WITHOUT: []}
    for _ in range(12):
        answers[WITH].append(with_client.post(page, {"code": "654321"}).status_code)
        answers[WITHOUT].append(without_client.post(page, {"code": "654321"}).status_code)
    assert answers[WITH] == answers[WITHOUT] and answers[WITH][-1] == 429


def test_no_other_two_step_address_tells_the_state_apart(staff_pair):
    """Finding 8. Before the fix the set-up address showed the enrolment-code
    form to one account and redirected the other to verification (and the
    verification address did the reverse)."""
    with_client, _answers, _page = _after_password(WITH)
    without_client, _answers, _page = _after_password(WITHOUT)
    paths = ["/en/accounts/two-step/", "/en/accounts/two-step/setup/"]
    paths += ["/en/accounts/two-step/verify/", HOME, "/en/accounts/me/", "/en/admin/"]
    for path in paths:
        with_answer = with_client.get(path)
        without_answer = without_client.get(path)
        assert _normalised(with_answer, WITH) == _normalised(without_answer, WITHOUT), path
    for path in paths[:3]:
        with_answer = with_client.post(path, {"code": "000000", "enrolment_code": "abcd"})
        without_answer = without_client.post(path, {"code": "000000", "enrolment_code": "abcd"})
        assert _normalised(with_answer, WITH) == _normalised(without_answer, WITHOUT), path
    # Unverified sessions get the API's one answer too.
    for client in (with_client, without_client):
        assert client.get("/api/v1/alarms").status_code == 401


# --- The real journeys through the one code page ---------------------------


def test_a_staff_member_with_an_authenticator_enters_its_code(staff_pair):
    with_device, _without = staff_pair
    client, _answers, page = _after_password(WITH)
    device = TOTPDevice.objects.get(user=with_device, confirmed=True)
    response = client.post(page, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_a_staff_member_enrols_with_the_code_an_administrator_gave(staff_pair):
    _with, without = staff_pair
    client, _answers, page = _after_password(WITHOUT)
    _code, text = enrolment.issue_enrolment_code(without, timezone.now())
    response = client.post(page, {"code": text})
    assert response.status_code == 302
    setup = client.get(response["Location"])
    html = setup.content.decode()
    assert setup.status_code == 200 and "<svg" in html and "totp-secret" in html
    device = TOTPDevice.objects.get(user=without, confirmed=False)
    response = client.post(setup.wsgi_request.get_full_path(), {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    # The enrolment code is spent.
    assert enrolment.usable_code(without, text, timezone.now()) is None


def test_an_enrolment_code_replaces_a_lost_authenticator(staff_pair):
    """An administrator's code sets up a new authenticator; once it is confirmed
    the old one (a lost phone) no longer signs in."""
    with_device, _without = staff_pair
    old = TOTPDevice.objects.get(user=with_device, confirmed=True)
    client, _answers, page = _after_password(WITH)
    _code, text = enrolment.issue_enrolment_code(with_device, timezone.now())
    setup = client.get(client.post(page, {"code": text})["Location"])
    assert "totp-secret" in setup.content.decode()
    new = TOTPDevice.objects.get(user=with_device, confirmed=False)
    client.post(setup.wsgi_request.get_full_path(), {"code": totp_code(new)})
    assert list(TOTPDevice.objects.filter(user=with_device)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_the_setup_step_needs_the_enrolment_code_first(staff_pair):
    """The QR secret is shown only after a correct enrolment code, whatever the state."""
    for name in (WITH, WITHOUT):
        client, _answers, page = _after_password(name)
        client.post(page, {"code": "abcd-efgh-jkmn-pqrt-uvwx"})
        for path in ("/en/accounts/two-step/setup/", page):
            html = client.get(path, follow=True).content.decode()
            assert "totp-secret" not in html and "<svg" not in html, (name, path)
