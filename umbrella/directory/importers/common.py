"""What both toilet importers share: the record, the upsert, the report, the progress bar.

An importer turns each source row into a ``ToiletRecord`` (or raises
``BadRow``); ``run_import`` upserts the records by ``(source, source_id)``,
each in its own savepoint, so one bad row is reported and the import
carries on. Writes go through ``actions.save_entry``, so the change log
records what every import changed. Coordinates are never invented: a row
without them, or outside the 19 municipalities, is reported and skipped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import TextIO

from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from umbrella.areas.locate import locate
from umbrella.core.translation import CONTENT_LANGUAGES
from umbrella.directory import actions
from umbrella.directory.models import (
    Facility,
    FacilityKind,
    Location,
    Manager,
    OperatingStatus,
    RegularSchedule,
    TriState,
)
from umbrella.directory.revision import bump_revision

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class BadRow(ValueError):
    """The row cannot be imported; the message says why (for the operator)."""


# What a row of unexpected shape raises in a parser or the upsert (a number
# where text is expected, a list too short, a date that does not exist, a
# value the database refuses): reported as a bad row, and the import goes on.
ROW_ERRORS = (BadRow, ValueError, TypeError, KeyError, IndexError, AttributeError, DatabaseError)


def _source_id_length() -> int:
    """Return the width of ``Facility.source_id`` (the model holds the number)."""
    width = Facility._meta.get_field("source_id").max_length
    if width is None:
        raise TypeError("Facility.source_id has no max_length")
    return width


SOURCE_ID_LENGTH = _source_id_length()
# How much of an over-long source id the report repeats.
_REPORTED_ID_LENGTH = 60


def reported_id(source_id: str) -> str:
    """Return ``source_id`` shortened for the report (the row number locates it)."""
    text = str(source_id)
    return text if len(text) <= _REPORTED_ID_LENGTH else text[: _REPORTED_ID_LENGTH - 1] + "…"


def _reason(error: Exception) -> str:
    if isinstance(error, BadRow):
        return str(error)
    if isinstance(error, DatabaseError):
        return f"refused by the database ({type(error).__name__}: {error})"
    return f"unexpected value ({type(error).__name__}: {error})"


@dataclass
class ToiletRecord:
    source: str
    source_id: str
    lat: float
    lon: float
    kind: str = FacilityKind.TOILET
    names: dict[str, str] = field(default_factory=dict)
    address: str = ""
    postcode: str = ""
    free: str = TriState.UNKNOWN
    usable_by_women: str = TriState.UNKNOWN
    all_gender: str = TriState.UNKNOWN
    urinal_only: str = TriState.UNKNOWN
    baby_change: str = TriState.UNKNOWN
    wheelchair: str = TriState.UNKNOWN
    status: str = OperatingStatus.ACTIVE
    manager: str = Manager.UNKNOWN
    manager_name: str = ""
    # None: unknown hours (none given, or given in a form not read).
    hours: list[tuple[int, time, time]] | None = None
    # The source's text when it could not be read: kept, shown, never guessed.
    unread_hours: str = ""
    last_verified_on: date | None = None


@dataclass
class Problem:
    row: int
    source_id: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.source_id or 'no id'}): {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[Problem] = field(default_factory=list)
    # Imported, but with something to check (hours kept as text).
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.bad)} bad"
            + (f" ({len(self.warnings)} imported with hours to verify)" if self.warnings else "")
        )


class Progress:
    """A progress bar on a terminal; on anything else, one line at the end."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None = None, label: str = "Importing"):
        self.total, self.done, self.label = total, 0, label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_drawn = -1

    def advance(self) -> None:
        self.done += 1
        percent = 100 * self.done // max(self.total, 1)
        if self.tty and percent != self._last_drawn:
            self._last_drawn = percent
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def line(self) -> str:
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return f"{self.label} [{bar}] {self.done}/{self.total}"

    def close(self) -> None:
        self.stream.write(("\r" if self.tty else "") + self.line() + "\n")
        self.stream.flush()


# -- mapping helpers shared by both sources -----------------------------------


def tri(value, yes=("yes", "true", "1", "designated"), no=("no", "false", "0")) -> TriState:
    """Return yes/no/unknown; an absent or unrecognised value is unknown, never a guess."""
    text = str(value).strip().lower() if value is not None else ""
    if text in yes:
        return TriState.YES
    if text in no:
        return TriState.NO
    return TriState.UNKNOWN


_MANAGERS = (
    (Manager.STIB, ("stib", "mivb")),
    (Manager.SNCB, ("sncb", "nmbs", "infrabel")),
    (
        Manager.BRUSSELS_ENVIRONMENT,
        ("bruxelles environnement", "leefmilieu brussel", "brussels environment", "ibge", "bim"),
    ),
    (
        Manager.MUNICIPALITY,
        (
            "ville de bruxelles",
            "stad brussel",
            "city of brussels",
            "commune",
            "gemeente",
            "municipality",
            "cpas",
            "ocmw",
        ),
    ),
)


