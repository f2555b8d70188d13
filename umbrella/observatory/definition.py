"""What a published figure is: the ``Dataset`` record, its levels and periods, the histogram
buckets of time measures (the figures themselves are in ``datasets`` and ``services``).

A dataset is computed from roll-up measures (``models.Tally.measure``):
- ``count``: one measure, summed;
- ``share``: ``numerator / (numerator + rest)``, both measures protected as counts;
- ``median`` / ``p90``: a percentile of a histogram measure, gated by a count measure;
- ``total``: the sum of ``parts``, each protected as a count and the total hidden wherever
  one part is (a total that is also a share's denominator must not publish what the share
  hides: its parts would follow by subtraction);
- ``rate``: a count per 10,000 residents of the area, where its population is recorded
  (``areas.Population``); elsewhere no value, and not suppressed (``rates``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise, lazy

ALL_LEVELS = ("region", "police_zone", "municipality")
REGION = ("region",)
BODY = ("body",)  # the body a report is routed to: each a part of the region, not an area
ALL_PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise | str
    description: Promise | str
    method: Promise | str
    unit: str  # "count" | "share" | "minutes" | "seconds" | "per_10000"
    levels: tuple[str, ...]
    periods: tuple[str, ...]
    group: str  # "panic" | "liveability" | "services"
    # How the value is computed (not part of the published contract).
    kind: str = "count"  # "count" | "share" | "median" | "p90" | "total" | "rate"
    measure: str = ""
    rest: str = ""  # share: the measure counting the others
    gate: str = ""  # median/p90: the count measure a cell needs ≥ 10 of
    # The smallest count published: 10 for everything about people. Facts about public
    # places and organisations that the directory already lists one by one use 1.
    k: int = 10
    parts: tuple[str, ...] = ()  # total: the measures it adds up
    # A monthly picture: published only for the months this measure marks as taken.
    picture: str = ""


def _count(slug, measure, title, description, method, group="panic", levels=ALL_LEVELS, **kw):
    return Dataset(
        slug,
        title,
        description,
        method,
        "count",
        levels,
        kw.pop("periods", ALL_PERIODS),
        group,
        measure=measure,
        k=kw.pop("k", 10),
    )


def _join(*parts) -> str:
    return " ".join(str(part) for part in parts)


join = lazy(_join, str)


def seconds_bucket(seconds: float) -> int:
    """Return the lower bound of the histogram bucket for a time to acknowledge."""
    s = max(0, int(seconds))
    if s < 120:
        return s
    if s < 600:
        return s - s % 10
    if s < 3_600:
        return s - s % 60
    return min(s - s % 600, 86_400)


def minutes_bucket(minutes: float) -> int:
    """Return the lower bound of the histogram bucket for a time to respond, in minutes."""
    m = max(0, int(minutes))
    if m < 60:
        return m
    if m < 1_440:
        return m - m % 15
    if m < 10_080:
        return m - m % 60
    return min(m - m % 1_440, 525_600)
