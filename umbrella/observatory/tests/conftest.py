"""Fixtures of the observatory tests: the geography, and no cube kept from another test."""

from __future__ import annotations

import pytest

from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.observatory import api, queries


@pytest.fixture(autouse=True)
def _forget_cubes():
    """Each test's database starts again at generation 0: forget what the last one kept."""
    queries.forget()
    api.forget()
    yield
    queries.forget()
    api.forget()
