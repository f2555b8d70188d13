"""Toilet importers: the City of Brussels' open data and OpenStreetMap (Overpass JSON).

``import_toilets(path, format="auto")`` reads the file, picks the format
(``elements`` means Overpass; anything else is read as the open-data
export) and upserts every toilet by ``(source, source_id)``. Run it with
``manage.py import_toilets FILE [--format brussels|osm]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from umbrella.directory.importers import brussels, osm
from umbrella.directory.importers.common import ImportReport, run_import

FORMATS = {"brussels": brussels, "osm": osm}


class ImportFileError(ValueError):
    """The file cannot be read at all (not JSON, not a known shape)."""


def detect_format(data) -> str:
    return "osm" if isinstance(data, dict) and "elements" in data else "brussels"


def import_toilets(
    path: str | Path, fmt: str = "auto", *, progress_stream: TextIO | None = None
) -> ImportReport:
    """Import the toilets of the file at ``path``; return the report."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(f"cannot read {path}: {error}") from error
    if fmt == "auto":
        fmt = detect_format(data)
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}: use brussels or osm")
    module = FORMATS[fmt]
    try:
        rows = module.records(data)
    except ValueError as error:
        raise ImportFileError(f"{path} is not {error}") from error
    numbered = ((number, module.source_id(row), row) for number, row in enumerate(rows, 1))
    return run_import(numbered, module.parse, total=len(rows), progress_stream=progress_stream)
