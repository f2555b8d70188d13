"""The observatory's charts, drawn on the server as accessible SVG (no script).

A chart is laid out once (``bar_chart`` by area, ``column_chart`` over periods)
into a ``Chart`` of plain ``Bar`` rows; ``Chart.svg()`` draws it for the page
and ``report.py`` draws the same layout with reportlab for the PDF, so the page
and the report never disagree.

Each SVG is one image (``role="img"``) named by its ``<title>`` and described
by its ``<desc>``; the page puts the data table and a one-sentence reading
beside it, so no figure exists only as a shape. Colours are Okabe–Ito's
colour-blind-safe palette; the bars' blue has 5.2:1 contrast on white (AA asks
3:1 for graphics). A suppressed cell (fewer than 10 people or events) is drawn
as a hatched band that says so, never as a bar of 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
# colour-vision deficiency. Only the first two are used for marks on white: the
# others fall below 3:1 contrast there.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
BAR = OKABE_ITO["blue"]
INK = "#1b1f24"
MUTED = "#4a5561"
GRID = "#c9d1d9"

WIDTH = 560
ROW = 26
LABEL_WIDTH = 170
TOP = 8
AXIS = 24


# --- words and numbers in the reader's language ------------------------------------------


def format_number(value: float, decimals: int = 0) -> str:
    """Return ``value`` written as the active language writes numbers (1.234,5 / 1 234,5)."""
    return formats.number_format(round(value, decimals), decimals, force_grouping=True)


def format_value(value: float | None, unit: str) -> str:
    """Return a figure with its unit, as the active language writes it; "" for none."""
    if value is None:
        return ""
    if unit == "share":
        # Shares are fractions (0–1): shown as whole percents.
        return _("%(percent)s%%") % {"percent": format_number(100 * value)}
    if unit == "seconds":
        return _("%(seconds)s s") % {"seconds": format_number(value)}
    if unit == "minutes":
        return _("%(minutes)s min") % {"minutes": format_number(value)}
    if unit == "per_10000":
        return _("%(number)s per 10,000 residents") % {"number": format_number(value, 1)}
    return format_number(value)


def period_label(period: str) -> str:
    """Return "2026-11", "2026-Q4" or "2026" as a reader says it ("November 2026", "Q4 2026")."""
    year, _sep, part = period.partition("-")
    if not part:
        return period
    if part.startswith("Q") and part[1:].isdigit():
        return _("Q%(quarter)s %(year)s") % {"quarter": part[1:], "year": year}
    if part.isdigit() and year.isdigit() and 1 <= int(part) <= 12:
        return formats.date_format(date(int(year), int(part), 1), "YEAR_MONTH_FORMAT")
    return period


def suppressed_text() -> str:
    return _("suppressed (fewer than 10)")


def cell_text(cell, unit: str) -> str:
    """Return a cell as the table and the chart write it: suppressed, not known, or its value."""
    if cell.suppressed:
        return suppressed_text()
    if cell.value is None and unit == "per_10000":  # a rate where no population is recorded
        return _("population not known")
    return format_value(cell.value, unit)


# --- the layout ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One mark: its label, value and text, and its box in the chart's units."""

    label: str
    value: float | None
    text: str
    suppressed: bool
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars" (one per area) or "columns" (one per period)
    uid: str
    title: str
    description: str
    reading: str
    unit: str
    width: float
    height: float
    plot: tuple[float, float, float, float]  # x, y, width, height of the plotting area
    ticks: list[tuple[float, str]]  # position along the value axis, text
    bars: list[Bar] = field(default_factory=list)

    def svg(self) -> SafeString:
        return mark_safe(_svg(self))  # noqa: S308 -- every text is escaped in _svg


