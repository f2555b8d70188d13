"""Open-data CSV files: licence and attribution lines first, cells a spreadsheet opens safely.

Every CSV the platform publishes (the directory's places, the tracker's and
the rules monitor's tables, the observatory's statistics) is written here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); names and texts come from staff, the public and open data.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Return ``value`` as a CSV cell that no spreadsheet reads as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)  # a number, even negative, is no formula
    text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    # The writer quotes a cell with "\n" (its line end) but not one with a bare
    # "\r", which a reader takes for the end of the row.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_text(
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    licence: str,
    attribution: str,
    notes: Sequence[str] = (),
) -> str:
    """Return a CSV file: ``# License:`` and ``# Attribution:`` lines (and ``notes``),
    the header, then one line per row (each row's values in ``columns``' order)."""
    out = io.StringIO()
    out.write(f"# License: {licence}\n# Attribution: {attribution}\n")
    for note in notes:
        # One line each, whatever the note holds (a title with a line break).
        out.write("# " + " ".join(str(note).split()) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()
