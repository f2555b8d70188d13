"""Ask a geocoder the operator configured for the places the gazetteer does not know.

Off by default: the shipped gazetteer answers alone and nothing leaves the
server. With ``GEOCODER=urbis`` or ``GEOCODER=nominatim`` and ``GEOCODER_URL``
(``umbrella/settings/services.py``), the place search also asks:

- **urbis**: the Brussels region's UrbIS geocoder (``.../Localize/getaddresses``),
  which knows every street and address of the region in Dutch and French;
- **nominatim**: a Nominatim the operator runs (OpenStreetMap data), often
  next to the application on a private network.

The server asks, never the browser: a visitor's browser still talks to this
site alone, and the geocoder sees the typed text but not who typed it (no
address, cookie or header of the visitor is passed on).

How it is reached
-----------------
``GEOCODER_URL`` is set by the operator, not by a visitor, so it is not held
to the rules of ``umbrella.core.outbound`` (made for addresses anyone can
type): a self-hosted Nominatim on a private address is allowed. What
travels is still protected: ``https`` to any host, plain ``http`` only to a
host whose every address is private or loopback (the operator's own
network), never a redirect, and a short timeout. After a failure the
geocoder is left alone for ``PAUSE_SECONDS``, so a geocoder that is down
does not slow every keystroke. Answers are kept in memory for
``CACHE_SECONDS`` (the same words typed again, by anyone).

Failures are logged by kind (status, timeout, unreadable answer), never with
the typed text: it may be where someone lives.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from cachetools import TTLCache
from django.conf import settings

from umbrella.core import outbound
from umbrella.core.outbound import OutboundRefused

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0
PAUSE_SECONDS = 30.0
CACHE_SECONDS = 600.0
CACHE_SIZE = 512
MAX_ANSWER_BYTES = 512 * 1024
USER_AGENT = "Umbrella Brussels place search"
# The region's bounding box (data/brussels/SOURCES.md): west, north, east, south.
VIEWBOX = "4.24376,50.9139,4.48227,50.76368"


@dataclass(frozen=True, slots=True)
class Found:
    """One answer of a geocoder: a name, what it is and its point (WGS84)."""

    name: str
    kind: str
    lat: float
    lon: float


class GeocoderFailed(Exception):
    """The geocoder did not answer usefully; the message names the kind of failure only."""


# -- the two adapters ----------------------------------------------------------------------------


def _language(language: str | None) -> str:
    return "nl" if (language or "").split("-")[0].lower() == "nl" else "fr"


def urbis_params(query: str, language: str | None, limit: int) -> dict[str, str]:
    return {"language": _language(language), "address": query, "spatialReference": "4326"}


def parse_urbis(body) -> list[Found]:
    """Read UrbIS's ``getaddresses`` answer: ``{"result": [{"address": …, "point": {x, y}}]}``."""
    found = []
    results = body.get("result") if isinstance(body, dict) else None
    for item in results if isinstance(results, list) else []:
        try:
            point = item["point"]
            lon, lat = float(point["x"]), float(point["y"])
            address = item.get("address") or {}
            street = (address.get("street") or {}).get("name") or ""
            number = str(address.get("number") or "").strip()
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if not street:
            continue
        found.append(
            Found(f"{street} {number}".strip(), "address" if number else "street", lat, lon)
        )
    return found


def nominatim_params(query: str, language: str | None, limit: int) -> dict[str, str]:
    return {
        "q": query,
        "format": "jsonv2",
        "limit": str(limit),
        "accept-language": _language(language),
        "countrycodes": "be",
        "viewbox": VIEWBOX,
        "bounded": "1",
    }


NOMINATIM_KINDS = {"railway": "station", "public_transport": "station", "highway": "street"}


def parse_nominatim(body) -> list[Found]:
    """Read Nominatim's ``jsonv2`` answer: a list of ``{"lat", "lon", "name", …}``."""
    found = []
    for item in body if isinstance(body, list) else []:
        try:
            lat, lon = float(item["lat"]), float(item["lon"])
            name = str(item.get("name") or item.get("display_name") or "").split(",")[0].strip()
            category = str(item.get("category") or item.get("class") or "")
            kind = item.get("type")
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if not name:
            continue
        if category == "place" and kind == "square":
            found_kind = "square"
        elif category in NOMINATIM_KINDS:
            found_kind = NOMINATIM_KINDS[category]
        elif category in ("place", "building"):
            found_kind = "address"
        else:
            found_kind = "landmark"
        found.append(Found(name, found_kind, lat, lon))
    return found


