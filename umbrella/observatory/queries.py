"""The observatory's figures, protected: the only reads the page, charts, PDF, API and tracker use.

``table(slug, period=…, by=…)`` answers one published table of a dataset.
Each dataset is protected as a whole *cube* (every area level × every
period level it offers, ``disclosure.protect``), so every table is a slice
of the same protected cube and no two tables can be subtracted to reveal a
hidden cell. Only complete periods are published: a month that is still
running would grow day by day, and yesterday's figure subtracted from
today's would point at one event.

The cube is computed from the roll-up (``models.Tally``) once per roll-up
generation and month, by the worker right after its refresh
(``actions.publish``), and stored (``models.Cube``); a process reads it
once and keeps it in memory, so a request only slices it.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone, name_in_language
from umbrella.observatory import disclosure, rates
from umbrella.observatory.datasets import BY_SLUG, DATASETS, Dataset
from umbrella.observatory.models import Cube, Tally, Watermark
from umbrella.reports.models import Body

__all__ = ["Area", "BadQuery", "Cell", "Dataset", "UnknownDataset", "dataset", "datasets", "table"]

LEVELS = ("region", "police_zone", "municipality", "neighbourhood", "body")
PERIODS = ("month", "quarter", "year")
REGION_CODE = "04000"  # the region's NIS code
UNKNOWN = ""  # the code of "place unknown"
LEVEL_NAMES = {
    "region": gettext_lazy("region"),
    "police_zone": gettext_lazy("police zone"),
    "municipality": gettext_lazy("municipality"),
    "neighbourhood": gettext_lazy("neighbourhood"),
    "body": gettext_lazy("body in charge"),
}
PERIOD_NAMES = {
    "month": gettext_lazy("month"),
    "quarter": gettext_lazy("quarter"),
    "year": gettext_lazy("year"),
}


class UnknownDataset(LookupError):
    """No dataset has this slug."""


class BadQuery(ValueError):
    """The dataset does not offer this level or period; the message is translated."""


@dataclass(frozen=True)
class Area:
    kind: str  # "region" | "police_zone" | "municipality" | "neighbourhood" | "body"
    code: str
    name: str


@dataclass(frozen=True)
class Cell:
    period: str  # "2026-11", "2026-Q4", "2026"
    area: Area
    value: int | float | None  # None when suppressed
    suppressed: bool


def datasets() -> list[Dataset]:
    """Return every published dataset, panic button first."""
    return list(DATASETS)


def dataset(slug: str) -> Dataset:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise UnknownDataset(slug) from None


def table(
    slug: str,
    *,
    period: str = "month",
    by: str = "region",
    start: date | None = None,
    end: date | None = None,
) -> list[Cell]:
    """Return the published cells of one table, oldest period first, then by area code.

    ``start``/``end`` keep the periods that begin on or after ``start`` and
    on or before ``end``.
    """
    ds = dataset(slug)
    check(ds, period=period, by=by, start=start, end=end)
    cube = published_cube(ds)
    names = _area_names(get_language() or "en")
    cells = []
    for (area_key, period_key), (value, hidden) in cube.items():
        if area_key[0] != by and not (area_key[1] == UNKNOWN and by != "region"):
            continue
        kind, first = _period_kind(period_key)
        if kind != period or (start and first < start) or (end and first > end):
            continue
        # A body added since the names were read is named by its code until the process restarts.
        name = names.get(area_key, area_key[1])
        area = Area(by if area_key[1] == UNKNOWN else area_key[0], area_key[1], name)
        cells.append(Cell(period_key, area, None if hidden else value, hidden))
    cells.sort(key=lambda c: (_period_kind(c.period)[1], c.area.code == UNKNOWN, c.area.code))
    return cells


def check(
    ds: Dataset, *, period: str, by: str, start: date | None = None, end: date | None = None
) -> None:
    """Raise ``BadQuery`` (translated) when ``ds`` does not offer this table."""
    if by not in ds.levels:
        raise BadQuery(
            _("“%(dataset)s” is not published by %(level)s; choose one of: %(levels)s.")
            % {
                "dataset": ds.title,
                "level": LEVEL_NAMES.get(by, by),
                "levels": ", ".join(str(LEVEL_NAMES[x]) for x in ds.levels),
            }
        )
    if period not in ds.periods:
        raise BadQuery(
            _("“%(dataset)s” is not published per %(period)s; choose one of: %(periods)s.")
            % {
                "dataset": ds.title,
                "period": PERIOD_NAMES.get(period, period),
                "periods": ", ".join(str(PERIOD_NAMES[x]) for x in ds.periods),
            }
        )
    if start and end and start > end:
        raise BadQuery(_("The start date comes after the end date."))


def generation() -> int:
    """Return a number that changes whenever the roll-up does."""
    return Watermark.objects.aggregate(total=Sum("generation"))["total"] or 0


# --- the protected cube -------------------------------------------------------------------

_lock = threading.Lock()
_cubes: dict[tuple, dict] = {}


def published_cube(ds: Dataset, today: date | None = None) -> dict:
    """Return {(area key, period key): (value, suppressed)} for every cell of ``ds``."""
    today = today or timezone.localdate()
    current = generation()
    key = (ds.slug, current, today.year, today.month)
    cube = _cubes.get(key)
    if cube is None:
        month = date(today.year, today.month, 1)
        cube = _stored(ds.slug, current, month)
        if cube is None:  # the worker has not computed it yet: compute it here, once
            cube = _compute(ds, today)
            _store(ds.slug, current, month, cube)
        with _lock:
            for old in [k for k in _cubes if k[0] == ds.slug]:
                del _cubes[old]
            _cubes[key] = cube
    return cube


def _stored(slug: str, current: int, month: date) -> dict | None:
    cells = (
        Cube.objects.filter(slug=slug, generation=current, month=month)
        .values_list("cells", flat=True)
        .first()
    )
    if cells is None:
        return None
    return {((lvl, code), period): (value, hidden) for lvl, code, period, value, hidden in cells}


def _store(slug: str, current: int, month: date, cube: dict) -> None:
    cells = [[a[0], a[1], p, value, hidden] for (a, p), (value, hidden) in cube.items()]
    Cube.objects.bulk_create(
        [Cube(slug=slug, generation=current, month=month, cells=cells)], ignore_conflicts=True
    )


def forget() -> None:
    """Drop the cubes kept in memory (tests; the generation key does it otherwise)."""
    with _lock:
        _cubes.clear()
        _names.clear()


def _period_kind(key: str) -> tuple[str, date]:
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return "quarter", date(int(year), 3 * int(quarter) - 2, 1)
    if "-" in key:
        year, month = key.split("-")
        return "month", date(int(year), int(month), 1)
    return "year", date(int(key), 1, 1)


def _month_keys(month: date) -> dict[str, str]:
    return {
        "month": f"{month:%Y-%m}",
        "quarter": f"{month.year}-Q{(month.month - 1) // 3 + 1}",
        "year": str(month.year),
    }


def _periods(ds: Dataset, first: date, today: date) -> tuple[dict, dict]:
    """Return (period parents, month → finest offered period) for complete periods only."""
    months = []
    cursor = date(first.year, 1, 1)
    current = date(today.year, today.month, 1)
    while cursor < current:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    complete: Counter[tuple[str, str]] = Counter()
    for month in months:
        for kind, key in _month_keys(month).items():
            complete[(kind, key)] += 1
    size = {"month": 1, "quarter": 3, "year": 12}
    offered = [p for p in ("year", "quarter", "month") if p in ds.periods]
    parents: dict[str, str | None] = {}
    leaf_of: dict[date, str] = {}
    for month in months:
        keys = _month_keys(month)
        parent = None
        for kind in offered:
            key = keys[kind]
            if complete[(kind, key)] < size[kind]:
                continue
            parents.setdefault(key, parent)
            parent = key
        if parent is not None:
            leaf_of[month] = parent
    return parents, leaf_of


def _areas(ds: Dataset) -> tuple[dict, dict]:
    """Return (area parents, NIS code → finest offered area node)."""
    region = ("region", REGION_CODE)
    parents: dict[tuple, tuple | None] = {region: None}
    leaf_of: dict[str, tuple] = {}
    if ds.levels == ("body",):  # the bodies' tallies carry the body's id: parts of the region
        for pk, code in Body.objects.values_list("pk", "code"):
            parents[("body", code)] = region
            leaf_of[str(pk)] = ("body", code)
        parents[("body", UNKNOWN)] = region
        leaf_of[UNKNOWN] = ("body", UNKNOWN)
        return parents, leaf_of
    municipalities = list(
        Municipality.objects.values_list("nis_code", "police_zone__code").order_by("nis_code")
    )
    if "police_zone" in ds.levels:
        for zone in sorted({z for _n, z in municipalities}):
            parents[("police_zone", zone)] = region
    for nis, zone in municipalities:
        zone_node = ("police_zone", zone) if "police_zone" in ds.levels else region
        if "municipality" in ds.levels:
            parents[("municipality", nis)] = zone_node
            leaf_of[nis] = ("municipality", nis)
        else:
            leaf_of[nis] = zone_node
    if "police_zone" in ds.levels:  # facts about a zone itself carry its code
        for zone in {z for _n, z in municipalities}:
            leaf_of.setdefault(zone, ("police_zone", zone))
    if "neighbourhood" in ds.levels:  # figures of a few neighbourhoods: each its own table
        for code in _visible_neighbourhoods():
            parents[("neighbourhood", code)] = None
            leaf_of[code] = ("neighbourhood", code)
    if len(ds.levels) > 1:  # events without a place: their own row under the region
        parents[("municipality", UNKNOWN)] = region
        leaf_of[UNKNOWN] = ("municipality", UNKNOWN)
    else:
        leaf_of[UNKNOWN] = region
    return parents, leaf_of


def _leaves(ds: Dataset, measures: list[str], today: date):
    rows = list(
        Tally.objects.filter(measure__in=measures).values_list(
            "measure", "month", "nis_code", "bucket", "count"
        )
    )
    # Every dataset starts with the first month of any roll-up, so figures line up.
    first = Tally.objects.aggregate(first=Min("month"))["first"] or date(today.year, 1, 1)
    period_parents, period_of = _periods(ds, first, today)
    if ds.picture:  # a month without a picture is unknown, not 0: left out
        taken = set(Tally.objects.filter(measure=ds.picture).values_list("month", flat=True))
        period_of = {m: key for m, key in period_of.items() if m in taken}
        kept = set(period_of.values())
        period_parents = {key: None for key in period_parents if key in kept}
    area_parents, area_of = _areas(ds)
    return rows, area_parents, period_parents, area_of, period_of


def _visible_neighbourhoods() -> list[str]:
    from umbrella.directory.indicators import VISIBLE_SEX_WORK_NEIGHBOURHOODS

    return sorted(
        {str(c) for codes in VISIBLE_SEX_WORK_NEIGHBOURHOODS.values() for c in codes}, key=int
    )


def _ancestors(node, parents) -> list:
    chain = []
    while node is not None:
        chain.append(node)
        node = parents[node]
    return chain


def _fold(rows, measure, area_parents, period_parents, area_of, period_of) -> dict:
    """Sum one measure's tallies into every cell of the cube (histograms: per bucket)."""
    totals: dict = defaultdict(int)
    for m, month, nis, bucket, count in rows:
        if m != measure or month not in period_of:
            continue
        area = area_of.get(nis, area_of[UNKNOWN])
        for a in _ancestors(area, area_parents):
            for p in _ancestors(period_of[month], period_parents):
                totals[(a, p, bucket)] += count
    return totals


