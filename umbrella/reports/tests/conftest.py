"""Fixtures of the reports tests: the geography, the seeded routing matrix, bodies' staff.

``matrix`` seeds the real matrix (``load_reports``) and makes the personas'
organisations staff of bodies: ``municipality`` of Saint-Josse (21014),
``police`` of zone 5344 (and its trafficking reference), ``outreach`` of
Espace P; it adds ``schaerbeek`` (an officer of another municipality, 21015),
``mediator`` (safe.brussels, the mediating body) and ``midi_police`` (the
trafficking reference of another zone, 5341).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import Organisation, OrganisationKind, Role, User
from umbrella.areas.models import PoliceZone
from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.reports.models import Body, Category
from umbrella.reports.seeds import load_reports
from umbrella.testing import Personas

# Points checked with locate(): Saint-Josse (21014, zone 5344), Schaerbeek
# (21015, zone 5344), the City of Brussels (21004, zone 5339), and Antwerp.
SAINT_JOSSE = (50.8530, 4.3690)
SCHAERBEEK = (50.8677, 4.3775)
BRUSSELS_CITY = (50.8466, 4.3528)
ANTWERP = (51.2194, 4.4025)


@dataclass
class Matrix:
    people: Personas
    schaerbeek: User
    mediator: User
    midi_police: User
    saint_josse: Body
    schaerbeek_body: Body
    zone_5344: Body
    zone_5339: Body
    espace_p: Body
    safe_brussels: Body
    pag_asa: Body

    def category(self, code: str) -> Category:
        return Category.objects.get(code=code)


def _org(name: str, kind: str, **codes) -> Organisation:
    return accounts.ensure_organisation(name, kind, **codes)


def _link(code: str, organisation: Organisation) -> Body:
    body = Body.objects.get(code=code)
    body.organisation = organisation
    body.save()
    return body


@pytest.fixture
def matrix(personas) -> Matrix:
    load_reports()
    by_name = {m.organisation.name: m.organisation for m in _memberships(personas)}
    saint_josse = _link("municipality-21014", by_name["Saint-Josse-ten-Noode (test)"])
    zone_5344 = _link("zone-5344", by_name["Police zone Bruxelles-Nord (test)"])
    espace_p = _link("espace-p", by_name["Outreach organisation (test)"])
    schaerbeek_org = _org("Schaerbeek (test)", OrganisationKind.MUNICIPALITY, nis_code="21015")
    schaerbeek = accounts.create_account("schaerbeek", Role.MUNICIPALITY_OFFICER)
    accounts.add_membership(schaerbeek, schaerbeek_org)
    schaerbeek_body = _link("municipality-21015", schaerbeek_org)
    mediation_org = _org("safe.brussels (test)", OrganisationKind.REGIONAL_BODY)
    mediator = accounts.create_account("mediator", Role.SUPPORT_WORKER)
    accounts.add_membership(mediator, mediation_org)
    safe_brussels = _link("safe-brussels", mediation_org)
    midi_org = _org("Police zone Midi (test)", OrganisationKind.POLICE_ZONE, zone_code="5341")
    midi_police = accounts.create_account("midi-police", Role.POLICE_REFERENCE)
    accounts.add_membership(midi_police, midi_org)
    _link("zone-5341", midi_org)
    zone_5339 = Body.objects.get(code="zone-5339")
    return Matrix(
        people=personas,
        schaerbeek=schaerbeek,
        mediator=mediator,
        midi_police=midi_police,
        saint_josse=saint_josse,
        schaerbeek_body=schaerbeek_body,
        zone_5344=zone_5344,
        zone_5339=zone_5339,
        espace_p=espace_p,
        safe_brussels=safe_brussels,
        pag_asa=Body.objects.get(code="pag-asa"),
    )


def _memberships(personas: Personas):
    from umbrella.accounts.models import Membership

    return Membership.objects.filter(user__in=personas.all()).select_related("organisation")


def zone(code: str) -> PoliceZone:
    return PoliceZone.objects.get(code=code)


def image_upload(
    name: str = "photo.jpg", size=(2400, 1800), fmt: str = "JPEG", exif: bool = True
) -> SimpleUploadedFile:
    """Return an uploaded image made here (with EXIF GPS tags when ``exif``)."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if exif and fmt == "JPEG":
        tags = Image.Exif()
        tags[0x010F] = "CameraMaker"  # Make
        tags[0x8825] = {2: (50.0, 51.0, 10.0), 1: "N", 4: (4.0, 22.0, 8.0), 3: "E"}  # GPS
        kwargs["exif"] = tags.tobytes()
    image.save(out, format=fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}.get(fmt, "application/octet-stream")
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def submit(matrix_or_none=None, **overrides):
    """Submit a report through the real action, with sensible defaults."""
    from umbrella.reports import actions

    fields = {
        "category": Category.objects.get(code=overrides.pop("code", "litter")),
        "lat": SAINT_JOSSE[0],
        "lon": SAINT_JOSSE[1],
        "description": "A pile of rubbish bags on the pavement.",
        "reporter_kind": "resident",
        "language": "en",
        "client_key": "test-client",
    }
    fields.update(overrides)
    return actions.submit_report(**fields)


@pytest.fixture
def world(personas):
    """The world of the report pages' tests (``world.py``)."""
    from umbrella.reports.tests.world import build_world

    return build_world(personas)
