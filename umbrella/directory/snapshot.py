"""Every place of the directory, in memory, with its serialised feature per language.

``GET /api/v1/places`` must answer hundreds of requests a second, so the
places are read from the database once per revision (``revision.py``): one
query per table, no N+1. A request then costs one indexed read of the
revision counter, a bounding-box prefilter and an exact distance on the
survivors, and the concatenation of features serialised once per
(place, language, visibility). Nothing here is state another process needs:
each process builds its own copy from the same rows.
"""

from __future__ import annotations

import json
import math
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils import translation

from umbrella.areas.models import name_in_language
from umbrella.directory.models import (
    CONTENT_LANGUAGES,
    Category,
    Facility,
    FacilityKind,
    GenderFocus,
    HolidaySchedule,
    Manager,
    OperatingStatus,
    Phone,
    RegularSchedule,
    ServiceAtLocation,
    ServiceLanguage,
    TriState,
    is_stale,
)
from umbrella.directory.models.translation import pick
from umbrella.directory.opening import Schedule, ScheduleException
from umbrella.directory.revision import current_revision

EMPTY = Schedule()


def _with_closure(schedule: Schedule, temporarily_closed: bool) -> Schedule:
    if not temporarily_closed:
        return schedule
    return Schedule(schedule.weekly, schedule.exceptions, temporarily_closed=True)


TOILET = "toilet"
SERVICE = "service"
KINDS = (TOILET, SERVICE)

# Every feature carries every key, so a client reads both kinds alike; what
# does not apply to a kind is null (or empty).
SERVICE_ONLY = {
    "organization": None,
    "category": None,
    "category_label": None,
    "anonymous": None,
    "no_papers_needed": None,
    "no_appointment_needed": None,
    "gender_focus": None,
    "gender_focus_label": None,
    "trained_non_stigmatising": None,
    "languages": [],
    "phones": [],
    "url": None,
    "email": None,
    "service_id": None,
}
TOILET_ONLY = {
    "facility_kind": None,
    "kind_label": None,
    "usable_by_women": None,
    "all_gender": None,
    "urinal_only": None,
    "baby_change": None,
    "manager": None,
    "manager_label": None,
    "manager_name": None,
    "source": None,
    "facility_id": None,
}


