import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone

from umbrella.accounts import actions
from umbrella.accounts.models import User

NEW = "a brand new passphrase"


@pytest.fixture
def ana(db):
    user, codes = actions.sign_up_sex_worker("ana", "the original passphrase")
    return user, codes


def _recover(client, name, code, passphrase=NEW):
    return client.post(
        reverse("accounts:recover"),
        {
            "chosen_name": name,
            "code": code,
            "passphrase": passphrase,
            "passphrase_again": passphrase,
        },
    )


def test_a_recovery_code_sets_a_new_passphrase_and_signs_in(client, ana):
    user, codes = ana
    response = _recover(client, "ana", codes[0])
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert authenticate(username="ana", password=NEW) == user
    assert client.get(reverse("accounts:home")).context["user"] == user


def test_a_recovery_code_works_only_once(client, ana):
    user, codes = ana
    assert actions.use_recovery_code(user, codes[1], timezone.now())
    assert not actions.use_recovery_code(user, codes[1], timezone.now())
    assert actions.unused_recovery_code_count(user) == 9


def test_codes_are_accepted_without_dashes_and_in_capitals(ana):
    user, codes = ana
    assert actions.use_recovery_code(user, codes[2].replace("-", " ").upper(), timezone.now())


def test_a_used_code_is_refused_on_the_page_without_saying_why(client, ana):
    user, codes = ana
    _recover(client, "ana", codes[0])
    client.logout()
    response = _recover(client, "ana", codes[0], passphrase="yet another passphrase")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert authenticate(username="ana", password=NEW) == user


def test_unknown_names_get_the_same_answer_as_wrong_codes(client, ana):
    _user, codes = ana
    wrong_code = _recover(client, "ana", "aaaa-aaaa-aaaa-aaaa")
    unknown_name = _recover(client, "nobody", codes[0])
    assert wrong_code.context["form"].non_field_errors() == (
        unknown_name.context["form"].non_field_errors()
    )


def test_another_persons_code_does_not_work(client, ana, worker):
    _user, codes = ana
    _recover(client, "worker", codes[0])
    assert authenticate(username="worker", password=NEW) is None


def test_regenerating_codes_needs_the_passphrase_and_replaces_old_codes(client, ana):
    user, old_codes = ana
    client.force_login(user)
    refused = client.post(reverse("accounts:regenerate_codes"), {"passphrase": "wrong one"})
    assert refused.status_code == 200 and "passphrase" in refused.context["form"].errors
    response = client.post(
        reverse("accounts:regenerate_codes"), {"passphrase": "the original passphrase"}
    )
    new_codes = response.context["codes"]
    assert len(new_codes) == 10
    assert not actions.use_recovery_code(user, old_codes[0], timezone.now())
    assert actions.use_recovery_code(user, new_codes[0], timezone.now())


def test_recovery_attempts_are_rate_limited(client, ana, settings):
    settings.LOGIN_RATE = "3/15m"
    for _ in range(3):
        assert _recover(client, "ana", "aaaa-aaaa-aaaa-aaaa").status_code == 200
    _user, codes = ana
    response = _recover(client, "ana", codes[0])
    assert response.status_code == 429
    assert User.objects.get(username="ana").check_password("the original passphrase")
