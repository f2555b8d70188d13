"""Public API of the directory: ``GET /api/v1/places`` (docs/api.md's contract)."""

from contextlib import nullcontext

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from ninja import P, QueryEx, Router, Status

from umbrella.api.openapi import geojson_answer
from umbrella.directory import schemas
from umbrella.directory.queries import PUBLIC, find_places, viewer_for
from umbrella.directory.snapshot import fresh_snapshot
from umbrella.directory.validation import InvalidSearch, parse_search

router = Router()

# The directory's own entries, and the open data some toilets come from.
ATTRIBUTION = (
    "Umbrella Brussels directory; toilets whose source is osm: © OpenStreetMap contributors"
)
LICENSE = "CC BY 4.0 (Umbrella Brussels entries); ODbL 1.0 (features whose source is osm)"
# Public answers without a point may be kept this long by caches.
MAX_AGE_SECONDS = 60


def viewer_of(request: HttpRequest):
    """Return the person behind a bearer token or a verified session, or ``None``."""
    from umbrella.accounts.auth import BearerTokenAuth

    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return BearerTokenAuth().authenticate(request, token.strip())
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if user.requires_two_factor():
        is_verified = getattr(user, "is_verified", None)
        if is_verified is None or not is_verified():
            return None
    return user


def _language(lang: str | None):
    codes = {code for code, _name in settings.LANGUAGES}
    return translation.override(lang) if lang in codes else nullcontext()


@router.get(
    "/places",
    response={200: schemas.PlaceCollection, 422: schemas.Error},
    url_name="directory_places",
    openapi_extra=geojson_answer(),
    summary="Toilets and services as GeoJSON, nearest first from a point",
)
async def places(
    request: HttpRequest,
    kind: QueryEx[
        str | None, P(description="`toilet` or `service`; both when absent.", examples=["toilet"])
    ] = None,
    lat: QueryEx[
        str | None,
        P(description="Latitude of the point to search from (WGS84).", examples=["50.8530"]),
    ] = None,
    lon: QueryEx[
        str | None,
        P(description="Longitude of the point to search from (WGS84).", examples=["4.3690"]),
    ] = None,
    radius: QueryEx[
        str | None,
        P(description="Only places within this many metres of the point (at most 50,000)."),
    ] = None,
    open_now: QueryEx[
        str | None, P(description="1: only places open now, in Brussels time.", examples=["1"])
    ] = None,
    category: QueryEx[
        str | None, P(description="Services of one category, for example `health_testing`.")
    ] = None,
    free: QueryEx[str | None, P(description="1: free of charge; 0: with a fee.")] = None,
    anonymous: QueryEx[str | None, P(description="1: services that need no name.")] = None,
    no_papers: QueryEx[
        str | None, P(description="1: services that need no residence papers.")
    ] = None,
    no_appointment: QueryEx[
        str | None, P(description="1: services that need no appointment.")
    ] = None,
    language: QueryEx[
        str | None,
        P(description="Services whose staff speak this language (ISO 639-1).", examples=["ro"]),
    ] = None,
    accessible: QueryEx[str | None, P(description="1: wheelchair accessible.")] = None,
    q: QueryEx[
        str | None, P(description="Text to find in any language of the names and descriptions.")
    ] = None,
    limit: QueryEx[
        str | None, P(description="At most this many places (1–5,000, default 1,000).")
    ] = None,
    lang: QueryEx[
        str | None,
        P(
            description="Language of names, labels and error messages (nl, fr, en, …).",
            examples=["fr"],
        ),
    ] = None,
):
    """Return matching places as a GeoJSON FeatureCollection.

    With `lat` and `lon` the nearest come first (`distance_m` in metres),
    then the places without a known position (`distance_m` null), which a
    `radius` leaves out; without a point, they are sorted by name. A
    confidential address (a shelter) has no geometry and no address unless
    the bearer token or session belongs to someone allowed to see it; the
    public sees its municipality only. Bad input answers 422 with a readable
    `detail`.
    """
    params = {
        "kind": kind,
        "lat": lat,
        "lon": lon,
        "radius": radius,
        "open_now": open_now,
        "category": category,
        "free": free,
        "anonymous": anonymous,
        "no_papers": no_papers,
        "no_appointment": no_appointment,
        "language": language,
        "accessible": accessible,
        "q": q,
        "limit": limit,
    }
    # The public asking while this process's snapshot is fresh needs no
    # database: answer on the event loop, without a hop to a worker thread.
    # Anyone else (a token, a session) is answered in a thread, where the
    # database may be read.
    snapshot = fresh_snapshot()
    if snapshot is not None and _anonymous(request):
        return _answer(request, params, lang, snapshot, public=True)
    return await sync_to_async(_answer)(request, params, lang, None, public=False)


def _anonymous(request: HttpRequest) -> bool:
    return "Authorization" not in request.headers and (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _answer(request: HttpRequest, params: dict, lang, snapshot, *, public: bool):
    with _language(lang):
        language_code = (translation.get_language() or "en").split("-")[0]
        try:
            search = parse_search(params)
        except InvalidSearch as invalid:
            return Status(422, invalid.as_dict())
        viewer = PUBLIC if public else viewer_for(viewer_of(request))
        now = timezone.now()
        found = find_places(
            search.kind,
            lat=search.lat,
            lon=search.lon,
            radius=search.radius,
            open_now=search.open_now,
            viewer=viewer,
            at=now,
            limit=search.limit,
            snapshot=snapshot,
            lang=language_code,
            **search.filters,
        )
    today = timezone.localdate(now)
    body = (
        '{"type":"FeatureCollection","attribution":'
        + _json_string(ATTRIBUTION)
        + ',"license":'
        + _json_string(LICENSE)
        + ',"features":['
        + ",".join(f.feature_json(language_code, today) for f in found)
        + "]}"
    )
    response = HttpResponse(body.encode(), content_type="application/geo+json")
    privileged = viewer.all_confidential or bool(viewer.organisation_ids)
    if search.lat is not None or privileged:
        # A point may be where someone lives or works; a privileged answer
        # holds confidential addresses: no shared cache may keep either.
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    patch_vary_headers(response, ("Accept-Language", "Authorization", "Cookie"))
    return response


def _json_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