def fold(text: str) -> str:
    """Return ``text`` lower-cased and without accents, for search ("Médecins" → "medecins")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tri(value: str) -> bool | None:
    return {TriState.YES: True, TriState.NO: False}.get(value)


@dataclass(slots=True, eq=False)
class Place:
    """One row of the map: a service at a location, or a toilet."""

    kind: str
    pk: int
    id: str
    # The true position, and the one the public may use (the municipality's
    # centre for a confidential location). Both None for a virtual location.
    lat: float | None
    lon: float | None
    public_lat: float | None
    public_lon: float | None
    confidential: bool
    editor_organisation_id: int | None
    category: str
    free: bool | None
    anonymous: bool | None
    no_papers: bool | None
    no_appointment: bool | None
    accessible: bool | None
    languages: frozenset[str]
    # Folded text to search: everything for viewers who may see the
    # location, and only what the public is shown (no address, location name
    # or directions) for a confidential one. Both are the same string otherwise.
    search_text: str
    public_search_text: str
    schedule: Schedule
    to_verify: bool
    last_verified_on: date | None
    is_demo: bool
    detail_pk: int
    # Language-independent properties, and the translations to pick from.
    _base: dict = field(default_factory=dict)
    _texts: dict = field(default_factory=dict)
    _serialised: dict = field(default_factory=dict)
    _sort_names: dict = field(default_factory=dict)

    def sort_name(self, language: str) -> str:
        """Return the name in ``language`` (or its fallback), folded, to sort by."""
        name = self._sort_names.get(language)
        if name is None:
            name = fold(pick(self._texts["name"], language)[0])
            self._sort_names[language] = name
        return name

    def coordinates_for(self, privileged: bool) -> tuple[float | None, float | None]:
        if privileged or not self.confidential:
            return self.lat, self.lon
        return self.public_lat, self.public_lon

    def is_stale(self, today: date) -> bool:
        return is_stale(self.last_verified_on, today)

    def feature(self, language: str, privileged: bool, today: date) -> dict:
        """Return the GeoJSON feature without the per-request ``open_now`` and ``distance_m``."""
        visible = privileged or not self.confidential
        properties = dict(self._base)
        for key, values in self._texts.items():
            text, used = pick(values, language)
            properties[key] = text
            if key == "name":
                properties["name_language"] = used
        for key in ("category_label", "gender_focus_label", "manager_label", "kind_label"):
            labels = properties.pop(key + "s", None)
            if labels is not None:
                properties[key] = labels.get(language) or labels.get("en", "")
        municipality = properties.pop("_municipality")
        properties["municipality"] = municipality and {
            "nis_code": municipality[0],
            "name": name_in_language(municipality[1], municipality[2], language),
        }
        properties["location_hidden"] = not visible
        properties["stale"] = self.is_stale(today)
        if not visible:
            properties["address"] = None
            properties["postcode"] = None
            properties["transportation"] = ""
            properties["neighbourhood"] = None
            # A shelter's location is often named after its street or building.
            properties["location_name"] = ""
            if self.kind == TOILET:
                # A toilet's name and description are its location's own text;
                # its notice and manager's name are written about the place.
                properties["name"] = properties.get("kind_label") or ""
                properties["name_language"] = language
                properties["description"] = ""
                properties["notice"] = ""
                properties["manager_name"] = None
        geometry = (
            {"type": "Point", "coordinates": [self.lon, self.lat]}
            if visible and self.lat is not None
            else None
        )
        return {"type": "Feature", "id": self.id, "geometry": geometry, "properties": properties}

    def serialised_prefix(self, language: str, privileged: bool, today: date) -> str:
        """Return the feature's JSON without its two closing braces, cached per variant.

        The caller appends ``"open_now"`` and ``"distance_m"`` and closes it.
        """
        key = (language, privileged or not self.confidential)
        cached = self._serialised.get(key)
        # The "stale" flag depends on the day: a day-old serialisation is redone.
        if cached is None or cached[0] != today:
            text = json.dumps(
                self.feature(language, privileged, today), ensure_ascii=False, separators=(",", ":")
            )
            cached = (today, text[:-2])  # "…}}": the properties object, then the feature
            self._serialised[key] = cached
        return cached[1]


def _labels(choice_label) -> dict[str, str]:
    """Return a lazy label in every site language that has a catalogue."""
    from django.conf import settings

    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(choice_label)
    return labels


# Grid cells of the spatial prefilter, in degrees: about 1.1 km by 1 km in Brussels.
CELL_LAT = 0.01
CELL_LON = 0.015


def cell_of(lat: float, lon: float) -> tuple[int, int]:
    return int(lat // CELL_LAT), int(lon // CELL_LON)


@dataclass(slots=True)
class Snapshot:
    revision: int
    places: dict[str, list[Place]]
    by_id: dict[str, Place]
    # Per kind: grid cell → places (not confidential) with a point there;
    # confidential places apart, since where they count depends on the viewer.
    grids: dict[str, dict[tuple[int, int], list[Place]]] = field(default_factory=dict)
    confidential: dict[str, list[Place]] = field(default_factory=dict)

    def near(self, kind: str, south: float, north: float, west: float, east: float):
        """Return the places of ``kind`` that may lie in the box (a superset, cheap)."""
        grid = self.grids[kind]
        (i0, j0), (i1, j1) = cell_of(south, west), cell_of(north, east)
        found = [
            place
            for i in range(i0, i1 + 1)
            for j in range(j0, j1 + 1)
            for place in grid.get((i, j), ())
        ]
        return found + self.confidential[kind]


_LABEL_CACHE: dict[str, dict[str, str]] = {}


def _label(enum, value: str) -> dict[str, str]:
    key = f"{enum.__name__}.{value}"
    if key not in _LABEL_CACHE:
        _LABEL_CACHE[key] = _labels(enum(value).label) if value in enum.values else {}
    return _LABEL_CACHE[key]


def _municipality(location):
    m = location.municipality
    return m and (m.nis_code, m.name_nl, m.name_fr)


def _public_point(location) -> tuple[float | None, float | None]:
    if not location.confidential:
        return location.latitude, location.longitude
    m = location.municipality
    return (m.centroid_lat, m.centroid_lon) if m else (None, None)


def _folded(*parts) -> str:
    return fold(" ".join(p for p in parts if p))


def _search_texts(
    location,
    shown: list,
    texts: dict,
    private: tuple[str, ...] = (),
    private_strings: tuple[str, ...] = (),
) -> tuple[str, str]:
    """Return the search text of every viewer and the one of viewers who may not see the place.

    ``shown`` is what every viewer is shown; the location's name, address
    and "how to get there" (and the ``private`` keys of ``texts`` and the
    ``private_strings``: what is written about the place itself) are
    searched only by viewers who see them, or a public search for a word of
    the directions would find the shelter.
    """
    public = _folded(*shown)
    where = _folded(
        *(v for key in ("location_name", "transportation", *private) for v in texts[key].values()),
        *private_strings,
        location.address,
        location.postcode,
    )
    full = f"{public} {where}" if where else public
    return full, (public if location.confidential else full)


def _location_texts(location) -> dict:
    return {
        "location_name": location.translations("name"),
        "transportation": location.translations("transportation"),
    }


def _location_base(location) -> dict:
    return {
        "address": location.address or None,
        "postcode": location.postcode or None,
        "_municipality": _municipality(location),
        "police_zone": location.police_zone.code if location.police_zone_id else None,
        "neighbourhood": location.neighbourhood.code if location.neighbourhood_id else None,
        "virtual": location.kind == "virtual",
        "approximate": location.approximate,
        "confidential": location.confidential,
        "wheelchair_accessible": location.wheelchair_accessible,
    }


def _schedules(owner: str) -> dict[int, Schedule]:
    """Return each owner's weekly hours and exceptions, read in two queries (no instances)."""
    weekly: dict[int, list] = {}
    for pk, weekday, opens, closes in (
        RegularSchedule.objects.filter(**{f"{owner}__isnull": False})
        .order_by("weekday", "opens_at")
        .values_list(owner, "weekday", "opens_at", "closes_at")
    ):
        weekly.setdefault(pk, []).append((weekday, opens, closes))
    exceptions: dict[int, list] = {}
    for pk, starts, ends, closed, opens, closes in (
        HolidaySchedule.objects.filter(**{f"{owner}__isnull": False})
        .order_by("starts_on", "pk")
        .values_list(owner, "starts_on", "ends_on", "closed", "opens_at", "closes_at")
    ):
        exceptions.setdefault(pk, []).append(ScheduleException(starts, ends, closed, opens, closes))
    return {
        pk: Schedule(tuple(weekly.get(pk, ())), tuple(exceptions.get(pk, ())))
        for pk in weekly.keys() | exceptions.keys()
    }


