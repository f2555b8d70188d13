"""The directory as Open Referral HSDS 3.0 objects, for the export and ``/api/hsds/``.

One builder per HSDS table (``organization``, ``service``, ``location``,
``service_at_location``), shared by the export file and the read API, so
the two cannot disagree. Each object validates against the official HSDS
3.0 JSON schema of its table (``tests/test_hsds.py``):

- text is a string in one language (a site language; missing content falls
  back along ``translation.fallback_chain``), never ``{"nl", "fr", "en"}``;
- ids are UUIDs derived from the row's kind and primary key (``hsds_id``):
  the same in every export and every answer, as long as the row lives;
- an optional field without a value is left out, never ``null`` or ``""``;
- what HSDS has no field for (kind of service, the sex-worker attributes,
  toilets' tri-state facts, areas, upkeep) is an ``attribute`` with a
  ``taxonomy_term`` of the ``umbrella-brussels`` taxonomy, named in the
  same language (the model fields' own translated names);
- weekly hours are ``schedules`` (``freq`` ``WEEKLY``, ``byday``,
  ``opens_at``/``closes_at`` in Brussels wall-clock time ``HH:MM``); an
  exception to them is a schedule with ``valid_from``/``valid_to`` and an
  attribute ``closed``.

A confidential location (a shelter) follows the public rule whoever asks:
its type, organisation, municipality, police zone and hours only, never a
name, description, directions, address, point, neighbourhood, toilet notice
or manager's name, nor a source identifier (an OpenStreetMap node id is a
position).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.db import models
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone, name_in_language
from umbrella.directory.exports import facility_sources, licence_and_attribution
from umbrella.directory.hsds.queries import (
    public_locations,
    public_organizations,
    public_service_at_locations,
    public_services,
)
from umbrella.directory.models import (
    Facility,
    HolidaySchedule,
    Location,
    OperatingStatus,
    Organization,
    Phone,
    RegularSchedule,
    Service,
    ServiceAtLocation,
    TriState,
)

HSDS_VERSION = "3.0"
# uuid5(NAMESPACE_URL, "https://umbrella.brussels/directory/hsds"): every id
# of the export is uuid5(NAMESPACE, "<kind>:<key>"). Never change it: the ids
# are what integrators keep.
NAMESPACE = uuid.UUID("39341219-7a30-5ac4-ae45-e341e11637fb")
TAXONOMY = "umbrella-brussels"
TIMEZONE = "Europe/Brussels"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Weekday 0 is Monday
EVERY_DAY = ",".join(BYDAY)
STATUS: dict[str, str] = {
    OperatingStatus.ACTIVE: "active",
    OperatingStatus.TEMPORARILY_CLOSED: "temporarily closed",
    OperatingStatus.INACTIVE: "inactive",
}
REGION = {"nl": "Brussels Hoofdstedelijk Gewest", "fr": "Région de Bruxelles-Capitale"}
CITY = {"nl": "Brussel", "fr": "Bruxelles"}


def hsds_id(kind: str, key) -> str:
    """Return the stable UUID of the ``kind`` row with primary key (or key) ``key``."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _put(data: dict, key: str, value) -> None:
    """Set ``key`` only when ``value`` says something: HSDS fields are omitted, not null."""
    if value is not None and value != "":
        data[key] = value


def _yes_no(value: bool) -> str:
    return TriState.YES if value else TriState.NO


def _hhmm(value) -> str:
    return value.strftime("%H:%M")


# -- taxonomy terms and attributes -----------------------------------------------------


def _term(code: str, name, description=None, taxonomy: str = TAXONOMY) -> dict:
    return {
        "id": hsds_id("taxonomy_term", f"{taxonomy}:{code}"),
        "code": code,
        "name": str(name),
        "description": str(description or name),
        "taxonomy": taxonomy,
    }


def _field_term(model: type[models.Model], name: str) -> dict:
    """Return the term of a model field, named and described in the active language."""
    field = cast(models.Field, model._meta.get_field(name))  # a column, not a relation
    return _term(name, capfirst(field.verbose_name), field.help_text or None)


def _attribute(entity: str, owner_id: str, link_type: str, term: dict, value: str = "") -> dict:
    data: dict[str, Any] = {
        "id": hsds_id("attribute", f"{owner_id}:{term['id']}"),
        "link_id": owner_id,
        "link_entity": entity,
        "link_type": link_type,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    _put(data, "value", str(value))
    return data


def _facts(entity: str, owner_id: str, link_type: str, instance, names: Iterable[str]) -> list:
    """Return one attribute per field of ``instance``: its code value, or yes/no for a flag."""
    out = []
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, bool):
            value = _yes_no(value)
        out.append(
            _attribute(entity, owner_id, link_type, _field_term(type(instance), name), value)
        )
    return out


