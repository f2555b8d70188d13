"""The site's own 400, 403 and 405 pages, in the page's language, for every app's pages.

A refusal written for people (``core.exceptions.Refused``, ``Malformed``) shows
its sentence; any other exception's text (Django's, a library's: developers'
English) never reaches the page.
"""

import re

import pytest

from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


def test_a_plain_permission_denied_shows_the_general_sentence_not_its_text(client, settings):
    settings.DISALLOWED_USER_AGENTS = [re.compile("EvilBot")]  # CommonMiddleware: 403
    response = client.get("/fr/", HTTP_USER_AGENT="EvilBot/1.0")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Vous ne pouvez pas ouvrir cette page" in html and 'lang="fr"' in html
    assert "Forbidden user agent" not in html
    assert response["Cache-Control"] == "private, no-store"


def test_a_page_that_takes_only_post_answers_405_with_the_sites_page(client, worker):
    """Any app's ``require_POST`` page (here the accounts app's), not only training's."""
    sign_in(client, worker)
    response = client.get("/nl/accounts/tokens/1/revoke/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "Deze pagina kan dat niet" in html and 'lang="nl"' in html


def test_the_api_keeps_its_json_405(client):
    response = client.delete("/api/v1/areas/municipalities")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
