"""State changes of the geography: loading the shipped Brussels boundaries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction

from umbrella.areas.geojson import oriented, reset_geojson_cache
from umbrella.areas.locate import reset_index
from umbrella.areas.models import (
    Municipality,
    Neighbourhood,
    PoliceZone,
    Population,
    PopulationKind,
)

M = TypeVar("M", bound=models.Model)

FILES = {
    "police_zones": "police_zones.geojson",
    "municipalities": "municipalities.geojson",
    "neighbourhoods": "neighbourhoods.geojson",
}


class GeographyFileError(ValueError):
    """A shipped GeoJSON file is missing, unreadable or inconsistent."""


@dataclass
class LoadCounts:
    """What one call of ``load_brussels`` did to one layer."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows in the database that the files no longer contain. They are kept,
    # because reports and alarms may point at them; an operator decides.
    stale: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def default_data_path() -> Path:
    """Return the folder of the shipped geography, ``data/brussels``."""
    return Path(settings.BASE_DIR) / "data" / "brussels"


def read_features(path: Path, layer: str) -> list[dict]:
    """Return the features of one layer's GeoJSON file, or raise ``GeographyFileError``."""
    file = Path(path) / FILES[layer]
    try:
        with file.open(encoding="utf-8") as stream:
            collection = json.load(stream)
    except (OSError, ValueError) as error:
        raise GeographyFileError(f"{file}: {error}") from error
    if collection.get("type") != "FeatureCollection" or not collection.get("features"):
        raise GeographyFileError(f"{file}: not a non-empty GeoJSON FeatureCollection")
    return collection["features"]


def _geometry_text(feature: dict) -> str:
    # Compact, key-sorted JSON: the same input always gives the same text, so
    # a second load compares equal and writes nothing. Rings are stored wound
    # as RFC 7946 asks, whatever file they came from.
    return json.dumps(oriented(feature["geometry"]), separators=(",", ":"), sort_keys=True)


def _upsert(model: type[M], lookup: dict, values: dict, counts: LoadCounts) -> M:
    """Create or update one row, writing only when a value differs."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        counts.created += 1
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
        counts.updated += 1
    else:
        counts.unchanged += 1
    return row


def _load_zones(path: Path) -> tuple[dict[str, PoliceZone], LoadCounts]:
    counts = LoadCounts()
    zones = {}
    for feature in read_features(path, "police_zones"):
        props = feature["properties"]
        code = str(props["police_zone"])
        zones[code] = _upsert(
            PoliceZone,
            {"code": code},
            {
                "name_nl": props["name_nl"],
                "name_fr": props["name_fr"],
                "geometry": _geometry_text(feature),
            },
            counts,
        )
    counts.stale = list(PoliceZone.objects.exclude(code__in=zones).values_list("code", flat=True))
    return zones, counts


def _load_municipalities(
    path: Path, zones: dict[str, PoliceZone]
) -> tuple[dict[str, Municipality], LoadCounts]:
    counts = LoadCounts()
    municipalities = {}
    from shapely.geometry import shape  # only the loader needs it, not every process

    for feature in read_features(path, "municipalities"):
        props = feature["properties"]
        nis_code = str(props["nis_code"])
        zone = zones.get(str(props["police_zone"]))
        if zone is None:
            raise GeographyFileError(
                f"municipality {nis_code}: police zone {props['police_zone']} is not in "
                f"{FILES['police_zones']}"
            )
        centroid = shape(feature["geometry"]).centroid
        municipalities[nis_code] = _upsert(
            Municipality,
            {"nis_code": nis_code},
            {
                "name_nl": props["name_nl"],
                "name_fr": props["name_fr"],
                "police_zone_id": zone.pk,
                "geometry": _geometry_text(feature),
                # Rounded like the coordinates (about 0.1 m), so that float
                # noise never counts as a change.
                "centroid_lat": round(centroid.y, 6),
                "centroid_lon": round(centroid.x, 6),
            },
            counts,
        )
    counts.stale = list(
        Municipality.objects.exclude(nis_code__in=municipalities).values_list("nis_code", flat=True)
    )
    return municipalities, counts


def _load_neighbourhoods(path: Path, municipalities: dict[str, Municipality]) -> LoadCounts:
    counts = LoadCounts()
    codes = []
    for feature in read_features(path, "neighbourhoods"):
        props = feature["properties"]
        code = int(props["code"])
        municipality = municipalities.get(str(props["nis_code"]))
        if municipality is None:
            raise GeographyFileError(
                f"neighbourhood {code}: municipality {props['nis_code']} is not in "
                f"{FILES['municipalities']}"
            )
        _upsert(
            Neighbourhood,
            {"code": code},
            {
                "name_nl": props["name_nl"],
                "name_fr": props["name_fr"],
                "municipality_id": municipality.pk,
                "geometry": _geometry_text(feature),
            },
            counts,
        )
        codes.append(code)
    counts.stale = [
        str(code)
        for code in Neighbourhood.objects.exclude(code__in=codes).values_list("code", flat=True)
    ]
    return counts


@transaction.atomic
def load_brussels(path: Path | str | None = None) -> dict[str, LoadCounts]:
    """Load the police zones, municipalities and neighbourhoods from ``path``.

    Rows are matched by their code, so running it again creates nothing and,
    when the files did not change, writes nothing. The in-process lookup
    index and GeoJSON caches are dropped once the transaction commits.
    """
    path = Path(path) if path is not None else default_data_path()
    zones, zone_counts = _load_zones(path)
    municipalities, municipality_counts = _load_municipalities(path, zones)
    neighbourhood_counts = _load_neighbourhoods(path, municipalities)
    transaction.on_commit(reset_index)
    transaction.on_commit(reset_geojson_cache)
    return {
        "police_zones": zone_counts,
        "municipalities": municipality_counts,
        "neighbourhoods": neighbourhood_counts,
    }


@dataclass
class PopulationCounts:
    """What one call of ``record_population`` did."""

    recorded: int = 0
    # Codes the file holds that are no area of the region (Statbel's file covers Belgium).
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def record_population(
    kind: str, residents: dict[str, int], *, source: str, reference_date: date, now: datetime
) -> PopulationCounts:
    """Record each area's residents (``code`` → number) from ``source`` on ``reference_date``.

    Only codes of the region's areas of ``kind`` are kept; a code recorded
    before is replaced, the others are left as they are.
    """
    if kind == PopulationKind.MUNICIPALITY:
        known = set(Municipality.objects.values_list("nis_code", flat=True))
    else:
        known = {str(code) for code in Neighbourhood.objects.values_list("code", flat=True)}
    counts = PopulationCounts()
    for code, number in sorted(residents.items()):
        if code not in known:
            counts.skipped.append(code)
            continue
        Population.objects.update_or_create(
            kind=kind,
            code=code,
            defaults={
                "residents": number,
                "source": source,
                "reference_date": reference_date,
                "recorded_at": now,
            },
        )
        counts.recorded += 1
    return counts