def _grouped(queryset) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for key, value in queryset:
        grouped.setdefault(key, []).append(value)
    return grouped


def _service_places() -> list[Place]:
    rows = (
        ServiceAtLocation.objects.exclude(service__status=OperatingStatus.INACTIVE)
        .select_related(
            "service__organization",
            "location__municipality",
            "location__police_zone",
            "location__neighbourhood",
        )
        .order_by("pk")
    )
    schedules = _schedules("service_at_location")
    languages_of = _grouped(
        ServiceLanguage.objects.order_by("language").values_list("service_id", "language")
    )
    phones_of = _grouped(
        Phone.objects.filter(service__isnull=False)
        .order_by("pk")
        .values_list("service_id", "number")
    )
    places = []
    for sal in rows:
        service, location, organization = sal.service, sal.location, sal.service.organization
        languages = frozenset(languages_of.get(service.pk, ()))
        public_lat, public_lon = _public_point(location)
        texts = {
            "name": service.translations("name"),
            "description": service.translations("description"),
            "notice": service.translations("notice"),
            **_location_texts(location),
        }
        search, public_search = _search_texts(
            location,
            [
                organization.name,
                *(v for key in ("name", "description", "notice") for v in texts[key].values()),
                *(organization.translations("description").values()),
                *(_label(Category, service.category).values()),
                location.municipality and location.municipality.name_nl,
                location.municipality and location.municipality.name_fr,
            ],
            texts,
        )
        temporarily_closed = service.status == OperatingStatus.TEMPORARILY_CLOSED
        schedule = _with_closure(schedules.get(sal.pk, EMPTY), temporarily_closed)
        to_verify = service.to_verify or location.to_verify or sal.to_verify
        verified = [
            d for d in (service.last_verified_on, location.last_verified_on) if d is not None
        ]
        base = {
            **TOILET_ONLY,
            "kind": SERVICE,
            "organization": {"name": organization.name, "slug": organization.slug},
            "category": service.category,
            "category_labels": _label(Category, service.category),
            "status": service.status,
            "temporarily_closed": temporarily_closed,
            "anonymous": service.anonymous,
            "free": service.free,
            "no_papers_needed": service.no_papers_needed,
            "no_appointment_needed": service.no_appointment_needed,
            "gender_focus": service.gender_focus,
            "gender_focus_labels": _label(GenderFocus, service.gender_focus),
            "trained_non_stigmatising": service.trained_non_stigmatising,
            "languages": sorted(languages),
            "phones": phones_of.get(service.pk, []),
            "url": service.url or organization.url or None,
            "email": service.email or organization.email or None,
            **_location_base(location),
            "hours_known": schedule.is_known(),
            "to_verify": to_verify,
            "last_verified": max(verified).isoformat() if len(verified) == 2 else None,
            "demo": service.is_demo or location.is_demo,
            "service_id": service.pk,
            "location_id": location.pk,
        }
        places.append(
            Place(
                kind=SERVICE,
                pk=sal.pk,
                id=f"service-{sal.pk}",
                lat=location.latitude,
                lon=location.longitude,
                public_lat=public_lat,
                public_lon=public_lon,
                confidential=location.confidential,
                editor_organisation_id=organization.accounts_organisation_id,
                category=service.category,
                free=service.free,
                anonymous=service.anonymous,
                no_papers=service.no_papers_needed,
                no_appointment=service.no_appointment_needed,
                accessible=_tri(location.wheelchair_accessible),
                languages=languages,
                search_text=search,
                public_search_text=public_search,
                schedule=schedule,
                to_verify=to_verify,
                last_verified_on=min(verified) if len(verified) == 2 else None,
                is_demo=base["demo"],
                detail_pk=sal.pk,
                _base=base,
                _texts=texts,
            )
        )
    return places


