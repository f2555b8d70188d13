"""``manage.py load_population``: record residents per municipality or neighbourhood from a CSV.

Two layouts are read (docs/observatory.md says where to download them):
- Statbel's open-data population file (``TF_SOC_POP_STRUCT_<year>``): one row per
  municipality, sex, age, nationality…, with the columns ``CD_REFNIS`` and
  ``MS_POPULATION``; the rows are summed per ``CD_REFNIS``;
- a plain ``code,population`` file, e.g. from IBSA/BISA's Monitoring des quartiers.
The separator (comma, semicolon, tab or ``|``) is taken from the header line.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from umbrella.areas.actions import record_population
from umbrella.areas.models import PopulationKind

LAYOUTS = (("CD_REFNIS", "MS_POPULATION"), ("code", "population"))


def read_residents(path: Path) -> dict[str, int]:
    """Return ``code`` → residents from a Statbel or a ``code,population`` CSV file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot be read ({error}).") from error
    header = text.partition("\n")[0]
    delimiter = max(",;\t|", key=header.count)
    rows = csv.DictReader(text.splitlines(), delimiter=delimiter)
    fields = {name.strip().lower(): name for name in rows.fieldnames or ()}
    layout = next((pair for pair in LAYOUTS if all(c.lower() in fields for c in pair)), None)
    if layout is None:
        raise CommandError(
            f"{path}: expected the columns CD_REFNIS and MS_POPULATION (Statbel) "
            "or code and population."
        )
    code_column, number_column = (fields[c.lower()] for c in layout)
    residents: Counter[str] = Counter()
    for line, row in enumerate(rows, start=2):
        code = (row.get(code_column) or "").strip()
        number = (row.get(number_column) or "").strip().replace(" ", "")
        if not code and not number:
            continue
        if not number.isdigit():
            raise CommandError(f"{path}, line {line}: “{number}” is not a number of residents.")
        residents[code.lstrip("0") if layout[0] == "code" else code] += int(number)
    if not residents:
        raise CommandError(f"{path}: no rows.")
    return dict(residents)


class Command(BaseCommand):
    help = (
        "Record the residents of the region's municipalities (Statbel, by NIS code) or "
        "monitoring neighbourhoods (IBSA/BISA, by neighbourhood code) from a CSV file, with "
        "the source and its reference date. Codes outside the region are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The CSV file.")
        parser.add_argument(
            "--kind",
            required=True,
            choices=PopulationKind.values,
            help="municipality (NIS codes) or neighbourhood (monitoring codes).",
        )
        parser.add_argument(
            "--source",
            required=True,
            help="Who published the figures, as the method notes should cite it "
            "(e.g. “Statbel, population by place of residence”).",
        )
        parser.add_argument(
            "--date",
            required=True,
            type=date.fromisoformat,
            help="The reference date of the figures (YYYY-MM-DD, e.g. 2025-01-01).",
        )

    def handle(self, *args, path, kind, source, date, **options):
        residents = read_residents(path)
        counts = record_population(
            kind, residents, source=source.strip(), reference_date=date, now=timezone.now()
        )
        self.stdout.write(f"{kind}: {counts.recorded} recorded from {source} ({date}).")
        if counts.skipped:
            self.stdout.write(
                f"Skipped {len(counts.skipped)} code(s) that are no {kind} of the region."
            )
        if not counts.recorded:
            raise CommandError(f"No code of the file is a {kind} of the region.")
