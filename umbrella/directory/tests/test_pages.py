"""The public pages: list (no JavaScript needed), filters, detail, the confidential rule, 404."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from umbrella.accounts.models import Organisation
from umbrella.directory.models import LanguageCode, TriState
from umbrella.directory.tests import factories
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
# A Wednesday morning.
MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=BRUSSELS)
LIST = "/en/directory/"


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def places(db):
    day_hours = [(d, time(8), time(18)) for d in range(7)]
    near_free = factories.toilet(
        (50.8531, 4.3691),
        free=TriState.YES,
        hours=day_hours,
        location_fields={"name_fr": "Toilette Saint-Josse", "name_en": "Saint-Josse toilet"},
        last_verified_on=date(2026, 10, 1),
    )
    paying = factories.toilet((50.8529, 4.3689), free=TriState.NO, hours=day_hours)
    night_only = factories.toilet(
        (50.8532, 4.3692), free=TriState.YES, hours=[(d, time(20), time(6)) for d in range(7)]
    )
    far_free = factories.toilet(factories.UCCLE, free=TriState.YES, hours=day_hours)
    unknown = factories.toilet((50.8533, 4.3693), hours=[], location_fields={"name_en": "Mystery"})
    no_papers = factories.service(
        None,
        factories.NORTH_STATION,
        name_fr="Consultation sans papiers",
        name_en="Walk-in clinic",
        no_papers_needed=True,
        free=True,
        languages=[LanguageCode.RO],
        hours=day_hours,
    )
    papers = factories.service(
        None, factories.SAINT_JOSSE, name_en="Papers please", hours=day_hours
    )
    return {
        "near_free": near_free,
        "paying": paying,
        "night_only": night_only,
        "far_free": far_free,
        "unknown": unknown,
        "no_papers": no_papers,
        "papers": papers,
    }


@pytest.fixture
def shelter(db):
    cpas = Organisation.objects.get(name="OCMW/CPAS Saint-Josse (test)")
    org = factories.organization("Shelter org", accounts_organisation=cpas)
    return factories.service(
        org,
        (50.8550, 4.3700),
        name_en="Night shelter",
        location_fields={
            "confidential": True,
            "address": "Secret street 1",
            "transportation_en": "Bus 61 to the hidden stop",
        },
    )


def _ids(response):
    return [item.place.id for item in (i["found"] for i in response.context["items"])]


def test_list_works_without_javascript(client, places):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form id="directory-filters"' in html and 'method="get"' in html
    assert "Saint-Josse toilet" in html and "Walk-in clinic" in html
    # The map is hidden until its script runs, so no empty box without JavaScript.
    assert "data-directory-map" in html and "hidden" in html
    assert len(_ids(response)) == 7


def test_nearest_free_toilet_open_now(client, places):
    response = client.get(
        LIST, {"kind": "toilet", "free": "1", "open_now": "1", "lat": "50.8530", "lon": "4.3690"}
    )
    assert response.status_code == 200
    assert _ids(response) == [f"toilet-{places[k].pk}" for k in ("near_free", "far_free")]
    assert "nearest first from your point" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_service_filters_and_text_search(client, places):
    ids = _ids(client.get(LIST, {"kind": "service", "no_papers": "1"}))
    assert ids == [f"service-{places['no_papers'].pk}"]
    assert _ids(client.get(LIST, {"language": "ro"})) == ids
    # Any language of the name, without accents.
    assert _ids(client.get(LIST, {"q": "sans papiers"})) == ids
    assert _ids(client.get(LIST, {"q": "consultation", "kind": "toilet"})) == []


def test_municipality_gives_the_point(client, places):
    response = client.get(LIST, {"kind": "toilet", "near": "21014"})
    assert response.status_code == 200
    assert _ids(response)[-1] == f"toilet-{places['far_free'].pk}"
    assert "nearest first from the centre of" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "99999"}, "Choisissez une commune"),
        ({"lat": "abc", "lon": "4.36"}, "abc"),
        ({"category": "nope"}, "catégorie"),
    ],
)
def test_bad_filters_answer_400_with_a_translated_message(client, places, params, message):
    response = client.get("/fr/directory/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": "nan", "lon": "4.36"}, "nan"),
        ({"lat": "50.85", "lon": "inf"}, "inf"),
        ({"lat": "1e999", "lon": "4.36"}, "1e999"),
        ({"lat": "50.85", "lon": "9" * 5000}, "9999"),
    ],
)
def test_numbers_that_are_no_coordinates_answer_400(client, db, params, message):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("page", ["²", "٣", "9" * 5000, "-1", "0", "2.5", "abc"])
def test_a_page_that_is_no_plain_number_shows_the_first_page(client, places, page):
    response = client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert response.context["page_number"] == 1
    assert len(_ids(response)) == 7


def test_pages_of_results(client, db):
    for _n in range(55):
        factories.toilet(factories.GRAND_PLACE)
    first = client.get(LIST)
    assert len(first.context["items"]) == 50 and first.context["has_next"]
    second = client.get(LIST, {"page": "2"})
    assert len(second.context["items"]) == 5 and not second.context["has_next"]


def test_toilet_detail_shows_the_week_and_when_it_closes(client, places):
    response = client.get(f"/fr/directory/place/toilet-{places['near_free'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ouvert maintenant, ferme à 18:00" in html
    assert html.count('aria-current="date"') == 1
    assert "mercredi 2 décembre" in html
    assert "geo:50.853100,4.369100" in html
    # Attributes nobody checked are shown as unknown, not as "no".
    assert "Inconnu" in html


def test_detail_marks_unknown_hours_demo_to_verify_approximate(client, db):
    facility = factories.toilet(
        factories.GRAND_PLACE,
        hours=[],
        is_demo=True,
        location_fields={"name_en": "Example", "approximate": True},
    )
    html = client.get(f"/en/directory/place/toilet-{facility.pk}/").content.decode()
    assert "Hours not known" in html
    assert "Demo data" in html
    assert "To verify" in html
    assert "Approximate location" in html
    assert "never been checked" in html


def test_service_detail_lists_languages_and_attributes(client, places):
    html = client.get(f"/en/directory/place/service-{places['no_papers'].pk}/").content.decode()
    assert "Romanian" in html
    assert "No residence papers needed" in html
    assert "Police zone 5344" in html


@pytest.mark.parametrize("place_id", ["toilet-999999", "service-0", "nonsense", "toilet-1x"])
def test_unknown_place_is_404(client, db, place_id):
    assert client.get(f"/en/directory/place/{place_id}/").status_code == 404


def _detail(client, shelter):
    return client.get(f"/en/directory/place/service-{shelter.pk}/").content.decode()


def test_confidential_address_is_hidden_from_the_public(client, personas, shelter):
    html = _detail(client, shelter)
    assert "Secret street" not in html and "hidden stop" not in html
    assert "geo:" not in html
    assert "Saint-Josse" in html  # its municipality only
    listed = client.get(LIST).content.decode()
    assert "Secret street" not in listed
    assert 'data-lat="50.855000"' not in listed


@pytest.mark.parametrize("persona", ["outreach", "staff", "admin"])
def test_confidential_address_shown_to_allowed_roles(client, personas, shelter, persona):
    sign_in(client, getattr(personas, persona))
    html = _detail(client, shelter)
    assert "Secret street 1" in html
    assert "geo:50.855000,4.370000" in html


@pytest.mark.parametrize("persona", ["worker", "police", "municipality", "resident", "responder"])
def test_confidential_address_hidden_from_other_roles(client, personas, shelter, persona):
    sign_in(client, getattr(personas, persona))
    html = _detail(client, shelter)
    assert "Secret street" not in html and "geo:" not in html


def test_navigation_links_to_the_directory(client, db):
    html = client.get("/nl/areas/map/").content.decode()
    assert 'href="/nl/directory/"' in html


def test_pages_are_printable(client, places):
    from django.contrib.staticfiles import finders

    html = client.get(LIST).content.decode()
    assert "directory/directory.css" in html
    css = open(finders.find("directory/directory.css"), encoding="utf-8").read()
    print_rules = css[css.index("@media print") :]
    # The list prints without the form, the map and the paging.
    assert ".directory-filters" in print_rules and ".directory-map" in print_rules
