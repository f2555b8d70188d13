"""Read the simple, common forms of opening hours; leave everything else as text.

Two notations reach the importers:

- OpenStreetMap's ``opening_hours`` tag: ``24/7``, ``Mo-Fr 08:00-20:00; Sa,Su
  10:00-18:00``, ``Mo-Su 06:00-01:00`` (a night crossing midnight),
  ``Mo-Fr 08:00-12:00,13:00-17:00``, ``Su off``. Rules apply in order and a
  later rule replaces the earlier hours of the days it names, as the tag's
  specification says. A rule without days applies to every day.
- The City of Brussels' ``openinghours`` text: ``24/24``, ``7/7 24h/24``,
  ``Lu-ve/Ma-vr 10:00-18:00, WE 10:00-20:00`` (French and Dutch day names).

Anything else (public holidays, months, weeks, "sunrise", comments, a day
name that could be French or Dutch) raises ``UnreadableHours``: the caller
keeps the text, marks the hours unknown and the entry "to verify". Nothing
is guessed.
"""

from __future__ import annotations

import re
from datetime import time

# (weekday, opens, closes), Monday = 0; closes <= opens closes the next day,
# opens == closes means 24 hours (``umbrella.directory.models.hours``).
Hours = list[tuple[int, time, time]]

ALL_WEEK = tuple(range(7))
MIDNIGHT = time(0, 0)


class UnreadableHours(ValueError):
    """The text is not one of the forms this module reads."""


_OSM_DAYS = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
_FR_DAYS = {"lu": 0, "ma": 1, "me": 2, "je": 3, "ve": 4, "sa": 5, "di": 6}
_NL_DAYS = {"ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6}
_TIME = r"(\d{1,2})[:hH.](\d{2})"
_RANGE = re.compile(rf"^{_TIME}\s*-\s*{_TIME}$")


def _clock(hours: str, minutes: str, *, closing: bool) -> time:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and (m != 0 or not closing)):
        raise UnreadableHours(f"{hours}:{minutes} is not a time of day")
    return MIDNIGHT if h == 24 else time(h, m)


def _time_ranges(text: str) -> list[tuple[time, time]]:
    ranges = []
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            raise UnreadableHours(f"{part.strip()!r} is not a time range")
        h1, m1, h2, m2 = match.groups()
        ranges.append((_clock(h1, m1, closing=False), _clock(h2, m2, closing=True)))
    return ranges


def _days(text: str, names: dict[str, int]) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        part = part.strip().lower().rstrip(".")
        if "-" in part:
            first, _sep, last = part.partition("-")
            if first.strip() not in names or last.strip() not in names:
                raise UnreadableHours(f"{part!r} is not a range of days")
            start, end = names[first.strip()], names[last.strip()]
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
            days.extend(span)
        elif part in names:
            days.append(names[part])
        else:
            raise UnreadableHours(f"{part!r} is not a day")
    return days


def parse_osm_opening_hours(text: str) -> Hours:
    """Return the weekly hours of an OSM ``opening_hours`` value, or raise ``UnreadableHours``."""
    value = (text or "").strip()
    if not value:
        raise UnreadableHours("no hours given")
    week: dict[int, list[tuple[time, time]]] = {}
    for rule in value.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        if rule == "24/7":
            for day in ALL_WEEK:
                week[day] = [(MIDNIGHT, MIDNIGHT)]
            continue
        match = re.fullmatch(r"([A-Za-z][A-Za-z,\- ]*?)?\s*((?:\d.*)|off|closed)?", rule)
        if not match or not (match.group(1) or match.group(2)):
            raise UnreadableHours(f"{rule!r} is not a rule this importer reads")
        day_text, time_text = match.group(1), match.group(2)
        days = _days(day_text.replace(" ", ""), _OSM_DAYS) if day_text else list(ALL_WEEK)
        if time_text is None:
            raise UnreadableHours(f"{rule!r} names days without hours")
        ranges = [] if time_text in ("off", "closed") else _time_ranges(time_text)
        for day in days:
            week[day] = list(ranges)
    if not week:
        raise UnreadableHours("no rule")
    return sorted((day, o, c) for day, ranges in week.items() for o, c in ranges)


_ROUND_THE_CLOCK = re.compile(
    r"^(?:(?:7\s*j?\s*/\s*7|7\s*d\s*/\s*7)\s*[,;]?\s*)?24\s*h?\s*/\s*24(?:\s*h)?"
    r"(?:\s*[,;]?\s*7\s*j?\s*/\s*7)?$",
    re.IGNORECASE,
)


def _brussels_days(text: str) -> list[int]:
    text = text.strip().lower()
    if text in ("we", "w-e", "weekend", "week-end"):
        return [5, 6]
    if text in ("7/7", "7j/7", "7d/7", "tlj", "tous les jours", "dagelijks"):
        return list(ALL_WEEK)
    if "/" in text:
        # "Lu-ve/Ma-vr": the French days, then the Dutch ones; both must agree.
        french, _sep, dutch = text.partition("/")
        fr_days, nl_days = _days(french, _FR_DAYS), _days(dutch, _NL_DAYS)
        if sorted(fr_days) != sorted(nl_days):
            raise UnreadableHours(f"{text!r}: the French and Dutch days differ")
        return fr_days
    # One language only: read it both ways and keep it only when both agree
    # or only one reading works ("ma" is Tuesday in French, Monday in Dutch).
    readings = []
    for names in (_FR_DAYS, _NL_DAYS):
        try:
            readings.append(sorted(_days(text, names)))
        except UnreadableHours:
            continue
    if not readings:
        raise UnreadableHours(f"{text!r} is not a range of days")
    if any(reading != readings[0] for reading in readings):
        raise UnreadableHours(f"{text!r} could be French or Dutch days")
    return readings[0]


def parse_brussels_opening_hours(text: str) -> Hours:
    """Return the weekly hours of the City of Brussels' ``openinghours`` text, or raise."""
    value = " ".join((text or "").split())
    if not value or value in ("?", "-"):
        raise UnreadableHours("no hours given")
    if _ROUND_THE_CLOCK.match(value):
        return [(day, MIDNIGHT, MIDNIGHT) for day in ALL_WEEK]
    week: dict[int, list[tuple[time, time]]] = {}
    for segment in re.split(r"[;,](?=\s*[A-Za-z])", value):
        segment = segment.strip()
        match = re.fullmatch(r"([A-Za-z][A-Za-z/\-\. ]*?|7\s*j?/7)\s*:?\s*(\d.*)", segment)
        if not match:
            raise UnreadableHours(f"{segment!r} is not days followed by hours")
        days = _brussels_days(match.group(1))
        ranges = _time_ranges(match.group(2).replace(" ", ""))
        for day in days:
            week[day] = list(ranges)
    return sorted((day, o, c) for day, ranges in week.items() for o, c in ranges)
