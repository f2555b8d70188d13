"""OpenStreetMap toilets from an Overpass API answer (``[out:json]``).

Reads ``elements`` of type ``node`` (``lat``, ``lon``) and ``way``/``relation``
exported with ``out center`` (``center: {lat, lon}``), tagged
``amenity=toilets``. Tags map to the tri-state attributes; an absent tag
leaves the attribute unknown:

- ``fee=no`` → free; ``fee=yes`` → not free;
- ``wheelchair=yes|designated`` / ``no`` (``limited`` stays unknown);
- ``unisex=yes`` → all-gender and usable by women; ``female=yes|no``;
- ``toilets:position=urinal`` (or ``urinal`` only) → a urinal, urinals only;
  a seated position → not urinals only;
- ``changing_table=yes|no``; ``opening_hours`` (simple forms only);
- ``operator`` → the manager; ``check_date`` → last verified;
- ``access=private|no`` → not a public toilet: reported and skipped.

The data are © OpenStreetMap contributors, under the ODbL: exports carry
that attribution for every row whose source is ``osm``.
"""

from __future__ import annotations

from datetime import date

from umbrella.directory.importers.common import (
    BadRow,
    ToiletRecord,
    manager_from,
    point,
    tri,
)
from umbrella.directory.importers.hours import UnreadableHours, parse_osm_opening_hours
from umbrella.directory.models import FacilityKind, TriState

SOURCE = "osm"


def records(data) -> list:
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        raise ValueError("an Overpass JSON answer with an 'elements' list")
    return data["elements"]


def source_id(element) -> str:
    if not isinstance(element, dict) or element.get("id") in (None, ""):
        return ""
    return f"{element.get('type', 'node')}/{element['id']}"


def _check_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def parse(element) -> ToiletRecord:
    """Return the toilet of one Overpass element, or raise ``BadRow``."""
    if not isinstance(element, dict):
        raise BadRow("not a JSON object")
    identifier = source_id(element)
    if not identifier:
        raise BadRow("no id")
    tags = element.get("tags") or {}
    if not isinstance(tags, dict):
        raise BadRow("tags are not an object")
    if tags.get("amenity") != "toilets":
        raise BadRow(f"not amenity=toilets (amenity={tags.get('amenity', '')!r})")
    if tags.get("access") in ("private", "no"):
        raise BadRow(f"not a public toilet (access={tags['access']})")
    centre = element.get("center") if element.get("type") != "node" else None
    if isinstance(centre, dict):
        lat, lon = point(centre.get("lat"), centre.get("lon"))
    else:
        lat, lon = point(element.get("lat"), element.get("lon"))

    fee = tri(tags.get("fee"))
    free = {TriState.YES: TriState.NO, TriState.NO: TriState.YES}.get(fee, TriState.UNKNOWN)
    unisex = tri(tags.get("unisex"))
    female = tri(tags.get("female"))
    position = (tags.get("toilets:position") or "").lower()
    urinal_only = TriState.UNKNOWN
    if position:
        urinal_only = TriState.YES if set(position.split(";")) == {"urinal"} else TriState.NO
    if female == TriState.YES or unisex == TriState.YES:
        urinal_only = TriState.NO
    kind = FacilityKind.URINAL if urinal_only == TriState.YES else FacilityKind.TOILET
    usable_by_women = female
    if usable_by_women == TriState.UNKNOWN and unisex == TriState.YES:
        usable_by_women = TriState.YES
    if urinal_only == TriState.YES:
        usable_by_women = TriState.NO
    wheelchair = tri(tags.get("wheelchair"))

    text = (tags.get("opening_hours") or "").strip()
    hours, unread = None, ""
    if text:
        try:
            hours = parse_osm_opening_hours(text)
        except UnreadableHours:
            unread = text
    street = " ".join(p for p in (tags.get("addr:street"), tags.get("addr:housenumber")) if p)
    operator = tags.get("operator") or ""
    name = tags.get("name") or ""
    return ToiletRecord(
        source=SOURCE,
        source_id=identifier,
        lat=lat,
        lon=lon,
        kind=kind,
        names={
            "nl": tags.get("name:nl") or name,
            "fr": tags.get("name:fr") or name,
            "en": tags.get("name:en") or "",
        },
        address=street,
        postcode=tags.get("addr:postcode") or "",
        free=free,
        usable_by_women=usable_by_women,
        all_gender=unisex,
        urinal_only=urinal_only,
        baby_change=tri(tags.get("changing_table")),
        wheelchair=wheelchair,
        manager=manager_from(operator),
        manager_name=operator,
        hours=hours,
        unread_hours=unread,
        last_verified_on=_check_date(tags.get("check_date") or tags.get("survey:date") or ""),
    )
