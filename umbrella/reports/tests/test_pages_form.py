"""The public report form: the thank-you page, refusals in her language, duplicates
(the world: ``world.py``)."""

from __future__ import annotations

import re

import pytest

from umbrella.areas.locate import locate
from umbrella.areas.models import Neighbourhood
from umbrella.reports.models import (
    Report,
)
from umbrella.reports.tests.world import (
    PARIS,
    SAINT_JOSSE,
    UCCLE,
    form_data,
    make_report,
)

pytestmark = pytest.mark.django_db


# -- The report form ---------------------------------------------------------------------------


def test_the_form_offers_every_category_and_the_who_are_you_choices(client, world):
    response = client.get("/fr/reports/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    for code in ("litter", "public-urination", "harassment", "trafficking"):
        assert f'value="{code}"' in html
    for kind in ("resident", "merchant", "sex_worker", "outreach_worker", "other"):
        assert f'value="{kind}"' in html
    # The fallback without script: coordinates and neighbourhoods; the honeypot is there.
    assert 'name="lat"' in html and 'name="lon"' in html and 'name="neighbourhood"' in html
    assert 'name="website"' in html
    # A confidential category says so before she chooses it.
    assert "Soupçon de traite ou d&#x27;exploitation (confidentiel)" in html
    assert "Déchets et seringues (confidentiel)" not in html
    assert (
        response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]
    )


def test_a_valid_report_goes_to_the_thank_you_page_once_with_its_follow_up_link(client, world):
    response = client.post("/en/reports/new/", form_data(email="me@example.org"))
    assert response.status_code == 302
    assert response["Location"] == "/en/reports/new/thanks/"
    report = Report.objects.get()
    assert report.category == world.litter
    assert report.municipality.nis_code == "21014"
    assert report.body == world.saint_josse

    thanks = client.get("/en/reports/new/thanks/")
    assert thanks.status_code == 200
    code = re.search(r'id="follow-up-code">([^<]+)<', thanks.content.decode()).group(1)
    assert actions_report_for(code) == report
    assert f"/en/reports/follow-up/{code}/" in thanks.content.decode()
    assert "no-store" in thanks["Cache-Control"]
    # Shown once: the code is nowhere on a second visit.
    again = client.get("/en/reports/new/thanks/")
    assert again.status_code == 410
    assert code not in again.content.decode()


def actions_report_for(code):
    from umbrella.reports import queries

    return queries.report_for_code(code)


def test_invalid_input_comes_back_with_every_field_kept_and_translated_messages(client, world):
    response = client.post(
        "/fr/reports/new/",
        form_data(point=None, description="", email="pas-une-adresse", wants_police="on"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Décrivez" in html  # the description's message, in French
    assert "Montrez où" in html  # no pin and no neighbourhood
    assert "pas-une-adresse" in html  # what she typed is still there
    assert re.search(r'value="resident"[^>]*checked', html)  # her choice is kept
    assert re.search(r'name="wants_police"[^>]*checked', html)
    assert not Report.objects.exists()


def test_a_place_outside_the_region_is_refused_with_the_region_named(client, world):
    response = client.post(
        "/en/reports/new/", form_data(point=PARIS, description="Litter on the quay.")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Brussels-Capital Region" in html
    assert "Litter on the quay." in html
    assert not Report.objects.exists()


def test_without_a_pin_a_neighbourhood_places_the_report_inside_it(client, world):
    neighbourhood = Neighbourhood.objects.filter(municipality__nis_code="21014").first()
    response = client.post(
        "/en/reports/new/", form_data(point=None, neighbourhood=str(neighbourhood.code))
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.neighbourhood == neighbourhood
    assert locate(report.lat, report.lon).neighbourhood.code == neighbourhood.code


def test_the_honeypot_refuses_a_robot_and_stores_nothing(client, world):
    response = client.post("/en/reports/new/", form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_guard_explains_itself_on_the_thank_you_page(client, world):
    response = client.post(
        "/fr/reports/new/", form_data(description="There are prostitutes always here, remove them.")
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.guard_flagged
    html = client.get("/fr/reports/new/thanks/").content.decode()
    assert "légal" in html  # the explanation, in the reporter's language
    # A held report is not public.
    assert client.get(f"/en/reports/{report.public_id}/").status_code == 404


def test_the_thank_you_page_of_public_urination_lists_the_nearest_toilets(client, world):
    from umbrella.directory.models import TriState
    from umbrella.directory.snapshot import reset_snapshot
    from umbrella.directory.tests import factories

    factories.toilet(
        (50.8531, 4.3691), free=TriState.YES, location_fields={"name_en": "Toilet of the square"}
    )
    reset_snapshot()
    client.post("/en/reports/new/", form_data(category="public-urination"))
    html = client.get("/en/reports/new/thanks/").content.decode()
    assert "Public toilets nearby" in html
    assert "Toilet of the square" in html


def test_the_extra_choices_reach_the_action(client, world):
    response = client.post(
        "/en/reports/new/",
        form_data(
            category="harassment",
            description="A man follows the women every night.",
            wants_police="on",
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.wants_police
    assert {world.outreach, world.police} <= set(report.recipients.all())


# -- Duplicates --------------------------------------------------------------------------------


def test_likely_duplicates_are_suggested_for_the_same_category_close_and_recent(client, world):
    report, _code = make_report(world.litter)
    near = client.get(
        "/en/reports/new/duplicates/", {"category": "litter", "lat": "50.8531", "lon": "4.3691"}
    )
    assert near.status_code == 200
    assert f"/en/reports/{report.public_id}/" in near.content.decode()
    other_category = client.get(
        "/en/reports/new/duplicates/",
        {"category": "public-urination", "lat": "50.8531", "lon": "4.3691"},
    )
    assert f"/en/reports/{report.public_id}/" not in other_category.content.decode()
    far = client.get(
        "/en/reports/new/duplicates/", {"category": "litter", "lat": UCCLE[0], "lon": UCCLE[1]}
    )
    assert f"/en/reports/{report.public_id}/" not in far.content.decode()


def test_a_confidential_category_never_suggests_duplicates(client, world):
    report, _code = make_report(world.trafficking, text="Young women locked in a house at night.")
    response = client.get(
        "/en/reports/new/duplicates/",
        {"category": "trafficking", "lat": SAINT_JOSSE[0], "lon": SAINT_JOSSE[1]},
    )
    assert response.status_code == 200
    assert f"/reports/{report.public_id}/" not in response.content.decode()


def test_the_duplicates_partial_answers_nothing_to_nonsense(client, world):
    response = client.get("/en/reports/new/duplicates/", {"category": "litter", "lat": "north"})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
