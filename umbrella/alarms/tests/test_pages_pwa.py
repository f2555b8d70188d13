"""The installable panic page: manifest and service worker."""

import pytest

from umbrella.testing import sign_in


def test_manifest_starts_on_the_panic_page_in_the_language(client):
    response = client.get("/ro/alarms/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/ro/alarms/panic/"
    assert manifest["scope"] == "/ro/alarms/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] == "Umbrella"  # neutral on a home screen
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert manifest["theme_color"].startswith("#")


@pytest.mark.parametrize("path", ["icons/icon-192.png", "icons/icon-512.png", "icons/icon.svg"])
def test_icons_are_served(client, path):
    from django.contrib.staticfiles import finders

    assert finders.find(f"alarms/{path}")


def test_service_worker_is_served_under_the_alarm_pages(client):
    response = client.get("/nl/alarms/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/nl/alarms/"
    assert response["Cache-Control"] == "no-cache"
    text = response.content.decode()
    assert text.startswith("self.UMBRELLA = ")
    assert '"alarmsUrl": "/api/v1/alarms"' in text
    assert 'addEventListener("sync"' in text and 'addEventListener("push"' in text
    # Before sign-in nothing is kept for offline use (it would be the sign-in page).
    assert '"offlineUrls": []' in text


def test_only_her_service_worker_keeps_the_panic_page_for_offline_use(client, worker, responder):
    sign_in(client, worker)
    assert '"offlineUrls": ["/nl/alarms/panic/"]' in client.get("/nl/alarms/sw.js").content.decode()
    client.logout()
    sign_in(client, responder)
    # A responder's browser would cache a 403 (and log one per visit).
    assert '"offlineUrls": []' in client.get("/nl/alarms/sw.js").content.decode()
