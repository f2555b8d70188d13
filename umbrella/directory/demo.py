"""The directory part of ``manage.py demo``: the real seeds, plus labelled demo rows.

Called by ``umbrella.accounts.demo.create_demo`` inside its transaction.
The demo rows are flagged ``is_demo`` and every page and feature says so:
one illustrative toilet in Saint-Josse, and a demo trafficking reference
function for zone 5344 (docs/api.md: ``demo-police`` is its reference person).
"""

from __future__ import annotations

from datetime import time

from umbrella.areas.actions import load_brussels
from umbrella.areas.models import Municipality, PoliceZone
from umbrella.directory import actions
from umbrella.directory.models import (
    Facility,
    FacilityKind,
    Location,
    Organization,
    RegularSchedule,
    TraffickingReference,
    TriState,
)
from umbrella.directory.seeds import load_directory

DEMO_TOILET_SOURCE = "demo"
# A point in Saint-Josse-ten-Noode, near its town hall square: illustrative only.
DEMO_TOILET_POINT = (50.8530, 4.3690)


def set_up_directory_demo(police_organisation, public_service_organisation=None, staff=None):
    """Seed the real organisations, then add (or refresh) the labelled demo rows.

    ``staff`` (demo-staff, of the demo OCMW/CPAS Saint-Josse) becomes an editor
    of the seeded OCMW/CPAS Saint-Josse entry, to show per-organisation editing.
    """
    if Municipality.objects.count() < 19:
        # The demo stands on its own: `manage.py demo` on a database that
        # `make setup` has not filled yet loads the shipped geography first.
        load_brussels()
    load_directory()
    if public_service_organisation is not None and staff is not None:
        cpas = Organization.objects.get(slug="ocmw-cpas-21014")
        if cpas.accounts_organisation_id != public_service_organisation.pk:
            cpas.accounts_organisation = public_service_organisation
            actions.save_entry(cpas)
        actions.grant_editor(staff)
    facility = Facility.objects.filter(source=DEMO_TOILET_SOURCE, source_id="toilet-1").first()
    if facility is None:
        location = Location(
            name_nl="Demotoilet (voorbeeld)",
            name_fr="Toilette de démonstration (exemple)",
            name_en="Demo toilet (example)",
            latitude=DEMO_TOILET_POINT[0],
            longitude=DEMO_TOILET_POINT[1],
            is_demo=True,
            to_verify=True,
        )
        actions.save_entry(location)
        facility = Facility(
            location=location,
            kind=FacilityKind.TOILET,
            free=TriState.YES,
            usable_by_women=TriState.YES,
            all_gender=TriState.YES,
            urinal_only=TriState.NO,
            baby_change=TriState.UNKNOWN,
            source=DEMO_TOILET_SOURCE,
            source_id="toilet-1",
            is_demo=True,
            to_verify=True,
        )
        actions.save_entry(facility)
        for weekday in range(7):
            RegularSchedule.objects.create(
                facility=facility, weekday=weekday, opens_at=time(7), closes_at=time(23)
            )
    zone = PoliceZone.objects.filter(code="5344").first()
    if zone is not None and not TraffickingReference.objects.filter(police_zone=zone).exists():
        actions.save_entry(
            TraffickingReference(
                police_zone=zone,
                function_nl="Referentiepersoon mensenhandel (demo)",
                function_fr="Personne de référence traite des êtres humains (démo)",
                function_en="Trafficking reference person (demo)",
                availability_nl="Demo: geen echte dienst.",
                availability_fr="Démo : pas un vrai service.",
                availability_en="Demo: not a real service.",
                accounts_organisation=police_organisation,
                is_demo=True,
                to_verify=True,
            )
        )
