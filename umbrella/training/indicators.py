"""The training app's live figure for the consultation tracker (core.indicators)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from umbrella.core.indicators import Figure, Unit, indicator


@indicator(
    "training.ocmw_cpas_staff_trained",
    _("OCMW/CPAS staff trained for a non-stigmatising approach"),
)
def ocmw_cpas_staff_trained(now) -> Figure:
    """Count the OCMW/CPAS staff holding a valid certificate of the stigma course (n of staff)."""
    from umbrella.training.courses import queries

    services = list(queries.ocmw_cpas())
    parts = [queries.organisation_coverage(organisation, now) for organisation in services]
    total = sum(parts, queries.EMPTY)
    if total.staff == 0:
        return Figure(
            value=None,
            unit=Unit.COUNT,
            as_of=now,
            note=gettext("No OCMW/CPAS staff are registered on the platform yet."),
        )
    if not queries.total_is_shown(total, queries.small_staff(parts)):
        # As on the coverage page: no figure that tells whether one person is trained.
        return Figure(
            value=None,
            unit=Unit.COUNT,
            as_of=now,
            note=gettext(
                "Too few OCMW/CPAS staff are registered yet to show the figure without "
                "telling whether one person is trained."
            ),
        )
    note = gettext(
        "Staff of %(count)s OCMW/CPAS registered on the platform; a certificate counts "
        "while it is valid (two years)."
    ) % {"count": sum(1 for part in parts if part.staff)}
    return Figure(
        value=total.certified, denominator=total.staff, unit=Unit.COUNT, as_of=now, note=note
    )
