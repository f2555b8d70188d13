"""Public API of the geography: point lookup and the three layers as GeoJSON."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from umbrella.api.errors import problem
from umbrella.api.openapi import geojson_answer
from umbrella.areas import schemas
from umbrella.areas.gazetteer import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH, find_places
from umbrella.areas.geojson import geojson_response
from umbrella.areas.locate import GeographyNotLoaded, locate
from umbrella.areas.validation import InvalidPoint, parse_point

router = Router()

Lang = Annotated[
    str | None,
    Query(
        description="Language of `name` fields and error messages (nl, fr, en, …). "
        "Without it the Accept-Language header decides; an unknown code is ignored."
    ),
]
# Text, not float: see locate_point.
Latitude = Annotated[
    str | None, Query(description="Latitude in decimal degrees (WGS84).", examples=["50.8467"])
]
Longitude = Annotated[
    str | None, Query(description="Longitude in decimal degrees (WGS84).", examples=["4.3525"])
]


def _language(lang: str | None):
    """Return a context that activates ``lang`` when it is one of the site's languages."""
    codes = {code for code, _name in settings.LANGUAGES}
    return translation.override(lang) if lang in codes else nullcontext()


def _not_loaded() -> dict:
    return {"detail": _("The map of Brussels is not available at the moment. Try again later.")}


@router.get(
    "/locate",
    response={200: schemas.LocationOut, 422: schemas.Error, 503: schemas.Error},
    url_name="areas_locate",
    summary="Municipality, police zone and neighbourhood of a point",
)
def locate_point(
    request: HttpRequest,
    response: HttpResponse,
    lat: Latitude = None,
    lon: Longitude = None,
    lang: Lang = None,
):
    """Return the areas that hold the point; all null outside the Brussels-Capital Region.

    A missing or unusable coordinate answers 422 with a readable `detail`.
    The point is not stored.
    """
    # Coordinates arrive as text and are checked here, so that "abc", "nan"
    # or 91 get a sentence a person understands rather than a parser's message.
    # A point can be where someone lives or works: no cache may keep it.
    response["Cache-Control"] = "no-store"
    with _language(lang):
        try:
            lat_value, lon_value = parse_point(lat, lon)
        except InvalidPoint as error:
            return Status(422, error.as_dict())
        try:
            return Status(200, locate(lat_value, lon_value).as_dict())
        except GeographyNotLoaded:
            return Status(503, _not_loaded())


PlaceQuery = Annotated[
    str | None,
    Query(
        description="Words of the name, in Dutch or French, any case, with or without accents "
        f"(1–{MAX_QUERY_LENGTH} characters).",
        examples=["Gare du Nord"],
    ),
]
PlaceLimit = Annotated[
    str | None,
    Query(
        description=f"At most this many places (1–{MAX_LIMIT}, default {DEFAULT_LIMIT}).",
        examples=["5"],
    ),
]


def _search_error(field: str, message: str) -> Status:
    return Status(422, problem(message, field))


@router.get(
    "/search",
    response={200: list[schemas.PlaceOut], 422: schemas.Error, 503: schemas.Error},
    url_name="areas_search",
    summary="Find a place by its name",
)
def search_places(
    request: HttpRequest,
    response: HttpResponse,
    q: PlaceQuery = None,
    lang: Lang = None,
    limit: PlaceLimit = None,
):
    """Return the stations, squares, streets, landmarks, neighbourhoods and municipalities
    whose Dutch or French name matches `q`, best first: exact, then beginning with it, then
    every word beginning with one of its words.

    Answered from the shipped gazetteer; an operator's geocoder (UrbIS or Nominatim), when
    configured, adds its places after the gazetteer's. An empty or too long `q`, or a bad
    `limit`, answers 422 with a readable `detail`.
    """
    # Typed words may be where someone lives: no cache keeps them.
    response["Cache-Control"] = "no-store"
    with _language(lang):
        text = (q or "").strip()
        if not text:
            return _search_error("q", _("Type the name of a place."))
        if len(text) > MAX_QUERY_LENGTH:
            return _search_error(
                "q",
                _("Type at most %(count)s characters.") % {"count": MAX_QUERY_LENGTH},
            )
        count = DEFAULT_LIMIT
        if limit is not None and limit.strip():
            digits = limit.strip()
            ok = digits.isascii() and digits.isdigit() and len(digits) <= 3
            count = int(digits) if ok else 0
            if not 1 <= count <= MAX_LIMIT:
                return _search_error(
                    "limit",
                    _("The limit must be a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT},
                )
        language = translation.get_language()
        try:
            places = find_places(text, language, count)
        except GeographyNotLoaded:
            return Status(503, _not_loaded())
        return Status(200, [place.as_dict(language) for place in places])


def _layer(request: HttpRequest, layer: str, lang: str | None):
    with _language(lang):
        try:
            return geojson_response(request, layer)
        except GeographyNotLoaded:
            return Status(503, _not_loaded())


@router.get(
    "/municipalities",
    response={200: schemas.MunicipalityCollection, 304: None, 503: schemas.Error},
    url_name="areas_municipalities",
    openapi_extra=geojson_answer(),
    summary="The 19 municipalities as GeoJSON",
)
def municipalities(request: HttpRequest, lang: Lang = None):
    """Return the 19 municipalities (NIS code, names, police zone) as a FeatureCollection."""
    return _layer(request, "municipalities", lang)


@router.get(
    "/police-zones",
    response={200: schemas.PoliceZoneCollection, 304: None, 503: schemas.Error},
    url_name="areas_police_zones",
    openapi_extra=geojson_answer(),
    summary="The six police zones as GeoJSON",
)
def police_zones(request: HttpRequest, lang: Lang = None):
    """Return the six police zones, their municipalities and trafficking reference person."""
    return _layer(request, "police-zones", lang)


@router.get(
    "/neighbourhoods",
    response={200: schemas.NeighbourhoodCollection, 304: None, 503: schemas.Error},
    url_name="areas_neighbourhoods",
    openapi_extra=geojson_answer(),
    summary="The 145 monitoring neighbourhoods as GeoJSON",
)
def neighbourhoods(request: HttpRequest, lang: Lang = None):
    """Return the 145 IBSA/BISA monitoring neighbourhoods as a FeatureCollection."""
    return _layer(request, "neighbourhoods", lang)