ADAPTERS = {
    "urbis": (urbis_params, parse_urbis),
    "nominatim": (nominatim_params, parse_nominatim),
}


# -- reaching it ---------------------------------------------------------------------------------


def check_geocoder_url(url: str) -> None:
    """Refuse a URL the geocoder may not be reached at (see the module's notes)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        outbound.check_url(url)
        return
    if parts.scheme != "http":
        raise OutboundRefused("the geocoder's address must start with https:// or http://")
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        raise OutboundRefused("the geocoder's address has no host, or carries a password")
    try:
        addresses = outbound.resolve(host, parts.port or 80)
    except (OSError, UnicodeError) as exc:
        raise OutboundRefused("the geocoder's host does not resolve") from exc
    if not addresses or any(outbound.is_public(address) for address in addresses):
        raise OutboundRefused("plain http:// is allowed only to a private or loopback address")


class Geocoder:
    """One configured geocoder: its adapter, a cache of answers, and a pause after failures."""

    def __init__(self, kind: str, url: str, timeout: float | None = None):
        self.kind = kind
        self.url = url
        self.params, self.parse = ADAPTERS[kind]
        self.timeout = TIMEOUT_SECONDS if timeout is None else timeout
        self._client = httpx.Client(
            timeout=self.timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        )
        self._checked = False
        self._paused_until = 0.0
        # The least recently asked goes first when full; an answer expires after CACHE_SECONDS.
        self._cache: TTLCache[tuple[str, str, int], list[Found]] = TTLCache(
            maxsize=CACHE_SIZE, ttl=CACHE_SECONDS, timer=time.monotonic
        )
        self._lock = threading.Lock()

    def _cached(self, key) -> list[Found] | None:
        with self._lock:
            return self._cache.get(key)

    def _keep(self, key, found: list[Found]) -> None:
        with self._lock:
            self._cache[key] = found

    def ask(self, query: str, language: str | None, limit: int) -> list[Found]:
        """Return the geocoder's places for ``query``; raise ``GeocoderFailed`` (no query in it)."""
        if not self._checked:
            try:
                check_geocoder_url(self.url)
            except OutboundRefused as exc:
                raise GeocoderFailed(f"address refused: {exc}") from exc
            self._checked = True
        try:
            response = self._client.get(
                self.url, params=self.params(query, language, limit), timeout=self.timeout
            )
        except httpx.TimeoutException as exc:
            raise GeocoderFailed("no answer in time") from exc
        except httpx.HTTPError as exc:
            raise GeocoderFailed(f"network error ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise GeocoderFailed(f"status {response.status_code}")
        if len(response.content) > MAX_ANSWER_BYTES:
            raise GeocoderFailed("answer too large")
        try:
            body = response.json()
        except ValueError as exc:
            raise GeocoderFailed("the answer is not JSON") from exc
        return self.parse(body)[:limit]

    def search(self, query: str, language: str | None, limit: int) -> list[Found]:
        """Return the geocoder's places, or none when it fails or rests after a failure."""
        key = (query.casefold(), _language(language), limit)
        cached = self._cached(key)
        if cached is not None:
            return cached
        if time.monotonic() < self._paused_until:
            return []
        try:
            found = self.ask(query, language, limit)
        except GeocoderFailed as failure:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            # The kind of failure only: the typed words may be where someone lives.
            logger.warning(
                "place search: the %s geocoder failed (%s); answering from the gazetteer "
                "alone for %d s",
                self.kind,
                failure,
                PAUSE_SECONDS,
            )
            return []
        self._keep(key, found)
        return found


_geocoder: Geocoder | None = None
_configured: tuple[str, str] | None = None
_lock = threading.Lock()


def configured_geocoder() -> Geocoder | None:
    """Return the geocoder of ``settings.GEOCODER``/``GEOCODER_URL``, or ``None`` when off."""
    global _geocoder, _configured
    wanted = (settings.GEOCODER, settings.GEOCODER_URL)
    if not wanted[0]:
        return None
    with _lock:
        if _geocoder is None or _configured != wanted:
            _geocoder = Geocoder(*wanted)
            _configured = wanted
        return _geocoder


def reset_geocoder() -> None:
    """Forget the process's geocoder, its cache and its pause (tests)."""
    global _geocoder, _configured
    with _lock:
        _geocoder = None
        _configured = None
