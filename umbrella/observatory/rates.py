"""Figures per 10,000 residents: a services' count divided by the area's recorded population.

Populations are recorded by an operator from official files (``areas.Population``,
``manage.py load_population``); the platform never estimates one. An area whose
population is not recorded has no figure: ``value`` null and ``suppressed`` false, which
the page, the charts and the CSV read as "population not known" (not 0, not hidden).
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _

PER = 10_000


def residents(kind: str) -> dict[str, int]:
    """Return the recorded residents of the areas of ``kind``, by code (none recorded: {})."""
    from umbrella.areas.models import Population  # the datasets are importable without Django

    return dict(
        Population.objects.filter(kind=kind, residents__gt=0).values_list("code", "residents")
    )


def rate_cube(counts: dict, hidden: set, kind: str) -> dict:
    """Divide a protected count cube by the residents of each area of ``kind``.

    Only the cells of that level get a value; the others (the region, "place unknown") and
    the areas without a recorded population are left without one.
    """
    known = residents(kind)
    cube = {}
    for cell, count in counts.items():
        (level, code), _period = cell
        if cell in hidden:
            cube[cell] = (None, True)
        elif level == kind and code in known:
            cube[cell] = (round(count * PER / known[code], 1), False)
        else:
            cube[cell] = (None, False)
    return cube


def _sources(kind: str) -> str:
    from umbrella.areas.models import Population

    cited = [
        _("%(source)s, on %(date)s") % {"source": source, "date": date_format(day)}
        for source, day in Population.objects.filter(kind=kind)
        .order_by("reference_date", "source")
        .values_list("source", "reference_date")
        .distinct()
    ]
    if not cited:
        return _(
            "No population is recorded yet, so every area says “population not known” (no "
            "figure; not 0 and not suppressed)."
        )
    return _(
        "Residents: %(sources)s. An area whose population is not recorded says “population "
        "not known” (no figure; not 0 and not suppressed)."
    ) % {"sources": "; ".join(cited)}


# The method note names the sources as recorded when it is read (the page is rendered again
# with every roll-up generation, and recording a population starts a new one).
population_note = lazy(_sources, str)
