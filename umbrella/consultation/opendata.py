"""The open data's shared form: the licence, and CSV files that a spreadsheet opens safely.

The tracker's and the rules monitor's API dictionaries and CSV downloads
(``tracker/exports.py``, ``rules/exports.py``) write through these, so they
carry the same licence lines and the same protection against formulas.
"""

from __future__ import annotations

from umbrella.core import opendata
from umbrella.core.translation import CONTENT_LANGUAGES

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
ATTRIBUTION = "Umbrella Brussels, recommendations tracker and municipal rules monitor"


def all_languages(instance, field: str) -> dict[str, str]:
    """Return ``<field>_nl``, ``_fr`` and ``_en`` of ``instance`` keyed by language."""
    return {code: getattr(instance, f"{field}_{code}") or "" for code in CONTENT_LANGUAGES}


def write_csv(columns, rows) -> str:
    """Return the CSV: the licence and attribution as two ``#`` lines, a header, the rows."""
    return opendata.csv_text(
        columns,
        ([row.get(column) for column in columns] for row in rows),
        licence=LICENCE,
        attribution=ATTRIBUTION,
    )
