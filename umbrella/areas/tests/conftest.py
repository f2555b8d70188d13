"""Fixtures of the geography tests: the shipped Brussels data, loaded once."""

import pytest

from umbrella.areas.actions import load_brussels
from umbrella.areas.geojson import reset_geojson_cache
from umbrella.areas.locate import reset_index
from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone


def geography_is_loaded() -> bool:
    return (
        PoliceZone.objects.count() == 6
        and Municipality.objects.count() == 19
        and Neighbourhood.objects.count() == 145
    )


@pytest.fixture(scope="module", autouse=True)
def brussels(django_db_setup, django_db_blocker):
    """Load the shipped geography, committed, before each test module that lacks it.

    Module-scoped so that it runs before a test's own transaction opens, and
    so that loading happens once, not per test. It checks again per module
    because a transactional test (a browser test) empties the database when
    it ends.
    """
    with django_db_blocker.unblock():
        if not geography_is_loaded():
            load_brussels()
            reset_index()
            reset_geojson_cache()


def reload_geography() -> None:
    """Load the geography if a transactional test's flush removed it; forget the caches."""
    if not geography_is_loaded():
        load_brussels()
    reset_index()
    reset_geojson_cache()


@pytest.fixture
def empty_geography(db):
    """Remove the geography for one test (rolled back after it) and forget the caches."""
    Neighbourhood.objects.all().delete()
    Municipality.objects.all().delete()
    PoliceZone.objects.all().delete()
    reset_index()
    reset_geojson_cache()
    yield
    reset_index()
    reset_geojson_cache()
