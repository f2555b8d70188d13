"""The area models: names in the visitor's language, readable __str__."""

import pytest
from django.utils import translation

from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone, name_in_language

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Elsene"),
        ("fr", "Ixelles"),
        ("en", "Ixelles"),
        ("bg", "Ixelles"),
        ("nl-be", "Elsene"),
    ],
)
def test_name_follows_the_active_language(language, expected):
    ixelles = Municipality.objects.get(nis_code="21009")
    with translation.override(language):
        assert ixelles.name == expected
    assert name_in_language("Elsene", "Ixelles", language) == expected


def test_str_names_the_code():
    with translation.override("fr"):
        assert str(Municipality.objects.get(nis_code="21004")) == "21004 Bruxelles"
        assert str(PoliceZone.objects.get(code="5341")) == "5341 Midi"
        assert str(Neighbourhood.objects.get(code=1)) == "1 GRAND PLACE"


def test_every_municipality_is_in_one_of_the_six_zones():
    assert PoliceZone.objects.count() == 6
    assert not Municipality.objects.filter(police_zone__isnull=True).exists()
    assert {z.municipalities.count() for z in PoliceZone.objects.all()} <= {2, 3, 5}
