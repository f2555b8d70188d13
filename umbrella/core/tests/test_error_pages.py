"""Error pages speak the page's language and keep the quick exit and 112 (DEBUG is off in tests)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import bad_request, permission_denied


@pytest.mark.parametrize(
    ("path", "sentence"),
    [
        ("/nl/no-such-page/", "Deze pagina bestaat niet"),
        ("/fr/no-such-page/", "Cette page n’existe pas"),
        ("/en/no-such-page/", "This page does not exist"),
    ],
)
def test_a_missing_page_is_explained_in_the_page_language(client, path, sentence):
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert sentence in body
    assert 'id="quick-exit"' in body
    assert 'href="tel:112"' in body


def test_a_refusal_and_a_bad_request_are_explained(db):
    request = RequestFactory().get("/nl/")
    request.user = None
    with translation.override("nl"):
        refused = permission_denied(request, PermissionDenied())
        bad = bad_request(request, Exception())
    assert refused.status_code == 403
    assert "U mag deze pagina niet openen" in refused.content.decode()
    assert bad.status_code == 400
    assert "Dit verzoek kan niet worden behandeld" in bad.content.decode()