def _upkeep(entity: str, owner_id: str, *rows) -> list[dict]:
    """Return "to verify", "demo data" and "last verified" of an entry.

    A toilet is two rows (its location, its facility): it is to verify or
    demo data when either is, and verified when its facility was.
    """
    model, last = type(rows[0]), rows[-1]
    out = [
        _attribute(entity, owner_id, "upkeep", _field_term(model, name), _yes_no(value))
        for name, value in (
            ("to_verify", any(r.to_verify for r in rows)),
            ("is_demo", any(r.is_demo for r in rows)),
        )
    ]
    if last.last_verified_on:
        term = _field_term(model, "last_verified_on")
        out.append(_attribute(entity, owner_id, "upkeep", term, last.last_verified_on.isoformat()))
    return out


# -- schedules -------------------------------------------------------------------------


def _weekly(row: RegularSchedule, owner: dict) -> dict:
    data: dict[str, Any] = {
        "id": hsds_id("schedule", row.pk),
        **owner,
        "freq": "WEEKLY",
        "interval": 1,
        "wkst": "MO",
        "byday": BYDAY[row.weekday],
        "opens_at": _hhmm(row.opens_at),
        # At or before the opening time: closes the next day.
        "closes_at": _hhmm(row.closes_at),
    }
    if row.opens_at == row.closes_at:
        data["description"] = _("Open 24 hours")
    return data


def _exception(row: HolidaySchedule, owner: dict) -> dict:
    data: dict[str, Any] = {
        "id": hsds_id("holiday_schedule", row.pk),
        **owner,
        "valid_from": row.starts_on.isoformat(),
        "valid_to": row.ends_on.isoformat(),
        "dtstart": row.starts_on.isoformat(),
        "until": row.ends_on.isoformat(),
    }
    if row.closed:
        data["description"] = _("Closed")
    else:
        data |= {
            "freq": "WEEKLY",
            "interval": 1,
            "wkst": "MO",
            "byday": EVERY_DAY,
            "opens_at": _hhmm(row.opens_at),
            "closes_at": _hhmm(row.closes_at),
        }
    term = _term(
        "closed",
        capfirst(HolidaySchedule._meta.get_field("closed").verbose_name),
        capfirst(HolidaySchedule._meta.verbose_name),
    )
    data["attributes"] = [
        _attribute("schedule", data["id"], "exception", term, _yes_no(row.closed))
    ]
    return data


def _schedules(owner, ids: dict) -> list[dict]:
    """Return the weekly hours, then their exceptions, of a service at a location or a toilet."""
    return [
        *(_weekly(row, ids) for row in owner.regularschedules.all()),
        *(_exception(row, ids) for row in owner.holidayschedules.all()),
    ]


# -- the four tables -------------------------------------------------------------------


def _phones(phones: Iterable[Phone], owner_key: str, owner_id: str, language: str) -> list[dict]:
    out = []
    for phone in phones:
        data: dict[str, Any] = {
            "id": hsds_id("phone", phone.pk),
            owner_key: owner_id,
            "number": phone.number,
        }
        _put(data, "description", phone.translated("description", language))
        out.append(data)
    return out


def organization_object(org: Organization, language: str) -> dict:
    """Return ``org`` as an HSDS ``organization`` (its phones prefetched or not)."""
    oid = hsds_id("organization", org.pk)
    data: dict[str, Any] = {
        "id": oid,
        "name": org.name,
        "description": org.translated("description", language),
    }
    _put(data, "email", org.email)
    _put(data, "website", org.url)
    data["phones"] = _phones(org.phones.all(), "organization_id", oid, language)
    data["attributes"] = _upkeep("organization", oid, org)
    return data


def service_object(service: Service, language: str) -> dict:
    """Return ``service`` as an HSDS ``service`` (phones and languages prefetched or not)."""
    sid = hsds_id("service", service.pk)
    data: dict[str, Any] = {
        "id": sid,
        "organization_id": hsds_id("organization", service.organization_id),
        "name": service.translated("name", language),
        "status": STATUS[service.status],
    }
    _put(data, "description", service.translated("description", language))
    _put(data, "url", service.url)
    _put(data, "email", service.email)
    _put(data, "alert", service.translated("notice", language))
    if service.last_verified_on:
        data["assured_date"] = service.last_verified_on.isoformat()
    data["last_modified"] = service.updated_at.isoformat(timespec="seconds")
    data["phones"] = _phones(service.phones.all(), "service_id", sid, language)
    data["languages"] = [
        {
            "id": hsds_id("language", spoken.pk),
            "service_id": sid,
            "name": str(spoken.get_language_display()),
            "code": spoken.language,
        }
        for spoken in service.languages.all()
    ]
    category = _term(
        service.category,
        service.get_category_display(),
        capfirst(Service._meta.get_field("category").verbose_name),
        taxonomy=f"{TAXONOMY}-category",
    )
    data["attributes"] = [
        _attribute("service", sid, "category", category),
        *_facts(
            "service",
            sid,
            "access",
            service,
            ("free", "anonymous", "no_papers_needed", "no_appointment_needed", "gender_focus"),
        ),
        *_facts("service", sid, "quality", service, ("trained_non_stigmatising",)),
        *(
            [
                _attribute(
                    "service",
                    sid,
                    "quality",
                    _field_term(Service, "trained_on"),
                    service.trained_on.isoformat(),
                )
            ]
            if service.trained_on
            else []
        ),
        *_upkeep("service", sid, service),
    ]
    return data


