"""The self-hosted base map: a PMTiles archive served in byte ranges, only when installed."""

import re
import struct

import pytest
from asgiref.sync import async_to_sync
from django.contrib.staticfiles import finders
from django.test import AsyncClient

from umbrella.areas import tiles
from umbrella.areas.tests.pmtiles_fixture import write_archive
from umbrella.core.middleware import content_security_policy

pytestmark = pytest.mark.django_db
URL = "/tiles/base.pmtiles"


@pytest.fixture
def archive(settings, tmp_path):
    settings.PMTILES_PATH = write_archive(tmp_path / "tiles" / "brussels.pmtiles")
    return settings.PMTILES_PATH


@pytest.fixture
def big_archive(settings, tmp_path):
    """An archive padded past the size read at once, so that its bodies are streamed."""
    path = write_archive(tmp_path / "big.pmtiles")
    path.write_bytes(path.read_bytes() + bytes(range(256)) * 3000)  # 768,000 more bytes
    settings.PMTILES_PATH = path
    return path


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_without_an_archive_nothing_is_served_or_mentioned(client, settings, tmp_path):
    settings.PMTILES_PATH = tmp_path / "tiles" / "brussels.pmtiles"
    assert client.get(URL).status_code == 404
    assert client.get(URL, headers={"Range": "bytes=0-16383"}).status_code == 404
    html = client.get("/en/areas/map/").content.decode()
    assert 'data-base-pmtiles-url=""' in html
    assert "protomaps-leaflet" not in html
    assert URL not in html


def test_a_directory_or_unreadable_path_counts_as_absent(client, settings, tmp_path):
    settings.PMTILES_PATH = tmp_path
    assert client.get(URL).status_code == 404


def test_the_header_range_a_reader_asks_first(client, archive):
    data = archive.read_bytes()
    response = client.get(URL, headers={"Range": "bytes=0-16383"})
    assert response.status_code == 206
    # The archive is smaller than the 16 KiB asked: the range ends at its last byte.
    assert response["Content-Range"] == f"bytes 0-{len(data) - 1}/{len(data)}"
    assert response["Content-Length"] == str(len(data))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "application/vnd.pmtiles"
    body = _body(response)
    assert body == data
    magic, version = body[:7], body[7]
    assert (magic, version) == (b"PMTiles", 3)
    root_offset, root_length = struct.unpack_from("<QQ", body, 8)
    assert root_offset == 127 and root_length > 0


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=127-200", 127, 200),
        ("bytes=600-", 600, None),
        ("bytes=-10", None, None),
        ("bytes = 0 - 0", 0, 0),
    ],
)
def test_one_range(client, archive, header, first, last):
    data = archive.read_bytes()
    size = len(data)
    if first is None:  # the last ten bytes
        first, last = size - 10, size - 1
    if last is None:
        last = size - 1
    response = client.get(URL, headers={"Range": header})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response["Content-Length"] == str(last - first + 1)
    assert _body(response) == data[first : last + 1]


