"""Look-alike pseudonyms are refused at sign-up (issue 15, finding 3).

A circle is built from pseudonyms: ``demo-wоrker`` with a Cyrillic о, or
``demo-w0rker`` with a zero, could take an invitation meant for demo-worker.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from umbrella.accounts import actions
from umbrella.accounts.forms import SignUpForm
from umbrella.accounts.models import User
from umbrella.accounts.pseudonyms import check_pseudonym, skeleton

PASSPHRASE = "purple kettle under moonlight"


def form(name: str) -> SignUpForm:
    return SignUpForm(
        {"chosen_name": name, "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
    )


@pytest.fixture
def existing(db):
    user, _codes = actions.sign_up_sex_worker("demo-worker", PASSPHRASE)
    return user


@pytest.mark.parametrize(
    "name",
    [
        "demo-w\u043erker",  # Cyrillic о among Latin letters
        "d\u0435mo-worker",  # Cyrillic е
        "\u0430nna",  # Cyrillic а, then Latin
        "m\u03b1ria",  # Greek alpha among Latin letters
    ],
)
def test_a_name_mixing_scripts_is_refused(existing, name):
    bound = form(name)
    assert not bound.is_valid()
    assert bound.has_error("chosen_name", "mixed_script")
    assert not User.objects.filter(username=name).exists()


@pytest.mark.parametrize(
    "name", ["demo-w0rker", "DEMO-W0RKER", "dem\u03bf-w\u03bfrker", "demo-workeｒ"]
)
def test_a_look_alike_of_an_existing_name_is_refused(existing, name):
    bound = form(name)
    assert not bound.is_valid()
    errors = bound.errors.as_data()["chosen_name"]
    assert {error.code for error in errors} & {"looks_taken", "taken", "mixed_script"}


def test_zero_and_one_are_look_alikes_of_o_and_l(db):
    assert skeleton("demo-w0rker") == skeleton("demo-worker")
    assert skeleton("pau1a") == skeleton("paula") == skeleton("PAUlA")
    assert skeleton("demo-wоrker") == skeleton("demo-worker")


def test_the_name_is_stored_in_nfkc(client, db):
    client.post(
        reverse("accounts:signup"),
        {"chosen_name": "ｍａｒｉａ", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE},
    )
    assert User.objects.filter(username="maria").exists()
    assert not User.objects.filter(username="ｍａｒｉａ").exists()


def test_names_of_one_script_still_work(existing):
    for name in ("Starling", "маша", "Σοφία", "renata.ro", "ioana_2"):
        assert form(name).is_valid(), name


def test_the_refusal_is_translated_for_a_sex_worker(existing):
    for language in ("nl", "fr", "ro", "bg", "es", "pt"):
        with translation.override(language):
            mixed = str(form("demo-w\u043erker").errors["chosen_name"][0])
            alike = str(form("demo-w0rker").errors["chosen_name"][0])
        assert "alphabet" not in mixed, language
        assert "looks too much like" not in alike, language


def test_check_pseudonym_alone():
    with pytest.raises(Exception) as refused:
        check_pseudonym("pau1a", ["Paula"])
    assert refused.value.code == "looks_taken"
    assert check_pseudonym("ｐａｕｌａ", []) == "paula"