def _area(owner_id: str, link_type: str, area, code: str, kind: type[models.Model]) -> dict:
    term = _term(
        code,
        name_in_language(area.name_nl, area.name_fr),
        capfirst(kind._meta.verbose_name),
        taxonomy=f"be-{link_type}",
    )
    return _attribute("location", owner_id, link_type, term, code)


def _address(location: Location, lid: str, language: str) -> dict:
    m = location.municipality
    return {
        "id": hsds_id("address", location.pk),
        "location_id": lid,
        "address_1": location.address,
        "city": name_in_language(m.name_nl, m.name_fr, language)
        if m
        else name_in_language(CITY["nl"], CITY["fr"], language),
        "state_province": name_in_language(REGION["nl"], REGION["fr"], language),
        "postal_code": location.postcode,
        "country": "BE",
        "address_type": "physical",
    }


def location_object(location: Location, language: str) -> dict:
    """Return ``location`` as an HSDS ``location``, by the public rule whoever asks."""
    lid = hsds_id("location", location.pk)
    hidden = location.confidential
    data: dict[str, Any] = {"id": lid, "location_type": location.kind}
    if location.organization_id:
        data["organization_id"] = hsds_id("organization", location.organization_id)
    facility = getattr(location, "facility", None)
    if facility is not None and facility.status == OperatingStatus.INACTIVE:
        facility = None
    if not hidden:
        _put(data, "name", location.translated("name", language))
        _put(data, "description", location.translated("description", language))
        _put(data, "transportation", location.translated("transportation", language))
        if location.has_point():
            data["latitude"] = location.latitude
            data["longitude"] = location.longitude
        if facility is not None and facility.source_id:
            data["external_identifier"] = facility.source_id
            data["external_identifier_type"] = facility.source
        if location.address:
            data["addresses"] = [_address(location, lid, language)]
        if location.wheelchair_accessible == TriState.YES:
            field = Location._meta.get_field("wheelchair_accessible")
            data["accessibility"] = [
                {
                    "id": hsds_id("accessibility", location.pk),
                    "location_id": lid,
                    "description": str(capfirst(field.verbose_name)),
                }
            ]
    attributes = []
    if (m := location.municipality) is not None:
        attributes.append(_area(lid, "municipality", m, m.nis_code, Municipality))
    if (z := location.police_zone) is not None:
        attributes.append(_area(lid, "police_zone", z, z.code, PoliceZone))
    if (n := location.neighbourhood) is not None and not hidden:
        attributes.append(_area(lid, "neighbourhood", n, str(n.code), Neighbourhood))
    attributes += _facts("location", lid, "position", location, ("approximate", "confidential"))
    attributes += _facts("location", lid, "accessibility", location, ("wheelchair_accessible",))
    if facility is not None:
        attributes += _facts(
            "location",
            lid,
            "facility",
            facility,
            ("kind", "status", "free", "usable_by_women", "all_gender", "urinal_only")
            + ("baby_change", "manager"),
        )
        if facility.source:
            attributes += _facts("location", lid, "facility", facility, ("source",))
        if not hidden:
            for term, text in (
                (_field_term(Facility, "manager_name"), facility.manager_name),
                (_term("notice", _("Notice")), facility.translated("notice", language)),
            ):
                if text:
                    attributes.append(_attribute("location", lid, "facility", term, text))
        attributes += _upkeep("location", lid, location, facility)
        data["schedules"] = _schedules(facility, {"location_id": lid})
    else:
        attributes += _upkeep("location", lid, location)
    data["attributes"] = attributes
    return data


def service_at_location_object(
    sal: ServiceAtLocation, language: str, location: Location | None = None
) -> dict:
    """Return ``sal`` as an HSDS ``service_at_location``, ``location`` nested when given."""
    said = hsds_id("service_at_location", sal.pk)
    ids = {
        "service_id": hsds_id("service", sal.service_id),
        "location_id": hsds_id("location", sal.location_id),
    }
    data: dict[str, Any] = {
        "id": said,
        **ids,
        "schedules": _schedules(sal, {**ids, "service_at_location_id": said}),
    }
    if location is not None:
        data["location"] = location_object(location, language)
    return data


def document(language: str, now: datetime | None = None) -> dict:
    """Return the whole directory as one HSDS 3.0 file in ``language``.

    The four tables are flat lists linked by id; each object is what
    ``/api/hsds/`` serves for it (locations are nested there in their
    service at a location).
    """
    now = now or timezone.now()
    licence, attribution = licence_and_attribution(facility_sources())
    with translation.override(language):
        return {
            "hsds_version": HSDS_VERSION,
            "language": language,
            "timezone": TIMEZONE,
            "license": licence,
            "attribution": attribution,
            "generated_at": now.isoformat(timespec="seconds"),
            "organizations": [organization_object(o, language) for o in public_organizations()],
            "services": [service_object(s, language) for s in public_services()],
            "locations": [location_object(x, language) for x in public_locations()],
            "service_at_locations": [
                service_at_location_object(sal, language) for sal in public_service_at_locations()
            ],
        }
