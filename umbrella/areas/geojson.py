"""The three layers as GeoJSON FeatureCollections, serialised once per process.

A layer weighs about 0.4 MB and changes only when ``load_brussels`` runs (the
police zones also when the trafficking references change: the cache key
carries their revision, ``areas/references.py``), so each (layer, language) pair
is serialised and gzipped once and then served from memory with an ETag; a
client that has it already gets a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from umbrella.areas import references
from umbrella.areas.locate import GeographyNotLoaded
from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone, name_in_language

LAYERS = ("municipalities", "police-zones", "neighbourhoods")
# Browsers and proxies may keep a layer an hour; the ETag makes revalidation cheap.
MAX_AGE_SECONDS = 3600

URBIS_ATTRIBUTION = (
    "Realized by means of Brussels UrbIS®© – Distribution & Copyright Paradigm (formerly CIRB)"
)
URBIS_LICENSE = "UrbIS Open Data licence (attribution required)"
ATTRIBUTION = {
    "municipalities": URBIS_ATTRIBUTION,
    "police-zones": (
        f"{URBIS_ATTRIBUTION}; zones are unions of their member municipalities, "
        "membership per the Brussels Region (2012)"
    ),
    "neighbourhoods": "Monitoring des Quartiers / Wijkmonitoring – IBSA/BISA, perspective.brussels",
}
LICENSE = {
    "municipalities": URBIS_LICENSE,
    "police-zones": URBIS_LICENSE,
    "neighbourhoods": "CC0 1.0",
}


@dataclass(frozen=True)
class SerialisedLayer:
    body: bytes
    gzipped: bytes
    etag: str


_cache: dict[tuple[str, str, int], SerialisedLayer] = {}
_cache_lock = threading.Lock()


def reset_geojson_cache() -> None:
    """Forget every serialised layer (after ``load_brussels``, in tests)."""
    with _cache_lock:
        _cache.clear()


def signed_area(ring: list) -> float:
    """Return the shoelace area of a closed ring: positive when counter-clockwise."""
    pairs = zip(ring, ring[1:], strict=False)  # each vertex with the next
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in pairs) / 2


def _oriented_polygon(rings: list) -> list:
    # The exterior counter-clockwise, every hole clockwise; a ring in the
    # wrong direction is reversed, its coordinates untouched.
    return [
        ring[::-1] if (signed_area(ring) < 0 if index == 0 else signed_area(ring) > 0) else ring
        for index, ring in enumerate(rings)
    ]


def oriented(geometry: dict) -> dict:
    """Return ``geometry`` with its rings wound as RFC 7946 §3.1.6 asks.

    Exteriors counter-clockwise, holes clockwise. Only (Multi)Polygons have
    rings; any other geometry, or ``None``, is returned as it is. Every
    GeoJSON answer goes through here, so a boundary loaded from another file
    or edited by hand still comes out right.
    """
    if not geometry:
        return geometry
    if geometry.get("type") == "Polygon":
        return {**geometry, "coordinates": _oriented_polygon(geometry["coordinates"])}
    if geometry.get("type") == "MultiPolygon":
        return {
            **geometry,
            "coordinates": [_oriented_polygon(rings) for rings in geometry["coordinates"]],
        }
    if geometry.get("type") == "GeometryCollection":
        return {**geometry, "geometries": [oriented(g) for g in geometry["geometries"]]}
    return geometry


def _feature(feature_id, geometry: str, properties: dict) -> dict:
    return {
        "type": "Feature",
        "id": feature_id,
        "geometry": oriented(json.loads(geometry)),
        "properties": properties,
    }


def _label_point(geometry: str) -> dict:
    """Return a point surely inside the area, where a map can print its name.

    The centroid will not do: Ixelles comes in two parts.
    """
    import shapely  # loaded when a layer is first drawn, not by every process

    point = shapely.point_on_surface(shapely.from_geojson(geometry))
    return {"lat": round(point.y, 6), "lon": round(point.x, 6)}


def _names(row, language: str) -> dict:
    return {
        "name": name_in_language(row.name_nl, row.name_fr, language),
        "name_nl": row.name_nl,
        "name_fr": row.name_fr,
    }


def _municipality_features(language: str) -> list[dict]:
    rows = Municipality.objects.select_related("police_zone").order_by("nis_code")
    return [
        _feature(
            m.nis_code,
            m.geometry,
            {
                "nis_code": m.nis_code,
                **_names(m, language),
                "police_zone": m.police_zone.code,
                "police_zone_name": name_in_language(
                    m.police_zone.name_nl, m.police_zone.name_fr, language
                ),
                "centroid": {"lat": m.centroid_lat, "lon": m.centroid_lon},
                "label_point": _label_point(m.geometry),
            },
        )
        for m in rows
    ]


def _layer_version(layer: str) -> int:
    """Return what else a layer depends on: the references' revision for the zones."""
    if layer != "police-zones":
        return 0
    return references.revision()


