"""Fixtures of the directory tests: the Brussels geography, fresh caches, small factories."""

from __future__ import annotations

import pytest

from umbrella.areas.geojson import reset_geojson_cache
from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.directory.snapshot import reset_snapshot


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Each test rolls back its writes, so two tests can reach the same
    # revision number with different rows: forget what the last one built.
    reset_snapshot()
    reset_geojson_cache()
    yield
    reset_snapshot()
    reset_geojson_cache()
