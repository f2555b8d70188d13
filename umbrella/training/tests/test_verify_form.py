"""The public certificate check by typing a code: /<lang>/verify/."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from umbrella.training.courses.actions import format_code, issue_certificate, revoke_certificate
from umbrella.training.tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(staff):
    return issue_certificate(staff, make_course(), timezone.now())


def test_the_form_is_offered_in_each_staff_language(client):
    for language, label in (("nl", "Code van het certificaat"), ("fr", "Code du certificat")):
        response = client.get(f"/{language}/verify/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'method="get"' in html and 'name="code"' in html
        assert label in html
    assert 'name="code"' in client.get("/en/verify/").content.decode()


def test_a_valid_code_as_printed_leads_to_its_result(client, certificate):
    # Typed as printed on the paper: groups of four with dashes, lower case, spaces.
    typed = " " + format_code(certificate.code).lower().replace("-", " - ") + " "
    response = client.get("/en/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/en/verify/{certificate.code}"
    result = client.get(response["Location"])
    assert result.status_code == 200
    assert 'data-status="valid"' in result.content.decode()
    assert certificate.holder_name not in result.content.decode()


def test_an_expired_certificate_is_shown_as_expired(client, certificate):
    certificate.valid_until = timezone.now() - timedelta(days=1)
    certificate.save(update_fields=["valid_until"])
    response = client.get("/en/verify/", {"code": certificate.code}, follow=True)
    assert response.status_code == 200
    assert 'data-status="expired"' in response.content.decode()


@pytest.mark.parametrize("typed", ["", "   ", "NOPE", "ABCD-EFGH", "U" * 20, "!" * 30, "A" * 70])
def test_a_malformed_code_answers_400_with_the_form_and_a_sentence(client, typed):
    response = client.get("/fr/verify/", {"code": typed})
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert 'name="code"' in html
    assert 'role="alert"' in html
    assert "Traceback" not in html
    # A French sentence, not Django's English default.
    assert any(
        sentence in html
        for sentence in (
            "Tapez le code imprimé sur le certificat.",
            "Ce n'est pas un code de certificat.",
            "C'est trop long pour un code de certificat.",
        )
    ), html


def test_an_unknown_code_answers_404_with_the_form(client, certificate):
    unknown = ("0" if certificate.code[0] != "0" else "1") + certificate.code[1:]
    response = client.get("/nl/verify/", {"code": unknown})
    html = response.content.decode()
    assert response.status_code == 404
    assert 'name="code"' in html
    assert "Geen enkel geldig certificaat heeft deze code." in html


def test_a_withdrawn_certificate_is_unknown(client, certificate):
    revoke_certificate(certificate, timezone.now())
    response = client.get("/en/verify/", {"code": certificate.code})
    assert response.status_code == 404
    assert "No valid certificate has this code." in response.content.decode()


def test_the_result_page_of_an_unknown_code_offers_the_form_again(client):
    response = client.get("/en/verify/NOPE")
    assert response.status_code == 404
    assert 'action="/en/verify/"' in response.content.decode()


def test_the_form_takes_only_get(client):
    response = client.post("/en/verify/", {"code": "X"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_a_language_less_address_is_redirected_to_the_visitors_language(client):
    response = client.get("/verify/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    assert response["Location"] == "/nl/verify/"
