"""Locations are stamped with their areas; coordinates are never invented."""

import pytest

from umbrella.areas.locate import locate
from umbrella.areas.models import Municipality
from umbrella.directory import actions
from umbrella.directory.models import Location, LocationKind
from umbrella.directory.tests import factories

pytestmark = pytest.mark.django_db


def test_a_point_is_stamped_with_municipality_zone_and_neighbourhood():
    location = factories.location(factories.SAINT_JOSSE)
    expected = locate(*factories.SAINT_JOSSE)
    assert location.municipality.nis_code == expected.municipality.nis_code == "21014"
    assert location.police_zone.code == "5344"
    assert location.neighbourhood.code == expected.neighbourhood.code
    # Moving it re-stamps it.
    location.latitude, location.longitude = factories.UCCLE
    actions.save_entry(location)
    location.refresh_from_db()
    assert location.municipality.nis_code == "21016"
    assert location.police_zone.code == "5342"


def test_a_phone_line_has_no_point_and_keeps_a_municipality_set_by_hand():
    municipality = Municipality.objects.get(nis_code="21001")
    location = Location(kind=LocationKind.VIRTUAL, name_en="Helpline", municipality=municipality)
    actions.save_entry(location)
    location.refresh_from_db()
    assert not location.has_point()
    assert location.police_zone.code == "5341"
    assert location.neighbourhood is None


def test_only_the_municipality_known_means_its_centroid_flagged_approximate():
    ixelles = Municipality.objects.get(nis_code="21009")
    location = actions.place_at_municipality_centroid(Location(name_en="Office"), ixelles)
    actions.save_entry(location)
    location.refresh_from_db()
    assert (location.latitude, location.longitude) == (ixelles.centroid_lat, ixelles.centroid_lon)
    assert location.approximate and location.to_verify
    assert location.municipality == ixelles
    assert location.police_zone.code == "5339"
    assert location.neighbourhood is None


def test_outside_the_region_nothing_is_stamped():
    location = factories.location((50.9, 4.7))  # Leuven side, outside the region
    assert location.municipality is None and location.police_zone is None