def _counts(rows, measure, area_parents, period_parents, area_of, period_of) -> dict:
    folded = _fold(rows, measure, area_parents, period_parents, area_of, period_of)
    values = {(a, p): 0 for a in area_parents for p in period_parents}
    for (a, p, _bucket), count in folded.items():
        values[(a, p)] += count
    return values


def _percentile(histogram: dict[int, int], share: float) -> int | None:
    total = sum(histogram.values())
    if not total:
        return None
    rank = share * total
    running = 0
    for bucket in sorted(histogram):
        running += histogram[bucket]
        if running >= rank:
            return bucket
    return max(histogram)


def _compute(ds: Dataset, today: date) -> dict:
    measures = [m for m in (ds.measure, ds.rest, ds.gate, *ds.parts) if m]
    rows, area_parents, period_parents, area_of, period_of = _leaves(ds, measures, today)
    shape = (area_parents, period_parents, area_of, period_of)

    def protected(measure):
        values = _counts(rows, measure, *shape)
        return values, disclosure.protect(values, area_parents, period_parents, k=ds.k)

    if ds.kind == "rate":
        counts, hidden_counts = protected(ds.measure)
        return rates.rate_cube(counts, hidden_counts, ds.levels[0])
    if ds.kind == "count":
        values, hidden = protected(ds.measure)
        return {cell: (values[cell], cell in hidden) for cell in values}
    if ds.kind == "total":
        parts = [protected(measure) for measure in ds.parts]
        cube = {}
        for cell in parts[0][0]:
            hidden = any(cell in part_hidden for _values, part_hidden in parts)
            total = None if hidden else sum(values[cell] for values, _hidden in parts)
            cube[cell] = (total, hidden)
        return cube
    if ds.kind == "share":
        num, num_hidden = protected(ds.measure)
        rest, rest_hidden = protected(ds.rest)
        cube = {}
        for cell in num:
            total = num[cell] + rest[cell]
            hidden = cell in num_hidden or cell in rest_hidden
            value = round(num[cell] / total, 4) if total and not hidden else None
            cube[cell] = (value, hidden)
        return cube
    gate, gate_hidden = protected(ds.gate)
    histograms: dict = defaultdict(dict)
    for (a, p, bucket), count in _fold(rows, ds.measure, *shape).items():
        histograms[(a, p)][bucket] = count
    share = 0.5 if ds.kind == "median" else 0.9
    cube = {}
    for cell, count in gate.items():
        hidden = cell in gate_hidden or 0 < count < ds.k
        value = None if hidden else _percentile(histograms.get(cell, {}), share)
        cube[cell] = (value, hidden)
    return cube


_names: dict[str, dict] = {}


def _area_names(language: str) -> dict:
    names = _names.get(language)
    if names is None:
        names = {
            ("region", REGION_CODE): _("Brussels-Capital Region"),
            ("municipality", UNKNOWN): _("Place unknown"),
            ("body", UNKNOWN): _("Not routed to a body yet"),
        }
        with override(language):
            for body in Body.objects.all():
                names[("body", body.code)] = body.name or body.code
        for m in Municipality.objects.all():
            names[("municipality", m.nis_code)] = name_in_language(m.name_nl, m.name_fr, language)
        for z in PoliceZone.objects.all():
            names[("police_zone", z.code)] = name_in_language(z.name_nl, z.name_fr, language)
        visible = [int(c) for c in _visible_neighbourhoods()]
        for n in Neighbourhood.objects.filter(code__in=visible):
            names[("neighbourhood", str(n.code))] = name_in_language(
                n.name_nl.title(), n.name_fr.title(), language
            )
        _names[language] = names
    return names
