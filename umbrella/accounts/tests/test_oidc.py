"""Staff sign-in through OpenID Connect, against a stand-in provider on loopback.

Every test runs the real flow: the start page redirects to the provider, the
provider (a real HTTP server) redirects back with a code, and the callback
exchanges it at the token endpoint and checks the ID token against the JWKS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from django.utils import translation

from umbrella.accounts.models import ProviderIdentity, Role, User
from umbrella.accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, StandInProvider
from umbrella.core.tests.test_production_refusals import SETUP, run
from umbrella.testing import assert_redirects_to_two_factor, sign_in

STRONG_ACR = "urn:be:fedict:iam:fas:Level500"
BACKENDS = ["django.contrib.auth.backends.ModelBackend", "umbrella.accounts.oidc.StaffOIDCBackend"]


@pytest.fixture(scope="module")
def op():
    with StandInProvider() as provider:
        yield provider


@pytest.fixture
def oidc(settings, op):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = op.discovery_url
    settings.OIDC_RP_SIGN_ALGO = op.alg
    settings.OIDC_STRONG_ACR_VALUES = [STRONG_ACR]
    settings.OIDC_STRONG_AMR_VALUES = ["eid"]
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    op.claims, op.sign_with, op.nonce, op.id_token_overrides = {}, None, None, {}
    return op


def link(person: User, op: StandInProvider, subject: str) -> ProviderIdentity:
    return ProviderIdentity.objects.create(user=person, issuer=op.url, subject=subject)


def sign_in_through(client, op, claims, *, lang="en", next_url=None):
    """Run the whole flow; return the callback's response."""
    op.claims = claims
    with translation.override(lang):
        start = reverse("accounts:oidc_start")
    response = client.get(start, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(f"{op.url}/authorize?")
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == "http://testserver/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


def signed_in_user(client):
    return client.get(reverse("accounts:account")).wsgi_request.user


# --- Offered only to staff, only when configured --------------------------


@pytest.mark.django_db
def test_without_configuration_nothing_is_offered_and_every_address_is_404(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:staff_login") not in page
    assert client.get(reverse("accounts:staff_login")).status_code == 404
    assert client.get(reverse("accounts:oidc_start")).status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_the_sign_in_page_offers_only_a_link_to_the_staff_page(client, oidc):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:staff_login") in page
    assert reverse("accounts:oidc_start") not in page
    for word in ("eID", "itsme", "OpenID", "FAS", "CSAM"):
        assert word not in page
    staff_page = client.get(reverse("accounts:staff_login")).content.decode()
    assert reverse("accounts:oidc_start") in staff_page


@pytest.mark.django_db
def test_the_start_sends_state_nonce_and_a_pkce_challenge(client, oidc, staff):
    link(staff, oidc, "sub-staff")
    sign_in_through(client, oidc, {"sub": "sub-staff"})
    asked = oidc.authorize_requests[-1]
    assert asked["client_id"] == CLIENT_ID and asked["response_type"] == "code"
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert len(oidc.token_requests[-1]["code_verifier"]) >= 43


# --- Signing a pre-created staff member in ---------------------------------


@pytest.mark.django_db
def test_a_linked_staff_member_is_signed_in_and_still_passes_the_code_page(client, oidc, staff):
    link(staff, oidc, "sub-staff")
    response = sign_in_through(client, oidc, {"sub": "sub-staff"}, next_url="/en/accounts/me/")
    assert response.status_code == 302 and response["Location"] == "/en/accounts/me/"
    # No strong-authentication claim: the staff two-step rule still applies.
    assert_redirects_to_two_factor(client.get(reverse("accounts:home")))
    identity = ProviderIdentity.objects.get(user=staff)
    assert identity.last_sign_in_at is not None


@pytest.mark.django_db
def test_deactivating_her_account_ends_a_session_opened_through_the_provider(client, oidc, staff):
    link(staff, oidc, "sub-staff")
    sign_in_through(client, oidc, {"sub": "sub-staff", "acr": STRONG_ACR})
    assert signed_in_user(client) == staff
    staff.is_active = False
    staff.save()
    assert not signed_in_user(client).is_authenticated


@pytest.mark.django_db
@pytest.mark.parametrize("claims", [{"acr": STRONG_ACR}, {"amr": ["pwd", "eid"]}])
def test_a_strong_authentication_claim_satisfies_the_two_step_rule(client, oidc, staff, claims):
    link(staff, oidc, "sub-staff")
    sign_in_through(client, oidc, {"sub": "sub-staff", **claims})
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == staff and home.wsgi_request.user.is_verified()


@pytest.mark.django_db
@pytest.mark.parametrize("claims", [{"acr": "urn:be:fedict:iam:fas:Level100"}, {"amr": ["pwd"]}])
def test_a_weaker_claim_does_not(client, oidc, staff, claims):
    link(staff, oidc, "sub-staff")
    sign_in_through(client, oidc, {"sub": "sub-staff", **claims})
    assert_redirects_to_two_factor(client.get(reverse("accounts:home")))


@pytest.mark.django_db
def test_the_first_sign_in_links_a_verified_email_then_the_subject_alone_counts(
    client, oidc, staff
):
    staff.email = "Staff@CPAS.example"
    staff.save()
    claims = {"sub": "sub-new", "email": "staff@cpas.example", "email_verified": True}
    assert sign_in_through(client, oidc, claims).status_code == 302
    assert ProviderIdentity.objects.get(user=staff).subject == "sub-new"
    client.logout()
    # The address changed at the provider: the subject still finds her.
    response = sign_in_through(client, oidc, {"sub": "sub-new", "email": "other@example.org"})
    assert response.status_code == 302 and signed_in_user(client) == staff


@pytest.mark.django_db
def test_the_email_from_userinfo_links_when_the_id_token_has_none(client, oidc, staff):
    staff.email = "staff@cpas.example"
    staff.save()
    oidc.id_token_overrides = {"email": None}
    claims = {"sub": "sub-ui", "email": "staff@cpas.example", "email_verified": True}
    assert sign_in_through(client, oidc, claims).status_code == 302
    assert ProviderIdentity.objects.get(user=staff).subject == "sub-ui"


# --- Refusals: nobody created, nobody signed in, a page that says why -----


def assert_refused(client, response, status, text):
    assert response.status_code == status
    assert text in response.content.decode()
    assert not signed_in_user(client).is_authenticated


@pytest.mark.django_db
def test_an_unknown_subject_is_refused_and_no_account_is_created(client, oidc, personas):
    people = User.objects.count()
    response = sign_in_through(
        client, oidc, {"sub": "sub-nobody", "email": "nobody@example.org", "email_verified": True}
    )
    assert_refused(client, response, 403, "No Umbrella account is linked")
    assert User.objects.count() == people
    assert not ProviderIdentity.objects.exists()


@pytest.mark.django_db
def test_an_unverified_email_links_nothing(client, oidc, staff):
    staff.email = "staff@cpas.example"
    staff.save()
    claims = {"sub": "sub-x", "email": "staff@cpas.example", "email_verified": False}
    assert_refused(client, sign_in_through(client, oidc, claims), 403, "No Umbrella account")
    assert not ProviderIdentity.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SEX_WORKER, Role.RESIDENT])
