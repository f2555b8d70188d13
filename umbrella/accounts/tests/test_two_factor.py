import re
from base64 import b32decode

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from umbrella.accounts import actions, enrolment
from umbrella.testing import (
    assert_redirects_to_two_factor,
    confirmed_totp_device,
    sign_in,
    totp_code,
)

HOME = reverse("accounts:home")


def _enter_enrolment_code(client, person):
    """Enter the one-time code an administrator issued on the code page; set-up follows."""
    _code, text = enrolment.issue_enrolment_code(person, timezone.now())
    response = client.post(reverse("accounts:two_step"), {"code": text})
    assert response.status_code == 302, response.content


def test_staff_without_a_device_are_sent_to_the_code_page(client, police):
    client.force_login(police)
    response = client.get(HOME)
    assert_redirects_to_two_factor(response)
    assert "next=" in response["Location"]


def test_staff_with_a_device_are_sent_to_the_same_code_page(client, police):
    confirmed_totp_device(police)
    client.force_login(police)
    assert_redirects_to_two_factor(client.get(HOME))


def test_the_admin_is_a_staff_page_too(client, platform_admin):
    client.force_login(platform_admin)
    assert_redirects_to_two_factor(client.get("/en/admin/"))


def test_sex_workers_and_residents_are_not_redirected(client, worker, resident):
    for person in (worker, resident):
        client.force_login(person)
        assert client.get(HOME).status_code == 200


def test_exempt_demo_accounts_are_not_redirected(client, police):
    police.two_factor_exempt = True
    police.save()
    client.force_login(police)
    assert client.get(HOME).status_code == 200


def test_allow_list_stays_reachable_before_verifying(client, police):
    client.force_login(police)
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get(reverse("accounts:two_step")).status_code == 200
    # Set-up without an enrolment code sends back to the code page.
    assert_redirects_to_two_factor(client.get(reverse("accounts:totp_setup")))
    assert client.post("/i18n/setlang/", {"language": "nl", "next": "/"}).status_code == 302
    assert client.get("/api/v1/auth/me").status_code == 401  # the API has its own auth
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_setup_shows_an_inline_svg_qr_code_and_the_secret(client, police):
    client.force_login(police)
    _enter_enrolment_code(client, police)
    html = client.get(reverse("accounts:totp_setup")).content.decode()
    assert "<svg" in html
    assert "<script>" not in html and "http://" not in html.split("<svg", 1)[1].split("</svg>")[0]
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=police, confirmed=False)
    assert b32decode(secret) == device.bin_key


def test_reloading_setup_keeps_the_same_secret(client, police):
    client.force_login(police)
    _enter_enrolment_code(client, police)
    client.get(reverse("accounts:totp_setup"))
    client.get(reverse("accounts:totp_setup"))
    assert TOTPDevice.objects.filter(user=police).count() == 1


def test_setup_confirms_with_a_code_and_then_the_staff_page_opens(client, police):
    client.force_login(police)
    _enter_enrolment_code(client, police)
    client.get(reverse("accounts:totp_setup"))
    device = TOTPDevice.objects.get(user=police)
    response = client.post(
        reverse("accounts:totp_setup") + "?next=" + HOME, {"code": totp_code(device)}
    )
    assert response.status_code == 302 and response["Location"] == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200


def test_setup_refuses_a_wrong_code_with_a_field_error(client, police):
    client.force_login(police)
    _enter_enrolment_code(client, police)
    client.get(reverse("accounts:totp_setup"))
    response = client.post(reverse("accounts:totp_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert 'aria-describedby="id_code_helptext id_code_error"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=police, confirmed=True).exists()


def test_verify_accepts_the_current_code_and_redirects_to_next(client, police):
    device = confirmed_totp_device(police)
    client.force_login(police)
    response = client.post(
        reverse("accounts:two_step") + "?next=/en/admin/", {"code": totp_code(device)}
    )
    assert response.status_code == 302 and response["Location"] == "/en/admin/"
    assert client.get(HOME).status_code == 200


def test_verify_refuses_a_replayed_code(client, police):
    device = confirmed_totp_device(police)
    with time_machine.travel("2026-03-29 01:59:50+01:00", tick=False):
        code = totp_code(device)
        assert actions.verify_totp(police, code) is not None
        # The same code a second time (another session) is refused.
        assert actions.verify_totp(police, code) is None


def test_verify_ignores_an_outside_next_url(client, police):
    device = confirmed_totp_device(police)
    client.force_login(police)
    response = client.post(
        reverse("accounts:two_step") + "?next=https://evil.example/", {"code": totp_code(device)}
    )
    assert response["Location"] == HOME


def test_verify_is_rate_limited(client, police, settings):
    settings.LOGIN_RATE = "2/15m"
    confirmed_totp_device(police)
    client.force_login(police)
    for _ in range(2):
        client.post(reverse("accounts:two_step"), {"code": "000000"})
    response = client.post(reverse("accounts:two_step"), {"code": "000000"})
    assert response.status_code == 429


def test_verification_lasts_for_the_session_only(client, police):
    sign_in(client, police)
    assert client.get(HOME).status_code == 200
    client.logout()
    client.force_login(police)
    assert_redirects_to_two_factor(client.get(HOME))


def test_sign_in_helper_passes_2fa_for_staff(client, personas):
    for person in personas.all():
        sign_in(client, person)
        assert client.get(HOME).status_code == 200, person
