"""The UrbIS and Nominatim adapters at the HTTP seam: a stand-in geocoder on 127.0.0.1.

The place search asks a configured geocoder after the gazetteer, from the
server; whatever the geocoder does (an error, silence, a redirect, nonsense),
the visitor still gets the gazetteer's answer, and no log line carries what
she typed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from umbrella.areas import geocoder
from umbrella.areas.gazetteer import find_places
from umbrella.core import outbound

pytestmark = pytest.mark.django_db

SEARCH_URL = "/api/v1/areas/search"
# What the stand-in answers, by path: (status, headers, body, delay in seconds).
URBIS_ANSWER = {
    "result": [
        {
            "language": "fr",
            "address": {
                "street": {"name": "Rue Linné", "postCode": "1210", "municipality": "Saint-Josse"},
                "number": "12",
            },
            "point": {"x": 4.3655, "y": 50.8575},
        },
        # Outside the region (Vilvoorde): left out.
        {"address": {"street": {"name": "Rue Loin"}}, "point": {"x": 4.4255, "y": 50.9281}},
        # Of no use: no point.
        {"address": {"street": {"name": "Rue Sans Point"}}},
    ],
    "error": False,
    "status": "success",
}
NOMINATIM_ANSWER = [
    {
        "lat": "50.8598",
        "lon": "4.3588",
        "name": "Rue de la Prairie",
        "display_name": "Rue de la Prairie, Bruxelles, Belgique",
        "category": "highway",
        "type": "residential",
    },
    {
        "lat": "50.8603",
        "lon": "4.3617",
        "name": "Gare du Nord",
        "category": "railway",
        "type": "station",
    },  # the gazetteer's own: not twice
    {"lat": "north", "lon": "4.35", "name": "Broken"},
]


class StandIn:
    """A geocoder on 127.0.0.1 that records every request it receives."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes, float]] = {}
        self.requests: list[dict] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                parts = urlsplit(self.path)
                stand_in.requests.append(
                    {
                        "path": parts.path,
                        "query": parse_qs(parts.query),
                        "headers": dict(self.headers),
                    }
                )
                status, headers, body, delay = stand_in.routes.get(
                    parts.path, (404, {}, b"not here", 0.0)
                )
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first, as it should

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def answer(self, path, body, status=200, headers=None, delay=0.0):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.routes[path] = (
            status,
            {"Content-Type": "application/json", **(headers or {})},
            raw,
            delay,
        )

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in():
    geocoder.reset_geocoder()
    server = StandIn()
    yield server
    server.close()
    geocoder.reset_geocoder()


def _configured(kind, url):
    return override_settings(GEOCODER=kind, GEOCODER_URL=url)


# -- the adapters ---------------------------------------------------------------------------------


def test_urbis_is_asked_from_the_server_and_merged_after_the_gazetteer(client, stand_in):
    stand_in.answer("/Localize/getaddresses", URBIS_ANSWER)
    with _configured("urbis", stand_in.url("/Localize/getaddresses")):
        body = client.get(
            SEARCH_URL, {"q": "rue linné 12", "lang": "nl"}, HTTP_COOKIE="sessionid=secret"
        ).json()
    assert [(p["name"], p["kind"], p["source"]) for p in body] == [
        ("Rue Linné 12", "address", "urbis")
    ]
    assert body[0]["municipality"] == {"nis_code": "21014", "name": "Sint-Joost-ten-Node"}
    (request,) = stand_in.requests
    assert request["query"] == {
        "language": ["nl"],
        "address": ["rue linné 12"],
        "spatialReference": ["4326"],
    }
    # Nothing of the visitor travels on: no cookie, no address, our own name.
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert "cookie" not in headers and "x-forwarded-for" not in headers
    assert headers["user-agent"] == geocoder.USER_AGENT


