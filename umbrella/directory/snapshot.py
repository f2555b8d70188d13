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

import math
import threading
import time
from dataclasses import dataclass, field

from umbrella.directory.models import (
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
)
from umbrella.directory.opening import Schedule, ScheduleException
from umbrella.directory.places import (
    EMPTY,
    SERVICE,
    SERVICE_ONLY,
    TOILET,
    TOILET_ONLY,
    Place,
    fold,
    labels,
    tri,
    with_closure,
)
from umbrella.directory.revision import current_revision

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
        _LABEL_CACHE[key] = labels(enum(value).label) if value in enum.values else {}
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
        schedule = with_closure(schedules.get(sal.pk, EMPTY), temporarily_closed)
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
                accessible=tri(location.wheelchair_accessible),
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
        schedule = with_closure(schedules.get(facility.pk, EMPTY), temporarily_closed)
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
                *(labels(FacilityKind.TOILET.label).values() if facility.kind == "urinal" else ()),
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
                free=tri(facility.free),
                anonymous=None,
                no_papers=None,
                no_appointment=None,
                accessible=tri(location.wheelchair_accessible),
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
                    if not place.confidential and place.lat is not None and place.lon is not None:
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
