"""Fixtures of the observatory tests: the geography, and nothing kept from another test."""

from __future__ import annotations

import pytest

from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.observatory import api, queries, views


@pytest.fixture(autouse=True)
def _forget_cubes():
    """Each test's database starts again at generation 0: forget what the last one kept.

    The cubes, the API's answers and the pages' rendered figures are all kept
    per roll-up generation.
    """
    queries.forget()
    api.forget()
    views.forget_figures()
    yield
    queries.forget()
    api.forget()
    views.forget_figures()