def test_nominatim_answers_follow_the_gazetteers_without_doubles(stand_in):
    stand_in.answer("/search", NOMINATIM_ANSWER)
    with _configured("nominatim", stand_in.url("/search")):
        found = find_places("prairie", "fr", 8)
    # Both the geocoder's readable answers; the gazetteer had none for these words.
    assert [(p.name_fr, p.kind, p.source) for p in found] == [
        ("Rue de la Prairie", "street", "nominatim"),
        ("Gare du Nord", "station", "nominatim"),
    ]
    query = stand_in.requests[-1]["query"]
    assert query["q"] == ["prairie"]
    assert query["format"] == ["jsonv2"]
    assert query["accept-language"] == ["fr"]
    assert query["bounded"] == ["1"] and query["countrycodes"] == ["be"]


def test_a_geocoder_place_the_gazetteer_has_is_not_listed_twice(stand_in):
    stand_in.answer("/search", NOMINATIM_ANSWER)
    with _configured("nominatim", stand_in.url("/search")):
        found = find_places("gare du", "fr", 8)
    names = [p.name_fr for p in found]
    assert names.count("Gare du Nord") == 1
    assert "Rue de la Prairie" in names
    assert found[names.index("Rue de la Prairie")].source == "nominatim"
    assert all(p.source != "nominatim" for p in found[: names.index("Rue de la Prairie")])


# Kept for CACHE_SECONDS (the same words typed again, in any case); then asked again.
@pytest.mark.parametrize(("cache_seconds", "asked"), [(geocoder.CACHE_SECONDS, 1), (0.0, 2)])
def test_answers_are_kept_for_a_while(stand_in, monkeypatch, cache_seconds, asked):
    monkeypatch.setattr(geocoder, "CACHE_SECONDS", cache_seconds)
    stand_in.answer("/search", NOMINATIM_ANSWER)
    with _configured("nominatim", stand_in.url("/search")):
        first = find_places("prairie", "fr", 8)
        again = find_places("Prairie", "fr", 8)
    assert first == again
    assert len(stand_in.requests) == asked


def test_a_full_cache_lets_go_of_the_least_recently_asked_first(stand_in, monkeypatch):
    monkeypatch.setattr(geocoder, "CACHE_SIZE", 2)
    stand_in.answer("/search", NOMINATIM_ANSWER)
    with _configured("nominatim", stand_in.url("/search")):
        for words in ("prairie", "xyzzy", "prairie", "plugh", "prairie", "xyzzy"):
            find_places(words, "fr", 8)
    asked = [request["query"]["q"][0] for request in stand_in.requests]
    # "prairie", asked between the others, stays; "xyzzy" went when "plugh" came.
    assert asked == ["prairie", "xyzzy", "plugh", "xyzzy"]


def test_a_full_answer_from_the_gazetteer_asks_nobody(stand_in):
    with _configured("nominatim", stand_in.url("/search")):
        assert len(find_places("gare", "fr", 3)) == 3
        assert find_places("ga", "fr", 8) is not None  # under three letters: nobody asked
    assert stand_in.requests == []


# -- failures fall back to the gazetteer, silently for her, logged without her words ----------


@pytest.mark.parametrize(
    ("answer", "logged"),
    [
        ({"status": 500, "body": b"boom"}, "status 500"),
        ({"status": 200, "body": b"<html>not json</html>"}, "not JSON"),
        (
            {"status": 302, "body": b"", "headers": {"Location": "http://127.0.0.1:9/"}},
            "status 302",
        ),
        ({"status": 200, "body": NOMINATIM_ANSWER, "delay": 1.5}, "no answer in time"),
    ],
    ids=["error", "not-json", "redirect-not-followed", "too-slow"],
)
def test_a_failing_geocoder_leaves_the_gazetteers_answer(
    client, stand_in, monkeypatch, caplog, answer, logged
):
    monkeypatch.setattr(geocoder, "TIMEOUT_SECONDS", 0.5)
    stand_in.answer(
        "/search", answer["body"], answer["status"], answer.get("headers"), answer.get("delay", 0.0)
    )
    caplog.set_level(logging.DEBUG)
    with _configured("nominatim", stand_in.url("/search")):
        response = client.get(SEARCH_URL, {"q": "Gare du Nord Secret-Street", "lang": "fr"})
        assert response.status_code == 200
        assert response.json() == []
        gare = client.get(SEARCH_URL, {"q": "Noordstation", "lang": "fr"}).json()
    assert [p["name"] for p in gare] == ["Gare du Nord"]
    assert len(stand_in.requests) == 1  # then it rests: no second call within the pause
    messages = [record.getMessage() for record in caplog.records]
    assert any(logged in message for message in messages), messages
    assert not any("secret" in message.lower() for message in messages), messages