def test_a_sex_workers_or_residents_account_never_signs_in_this_way(client, oidc, personas, role):
    person = personas.worker if role == Role.SEX_WORKER else personas.resident
    person.email = "her@example.org"
    person.save()
    claims = {"sub": "sub-her", "email": "her@example.org", "email_verified": True}
    response = sign_in_through(client, oidc, {**claims, "acr": STRONG_ACR})
    assert_refused(client, response, 403, "for the staff of services and administrations only")
    assert not ProviderIdentity.objects.exists()
    # Even linked by mistake in the admin.
    link(person, oidc, "sub-her")
    response = sign_in_through(client, oidc, {"sub": "sub-her", "acr": STRONG_ACR})
    assert_refused(client, response, 403, "for the staff of services and administrations only")


@pytest.mark.django_db
def test_a_stopped_link_or_a_deactivated_account_is_refused(client, oidc, staff):
    identity = link(staff, oidc, "sub-staff")
    identity.confirmed = False
    identity.save()
    assert_refused(client, sign_in_through(client, oidc, {"sub": "sub-staff"}), 403, "linked")
    identity.confirmed = True
    identity.save()
    staff.is_active = False
    staff.save()
    assert_refused(client, sign_in_through(client, oidc, {"sub": "sub-staff"}), 403, "linked")


@pytest.mark.django_db
def test_an_id_token_signed_with_another_key_is_refused(client, oidc, staff, caplog):
    link(staff, oidc, "sub-staff")
    oidc.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sign_in_through(client, oidc, {"sub": "sub-staff", "acr": STRONG_ACR})
    assert_refused(client, response, 400, "could not be checked")
    # The operator learns why; the log names nobody.
    assert "staff sign-in refused (invalid) ID token refused: InvalidSignatureError" in caplog.text
    assert "sub-staff" not in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"nonce": "not-the-nonce-this-browser-sent"},
        {"aud": "another-client"},
        {"iss": "https://another-provider.example"},
        {"exp": 1_000_000_000},
    ],
    ids=["nonce", "audience", "issuer", "expired"],
)
def test_an_id_token_with_wrong_claims_is_refused(client, oidc, staff, overrides):
    link(staff, oidc, "sub-staff")
    oidc.id_token_overrides = overrides
    response = sign_in_through(client, oidc, {"sub": "sub-staff", "acr": STRONG_ACR})
    assert_refused(client, response, 400, "could not be checked")


@pytest.mark.django_db
def test_an_unknown_or_replayed_state_is_refused(client, oidc, staff):
    link(staff, oidc, "sub-staff")
    sign_in_through(client, oidc, {"sub": "sub-staff"})
    client.logout()
    response = client.get("/oidc/callback/?code=abc&state=made-up")
    assert_refused(client, response, 400, "could not be checked")
    # A code and state from another browser's sign-in (login CSRF): this session never sent it.
    oidc.claims = {"sub": "sub-staff"}
    other = client.__class__()
    start = other.get(reverse("accounts:oidc_start"))
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    stolen = urlsplit(back.headers["Location"])
    client.get(reverse("accounts:oidc_start"))  # this browser has states of its own
    response = client.get(f"{stolen.path}?{stolen.query}")
    assert_refused(client, response, 400, "could not be checked")
    # The rightful browser uses it once; a second time is a replay.
    assert other.get(f"{stolen.path}?{stolen.query}").status_code == 302
    other.logout()
    assert other.get(f"{stolen.path}?{stolen.query}").status_code == 400