def _toilet_places() -> list[Place]:
    rows = (
        Facility.objects.exclude(status=OperatingStatus.INACTIVE)
        .select_related(
            "location__municipality", "location__police_zone", "location__neighbourhood"
        )
        .order_by("pk")
    )
    schedules = _schedules("facility")
    places = []
    for facility in rows:
        location = facility.location
        public_lat, public_lon = _public_point(location)
        temporarily_closed = facility.status == OperatingStatus.TEMPORARILY_CLOSED
        schedule = _with_closure(schedules.get(facility.pk, EMPTY), temporarily_closed)
        texts = {
            "name": location.translations("name"),
            "description": location.translations("description"),
            "notice": facility.translations("notice"),
            **_location_texts(location),
        }
        kind_labels = _label(FacilityKind, facility.kind)
        search, public_search = _search_texts(
            location,
            [
                *kind_labels.values(),
                *(_labels(FacilityKind.TOILET.label).values() if facility.kind == "urinal" else ()),
                location.municipality and location.municipality.name_nl,
                location.municipality and location.municipality.name_fr,
            ],
            texts,
            # A toilet's notice and manager's name are written about the place.
            private=("name", "description", "notice"),
            private_strings=(facility.manager_name,),
        )
        to_verify = facility.to_verify or location.to_verify
        base = {
            **SERVICE_ONLY,
            "kind": TOILET,
            "facility_kind": facility.kind,
            "kind_labels": kind_labels,
            "status": facility.status,
            "temporarily_closed": temporarily_closed,
            "free": facility.free,
            "usable_by_women": facility.usable_by_women,
            "all_gender": facility.all_gender,
            "urinal_only": facility.urinal_only,
            "baby_change": facility.baby_change,
            "manager": facility.manager,
            "manager_labels": _label(Manager, facility.manager),
            "manager_name": facility.manager_name or None,
            "source": facility.source or None,
            **_location_base(location),
            "hours_known": schedule.is_known(),
            "to_verify": to_verify,
            "last_verified": facility.last_verified_on and facility.last_verified_on.isoformat(),
            "demo": facility.is_demo or location.is_demo,
            "facility_id": facility.pk,
            "location_id": location.pk,
        }
        places.append(
            Place(
                kind=TOILET,
                pk=facility.pk,
                id=f"toilet-{facility.pk}",
                lat=location.latitude,
                lon=location.longitude,
                public_lat=public_lat,
                public_lon=public_lon,
                confidential=location.confidential,
                editor_organisation_id=None,
                category="",
                free=_tri(facility.free),
                anonymous=None,
                no_papers=None,
                no_appointment=None,
                accessible=_tri(location.wheelchair_accessible),
                languages=frozenset(),
                search_text=search,
                public_search_text=public_search,
                schedule=schedule,
                to_verify=to_verify,
                last_verified_on=facility.last_verified_on,
                is_demo=base["demo"],
                detail_pk=facility.pk,
                _base=base,
                _texts=texts,
            )
        )
    return places


