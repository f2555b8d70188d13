"""Accounts journeys in a real browser: sign-up with recovery codes, staff 2FA set-up."""

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from umbrella.accounts import enrolment
from umbrella.accounts.models import Role, User
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import PERSONA_PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sex_worker_signs_up_and_sees_printable_codes(live_server, page, outside_requests):
    page.goto(f"{live_server.url}/en/accounts/signup/")
    assert_no_axe_violations(page)
    assert page.locator("input[type=email], input[type=tel]").count() == 0
    page.fill("#id_chosen_name", "Starling")
    page.fill("#id_passphrase", "purple kettle under moonlight")
    page.fill("#id_passphrase_again", "purple kettle under moonlight")
    page.click("main button[type=submit]")
    page.wait_for_selector(".recovery-codes")
    assert page.locator(".recovery-codes li").count() == 10
    assert_no_axe_violations(page)
    # Printed, only the codes remain: no header, navigation or explanations.
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("#codes-saved").is_visible()
    assert page.locator(".recovery-codes").is_visible()
    page.emulate_media(media="screen")
    page.check("#codes-saved")
    page.click(".codes-saved button[type=submit]")
    # She lands on her home, the panic button first.
    page.wait_for_selector("h1:has-text('Home')")
    assert page.locator("main .role-link").first.get_attribute("data-link") == "panic"
    assert User.objects.get(username="Starling").role == Role.SEX_WORKER
    assert outside_requests.urls == []


def test_sign_up_errors_are_announced_and_tied_to_fields(live_server, page):
    page.goto(f"{live_server.url}/en/accounts/signup/")
    page.fill("#id_chosen_name", "Starling")
    page.fill("#id_passphrase", "purple kettle under moonlight")
    page.fill("#id_passphrase_again", "something else")
    page.click("main button[type=submit]")
    field = page.locator("#id_passphrase_again")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_passphrase_again_error" in field.get_attribute("aria-describedby")
    assert_no_axe_violations(page)


def test_staff_member_sets_up_two_step_verification(live_server, page, outside_requests, police):
    page.goto(f"{live_server.url}/en/accounts/login/")
    assert_no_axe_violations(page)
    page.fill("#id_username", "police")
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("main button[type=submit]")
    # The one code page (the same with an authenticator) takes the one-time
    # code an administrator issued; set-up follows.
    _code, text = enrolment.issue_enrolment_code(police, timezone.now())
    page.wait_for_selector("#id_code")
    assert page.locator(".totp-qr svg").count() == 0
    assert_no_axe_violations(page)
    page.fill("#id_code", text)
    page.click("main form:not([action]) button[type=submit]")
    page.wait_for_selector(".totp-qr svg")
    assert_no_axe_violations(page)
    device = TOTPDevice.objects.get(user=police)
    page.fill("#id_code", totp_code(device))
    page.click("main form:not([action]) button[type=submit]")
    page.wait_for_selector("h1:has-text('Home')")
    assert page.locator("main .role-link[data-link=console]").count() == 1
    assert TOTPDevice.objects.get(user=police).confirmed
    assert outside_requests.urls == []
