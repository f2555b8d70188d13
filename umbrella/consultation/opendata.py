"""The open data's shared form: the licence, and CSV files that a spreadsheet opens safely.

The tracker's and the rules monitor's API dictionaries and CSV downloads
(``tracker/exports.py``, ``rules/exports.py``) write through these, so they
carry the same licence lines and the same protection against formulas.
"""

from __future__ import annotations

import csv
import io

from umbrella.directory.models.translation import CONTENT_LANGUAGES

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
ATTRIBUTION = "Umbrella Brussels, recommendations tracker and municipal rules monitor"


def all_languages(instance, field: str) -> dict[str, str]:
    """Return ``<field>_nl``, ``_fr`` and ``_en`` of ``instance`` keyed by language."""
    return {code: getattr(instance, f"{field}_{code}") or "" for code in CONTENT_LANGUAGES}


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def write_csv(columns, rows) -> str:
    """Return the CSV: the licence and attribution as two ``#`` lines, a header, the rows."""
    out = io.StringIO()
    out.write(f"# License: {LICENCE}\n# Attribution: {ATTRIBUTION}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()
