"""The City of Brussels' open-data toilets and urinals (opendata.brussels.be).

Datasets ``toilettes_publiques_vbx`` and ``urinoirs-publics-vbx``, exported as
JSON. Three shapes are read: the plain export (a list of records), the
Explore API v2.1 answer (``{"results": [...]}``) and the older v1 search
answer (``{"records": [{"recordid", "fields": {...}}]}``).

Field names, as public code using these datasets reads them (no stored
copy of the datasets themselves was reachable; see docs/directory.md):
``objectid``, ``geo_point_2d`` ``{lat, lon}``, ``location`` (where the toilet
is), ``address_fr``/``address_nl`` (urinals), ``postalcode``, ``status``,
``openinghours`` (``24/24``, ``Lu-ve/Ma-vr 10:00-18:00, WE 10:00-20:00``),
``pricing_fr``/``pricing_nl``/``pricing_en`` (``Free``), ``pmr_fr``/``pmr_en``
(``PMR``/``PRM``: accessible to people with reduced mobility),
``category_*``/``type_*`` and ``management_fr``/``management_nl``/
``management_en``. A field that is absent leaves its attribute unknown.
"""

from __future__ import annotations

import re

from django.utils.dateparse import parse_datetime

from umbrella.directory.importers.common import (
    BadRow,
    ToiletRecord,
    manager_from,
    point,
)
from umbrella.directory.importers.hours import UnreadableHours, parse_brussels_opening_hours
from umbrella.directory.models import FacilityKind, OperatingStatus, TriState

SOURCE = "brussels-opendata"


def records(data) -> list[dict]:
    """Return the flat records of any of the three export shapes."""
    if isinstance(data, dict):
        if isinstance(data.get("results"), list):
            return data["results"]
        if isinstance(data.get("records"), list):
            flat = []
            for item in data["records"]:
                if isinstance(item, dict) and isinstance(item.get("fields"), dict):
                    flat.append(
                        {
                            "recordid": item.get("recordid"),
                            "record_timestamp": item.get("record_timestamp"),
                            **item["fields"],
                        }
                    )
                else:
                    flat.append(item)
            return flat
        raise ValueError("a JSON list of records, or an object with 'results' or 'records'")
    if isinstance(data, list):
        return data
    raise ValueError("a JSON list of records, or an object with 'results' or 'records'")


def _text(record: dict, *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return " ".join(str(value).split())
    return ""


def source_id(record) -> str:
    if not isinstance(record, dict):
        return ""
    return _text(record, "objectid", "id", "recordid")


def _kind(record: dict) -> str:
    described = " ".join(
        _text(record, key).lower()
        for key in ("category_fr", "category_nl", "category_en", "type_fr", "type_nl", "type_en")
    )
    # The urinals dataset has an address and a type, not a "location" text.
    if "urin" in described or ("address_fr" in record and "location" not in record):
        return FacilityKind.URINAL
    return FacilityKind.TOILET


def _free(record: dict) -> str:
    text = _text(record, "pricing_en", "pricing_fr", "pricing_nl", "pricing", "gratuite").lower()
    if not text:
        return TriState.UNKNOWN
    if re.search(r"\b(free|gratuit|gratis|oui|yes)\b", text):
        return TriState.YES
    if re.search(r"(pay|payant|betalend|€|eur|\d)", text):
        return TriState.NO
    return TriState.UNKNOWN


def _wheelchair(record: dict) -> str:
    text = _text(record, "pmr_en", "pmr_fr", "pmr_nl", "pmr").lower()
    if not text:
        return TriState.UNKNOWN
    if re.search(r"\b(non|not|no|niet|geen)\b", text):
        return TriState.NO
    if re.search(r"\b(prm|pmr|pbm|yes|oui|ja)\b", text):
        return TriState.YES
    return TriState.UNKNOWN


def _status(record: dict) -> str:
    text = _text(record, "status", "status_en", "status_fr").lower()
    if re.search(r"(supprim|removed|verwijderd|démonté|demonte|n'existe plus)", text):
        return OperatingStatus.INACTIVE
    if re.search(
        r"(ferm|closed|gesloten|travaux|werken|hors service|buiten gebruik|out of order)", text
    ):
        return OperatingStatus.TEMPORARILY_CLOSED
    return OperatingStatus.ACTIVE


def _geo_point(record: dict) -> tuple[float, float]:
    value = record.get("geo_point_2d")
    if isinstance(value, dict):
        return point(value.get("lat"), value.get("lon"))
    if isinstance(value, list | tuple) and len(value) == 2:
        return point(value[0], value[1])
    if isinstance(value, str) and "," in value:
        lat, _sep, lon = value.partition(",")
        return point(lat.strip(), lon.strip())
    geometry = record.get("geometry") or record.get("geo_shape") or {}
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coordinates = geometry.get("coordinates") or [None, None]
        return point(coordinates[1], coordinates[0])
    return point(record.get("wgs84_lat"), record.get("wgs84_long"))


def parse(record) -> ToiletRecord:
    """Return the toilet of one open-data record, or raise ``BadRow``."""
    if not isinstance(record, dict):
        raise BadRow("not a JSON object")
    identifier = source_id(record)
    if not identifier:
        raise BadRow("no objectid")
    lat, lon = _geo_point(record)
    kind = _kind(record)
    hours_text = _text(record, "openinghours", "heureouv", "opening_hours")
    hours, unread = None, ""
    try:
        hours = parse_brussels_opening_hours(hours_text)
    except UnreadableHours:
        unread = hours_text if hours_text not in ("", "?", "-") else ""
    manager_name = _text(record, "management_fr", "management_nl", "management_en", "management")
    timestamp = (
        parse_datetime(_text(record, "record_timestamp") or "")
        if record.get("record_timestamp")
        else None
    )
    place_fr = _text(record, "location_fr", "location", "adrvoisfr", "address_fr")
    place_nl = _text(record, "location_nl", "address_nl", "adrvoisnl")
    return ToiletRecord(
        source=SOURCE,
        # Toilets and urinals are numbered separately in their two datasets.
        source_id=f"{'urinal' if kind == FacilityKind.URINAL else 'toilet'}/{identifier}",
        lat=lat,
        lon=lon,
        kind=kind,
        names={"fr": place_fr, "nl": place_nl, "en": _text(record, "location_en")},
        address=_text(record, "address_fr", "address", "adresse"),
        postcode=_text(record, "postalcode", "postcode", "code_postal")[:4],
        free=_free(record),
        urinal_only=TriState.YES if kind == FacilityKind.URINAL else TriState.UNKNOWN,
        usable_by_women=TriState.NO if kind == FacilityKind.URINAL else TriState.UNKNOWN,
        wheelchair=_wheelchair(record),
        status=_status(record),
        manager=manager_from(manager_name),
        manager_name=manager_name,
        hours=hours,
        unread_hours=unread,
        last_verified_on=timestamp.date() if timestamp else None,
    )
