"""Fixtures of the observatory tests: the geography, and no cube kept from another test."""

from __future__ import annotations

import pytest

from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.observatory import queries


@pytest.fixture(autouse=True)
def _forget_cubes():
    queries.forget()
    yield
    queries.forget()