def test_after_the_pause_it_is_asked_again(stand_in, monkeypatch):
    stand_in.answer("/search", b"boom", 500)
    monkeypatch.setattr(geocoder, "PAUSE_SECONDS", 0.0)
    with _configured("nominatim", stand_in.url("/search")):
        find_places("prairie", "fr", 8)
        stand_in.answer("/search", NOMINATIM_ANSWER)
        found = find_places("prairie", "fr", 8)
    assert [p.name_fr for p in found] == ["Rue de la Prairie", "Gare du Nord"]
    assert len(stand_in.requests) == 2


def test_plain_http_is_refused_to_a_public_address(stand_in, monkeypatch, caplog):
    # The name resolves (in this test) to a public address: http would carry her words in clear.
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["192.0.43.10"])
    caplog.set_level(logging.WARNING)
    with _configured("nominatim", "http://geocoder.example/search"):
        assert find_places("prairie", "fr", 8) == []
    assert stand_in.requests == []
    assert any("address refused" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/search", "http://user:pw@127.0.0.1/search", "https://user@geo.example/"],
)
def test_odd_addresses_are_refused(url):
    with pytest.raises(outbound.OutboundRefused):
        geocoder.check_geocoder_url(url)


def test_loopback_and_private_http_and_any_https_are_allowed(monkeypatch):
    geocoder.check_geocoder_url("http://127.0.0.1:8080/search")
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["10.0.0.7"])
    geocoder.check_geocoder_url("http://nominatim:8080/search")
    geocoder.check_geocoder_url("https://geoservices.example/Localize/getaddresses")


def test_off_by_default_nobody_is_asked(stand_in, settings):
    assert settings.GEOCODER == ""
    assert geocoder.configured_geocoder() is None
    assert [p.name_fr for p in find_places("prairie", "fr", 8)] == []


# -- reading the answers --------------------------------------------------------------------------


def test_parse_urbis_street_without_number_and_nonsense():
    assert geocoder.parse_urbis(
        {
            "result": [
                {"address": {"street": {"name": "Rue Royale"}}, "point": {"x": 4.36, "y": 50.85}}
            ]
        }
    ) == [geocoder.Found("Rue Royale", "street", 50.85, 4.36)]
    for nonsense in (None, [], {"result": None}, {"result": [None, 5, "x"]}, "text"):
        assert geocoder.parse_urbis(nonsense) == []


def test_parse_nominatim_kinds_and_nonsense():
    found = geocoder.parse_nominatim(
        [
            {"lat": "50.8", "lon": "4.3", "name": "Place X", "category": "place", "type": "square"},
            {"lat": "50.8", "lon": "4.3", "display_name": "Y, Bruxelles", "category": "amenity"},
            {"lat": "50.8", "lon": "4.3", "name": "Z 5", "category": "building"},
        ]
    )
    assert [(f.name, f.kind) for f in found] == [
        ("Place X", "square"),
        ("Y", "landmark"),
        ("Z 5", "address"),
    ]
    for nonsense in (None, {}, [None, 5], [{"lat": "x"}], "text"):
        assert geocoder.parse_nominatim(nonsense) == []