def nice_ceiling(value: float) -> float:
    """Return a round number ≥ ``value`` for the value axis (1, 2, 2.5, 5 × 10ⁿ)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))


def _axis_max(values: Sequence[float], unit: str) -> float:
    top = max(values, default=0.0)
    if unit == "share":
        return 1.0 if top > 0.5 or top == 0 else nice_ceiling(top)
    if unit == "count":
        # A published count is 0 or at least 10 (k = 10): an axis to 10 at the least.
        return max(10.0, nice_ceiling(top))
    return nice_ceiling(top)


def _ticks(axis_max: float, unit: str) -> list[tuple[float, str]]:
    decimals = 0 if unit == "share" or axis_max >= 4 else 1
    steps = [0, 0.5, 1]
    if unit == "count" and (axis_max / 2) % 1:
        steps = [0, 1]  # no half of a count: 0 and 25, not a "12" standing at 12.5
    if unit == "share":
        return [(s, format_value(s * axis_max, unit)) for s in steps]
    return [(s, format_number(s * axis_max, decimals)) for s in steps]


def bar_chart(dataset, cells: Sequence, *, uid: str, period: str) -> Chart:
    """Lay out one horizontal bar per area for one period (``cells`` of that period)."""
    unit = dataset.unit
    rows = list(cells)
    values = [c.value for c in rows if not c.suppressed and c.value is not None]
    axis_max = _axis_max(values, unit)
    plot_w = WIDTH - LABEL_WIDTH - 16
    height = TOP + ROW * max(len(rows), 1) + AXIS
    bars = []
    for i, cell in enumerate(rows):
        y = TOP + i * ROW + 4
        # A rate without a population is no figure: an empty row, not a hatched band.
        unknown = cell.value is None and not cell.suppressed and unit == "per_10000"
        if unknown:
            width = 0.0
        elif cell.suppressed or cell.value is None:
            width = plot_w
        else:
            width = plot_w * max(cell.value, 0) / axis_max
        bars.append(
            Bar(
                label=cell.area.name,
                value=None if cell.suppressed else cell.value,
                text=cell_text(cell, unit),
                suppressed=bool(cell.suppressed or cell.value is None) and not unknown,
                x=LABEL_WIDTH,
                y=y,
                width=width,
                height=ROW - 8,
            )
        )
    title = str(dataset.title)
    return Chart(
        kind="bars",
        uid=uid,
        title=_("%(figure)s, %(period)s") % {"figure": title, "period": period_label(period)},
        description=_(
            "Bar chart, one bar per area. Hatched bands are suppressed cells (fewer than 10). "
            "The table beside the chart gives every value."
        ),
        reading=reading_by_area(dataset, rows, period),
        unit=unit,
        width=WIDTH,
        height=height,
        plot=(LABEL_WIDTH, TOP, plot_w, ROW * max(len(rows), 1)),
        ticks=_ticks(axis_max, unit),
        bars=bars,
    )


def column_chart(dataset, cells: Sequence, *, uid: str, area_name: str) -> Chart:
    """Lay out one column per period for one area (``cells`` in period order)."""
    unit = dataset.unit
    rows = list(cells)
    values = [c.value for c in rows if not c.suppressed and c.value is not None]
    axis_max = _axis_max(values, unit)
    left, plot_h = 64, 180
    # Room on the right for half of the latest period's label, centred under its column.
    plot_w = WIDTH - left - 44
    slot = plot_w / max(len(rows), 1)
    bars = []
    for i, cell in enumerate(rows):
        hidden = bool(cell.suppressed or cell.value is None)
        h = plot_h if hidden else plot_h * max(cell.value, 0) / axis_max
        bars.append(
            Bar(
                label=period_label(cell.period),
                value=None if hidden else cell.value,
                text=suppressed_text() if cell.suppressed else format_value(cell.value, unit),
                suppressed=hidden,
                x=left + i * slot + slot * 0.15,
                y=TOP + plot_h - h,
                width=slot * 0.7,
                height=h,
            )
        )
    return Chart(
        kind="columns",
        uid=uid,
        title=_("%(figure)s, %(area)s") % {"figure": str(dataset.title), "area": area_name},
        description=_(
            "Column chart, one column per period. Hatched columns are suppressed cells "
            "(fewer than 10). The table beside the chart gives every value."
        ),
        reading=reading_over_periods(dataset, rows, area_name),
        unit=unit,
        width=WIDTH,
        height=TOP + plot_h + AXIS + 14,
        plot=(left, TOP, plot_w, plot_h),
        ticks=_ticks(axis_max, unit),
        bars=bars,
    )


# --- the one-sentence readings -------------------------------------------------------------


def reading_by_area(dataset, cells: Sequence, period: str) -> str:
    """Say in one sentence what a by-area table shows (highest area, how many suppressed)."""
    shown = [c for c in cells if not c.suppressed and c.value is not None]
    hidden = len(cells) - len(shown)
    if dataset.unit == "per_10000":  # a rate without a population is not known, not hidden
        hidden = sum(1 for c in cells if c.suppressed)
    values = {
        "period": period_label(period),
        "figure": str(dataset.title),
        "count": hidden,
    }
    if not shown and not hidden and dataset.unit == "per_10000":
        return (
            _("In %(period)s, “%(figure)s” has no figure: no area's population is recorded.")
            % values
        )
    if not shown:
        return (
            _(
                "In %(period)s, “%(figure)s” is not shown for any area: every cell counts "
                "fewer than 10."
            )
            % values
        )
    top = max(shown, key=lambda c: c.value)
    values |= {"area": top.area.name, "value": format_value(top.value, dataset.unit)}
    if len(shown) == 1 and top.area.kind == "region":
        return _("In %(period)s, “%(figure)s” was %(value)s region-wide.") % values
    if hidden:
        return (
            ngettext(
                "In %(period)s, “%(figure)s” was highest in %(area)s (%(value)s); "
                "%(count)s area is suppressed (fewer than 10).",
                "In %(period)s, “%(figure)s” was highest in %(area)s (%(value)s); "
                "%(count)s areas are suppressed (fewer than 10).",
                hidden,
            )
            % values
        )
    return _("In %(period)s, “%(figure)s” was highest in %(area)s (%(value)s).") % values


def reading_over_periods(dataset, cells: Sequence, area_name: str) -> str:
    """Say in one sentence what a series shows: its latest figure, or that it is suppressed."""
    values = {"figure": str(dataset.title), "area": area_name}
    shown = [c for c in cells if not c.suppressed and c.value is not None]
    if not cells:
        return _("“%(figure)s” has no figure yet for %(area)s.") % values
    if not shown:
        return (
            _(
                "“%(figure)s” is suppressed in every period for %(area)s: every cell counts "
                "fewer than 10."
            )
            % values
        )
    last = shown[-1]
    values |= {"period": period_label(last.period), "value": format_value(last.value, dataset.unit)}
    if len(shown) == 1:
        return _("In %(period)s, “%(figure)s” was %(value)s (%(area)s).") % values
    first = shown[0]
    values |= {
        "first_period": period_label(first.period),
        "first_value": format_value(first.value, dataset.unit),
    }
    return (
        _(
            "“%(figure)s” went from %(first_value)s in %(first_period)s to %(value)s in "
            "%(period)s (%(area)s)."
        )
        % values
    )


# --- SVG ----------------------------------------------------------------------------------


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def hatch_pattern(pattern_id: str) -> str:
    """Return the ``<pattern>`` that marks a suppressed cell (grey diagonal lines on white)."""
    return (
        f'<pattern id="{_attr(pattern_id)}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="2"/></pattern>'
    )


def _svg(chart: Chart) -> str:
    uid = _attr(chart.uid)
    hatch = f"{chart.uid}-hatch"
    px, py, pw, ph = chart.plot
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{chart.kind}" role="img" '
        f'viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" '
        f'aria-labelledby="{uid}-title {uid}-desc" font-family="sans-serif" font-size="13">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(chart.description)} {escape(chart.reading)}</desc>',
        f"<defs>{hatch_pattern(hatch)}</defs>",
    ]
    if chart.kind == "bars":
        for pos, text in chart.ticks:
            x = px + pw * pos
            parts.append(
                f'<line x1="{_n(x)}" y1="{_n(py)}" x2="{_n(x)}" y2="{_n(py + ph)}" '
                f'stroke="{GRID}" stroke-width="1"/>'
                f'<text x="{_n(x)}" y="{_n(py + ph + 16)}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(text)}</text>'
            )
        for bar in chart.bars:
            mid = bar.y + bar.height / 2 + 4.5
            parts.append(
                f'<text x="{_n(bar.x - 6)}" y="{_n(mid)}" text-anchor="end" fill="{INK}">'
                f"{escape(bar.label)}</text>"
            )
            parts.append(_mark(bar, hatch))
            if bar.suppressed:
                parts.append(
                    f'<text x="{_n(bar.x + 6)}" y="{_n(mid)}" fill="{INK}">'
                    f"{escape(bar.text)}</text>"
                )
            else:
                inside = bar.width > pw * 0.75
                x = bar.x + bar.width - 6 if inside else bar.x + bar.width + 6
                anchor = "end" if inside else "start"
                fill = "#ffffff" if inside else INK
                parts.append(
                    f'<text x="{_n(x)}" y="{_n(mid)}" text-anchor="{anchor}" fill="{fill}">'
                    f"{escape(bar.text)}</text>"
                )
    else:
        for pos, text in chart.ticks:
            y = py + ph - ph * pos
            parts.append(
                f'<line x1="{_n(px)}" y1="{_n(y)}" x2="{_n(px + pw)}" y2="{_n(y)}" '
                f'stroke="{GRID}" stroke-width="1"/>'
                f'<text x="{_n(px - 6)}" y="{_n(y + 4)}" text-anchor="end" '
                f'fill="{MUTED}">{escape(text)}</text>'
            )
        many = len(chart.bars) > 8
        labelled = labelled_columns(chart)
        for i, bar in enumerate(chart.bars):
            parts.append(_mark(bar, hatch))
            centre = bar.x + bar.width / 2
            if i in labelled:
                parts.append(
                    f'<text x="{_n(centre)}" y="{_n(py + ph + 16)}" text-anchor="middle" '
                    f'fill="{INK}">{escape(bar.label)}</text>'
                )
            if not bar.suppressed and not many:
                parts.append(
                    f'<text x="{_n(centre)}" y="{_n(bar.y - 4)}" text-anchor="middle" '
                    f'fill="{INK}">{escape(bar.text)}</text>'
                )
        legend_y = py + ph + AXIS + 8
        if any(bar.suppressed for bar in chart.bars):
            parts.append(
                f'<rect x="{_n(px)}" y="{_n(legend_y - 10)}" width="14" height="12" '
                f'fill="url(#{_attr(hatch)})" stroke="{MUTED}"/>'
                f'<text x="{_n(px + 20)}" y="{_n(legend_y)}" fill="{INK}">'
                f"{escape(suppressed_text())}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def labelled_columns(chart: Chart) -> set[int]:
    """Return the columns whose period is written under the axis: the last, then every
    n-th back, n large enough that the labels (about 7 units a character) never touch."""
    if not chart.bars:
        return set()
    slot = chart.plot[2] / len(chart.bars)
    widest = max(len(bar.label) for bar in chart.bars) * 7 + 10
    every = max(1, math.ceil(widest / slot))
    last = len(chart.bars) - 1
    return {i for i in range(len(chart.bars)) if (last - i) % every == 0}


def _mark(bar: Bar, hatch: str) -> str:
    box = f'x="{_n(bar.x)}" y="{_n(bar.y)}" width="{_n(bar.width)}" height="{_n(bar.height)}"'
    if bar.suppressed:
        return (
            f'<rect class="suppressed" data-suppressed="true" {box} fill="url(#{_attr(hatch)})" '
            f'stroke="{MUTED}" stroke-dasharray="4 3"/>'
        )
    return f'<rect class="bar" data-value="{_attr(bar.value)}" {box} fill="{BAR}"/>'