_snapshot: Snapshot | None = None
_lock = threading.Lock()


# How long a process trusts its snapshot before reading the revision again.
# A write in this process invalidates it at once (``signals.py``); a write in
# another process shows here within this delay.
REVISION_TTL_SECONDS = 1.0
_checked_at = 0.0


def forget_revision_check() -> None:
    """Make the next search read the revision (after a write in this process)."""
    global _checked_at
    _checked_at = 0.0


def fresh_snapshot() -> Snapshot | None:
    """Return the snapshot if it may be used without reading the database, else ``None``."""
    snapshot = _snapshot
    if snapshot is not None and time.monotonic() - _checked_at < REVISION_TTL_SECONDS:
        return snapshot
    return None


def get_snapshot() -> Snapshot:
    """Return this process's snapshot, rebuilt when the directory's revision moved."""
    global _snapshot, _checked_at
    snapshot = _snapshot
    now = time.monotonic()
    if snapshot is not None and now - _checked_at < REVISION_TTL_SECONDS:
        return snapshot
    revision = current_revision()
    _checked_at = now
    if snapshot is not None and snapshot.revision == revision:
        return snapshot
    with _lock:
        if _snapshot is None or _snapshot.revision != revision:
            places = {TOILET: _toilet_places(), SERVICE: _service_places()}
            by_id = {p.id: p for kind in places.values() for p in kind}
            _snapshot = Snapshot(revision=revision, places=places, by_id=by_id)
            for kind, rows in places.items():
                grid: dict[tuple[int, int], list[Place]] = {}
                for place in rows:
                    if not place.confidential and place.lat is not None:
                        grid.setdefault(cell_of(place.lat, place.lon), []).append(place)
                _snapshot.grids[kind] = grid
                _snapshot.confidential[kind] = [p for p in rows if p.confidential]
        return _snapshot


def reset_snapshot() -> None:
    """Forget this process's snapshot (tests)."""
    global _snapshot
    with _lock:
        _snapshot = None
    forget_revision_check()


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


__all__ = ["CONTENT_LANGUAGES", "KINDS", "SERVICE", "TOILET", "Place", "get_snapshot"]
