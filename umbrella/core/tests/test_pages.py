import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

HEADINGS = {
    "nl": "Umbrella: één Brussel voor iedereen die hier woont en werkt",
    "fr": "Umbrella : une seule Bruxelles pour tous ceux qui y vivent et y travaillent",
    "en": "Umbrella: one Brussels for everyone who lives and works here",
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_home_speaks_each_complete_language(client, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert HEADINGS[lang] in html


@pytest.mark.parametrize("path", ["/en/", "/en/about/", "/en/areas/map/", "/en/accounts/login/"])
def test_every_page_has_quick_exit_112_and_the_language_switch(client, path):
    html = client.get(path).content.decode()
    assert 'id="quick-exit"' in html
    assert f'href="{settings.QUICK_EXIT_URL}"' in html
    assert 'href="tel:112"' in html
    assert 'action="/i18n/setlang/"' in html
    for code, _name in settings.LANGUAGES:
        assert f'value="{code}"' in html


def test_titles_are_neutral(client):
    html = client.get("/en/").content.decode()
    assert "<title>Umbrella</title>" in html


def test_the_root_redirects_to_a_language_prefix(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_the_language_switch_persists_the_choice():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/en/about/"})
    assert response.status_code == 302
    assert response["Location"] == "/nl/about/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    # The cookie now wins over the browser's preference on the next visit.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == "/nl/"


def test_pages_forbid_third_party_resources(client):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "https:" not in policy
    assert response["Referrer-Policy"] == "same-origin"


def test_about_page_carries_the_data_attribution(client):
    html = client.get("/en/about/").content.decode()
    assert "Brussels UrbIS" in html
    assert "IBSA/BISA" in html
    assert "Brussels UrbIS" in client.get("/fr/").content.decode()


def test_no_page_uses_the_stigmatising_word(client):
    for lang in ("nl", "fr", "en"):
        html = client.get(f"/{lang}/").content.decode().lower()
        for word in ("prostitu", "hoer"):
            assert word not in html
