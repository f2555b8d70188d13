"""The reports app's live figures for the consultation tracker (``umbrella.core.indicators``).

Computed over the ordinary (non-confidential) reports routed to the 19
municipalities in the twelve months before ``now``; a figure over fewer than
``MIN_REPORTS`` reports is withheld (``value`` ``None``), so that a tracker
never reads much into a handful of cases.
"""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.utils.translation import gettext, gettext_lazy

from umbrella.core.indicators import Figure, Unit, indicator
from umbrella.reports.models import Body, BodyKind, Report, ReportStatus

WINDOW = timedelta(days=365)
MIN_REPORTS = 5
MUNICIPALITIES = 19


def _municipal_rows(now):
    return Report.objects.filter(
        confidential=False,
        body__kind=BodyKind.MUNICIPALITY,
        created_at__gte=now - WINDOW,
        created_at__lte=now,
    )


def _median_figure(seconds: list[float], now) -> Figure:
    if len(seconds) < MIN_REPORTS:
        return Figure(
            value=None,
            unit=Unit.SECONDS,
            as_of=now,
            note=gettext("Fewer than %(count)d reports: not shown.") % {"count": MIN_REPORTS},
        )
    return Figure(
        value=round(statistics.median(seconds)),
        unit=Unit.SECONDS,
        as_of=now,
        note=gettext("Median over %(count)d reports of the last twelve months.")
        % {"count": len(seconds)},
    )


@indicator(
    "reports.median_first_response_municipalities",
    gettext_lazy("Median time to a first response to a report, across the 19 municipalities"),
)
def median_first_response(now) -> Figure:
    """Return the median time from a report to its body's first update (municipalities)."""
    rows = _municipal_rows(now).filter(first_response_at__isnull=False)
    seconds = [
        (answered - created).total_seconds()
        for created, answered in rows.values_list("created_at", "first_response_at")
    ]
    return _median_figure(seconds, now)


@indicator(
    "reports.median_time_to_fixed_municipalities",
    gettext_lazy("Median time until a report is fixed, across the 19 municipalities"),
)
def median_time_to_fixed(now) -> Figure:
    """Return the median time from a report to "fixed" (municipalities)."""
    rows = _municipal_rows(now).filter(status=ReportStatus.FIXED, fixed_at__isnull=False)
    seconds = [
        (fixed - created).total_seconds()
        for created, fixed in rows.values_list("created_at", "fixed_at")
    ]
    return _median_figure(seconds, now)


@indicator(
    "reports.municipalities_answering",
    gettext_lazy("Municipalities that answered reports in the last twelve months"),
)
def municipalities_answering(now) -> Figure:
    """Count the municipalities whose body answered at least one report (n of 19)."""
    answering = (
        _municipal_rows(now)
        .filter(first_response_at__isnull=False)
        .values_list("body_id", flat=True)
        .distinct()
    )
    total = Body.objects.filter(kind=BodyKind.MUNICIPALITY).count() or MUNICIPALITIES
    return Figure(value=len(set(answering)), unit=Unit.COUNT, denominator=total, as_of=now)
