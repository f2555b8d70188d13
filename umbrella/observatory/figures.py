"""One published figure as the page and the report show it: chart, map, table, reading.

``figure_for(dataset, period=…, by=…)`` asks ``queries.table`` once and lays
the answer out. A selection the figure is not published at (duress alarms are
only yearly and region-wide) falls back to the nearest one it is, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from umbrella.observatory import charts, maps, queries
from umbrella.observatory.datasets import Dataset

API_ROOT = "/api/v1/statistics"
PERIOD_ORDER = ("month", "quarter", "year")
# How many periods a region-wide series shows.
SERIES_LENGTH = {"month": 12, "quarter": 8, "year": 5}


@dataclass(frozen=True)
class Row:
    label: str
    text: str
    suppressed: bool


@dataclass
class Figure:
    dataset: Dataset
    period: str
    by: str
    adjusted: bool
    chart: charts.Chart | None = None
    map: maps.MunicipalityMap | None = None
    rows: list[Row] = field(default_factory=list)
    row_header: str = ""
    reading: str = ""
    error: str = ""

    @property
    def notes(self) -> list[str]:
        """Say when the figure is shown at another selection than the one asked."""
        if not self.adjusted:
            return []
        notes = []
        if self.period == "quarter":
            notes.append(_("This figure is published by quarter at the finest."))
        elif self.period == "year":
            notes.append(_("This figure is published by year only."))
        if self.by == "region":
            notes.append(_("This figure is published region-wide only."))
        elif self.by == "police_zone":
            notes.append(_("This figure is published by police zone at the finest."))
        elif self.by == "municipality":
            notes.append(_("This figure is published by municipality only."))
        elif self.by == "body":
            notes.append(_("This figure is published per body in charge, not per area."))
        return notes

    @property
    def uid(self) -> str:
        return f"fig-{self.dataset.slug}"

    @property
    def api_url(self) -> str:
        return self._url({})

    @property
    def csv_url(self) -> str:
        return self._url({"format": "csv"})

    def _url(self, extra: dict) -> str:
        # The open-data API's address is fixed by its contract (docs/observatory.md).
        path = f"{API_ROOT}/{self.dataset.slug}"
        return path + "?" + urlencode({"period": self.period, "by": self.by} | extra)


def effective_selection(dataset, period: str, by: str) -> tuple[str, str]:
    """Return the (period, level) closest to the one asked that ``dataset`` is published at."""
    periods = list(dataset.periods)
    if period not in periods:
        coarser = [p for p in PERIOD_ORDER[PERIOD_ORDER.index(period) :] if p in periods]
        period = coarser[0] if coarser else periods[-1]
    levels = list(dataset.levels)
    if by not in levels:
        by = "region" if "region" in levels else levels[0]
    return period, by


def region_name() -> str:
    return _("Brussels-Capital Region")


def figure_for(dataset, *, period: str, by: str, start=None, end=None) -> Figure:
    """Lay out ``dataset`` at the selection (or the nearest one it is published at)."""
    chosen = effective_selection(dataset, period, by)
    figure = Figure(dataset, chosen[0], chosen[1], adjusted=chosen != (period, by))
    try:
        cells = queries.table(
            dataset.slug, period=figure.period, by=figure.by, start=start, end=end
        )
    except queries.BadQuery as error:
        figure.error = str(error)
        return figure
    if figure.by == "region":
        cells = sorted(cells, key=lambda c: c.period)
        if start is None and end is None:
            cells = cells[-SERIES_LENGTH[figure.period] :]
        name = cells[0].area.name if cells else region_name()
        figure.chart = charts.column_chart(dataset, cells, uid=figure.uid, area_name=name)
        figure.row_header = _("Period")
        figure.rows = [_row(charts.period_label(c.period), c, dataset.unit) for c in cells]
        figure.reading = figure.chart.reading
        return figure
    latest = max((c.period for c in cells), default=None)
    if latest is None:
        figure.reading = _("“%(figure)s” has no figure yet for this selection.") % {
            "figure": str(dataset.title)
        }
        return figure
    shown = sorted((c for c in cells if c.period == latest), key=lambda c: c.area.name)
    figure.chart = charts.bar_chart(dataset, shown, uid=figure.uid, period=latest)
    if figure.by == "municipality":
        figure.map = maps.municipality_map(dataset, shown, uid=f"{figure.uid}-map", period=latest)
    figure.row_header = _("Area")
    figure.rows = [_row(c.area.name, c, dataset.unit) for c in shown]
    figure.reading = figure.chart.reading
    return figure


def _row(label: str, cell, unit: str) -> Row:
    hidden = bool(cell.suppressed or cell.value is None)
    text = charts.cell_text(cell, unit)
    return Row(label=label, text=text, suppressed=hidden)
