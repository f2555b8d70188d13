"""The training app's live figure for the consultation tracker (consultation.registry)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from umbrella.consultation.registry import Figure, Unit, indicator


@indicator(
    "training.ocmw_cpas_staff_trained",
    _("OCMW/CPAS staff trained for a non-stigmatising approach"),
)
def ocmw_cpas_staff_trained(now) -> Figure:
    """Count the OCMW/CPAS staff holding a valid certificate of the stigma course (n of staff)."""
    from umbrella.training import queries

    total = queries.EMPTY
    services = list(queries.ocmw_cpas())
    for organisation in services:
        total = total + queries.organisation_coverage(organisation, now)
    if total.staff == 0:
        return Figure(
            value=None,
            unit=Unit.COUNT,
            as_of=now,
            note=gettext("No OCMW/CPAS staff are registered on the platform yet."),
        )
    note = gettext(
        "Staff of %(count)s OCMW/CPAS registered on the platform; a certificate counts "
        "while it is valid (two years)."
    ) % {"count": len(services)}
    return Figure(
        value=total.certified, denominator=total.staff, unit=Unit.COUNT, as_of=now, note=note
    )
