import pytest
from django.conf import settings
from django.urls import reverse

from umbrella.testing import PERSONA_PASSWORD

LOGIN_LIMIT = int(settings.LOGIN_RATE.split("/")[0])


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_sign_in_with_name_and_passphrase(client, worker):
    response = _login(client, "worker", PERSONA_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


def test_sign_in_accepts_a_capitalised_name(client, worker):
    assert _login(client, "Worker", PERSONA_PASSWORD).status_code == 302


def test_wrong_passphrase_and_unknown_name_get_the_same_message(client, worker):
    wrong = _login(client, "worker", "not the passphrase")
    unknown = _login(client, "nobody-here", "not the passphrase")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_login_page_offers_recovery_and_sign_up(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:recover") in html
    assert reverse("accounts:signup") in html


def test_rate_limit_kicks_in_after_the_configured_number_of_failures(client, worker):
    for _ in range(LOGIN_LIMIT):
        assert _login(client, "worker", "wrong passphrase").status_code == 200
    response = _login(client, "worker", PERSONA_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_failures_from_many_addresses_hit_the_per_name_ceiling(client, worker, settings):
    """A name has a ceiling over all clients (LOGIN_ACCOUNT_RATE), higher than one client's."""
    settings.LOGIN_ACCOUNT_RATE = "4/5m"
    for number in range(4):
        client.post(
            reverse("accounts:login"),
            {"username": "worker", "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{number + 1}",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "worker", "password": PERSONA_PASSWORD},
        REMOTE_ADDR="10.0.1.1",
    )
    assert response.status_code == 429


def test_rate_limit_counts_per_address_whatever_the_name(client, worker):
    for number in range(LOGIN_LIMIT):
        _login(client, f"someone-{number}", "wrong")
    assert _login(client, "worker", PERSONA_PASSWORD).status_code == 429


def test_rate_limit_answers_the_same_for_unknown_names(client, db):
    for _ in range(LOGIN_LIMIT):
        _login(client, "nobody-here", "wrong")
    assert _login(client, "nobody-here", "wrong").status_code == 429


def test_successful_sign_ins_do_not_count(client, worker):
    for _ in range(LOGIN_LIMIT + 2):
        assert _login(client, "worker", PERSONA_PASSWORD).status_code == 302
        client.logout()


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_login_page_renders_in_every_complete_language(client, db, language):
    response = client.get(f"/{language}/accounts/login/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_logout_is_a_post(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302
