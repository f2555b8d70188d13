"""Open-data exports of the directory: GeoJSON and CSV, and every export's licence lines.

The HSDS 3.0 export is ``hsds.py`` (it shares the read API's builders).

Every export carries a licence and an attribution line naming each source
its rows come from: the project's own entries (CC BY 4.0), toilets from
OpenStreetMap (ODbL 1.0, "© OpenStreetMap contributors", share-alike for a
derived database) and toilets from the City of Brussels' open data.

Exports are public files that get copied and passed on, so they always
follow the public rule, whoever asks: a confidential location (a shelter)
exports only its municipality, never coordinates, address, directions or any
other text written about it.
The GeoJSON and CSV reuse ``find_places`` and the places' own features, so
they cannot disagree with the map and ``GET /api/v1/places``.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.utils import timezone

from umbrella.core import opendata
from umbrella.directory.models import Facility, OperatingStatus
from umbrella.directory.queries import PUBLIC, find_places

OWN = "umbrella"
OSM = "osm"
BRUSSELS = "brussels-opendata"

LICENCES = {
    OWN: "Umbrella Brussels directory entries: CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/)",
    OSM: "Toilets whose source is osm: Open Database License 1.0 "
    "(https://opendatacommons.org/licenses/odbl/1-0/); a derived database must be shared alike",
    BRUSSELS: "Toilets whose source is brussels-opendata: City of Brussels open data, under the "
    "licence stated on its dataset pages (toilettes_publiques_vbx, urinoirs-publics-vbx)",
}
ATTRIBUTIONS = {
    OWN: "Umbrella Brussels directory",
    OSM: "© OpenStreetMap contributors",
    BRUSSELS: "Ville de Bruxelles / Stad Brussel, opendata.brussels.be",
}
# Municipality names and the areas every location is stamped with.
GEOGRAPHY_ATTRIBUTION = "Areas: Brussels UrbIS © Paradigm (CIRB); neighbourhoods: IBSA/BISA"


def licence_and_attribution(sources) -> tuple[str, str]:
    """Return the licence line and the attribution line for rows from ``sources``."""
    present = [OWN, *sorted(s for s in set(sources) if s in LICENCES and s != OWN)]
    licence = "; ".join(LICENCES[s] for s in present)
    attribution = "; ".join([*(ATTRIBUTIONS[s] for s in present), GEOGRAPHY_ATTRIBUTION])
    return licence, attribution


def facility_sources() -> set[str]:
    """Return the sources of the toilets still in use (for the licence lines)."""
    return set(
        Facility.objects.exclude(status=OperatingStatus.INACTIVE)
        .exclude(source="")
        .values_list("source", flat=True)
        .distinct()
    )


# -- GeoJSON and CSV -------------------------------------------------------------------


def _public_features(language: str, kind: str | None, now: datetime) -> list[dict]:
    today = timezone.localdate(now)
    return [found.feature(language, today) for found in find_places(kind, viewer=PUBLIC, at=now)]


def _feature_sources(features) -> set[str]:
    return {f["properties"].get("source") or OWN for f in features}


def geojson(language: str, kind: str | None = None, now: datetime | None = None) -> dict:
    """Return every public place as a GeoJSON FeatureCollection, text in ``language``."""
    now = now or timezone.now()
    features = _public_features(language, kind, now)
    licence, attribution = licence_and_attribution(_feature_sources(features))
    return {
        "type": "FeatureCollection",
        "license": licence,
        "attribution": attribution,
        "generated_at": now.isoformat(timespec="seconds"),
        "features": features,
    }


CSV_COLUMNS = (
    "id",
    "kind",
    "name",
    "organization",
    "category",
    "status",
    "address",
    "postcode",
    "municipality_nis_code",
    "municipality",
    "police_zone",
    "latitude",
    "longitude",
    "approximate",
    "location_hidden",
    "free",
    "anonymous",
    "no_papers_needed",
    "no_appointment_needed",
    "wheelchair_accessible",
    "languages",
    "phones",
    "url",
    "hours_known",
    "to_verify",
    "last_verified",
    "stale",
    "demo",
    "source",
)


def csv_text(language: str, kind: str | None = None, now: datetime | None = None) -> str:
    """Return every public place as CSV: two ``#`` lines (licence, attribution), then a header."""
    now = now or timezone.now()
    features = _public_features(language, kind, now)
    licence, attribution = licence_and_attribution(_feature_sources(features))
    rows = []
    for feature in features:
        p = feature["properties"]
        coordinates = (feature["geometry"] or {}).get("coordinates") or [None, None]
        municipality = p.get("municipality") or {}
        row = {
            **p,
            "id": feature["id"],
            "organization": (p.get("organization") or {}).get("name"),
            "municipality_nis_code": municipality.get("nis_code"),
            "municipality": municipality.get("name"),
            "latitude": coordinates[1],
            "longitude": coordinates[0],
            "source": p.get("source") or OWN,
        }
        rows.append([row.get(column) for column in CSV_COLUMNS])
    return opendata.csv_text(CSV_COLUMNS, rows, licence=licence, attribution=attribution)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
