from django.contrib.auth import authenticate
from django.urls import reverse

from umbrella.accounts.forms import SignUpForm
from umbrella.accounts.models import RecoveryCode, Role, User

PASSPHRASE = "purple kettle under moonlight"


def _sign_up(client, name="Starling", passphrase=PASSPHRASE, again=None, url="accounts:signup"):
    return client.post(
        reverse(url),
        {"chosen_name": name, "passphrase": passphrase, "passphrase_again": again or passphrase},
    )


def test_sign_up_form_asks_for_a_name_and_a_passphrase_only():
    assert list(SignUpForm().fields) == ["chosen_name", "passphrase", "passphrase_again"]


def test_sign_up_page_has_no_email_or_phone_field_and_explains_pseudonymity(client, db):
    response = client.get(reverse("accounts:signup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="email"' not in html and 'type="tel"' not in html
    assert 'name="email"' not in html and 'name="phone"' not in html
    assert "You do not need your real name" in html


def test_sign_up_creates_a_pseudonymous_sex_worker_with_an_argon2_hash(client, db):
    response = _sign_up(client)
    assert response.status_code == 200
    user = User.objects.get(username="Starling")
    assert user.role == Role.SEX_WORKER
    assert user.email == "" and user.first_name == "" and user.last_name == ""
    assert user.password.startswith("argon2")
    assert authenticate(username="Starling", password=PASSPHRASE) == user
    # Signed in straight away.
    assert client.get(reverse("accounts:home")).status_code == 200


def test_sign_up_shows_ten_recovery_codes_once_and_stores_only_digests(client, db):
    response = _sign_up(client)
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    html = response.content.decode()
    assert all(code in html for code in codes)
    assert "I have saved my recovery codes." in html
    assert response["Cache-Control"].count("no-store") == 1
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


def test_resident_sign_up_uses_the_same_flow(client, db):
    _sign_up(client, name="corner-bakery", url="accounts:signup_resident")
    assert User.objects.get(username="corner-bakery").role == Role.RESIDENT


def test_sign_up_rejects_mismatched_passphrases_with_a_field_error(client, db):
    response = _sign_up(client, again="something else entirely")
    assert response.status_code == 200
    assert "passphrase_again" in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_rejects_weak_passphrases(client, db):
    response = _sign_up(client, passphrase="short")
    assert "passphrase" in response.context["form"].errors
    response = _sign_up(client, passphrase="1234567890123")
    assert "passphrase" in response.context["form"].errors


def test_sign_up_rejects_a_taken_name_in_any_case(client, worker):
    response = _sign_up(client, name="WORKER")
    errors = response.context["form"].errors
    assert "chosen_name" in errors
    error_id = 'id="id_chosen_name_error"'
    assert error_id in response.content.decode()
    assert User.objects.filter(username__iexact="worker").count() == 1


def test_sign_up_rejects_names_with_spaces_or_markup(client, db):
    response = _sign_up(client, name="<b>x</b> y")
    assert "chosen_name" in response.context["form"].errors


def test_signed_in_people_are_sent_to_their_account(client, worker):
    client.force_login(worker)
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
