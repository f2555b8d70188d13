"""Read-only questions about the directory, shared by the API, the pages and other apps.

``find_places`` is the one search the API (``GET /api/v1/places``) and the
map and list pages use, so they cannot disagree on filters, order or the
confidential-address rule.

Confidential addresses
----------------------
A location marked ``confidential`` (a shelter, for example) shows the public
only its municipality: no address, no coordinates, no neighbourhood. It is
also sorted and filtered by its municipality's centre for them, so that
distances from a few points cannot betray the real position. Who sees the
real address (``may_see_confidential``):

- platform administrators (role ``admin`` or a superuser);
- support workers (role ``support_worker``: outreach workers who accompany
  people to shelters and services);
- members of the organisation that runs the place (its directory entry's
  editors' organisation).

Police, municipality officers, public-service staff, residents and sex workers
see what the public sees: a shelter's address is given by the people who
refer someone to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from umbrella.core.translation import normalise_language
from umbrella.directory.models import Category, TraffickingReference
from umbrella.directory.opening import is_open_at, is_open_on, schedule_from_rows, wall_clock
from umbrella.directory.places import KINDS, SERVICE, TOILET, Place, fold
from umbrella.directory.snapshot import Snapshot, distance_m, get_snapshot

# The largest radius a search accepts: the region spans about 20 km.
MAX_RADIUS_M = 50_000
METRES_PER_DEGREE_LAT = 111_195.0


@dataclass(frozen=True, slots=True)
class Viewer:
    """What one person may see: confidential addresses of all, of some organisations, or none."""

    all_confidential: bool = False
    organisation_ids: frozenset[int] = frozenset()

    def may_see(self, place: Place) -> bool:
        return (
            not place.confidential
            or self.all_confidential
            or (
                place.editor_organisation_id is not None
                and place.editor_organisation_id in self.organisation_ids
            )
        )


PUBLIC = Viewer()


def viewer_for(user) -> Viewer:
    """Return what ``user`` (``None`` or anonymous for the public) may see."""
    from umbrella.accounts.models import Role

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return PUBLIC
    if user.is_superuser or user.role in (Role.ADMIN, Role.SUPPORT_WORKER):
        return Viewer(all_confidential=True)
    ids = frozenset(user.memberships.values_list("organisation_id", flat=True))
    return Viewer(organisation_ids=ids) if ids else PUBLIC


def may_see_confidential(user, place) -> bool:
    """Answer whether ``user`` may see the address of ``place`` (a ``Place`` or ``Location``).

    ``place`` may also be a ``Location``, ``ServiceAtLocation`` or ``Facility``.
    """
    viewer = viewer_for(user)
    if isinstance(place, Place):
        return viewer.may_see(place)
    location = getattr(place, "location", place)
    if not location.confidential or viewer.all_confidential:
        return True
    organization = location.organization
    return bool(
        organization
        and organization.accounts_organisation_id is not None
        and organization.accounts_organisation_id in viewer.organisation_ids
    )


@dataclass(frozen=True, slots=True)
class Found:
    """A place in a result, with what depends on the request."""

    place: Place
    distance_m: float | None
    open_now: bool | None
    visible: bool

    @property
    def lat(self) -> float | None:
        return self.place.lat if self.visible else None

    @property
    def lon(self) -> float | None:
        return self.place.lon if self.visible else None

    def feature(self, language: str, today) -> dict:
        data = self.place.feature(language, self.visible, today)
        data["properties"]["open_now"] = self.open_now
        data["properties"]["distance_m"] = (
            None if self.distance_m is None else round(self.distance_m)
        )
        return data

    def feature_json(self, language: str, today) -> str:
        prefix = self.place.serialised_prefix(language, self.visible, today)
        open_now = "null" if self.open_now is None else ("true" if self.open_now else "false")
        distance = "null" if self.distance_m is None else str(round(self.distance_m))
        return f'{prefix},"open_now":{open_now},"distance_m":{distance}}}}}'


def find_places(
    kind: str | None = None,
    *,
    lat: float | None = None,
    lon: float | None = None,
    radius: float | None = None,
    open_now: bool = False,
    category: str | None = None,
    free: bool | None = None,
    anonymous: bool | None = None,
    no_papers: bool | None = None,
    no_appointment: bool | None = None,
    language: str | None = None,
    accessible: bool | None = None,
    text: str | None = None,
    user=None,
    viewer: Viewer | None = None,
    at: datetime | None = None,
    limit: int | None = None,
    snapshot: Snapshot | None = None,
    lang: str | None = None,
) -> list[Found]:
    """Return the places that match, nearest first from ``(lat, lon)``, else by name.

    Without a point, places are sorted by their name in ``lang`` (default:
    the active language) or its fallback, ignoring case and accents.

    ``kind`` is ``"toilet"``, ``"service"`` or ``None`` for both. Filters that
    do not apply to a kind are ignored for it (a toilet has no category and
    no languages). A boolean filter set to ``True`` keeps the places where
    the attribute is known to be true; ``False`` those where it is known to be
    false. ``text`` matches any translation of the name and description, the
    organisation, the category and the municipality, ignoring case and
    accents. With a point, the places without coordinates (phone lines,
    places whose door is not known) come after the located ones, by name,
    with ``distance_m`` ``None``; with a ``radius`` (metres) too, only places
    known to lie within it are kept, so those without coordinates are not. ``open_now`` keeps places
    known to be open at ``at`` (default: now) in Brussels time; ``open_now``
    in each result is computed at ``at`` either way.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if category is not None and category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    at = at or timezone.now()
    viewer = viewer or viewer_for(user)
    snapshot = snapshot or get_snapshot()
    kinds = (kind,) if kind else (SERVICE, TOILET)
    origin = (lat, lon) if lat is not None and lon is not None else None
    has_point = origin is not None
    if origin is not None:
        olat, olon = origin
    if origin is not None and radius is not None:
        # Bounding-box prefilter in degrees (grid cells, then the box), then
        # the exact distance on the few that remain.
        dlat = radius / METRES_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(math.radians(olat)), 0.01)
        south, north, west, east = olat - dlat, olat + dlat, olon - dlon, olon + dlon
        candidates = [p for k in kinds for p in snapshot.near(k, south, north, west, east)]
    else:
        candidates = [p for k in kinds for p in snapshot.places[k]]
    needle = fold(text.strip()) if text and text.strip() else None
    clock = wall_clock(at)
    results: list[Found] = []
    for place in candidates:
        visible = viewer.may_see(place)
        plat, plon = (place.lat, place.lon) if visible else (place.public_lat, place.public_lon)
        if has_point and radius is not None:
            # Within a radius means known to be within it.
            if (
                plat is None
                or plon is None
                or not (south <= plat <= north and west <= plon <= east)
            ):
                continue
        if place.kind == SERVICE:
            if category and place.category != category:
                continue
            if anonymous is not None and place.anonymous is not anonymous:
                continue
            if no_papers is not None and place.no_papers is not no_papers:
                continue
            if no_appointment is not None and place.no_appointment is not no_appointment:
                continue
            if language and language not in place.languages:
                continue
        if free is not None and place.free is not free:
            continue
        if accessible is not None and place.accessible is not accessible:
            continue
        if needle and needle not in (place.search_text if visible else place.public_search_text):
            continue
        distance = None
        if has_point and plat is not None and plon is not None:
            distance = distance_m(olat, olon, plat, plon)
            if radius is not None and distance > radius:
                continue
        is_open = is_open_on(place.schedule, *clock)
        if open_now and is_open is not True:
            continue
        results.append(Found(place, distance, is_open, visible))
    names_in = normalise_language(lang)
    if has_point:
        # Nearest first; then those whose position is not known, by name.
        results.sort(
            key=lambda f: (
                (0, f.distance_m, f.place.id)
                if f.distance_m is not None
                else (1, f.place.sort_name(names_in), f.place.id)
            )
        )
    else:
        results.sort(key=lambda f: (f.place.sort_name(names_in), f.place.id))
    return results[:limit] if limit is not None else results


