"""Content translated per field, with fallbacks that say which language they used."""

import pytest
from django.utils import translation

from umbrella.core.translation import fallback_chain, pick
from umbrella.directory.models import Organization, Service
from umbrella.directory.queries import find_places
from umbrella.directory.tests import factories


def test_fallback_chains():
    assert fallback_chain("nl") == ("nl", "fr", "en")
    assert fallback_chain("fr-be") == ("fr", "nl", "en")
    assert fallback_chain("ro") == ("en", "fr", "nl")
    assert pick({"nl": "", "fr": "Bonjour", "en": ""}, "nl") == ("Bonjour", "fr")
    assert pick({"nl": " ", "fr": "", "en": ""}, "en") == ("", "")


def test_translated_uses_the_active_language():
    service = Service(
        organization=Organization(name="X"),
        name_nl="Anonieme test",
        name_fr="Test anonyme",
        name_en="",
    )
    with translation.override("nl"):
        assert service.translated("name") == "Anonieme test"
    assert service.translated("name", "en") == "Test anonyme"
    assert service.translated_with_language("name", "bg") == ("Test anonyme", "fr")


@pytest.mark.django_db
def test_places_serve_each_language_and_name_the_fallback():
    factories.service(name_nl="Dienst", name_fr="Service social", name_en="")
    [found] = find_places("service")
    assert found.feature("nl", None)["properties"]["name"] == "Dienst"
    english = found.feature("en", None)["properties"]
    assert (english["name"], english["name_language"]) == ("Service social", "fr")
    # Category labels come from the catalogues of each site language.
    labels = {
        code: found.feature(code, None)["properties"]["category_label"] for code in ("nl", "fr")
    }
    assert labels["fr"] == "Dépistage santé et IST"
    assert labels["nl"] == "Gezondheid en soa-testen"
    assert found.feature("en", None)["properties"]["category_label"] == "Health and STI testing"


@pytest.mark.django_db
def test_without_a_point_places_are_sorted_by_their_name_in_the_language(client):
    a = factories.service(name_nl="Zeta", name_fr="Alpha", name_en="")
    b = factories.service(name_nl="Beta", name_fr="Omega", name_en="")
    assert [f.place.pk for f in find_places("service", lang="nl")] == [b.pk, a.pk]
    assert [f.place.pk for f in find_places("service", lang="fr")] == [a.pk, b.pk]
    features = client.get("/api/v1/places", {"kind": "service", "lang": "nl"}).json()["features"]
    assert [f["properties"]["name"] for f in features] == ["Beta", "Zeta"]
