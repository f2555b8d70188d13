"""How the installed app looks on this phone: the choice, its cookie, the manifest (issue 13 §4)."""

import re

import pytest

from umbrella.alarms import disguise
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db

LOOK_URL = "/en/alarms/look/"
EXPECTED = {
    "umbrella": ("Umbrella", "icon"),
    "calculator": ("Calculator", "calculator"),
    "notes": ("Notes", "notes"),
    "weather": ("Weather", "weather"),
}


@pytest.mark.parametrize("key", EXPECTED)
def test_the_manifest_carries_the_chosen_name_and_icons(client, key):
    name, icon = EXPECTED[key]
    client.cookies[disguise.COOKIE_NAME] = key
    response = client.get("/en/alarms/manifest.webmanifest")
    assert response.status_code == 200
    assert "Cookie" in response["Vary"]
    manifest = response.json()
    assert manifest["name"] == manifest["short_name"] == name
    sources = {(i["src"], i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert sources == {
        (f"/static/alarms/icons/{icon}-192.png", "192x192", "any"),
        (f"/static/alarms/icons/{icon}-512.png", "512x512", "any"),
        (f"/static/alarms/icons/{icon}-512.png", "512x512", "maskable"),
        (f"/static/alarms/icons/{icon}.svg", "any", "any"),
    }


@pytest.mark.parametrize("icon", ["calculator", "notes", "weather"])
@pytest.mark.parametrize("suffix", [".svg", "-192.png", "-512.png"])
def test_each_icon_file_ships_and_stays_small(icon, suffix):
    from django.contrib.staticfiles import finders

    path = finders.find(f"alarms/icons/{icon}{suffix}")
    assert path
    with open(path, "rb") as handle:
        data = handle.read()
    assert len(data) < 8000
    if suffix == ".svg":
        assert data.startswith(b"<svg") and b"<script" not in data
    else:
        assert data.startswith(b"\x89PNG")


def test_the_installed_name_is_in_her_language(client):
    client.cookies[disguise.COOKIE_NAME] = "calculator"
    assert client.get("/nl/alarms/manifest.webmanifest").json()["name"] == "Rekenmachine"
    assert client.get("/fr/alarms/manifest.webmanifest").json()["name"] == "Calculatrice"


@pytest.mark.parametrize("value", ["", "bank", "Calculator", "calculator;x", "../icon"])
def test_an_unknown_cookie_reads_as_the_default(client, value):
    client.cookies[disguise.COOKIE_NAME] = value
    manifest = client.get("/en/alarms/manifest.webmanifest").json()
    assert manifest["name"] == "Umbrella"
    assert manifest["icons"][0]["src"] == "/static/alarms/icons/icon-192.png"


def test_the_service_worker_notifies_with_the_chosen_icon(client):
    client.cookies[disguise.COOKIE_NAME] = "weather"
    response = client.get("/en/alarms/sw.js")
    assert '"icon": "/static/alarms/icons/weather-192.png"' in response.content.decode()
    assert "Cookie" in response["Vary"]


def test_the_form_sets_the_cookie_on_this_phone(client, worker):
    sign_in(client, worker)
    response = client.post(LOOK_URL, {"look": "notes"})
    assert response.status_code == 302
    assert response["Location"] == LOOK_URL
    cookie = response.cookies[disguise.COOKIE_NAME]
    assert cookie.value == "notes"
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    page = client.get(LOOK_URL)
    assert b'value="notes" checked' in page.content
    assert b"remove the app from your home screen" in page.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"look": "bank"}, "Choisissez l&#x27;une des apparences proposées sur cette page."),
        ({"look": ""}, "Choisissez l&#x27;apparence de l&#x27;application sur ce téléphone."),
        ({}, "Choisissez l&#x27;apparence de l&#x27;application sur ce téléphone."),
    ],
)
def test_a_bad_choice_is_a_400_with_the_form(client, worker, data, message):
    sign_in(client, worker)
    response = client.post("/fr/alarms/look/", data)
    assert response.status_code == 400
    assert disguise.COOKIE_NAME not in response.cookies
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'name="look" value="calculator"' in html
    assert message in html  # in her language