def get_place(place_id: str, *, user=None, at: datetime | None = None) -> Found | None:
    """Return one place by its id (``"service-12"``, ``"toilet-3"``), or ``None``."""
    place = get_snapshot().by_id.get(place_id)
    if place is None:
        return None
    visible = viewer_for(user).may_see(place)
    return Found(place, None, is_open_at(place.schedule, at or timezone.now()), visible)


def is_open(place, at: datetime | None = None) -> bool | None:
    """Answer whether ``place`` is open at ``at`` (default now), in Brussels time.

    ``place`` is a ``Place`` or ``Found`` from ``find_places``, a
    ``ServiceAtLocation`` or a ``Facility``. ``None`` means the hours are
    unknown. A temporarily closed place is never open.
    """
    at = at or timezone.now()
    if isinstance(place, Found):
        place = place.place
    if isinstance(place, Place):
        return is_open_at(place.schedule, at)
    owner_closed = (
        place.service.is_temporarily_closed()
        if hasattr(place, "service")
        else place.is_temporarily_closed()
    )
    schedule = schedule_from_rows(
        place.regularschedules.all(), place.holidayschedules.all(), owner_closed
    )
    return is_open_at(schedule, at)


# -- trafficking reference functions -------------------------------------------


def reference_for_zone(zone) -> TraffickingReference | None:
    """Return the trafficking reference function of a police zone, or ``None`` if none.

    ``zone`` is a ``PoliceZone`` or its code ("5344"). Report routing
    (issue 4) sends trafficking signals to ``reference.accounts_organisation``.
    """
    code = zone if isinstance(zone, str) else zone.code
    return (
        TraffickingReference.objects.select_related("police_zone", "accounts_organisation")
        .filter(police_zone__code=code)
        .first()
    )


def reference_as_dict(reference: TraffickingReference | None, language: str | None) -> dict | None:
    """Return the public form of a zone's reference, as in ``GET /api/v1/areas/police-zones``.

    Texts in ``language`` (``None``: the active one) or their fallback.
    """
    if reference is None:
        return None
    function, function_language = reference.translated_with_language("function", language)
    return {
        "function": function,
        "function_language": function_language,
        "contact_channels": reference.contact_channels(),
        "availability": reference.translated("availability", language),
        "to_verify": reference.to_verify,
        "demo": reference.is_demo,
        "last_verified": reference.last_verified_on and reference.last_verified_on.isoformat(),
    }


def references_by_zone_code(language: str | None) -> dict[str, dict | None]:
    """Return every zone's reference (public form) keyed by zone code; ``None`` for gaps."""
    return {
        r.police_zone.code: reference_as_dict(r, language)
        for r in TraffickingReference.objects.select_related("police_zone")
    }