@pytest.mark.django_db
def test_an_error_from_the_provider_signs_nobody_out(client, oidc, staff):
    link(staff, oidc, "sub-staff")
    sign_in_through(client, oidc, {"sub": "sub-staff", "acr": STRONG_ACR})
    response = client.get("/oidc/callback/?error=access_denied&state=whatever")
    assert response.status_code == 400
    assert "cancelled or refused" in response.content.decode()
    assert signed_in_user(client) == staff


@pytest.mark.django_db
def test_an_unreachable_provider_gets_a_page_not_a_crash(client, oidc, settings):
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get(reverse("accounts:oidc_start"))
    assert response.status_code == 502
    assert "cannot be reached" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [("nl", 'lang="nl"'), ("fr", 'lang="fr"'), ("en", 'lang="en"')],
)
def test_the_refusal_page_speaks_the_language_she_started_in(client, oidc, personas, lang, text):
    response = sign_in_through(client, oidc, {"sub": "sub-nobody"}, lang=lang)
    assert response.status_code == 403
    page = response.content.decode()
    assert text in page
    with translation.override(lang):
        assert str(translation.gettext("Staff sign-in")) in page


# --- ES256, and endpoints without discovery --------------------------------


@pytest.mark.django_db
def test_an_es256_provider_configured_without_discovery(client, settings, staff):
    with StandInProvider(alg="ES256") as es:
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_DISCOVERY_URL = ""
        settings.OIDC_OP_ISSUER = es.url
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{es.url}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{es.url}/token"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{es.url}/jwks"
        settings.OIDC_RP_SIGN_ALGO = "ES256"
        settings.OIDC_STRONG_AMR_VALUES = ["itsme"]
        settings.AUTHENTICATION_BACKENDS = BACKENDS
        link(staff, es, "sub-es")
        sign_in_through(client, es, {"sub": "sub-es", "amr": ["itsme"]})
        home = client.get(reverse("accounts:home"))
        assert home.status_code == 200 and home.wsgi_request.user.is_verified()


@pytest.mark.django_db
def test_a_token_signed_with_another_algorithm_is_refused(client, oidc, settings, staff):
    link(staff, oidc, "sub-staff")
    settings.OIDC_RP_SIGN_ALGO = "ES256"  # the provider signs RS256
    response = sign_in_through(client, oidc, {"sub": "sub-staff"})
    assert_refused(client, response, 400, "could not be checked")


def test_the_callback_address_does_not_depend_on_the_language():
    for lang in ("nl", "fr", "en", "ro"):
        with translation.override(lang):
            assert reverse("oidc-callback") == "/oidc/callback/"


# --- Production refuses a half configuration -------------------------------

SECRET = "a-real-client-secret-0123456789abcdef"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"OIDC_RP_CLIENT_ID": "umbrella"}, "OIDC_RP_CLIENT_SECRET is missing"),
        (
            {"OIDC_RP_CLIENT_ID": "umbrella", "OIDC_RP_CLIENT_SECRET": SECRET},
            "OIDC_RP_CLIENT_ID is set but the provider is not",
        ),
        (
            {"OIDC_OP_DISCOVERY_URL": "https://idp.example/.well-known/openid-configuration"},
            "OIDC_OP_DISCOVERY_URL set without OIDC_RP_CLIENT_ID",
        ),
        (
            {
                "OIDC_RP_CLIENT_ID": "umbrella",
                "OIDC_RP_CLIENT_SECRET": SECRET,
                "OIDC_OP_DISCOVERY_URL": "http://idp.example/.well-known/openid-configuration",
            },
            "must be an https:// address",
        ),
    ],
    ids=["no-secret", "no-provider", "no-client", "plain-http"],
)
def test_production_refuses_a_half_configuration(tmp_path, changes, named):
    result = run(tmp_path, SETUP, **changes)
    assert result.returncode != 0
    assert named in result.stderr


def test_production_starts_with_a_whole_configuration(tmp_path):
    discovery = "https://idp.example/.well-known/openid-configuration"
    changes = {"OIDC_RP_CLIENT_ID": "umbrella", "OIDC_RP_CLIENT_SECRET": SECRET}
    result = run(tmp_path, SETUP, OIDC_OP_DISCOVERY_URL=discovery, **changes)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_the_persons_admin_page_holds_her_provider_sign_ins(client, platform_admin, staff):
    ProviderIdentity.objects.create(user=staff, issuer="https://idp.example", subject="sub-admin")
    sign_in(client, platform_admin)
    url = reverse("admin:accounts_user_change", args=[staff.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "provideridentity_set-TOTAL_FORMS" in html and "sub-admin" in html
