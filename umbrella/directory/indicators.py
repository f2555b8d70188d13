"""The directory's live figures for the consultation tracker (``umbrella.core.indicators``).

Read-only. Labels and notes are marked in ``umbrella/consultation/texts.py``
(the consultation catalogue translates them).
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext

from umbrella.consultation import texts
from umbrella.core.indicators import Figure, Unit, indicator

_lazy = lazy(gettext, str)

# Where sex work is visible (docs/domain.md), as IBSA/BISA monitoring neighbourhood codes
# (data/brussels/neighbourhoods.geojson). Found by locating points on the streets
# named in docs/domain.md in the shipped boundaries; see docs/consultation.md. To verify
# with the field organisations.
VISIBLE_SEX_WORK_NEIGHBOURHOODS = {
    # rue d'Aerschot (Schaerbeek) and the Gare du Nord side: QUARTIER NORD / NOORDWIJK;
    # rue d'Aerschot further north-east, rue Linné, rue des Plantes, rue de la Prairie
    # (Saint-Josse carrées): QUARTIER BRABANT / BRABANTWIJK.
    "north": (21, 22),
    # Alhambra and place de l'Yser (City of Brussels): BEGUINAGE - DIXMUDE / BEGIJNHOF - DIKSMUIDE.
    "alhambra": (3,),
    # avenue Louise (City of Brussels / Ixelles): LOUISE - LONGUE HAIE / LOUIZA - LANGEHAAG.
    "louise": (40,),
}
SIX_ZONES = 6


@indicator("directory.zones_with_trafficking_reference", _lazy(texts.ZONES_LABEL))
def zones_with_reference(now) -> Figure:
    """Count the police zones whose trafficking reference function is designated (n of 6)."""
    from umbrella.areas.models import PoliceZone
    from umbrella.directory.models import TraffickingReference

    zones = PoliceZone.objects.count() or SIX_ZONES
    references = TraffickingReference.objects.values_list("police_zone_id", "is_demo")
    real = {zone for zone, demo in references if not demo}
    demo = {zone for zone, is_demo in references if is_demo} - real
    note = gettext(texts.ZONES_DEMO_NOTE) % {"count": len(demo)} if demo else ""
    return Figure(value=len(real), unit=Unit.COUNT, denominator=zones, as_of=now, note=note)


@indicator("directory.toilets_in_visible_sex_work_neighbourhoods", _lazy(texts.TOILETS_LABEL))
def toilets_where_sex_work_is_visible(now) -> Figure:
    """Count open public toilets in the neighbourhoods where sex work is visible."""
    from umbrella.directory.models import Facility, FacilityKind, OperatingStatus

    codes = {code for group in VISIBLE_SEX_WORK_NEIGHBOURHOODS.values() for code in group}
    found = list(
        Facility.objects.filter(
            kind=FacilityKind.TOILET,
            status=OperatingStatus.ACTIVE,
            location__neighbourhood__code__in=codes,
        ).values_list("location__neighbourhood__code", flat=True)
    )
    per_area = {
        area: sum(1 for code in found if code in group)
        for area, group in VISIBLE_SEX_WORK_NEIGHBOURHOODS.items()
    }
    note = gettext(texts.TOILETS_NOTE) % {
        **per_area,
        "codes": ", ".join(str(c) for c in sorted(codes)),
    }
    return Figure(value=len(found), unit=Unit.COUNT, as_of=now, note=note)
