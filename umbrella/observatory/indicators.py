"""The observatory's figures as live indicators of the consultation tracker (core.indicators).

The tracker shows the same protected figures as the observatory page and the
open data: the latest complete quarter, region-wide, through ``queries.table``
(never raw rows), so a suppressed cell stays suppressed there too.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from umbrella.core.indicators import Figure, Unit, indicator
from umbrella.observatory import queries
from umbrella.observatory.charts import period_label

REGISTRY_UNITS = {"share": Unit.PERCENT, "seconds": Unit.SECONDS, "count": Unit.COUNT}


def latest_quarter(slug: str, now) -> Figure:
    """Return ``slug``'s latest complete quarter, region-wide, as the tracker's figure."""
    dataset = queries.dataset(slug)
    cells = queries.table(slug, period="quarter", by="region", end=timezone.localdate(now))
    unit = REGISTRY_UNITS.get(dataset.unit, Unit.COUNT)
    if not cells:
        return Figure(
            value=None,
            unit=unit,
            as_of=now,
            note=gettext("The observatory has no complete quarter for this figure yet."),
        )
    cell = cells[-1]
    period = period_label(cell.period)
    if cell.suppressed or cell.value is None:
        return Figure(
            value=None,
            unit=unit,
            as_of=now,
            note=gettext(
                "Not shown for %(period)s: fewer than 10 events, or hidden so that a smaller "
                "cell cannot be worked out (the observatory's disclosure control)."
            )
            % {"period": period},
        )
    value = round(100 * cell.value, 1) if dataset.unit == "share" else cell.value
    return Figure(
        value=value,
        unit=unit,
        as_of=now,
        note=gettext("Region-wide, %(period)s, from the observatory's protected figures.")
        % {"period": period},
    )


def _title(slug: str):
    return queries.dataset(slug).title


@indicator("observatory.acknowledged_within_60s", _title("acknowledged-within-60s"))
def acknowledged_within_60s(now) -> Figure:
    return latest_quarter("acknowledged-within-60s", now)


@indicator("observatory.acknowledgement_median", _title("acknowledgement-median"))
def acknowledgement_median(now) -> Figure:
    return latest_quarter("acknowledgement-median", now)


@indicator("observatory.reports_held_by_guard", _title("reports-held-by-guard"))
def reports_held_by_guard(now) -> Figure:
    return latest_quarter("reports-held-by-guard", now)
