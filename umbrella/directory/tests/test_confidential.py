"""A confidential address: the public sees the municipality; allowed roles see the place."""

import json

import pytest

from umbrella.accounts import actions as accounts_actions
from umbrella.directory import actions
from umbrella.directory.models import Category
from umbrella.directory.queries import find_places, get_place, may_see_confidential
from umbrella.directory.tests import factories
from umbrella.testing import auth_header, sign_in

pytestmark = pytest.mark.django_db

SHELTER_POINT = (50.8560, 4.3700)  # Saint-Josse-ten-Noode


@pytest.fixture
def shelter(personas):
    shelter_org = accounts_actions.ensure_organisation(
        "Shelter organisation (test)", "support_organisation"
    )
    org = factories.organization("Shelter", accounts_organisation=shelter_org)
    sal = factories.service(
        org,
        SHELTER_POINT,
        category=Category.HOUSING,
        name_en="Night shelter",
        location_fields={"confidential": True, "address": "Rue Secrète 7", "postcode": "1210"},
    )
    member = accounts_actions.create_account("shelter-staff", "service_staff")
    accounts_actions.add_membership(member, shelter_org)
    return sal, member


def _allowed(personas, member):
    return {
        "admin": True,
        "outreach": True,
        "member": True,
        "public": False,
        "worker": False,
        "resident": False,
        "police": False,
        "municipality": False,
        "staff": False,
        "outsider": False,
    }


def _people(personas, member):
    return {
        "admin": personas.admin,
        "outreach": personas.outreach,
        "member": member,
        "public": None,
        "worker": personas.worker,
        "resident": personas.resident,
        "police": personas.police,
        "municipality": personas.municipality,
        "staff": personas.staff,
        "outsider": personas.outsider,
    }


def test_the_rule_per_role_in_queries(personas, shelter):
    sal, member = shelter
    allowed = _allowed(personas, member)
    for name, user in _people(personas, member).items():
        [found] = find_places("service", user=user)
        assert found.visible is allowed[name], name
        assert may_see_confidential(user, sal.location) is allowed[name], name
        feature = found.feature("en", None)
        if allowed[name]:
            assert feature["geometry"]["coordinates"] == [SHELTER_POINT[1], SHELTER_POINT[0]]
            assert feature["properties"]["address"] == "Rue Secrète 7"
        else:
            assert feature["geometry"] is None
            assert feature["properties"]["address"] is None
            assert feature["properties"]["postcode"] is None
            assert feature["properties"]["neighbourhood"] is None
            assert feature["properties"]["location_hidden"] is True
            assert feature["properties"]["municipality"]["nis_code"] == "21014"
        assert get_place(found.place.id, user=user).visible is allowed[name]


def test_the_public_is_sorted_and_filtered_by_the_municipality_centre(personas, shelter):
    # 30 m from the real door, but 1 km from the municipality's centre, the
    # public must not find it within 100 m (distance would betray the door).
    near_door = (SHELTER_POINT[0] + 0.0002, SHELTER_POINT[1])
    assert find_places("service", lat=near_door[0], lon=near_door[1], radius=100) == []
    [found] = find_places(
        "service", lat=near_door[0], lon=near_door[1], radius=100, user=personas.outreach
    )
    assert found.distance_m < 100
    [public] = find_places("service", lat=near_door[0], lon=near_door[1])
    assert public.distance_m > 100
    assert public.lat is None