def _police_zone_features(language: str) -> list[dict]:
    by_zone = references.by_zone_code(language)
    rows = PoliceZone.objects.prefetch_related("municipalities").order_by("code")
    return [
        _feature(
            z.code,
            z.geometry,
            {
                "code": z.code,
                **_names(z, language),
                "municipalities": [
                    {"nis_code": m.nis_code, **_names(m, language)}
                    for m in sorted(z.municipalities.all(), key=lambda m: m.nis_code)
                ],
                # The zone's trafficking reference function (the directory);
                # null shows openly that none is designated yet.
                "trafficking_reference": by_zone.get(z.code),
            },
        )
        for z in rows
    ]


def _neighbourhood_features(language: str) -> list[dict]:
    rows = Neighbourhood.objects.select_related("municipality__police_zone").order_by("code")
    return [
        _feature(
            n.code,
            n.geometry,
            {
                "code": n.code,
                **_names(n, language),
                "nis_code": n.municipality.nis_code,
                "municipality_name": name_in_language(
                    n.municipality.name_nl, n.municipality.name_fr, language
                ),
                "police_zone": n.municipality.police_zone.code,
            },
        )
        for n in rows
    ]


BUILDERS = {
    "municipalities": _municipality_features,
    "police-zones": _police_zone_features,
    "neighbourhoods": _neighbourhood_features,
}


def feature_collection(layer: str, language: str) -> dict:
    """Return one layer as a GeoJSON FeatureCollection, names in ``language``.

    Raise ``GeographyNotLoaded`` when the layer is empty.
    """
    features = BUILDERS[layer](language)
    if not features:
        raise GeographyNotLoaded(f"The {layer} layer is empty: run `manage.py load_brussels`.")
    return {
        "type": "FeatureCollection",
        # Foreign members (RFC 7946 §6.1): the licences require the mention.
        "attribution": ATTRIBUTION[layer],
        "license": LICENSE[layer],
        "features": features,
    }


def serialised_layer(layer: str, language: str | None = None) -> SerialisedLayer:
    """Return the layer serialised (plain and gzipped), from the cache when possible."""
    language = (language or get_language() or "en").split("-")[0]
    key = (layer, language, _layer_version(layer))
    cached = _cache.get(key)
    if cached is None:
        body = json.dumps(
            feature_collection(layer, language), ensure_ascii=False, separators=(",", ":")
        ).encode()
        cached = SerialisedLayer(
            body=body,
            # mtime=0 keeps the bytes the same from one process to the next.
            gzipped=gzip.compress(body, compresslevel=6, mtime=0),
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        )
        with _cache_lock:
            # Drop the versions a new reference made obsolete.
            for old in [k for k in _cache if k[:2] == key[:2]]:
                del _cache[old]
            _cache[key] = cached
    return cached


def _accepts_gzip(request: HttpRequest) -> bool:
    encodings = request.headers.get("Accept-Encoding", "")
    return any(part.split(";")[0].strip() == "gzip" for part in encodings.split(","))


def geojson_response(request: HttpRequest, layer: str) -> HttpResponse:
    """Answer with the cached layer: 304 on a matching ETag, gzip when accepted."""
    data = serialised_layer(layer)
    gzipped = _accepts_gzip(request)
    # Each encoding is its own representation, so it gets its own strong ETag.
    etag = data.etag[:-1] + '-gzip"' if gzipped else data.etag
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    elif gzipped:
        response = HttpResponse(data.gzipped, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(data.body, content_type="application/geo+json")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    patch_vary_headers(response, ("Accept-Encoding", "Accept-Language", "Cookie"))
    return response