def test_a_range_past_the_end_is_416(client, archive):
    size = archive.stat().st_size
    response = client.get(URL, headers={"Range": f"bytes={size}-{size + 100}"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"
    assert client.get(URL, headers={"Range": "bytes=-0"}).status_code == 416


@pytest.mark.parametrize(
    "header", ["bytes=0-10,20-30", "bytes=10-5", "items=0-10", "bytes=-", "bytes=abc"]
)
def test_a_range_it_cannot_use_gets_the_whole_archive(client, archive, header):
    response = client.get(URL, headers={"Range": header})
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert _body(response) == archive.read_bytes()


def test_whole_archive_revalidation_and_if_range(client, archive):
    data = archive.read_bytes()
    response = client.get(URL)
    assert response.status_code == 200
    assert _body(response) == data
    assert response["Content-Length"] == str(len(data))
    assert "public" in response["Cache-Control"]
    etag = response["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    # If-Range with the current ETag: the range; with an old one: the whole new file.
    same = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert same.status_code == 206 and _body(same) == data[:10]
    stale = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200 and _body(stale) == data


def test_head_sends_the_headers_of_the_range_without_a_body(client, archive):
    response = client.head(URL, headers={"Range": "bytes=127-200"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 127-200/{archive.stat().st_size}"
    assert response["Content-Length"] == "74"
    assert _body(response) == b""
    whole = client.head(URL)
    assert whole.status_code == 200
    assert whole["Content-Length"] == str(archive.stat().st_size)
    assert _body(whole) == b""


def test_large_bodies_are_streamed_whole_and_exact(client, big_archive):
    data = big_archive.read_bytes()
    first, last = 1000, 1000 + 2 * tiles.CHUNK + 17
    response = client.get(URL, headers={"Range": f"bytes={first}-{last}"})
    assert response.status_code == 206
    assert response.streaming
    assert response["Content-Length"] == str(last - first + 1)
    assert _body(response) == data[first : last + 1]
    whole = client.get(URL)
    assert whole.streaming and _body(whole) == data
    head = client.head(URL, headers={"Range": f"bytes={first}-{last}"})
    assert head["Content-Length"] == str(last - first + 1) and _body(head) == b""


def test_under_asgi_a_large_body_is_an_async_stream(big_archive):
    data = big_archive.read_bytes()

    async def fetch():
        response = await AsyncClient().get(URL, headers={"Range": "bytes=5-700004"})
        assert response.is_async
        return response, b"".join([chunk async for chunk in response.streaming_content])

    response, body = async_to_sync(fetch)()
    assert response.status_code == 206
    assert body == data[5:700005]


def test_the_map_pages_draw_the_archive_when_it_is_there(client, archive):
    for url in ("/en/areas/map/", "/fr/directory/"):
        html = client.get(url).content.decode()
        assert f'data-base-pmtiles-url="{URL}"' in html
        assert 'src="/static/vendor/protomaps-leaflet/dist/protomaps-leaflet.js"' in html
        assert "OpenStreetMap" in re.search(r'data-base-pmtiles-attribution="([^"]*)"', html)[1]
    # Served from this site, and no new origin in the policy: everything is 'self'.
    assert "img-src 'self' data: blob:;" in content_security_policy()


def test_protomaps_leaflet_is_served_with_its_licence():
    script = finders.find("vendor/protomaps-leaflet/dist/protomaps-leaflet.js")
    licence = finders.find("vendor/protomaps-leaflet/LICENSE")
    assert script and licence
    with open(licence, encoding="utf-8") as handle:
        assert "Protomaps" in handle.read()


def test_parse_range():
    assert tiles.parse_range("bytes=0-99", 1000) == (0, 99)
    assert tiles.parse_range("bytes=990-2000", 1000) == (990, 999)
    assert tiles.parse_range("bytes=-100", 1000) == (900, 999)
    assert tiles.parse_range("bytes=-5000", 1000) == (0, 999)
    assert tiles.parse_range("bytes=1000-", 1000) is False
    assert tiles.parse_range("bytes=-0", 1000) is False
    assert tiles.parse_range("bytes=5-1", 1000) is None
    assert tiles.parse_range("bytes=1-2,4-5", 1000) is None


URBIS = (
    "https://geoservices-urbis.irisnet.be/geowebcache/service/wmts?SERVICE=WMTS&REQUEST=GetTile"
    "&VERSION=1.0.0&LAYER=urbisFR&STYLE=&FORMAT=image/png&TILEMATRIXSET=EPSG:3857"
    "&TILEMATRIX=EPSG:3857:{z}&TILEROW={y}&TILECOL={x}"
)


def test_a_tile_server_is_allowed_by_the_policy_only_while_it_is_set(client, settings):
    settings.TILE_URL = ""
    policy = content_security_policy()
    assert "img-src 'self' data: blob:;" in policy
    assert "irisnet" not in policy
    settings.TILE_URL = URBIS
    policy = content_security_policy()
    assert "img-src 'self' data: blob: https://geoservices-urbis.irisnet.be;" in policy
    # Only images: scripts, styles and connections stay on this site.
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy
    html = client.get("/nl/areas/map/").content.decode()
    assert 'data-base-tile-url="https://geoservices-urbis.irisnet.be/geowebcache/' in html
    assert "TILEMATRIX=EPSG:3857:{z}&amp;TILEROW={y}&amp;TILECOL={x}" in html
