"""/api/v1/openapi.json is the committed snapshot: every change to the API is reviewed (issue 16).

``snapshots/openapi.json`` beside this file is the document, pretty-printed
with sorted keys. A change to a route, a schema or a documented answer makes
this test fail with the diff; when the change is meant, regenerate the
snapshot and commit it with the change, so that the diff is read in review:

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -p no:cacheprovider \
        umbrella/core/tests/test_openapi_snapshot.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"
REGENERATE = (
    "UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -p no:cacheprovider "
    "umbrella/core/tests/test_openapi_snapshot.py"
)
# Enough of the diff to see what changed; the whole of it is one regeneration away.
DIFF_LINES = 80


def render(document: dict) -> str:
    """Return the document as the snapshot stores it: indented, keys sorted, UTF-8."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_document_is_the_committed_snapshot(client):
    response = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    live = render(response.json())
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(live, encoding="utf-8")
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if live == committed:
        return
    diff = list(
        difflib.unified_diff(
            committed.splitlines(),
            live.splitlines(),
            "committed snapshot",
            "/api/v1/openapi.json now",
            lineterm="",
        )
    )
    shown = "\n".join(diff[:DIFF_LINES])
    more = f"\n… and {len(diff) - DIFF_LINES} more lines" if len(diff) > DIFF_LINES else ""
    pytest.fail(
        f"The OpenAPI document differs from {SNAPSHOT.relative_to(settings.BASE_DIR)}:\n"
        f"{shown}{more}\n\n"
        "If the API changed on purpose, regenerate the snapshot and commit it with the change:\n"
        f"    {REGENERATE}",
        pytrace=False,
    )


def test_the_snapshot_is_the_document_in_its_stored_form():
    # Written by hand or by another tool, it would fail for whitespace alone.
    committed = SNAPSHOT.read_text(encoding="utf-8")
    assert render(json.loads(committed)) == committed, f"Regenerate it: {REGENERATE}"