def test_the_form_needs_the_csrf_token(worker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, worker)
    assert client.post(LOOK_URL, {"look": "notes"}).status_code == 403


@pytest.mark.parametrize("persona", ["resident", "responder"])
def test_only_a_sex_worker_has_the_page(client, personas, persona):
    sign_in(client, getattr(personas, persona))
    assert client.get(LOOK_URL).status_code == 403
    assert b"/alarms/look/" not in client.get("/en/accounts/me/").content


def test_the_page_is_reached_by_clicking_from_her_account(client, worker):
    sign_in(client, worker)
    account = client.get("/ro/accounts/me/").content.decode()
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', account)
    href = [url for url, _text in links if url.endswith("/alarms/look/")]
    assert href == ["/ro/alarms/look/"]
    page = client.get(href[0])
    assert page.status_code == 200
    assert 'lang="ro"' in page.content.decode()
    assert page.content.count(b'type="radio" name="look"') == len(disguise.LOOKS)


def test_the_pwa_screens_follow_the_look_in_head_and_title(client, worker):
    sign_in(client, worker)
    client.cookies[disguise.COOKIE_NAME] = "calculator"
    for url in ("/en/alarms/panic/", "/en/alarms/checkin/"):
        html = client.get(url).content.decode()
        assert "<title>Calculator</title>" in html
        assert 'rel="apple-touch-icon" href="/static/alarms/icons/calculator-192.png"' in html
        assert 'rel="icon" href="/static/alarms/icons/calculator.svg"' in html
        assert 'name="apple-mobile-web-app-title" content="Calculator"' in html
    # Every other page is titled with the chosen name too (no "Umbrella").
    assert "<title>Calculator</title>" in client.get("/en/alarms/look/").content.decode()


@pytest.mark.parametrize("path", ["/en/", "/en/alarms/panic/", "/en/accounts/"])
def test_every_page_shows_the_chosen_name_never_the_platforms(client, worker, path):
    # Someone who opens the installed "Calculator" and scrolls, or follows a
    # link, meets no "Umbrella" in the header or the title.
    sign_in(client, worker)
    client.cookies[disguise.COOKIE_NAME] = "calculator"
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    brand = re.search(r'<a class="brand"[^>]*>([^<]*)</a>', html).group(1)
    assert brand == "Calculator"
    # The tab's icon too, on every page (without one the browser asks for /favicon.ico).
    icons = re.findall(r'rel="icon" href="([^"]+)"', html)
    assert "/static/alarms/icons/calculator.svg" in icons
    assert all("/icons/calculator" in icon for icon in icons), icons
    assert "Umbrella" not in re.search(r"<title>([^<]*)</title>", html).group(1)


def test_without_a_choice_the_pages_show_the_platforms_name(client):
    html = client.get("/en/").content.decode()
    assert re.search(r'<a class="brand"[^>]*>([^<]*)</a>', html).group(1) == "Umbrella"


def test_her_reminder_is_titled_with_the_chosen_name_and_names_no_app(client):
    from umbrella.notify.models import EventType
    from umbrella.notify.transports import _texts

    client.cookies[disguise.COOKIE_NAME] = "notes"
    script = client.get("/nl/alarms/sw.js").content.decode()
    assert '"appName": "Notities"' in script
    assert 'data.type === "checkin.reminder" ? CONFIG.appName' in script
    assert EventType.CHECKIN_REMINDER == "checkin.reminder"
    for language in ("nl", "fr", "en", "ro", "bg", "es", "pt"):
        _title, sentence = _texts(EventType.CHECKIN_REMINDER, language, {})
        assert "Umbrella" not in sentence, (language, sentence)