def manager_from(name: str) -> str:
    """Return the manager kind a manager's name states; ``other`` for a named other one."""
    text = (name or "").strip().lower()
    if not text:
        return Manager.UNKNOWN
    for manager, needles in _MANAGERS:
        if any(needle in text for needle in needles):
            return manager
    return Manager.OTHER


def point(lat, lon) -> tuple[float, float]:
    """Return a WGS84 point from two values, or raise ``BadRow``."""
    if lat in (None, "") or lon in (None, ""):
        raise BadRow("no coordinates")
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as error:
        raise BadRow(f"coordinates are not numbers ({lat!r}, {lon!r})") from error
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadRow(f"coordinates out of range ({lat}, {lon})")
    return lat, lon


# -- the upsert ------------------------------------------------------------------


def _unread_hours_text(text: str) -> dict[str, str]:
    """Return, per content language, the sentence that keeps unread hours visible."""
    if not text:
        return {code: "" for code in CONTENT_LANGUAGES}
    texts = {}
    for code in CONTENT_LANGUAGES:
        with translation.override(code):
            texts[code] = _("Opening hours given by the source, not yet checked: %(hours)s") % {
                "hours": text
            }
    return texts


def _assign(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def upsert_toilet(record: ToiletRecord) -> str:
    """Create or update the facility of ``record``; return created, updated or unchanged."""
    existing = (
        Facility.objects.select_related("location")
        .filter(source=record.source, source_id=record.source_id)
        .first()
    )
    created = existing is None
    location = Location() if existing is None else existing.location
    descriptions = _unread_hours_text(record.unread_hours)
    location_values = {
        "latitude": record.lat,
        "longitude": record.lon,
        "approximate": False,
        "address": record.address[:200],
        "postcode": record.postcode[:4],
        "wheelchair_accessible": record.wheelchair,
        # The position comes from the source; what may need checking is on the facility.
        "to_verify": False,
        **{f"name_{code}": (record.names.get(code) or "")[:200] for code in CONTENT_LANGUAGES},
        **{f"description_{code}": descriptions[code] for code in CONTENT_LANGUAGES},
    }
    changed = _assign(location, location_values)
    if created or changed:
        actions.save_entry(location)
    to_verify, last_verified_on = record.hours is None, record.last_verified_on
    if existing is None:
        facility = Facility(location=location, source=record.source, source_id=record.source_id)
    else:
        facility = existing
        if facility.last_verified_on is not None and (
            record.last_verified_on is None or facility.last_verified_on > record.last_verified_on
        ):
            # Someone checked the toilet after the source last did: that check stands.
            to_verify, last_verified_on = facility.to_verify, facility.last_verified_on
    facility_values = {
        "kind": record.kind,
        "status": record.status,
        "free": record.free,
        "usable_by_women": record.usable_by_women,
        "all_gender": record.all_gender,
        "urinal_only": record.urinal_only,
        "baby_change": record.baby_change,
        "manager": record.manager,
        "manager_name": record.manager_name[:200],
        "to_verify": to_verify,
        "last_verified_on": last_verified_on,
    }
    facility_changed = _assign(facility, facility_values)
    if created or facility_changed:
        actions.save_entry(facility)
    changed = changed or facility_changed
    wanted = sorted(record.hours or [])
    rows = list(facility.regularschedules.all()) if not created else []
    if sorted((r.weekday, r.opens_at, r.closes_at) for r in rows) != wanted:
        for row in rows:
            actions.delete_entry(row)
        for weekday, opens, closes in wanted:
            actions.save_entry(
                RegularSchedule(
                    facility=facility, weekday=weekday, opens_at=opens, closes_at=closes
                )
            )
        changed = True
    if created:
        return CREATED
    return UPDATED if changed else UNCHANGED


def run_import(
    rows: Iterable[tuple[int, str, object]],
    parse: Callable[[object], ToiletRecord],
    *,
    total: int,
    progress_stream: TextIO | None = None,
) -> ImportReport:
    """Import ``(row number, source id, raw row)`` triples; report each bad row and carry on."""
    report = ImportReport()
    progress = Progress(total, progress_stream)
    for number, source_id, raw in rows:
        try:
            # A savepoint per row: a row the database refuses undoes only its own writes.
            with transaction.atomic():
                record = parse(raw)
                if len(record.source_id) > SOURCE_ID_LENGTH:
                    raise BadRow(
                        f"source id longer than {SOURCE_ID_LENGTH} characters "
                        f"({len(record.source_id)})"
                    )
                where = locate(record.lat, record.lon)
                if not where.inside_region:
                    raise BadRow(
                        f"outside the 19 municipalities of Brussels ({record.lat}, {record.lon})"
                    )
                outcome = upsert_toilet(record)
        except ROW_ERRORS as error:
            report.bad.append(Problem(number, reported_id(source_id), _reason(error)))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
            if record.unread_hours:
                report.warnings.append(
                    Problem(
                        number,
                        reported_id(source_id),
                        f"opening hours not read, kept as text and marked to verify: "
                        f"{record.unread_hours!r}",
                    )
                )
        progress.advance()
    progress.close()
    if report.created or report.updated:
        bump_revision()
    return report