def test_the_api_never_leaks_the_position(client, personas, shelter):
    sal, member = shelter
    for user in (None, personas.worker, personas.police, personas.staff):
        headers = auth_header(user) if user else {}
        response = client.get(
            "/api/v1/places",
            {"kind": "service", "lat": SHELTER_POINT[0], "lon": SHELTER_POINT[1]},
            **headers,
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert "Secrète" not in text
        assert "4.37," not in text and "50.856" not in text
        [feature] = json.loads(text)["features"]
        assert feature["geometry"] is None
    for user in (personas.outreach, personas.admin, member):
        response = client.get("/api/v1/places", {"kind": "service"}, **auth_header(user))
        [feature] = response.json()["features"]
        assert feature["geometry"]["coordinates"] == [SHELTER_POINT[1], SHELTER_POINT[0]]
        assert (
            response["Cache-Control"].startswith("private")
            or "no-store" in response["Cache-Control"]
        )


def test_text_search_does_not_match_a_hidden_address(personas, shelter):
    assert find_places("service", text="secrete") == []
    assert len(find_places("service", text="night shelter")) == 1


def _raw_row(pk):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT address, postcode, latitude, longitude, sealed FROM directory_location "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_the_address_and_position_are_encrypted_at_rest(personas, shelter):
    sal, member = shelter
    address, postcode, lat, lon, sealed = _raw_row(sal.location.pk)
    assert (address, postcode, lat, lon) == ("", "", None, None)
    assert "Secrète" not in sealed and "50.856" not in sealed
    loaded = type(sal.location).objects.get(pk=sal.location.pk)
    assert (loaded.address, loaded.latitude, loaded.longitude) == (
        "Rue Secrète 7",
        SHELTER_POINT[0],
        SHELTER_POINT[1],
    )
    # Stamped from the real point, before it was sealed.
    assert loaded.municipality.nis_code == "21014"
    # No longer confidential: back in plain columns.
    loaded.confidential = False
    actions.save_entry(loaded, personas.admin)
    assert _raw_row(loaded.pk)[:4] == ("Rue Secrète 7", "1210", SHELTER_POINT[0], SHELTER_POINT[1])


def test_the_change_log_does_not_keep_a_confidential_address(personas, shelter):
    sal, member = shelter
    location = type(sal.location).objects.get(pk=sal.location.pk)
    location.address = "Rue Autre 9"
    entries = actions.save_entry(location, member)
    [entry] = [e for e in entries if e.field == "address"]
    assert (entry.old_value, entry.new_value) == ("(confidential)", "(confidential)")
    logged = " ".join(f"{e.old_value} {e.new_value}" for e in actions.history(location))
    assert "Secrète" not in logged and "Autre" not in logged and "50.856" not in logged


@pytest.fixture
def hidden_house(personas):
    """A confidential place whose name, address and directions hold words found nowhere else."""
    return factories.service(
        None,
        SHELTER_POINT,
        category=Category.HOUSING,
        name_en="Emergency housing",
        location_fields={
            "confidential": True,
            "name_fr": "Maison Tournesol",
            "address": "Rue Cachée 12",
            "transportation_fr": "Tram 92, porte jaune à côté de la boulangerie",
            "transportation_en": "Tram 92, the yellow door next to the bakery",
        },
    )


WHERE_WORDS = ("yellow door", "porte jaune", "boulangerie", "tournesol", "cachee", "rue cachée")


def test_text_search_covers_only_what_the_public_may_see(personas, hidden_house):
    for words in WHERE_WORDS:
        assert find_places(text=words) == [], words
        assert find_places("service", text=words, user=personas.police) == [], words
        [found] = find_places("service", text=words, user=personas.outreach)
        assert found.place.pk == hidden_house.pk, words
    # What the public is shown is still found.
    [public] = find_places("service", text="emergency housing")
    assert public.visible is False
    properties = public.feature("en", None)["properties"]
    assert properties["transportation"] == "" and properties["location_name"] == ""


def test_the_api_and_list_search_do_not_reveal_the_directions(client, personas, hidden_house):
    for words in WHERE_WORDS:
        response = client.get("/api/v1/places", {"q": words})
        assert response.status_code == 200
        assert response.json()["features"] == [], words
        page = client.get("/fr/directory/", {"q": words})
        assert page.status_code == 200
        assert page.context["items"] == [], words
        assert "Tournesol" not in page.content.decode()
    allowed = client.get("/api/v1/places", {"q": "porte jaune"}, **auth_header(personas.outreach))
    [feature] = allowed.json()["features"]
    assert feature["properties"]["transportation"].startswith("Tram 92")
    sign_in(client, personas.outreach)
    page = client.get("/fr/directory/", {"q": "porte jaune"})
    assert [item["found"].place.pk for item in page.context["items"]] == [hidden_house.pk]
