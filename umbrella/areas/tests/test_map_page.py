"""The map page: renders in every complete language, and looks a point up without JavaScript."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _result(html: str) -> str:
    found = re.search(r'<section id="locate-result".*?</section>', html, re.S)
    assert found is not None, "the page has its locate result"
    return found.group(0)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_map_page_renders_in_each_complete_language(client, language):
    response = client.get(f"/{language}/areas/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert 'id="brussels-map"' in html
    assert 'id="locate-result"' in html
    assert 'role="region"' in html
    assert html.count("<h1") == 1


def test_map_page_loads_leaflet_and_script_from_this_site_only(client):
    html = client.get("/en/areas/map/").content.decode()
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'href="/static/vendor/leaflet/leaflet.css"' in html
    assert 'src="/static/areas/map.js"' in html
    # No inline script may run under the CSP; data reaches the script as attributes.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert not re.search(r'src="(https?:)?//', html)
    assert not re.search(r'<link[^>]*href="(https?:)?//', html)
    assert 'data-locate-url="/api/v1/areas/locate"' in html


def test_no_tile_layer_unless_configured(client, tmp_path):
    with override_settings(PMTILES_PATH=tmp_path / "absent.pmtiles"):
        html = client.get("/en/areas/map/").content.decode()
    assert 'data-base-tile-url=""' in html
    assert 'data-base-pmtiles-url=""' in html
    # Without an archive, protomaps-leaflet is not even loaded.
    assert "protomaps-leaflet" not in html
    assert 'src="/static/areas/basemap.js"' in html
    with override_settings(TILE_URL="https://tiles.example/{z}/{x}/{y}.png"):
        html = client.get("/en/areas/map/").content.decode()
    assert 'data-base-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in html


def test_form_looks_a_point_up_on_the_server(client):
    response = client.get("/fr/areas/map/", {"lat": "50.8495", "lon": "4.3722"})
    result = _result(response.content.decode())
    assert 'data-inside-region="true"' in result
    assert 'data-nis-code="21014"' in result
    assert 'data-zone="5344"' in result
    assert re.search(r'data-neighbourhood="\d+"', result)
    assert "Saint-Josse-ten-Noode (21014)" in result
    assert "no-store" in response["Cache-Control"]


def test_form_lookup_speaks_dutch_on_the_dutch_page(client):
    html = client.get("/nl/areas/map/", {"lat": "50.8495", "lon": "4.3722"}).content.decode()
    assert "Sint-Joost-ten-Node (21014)" in _result(html)


def test_form_lookup_outside_the_region(client):
    html = client.get("/en/areas/map/", {"lat": "50.8836", "lon": "4.4729"}).content.decode()
    result = _result(html)
    assert 'data-inside-region="false"' in result
    assert 'data-nis-code=""' in result
    assert "outside the Brussels-Capital Region" in result


@pytest.mark.parametrize(
    ("params", "field"),
    [({"lat": "abc", "lon": "4.35"}, "lat"), ({"lat": "50.85", "lon": "200"}, "lon")],
)
def test_form_errors_are_tied_to_their_field(client, params, field):
    response = client.get("/en/areas/map/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="locate-form-{field}-error"' in html
    assert re.search(
        rf'id="locate-form-{field}"[^>]*aria-describedby="[^"]*locate-form-{field}-error"', html
    )
    assert 'aria-invalid="true"' in html
    assert 'data-inside-region=""' in _result(html)


def test_unloaded_geography_shows_a_sentence_not_an_error(client, empty_geography):
    response = client.get("/en/areas/map/", {"lat": "50.85", "lon": "4.35"})
    assert response.status_code == 200
    assert "not available at the moment" in response.content.decode()
