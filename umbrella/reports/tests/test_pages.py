"""The public report pages: report (with and without a pin), thank-you, list, detail, duplicates.

The world of these tests (``world``): Saint-Josse's municipality, zone 5344's police, an
outreach organisation that mediates, and four categories — litter (to the municipality),
public urination (to the municipality, with toilets), harassment of sex workers (to outreach,
to the police only if asked) and suspected trafficking (confidential, to the zone's police
reference). Reports are made through the real action, as the form does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import Organisation, OrganisationKind, Role
from umbrella.areas.locate import locate
from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone
from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.reports import actions
from umbrella.reports.models import (
    Body,
    BodyKind,
    Category,
    GuardTerm,
    GuardTermKind,
    Report,
    ReportStatus,
    RoutingCondition,
    RoutingRule,
    RoutingTarget,
)
from umbrella.testing import PERSONA_PASSWORD

pytestmark = pytest.mark.django_db

# Rue de la Prairie, Saint-Josse-ten-Noode (21014, zone 5344).
SAINT_JOSSE = (50.8530, 4.3690)
# Uccle (21016, zone 5342).
UCCLE = (50.8000, 4.3400)
# Paris: outside the region.
PARIS = (48.8566, 2.3522)


@dataclass
class World:
    saint_josse: Body
    schaerbeek: Body
    police: Body
    outreach: Body
    litter: Category
    urination: Category
    harassment: Category
    trafficking: Category
    other_officer: object


def _category(code, name_en, name_fr, name_nl, **flags) -> Category:
    return Category.objects.create(
        code=code, group="public_space", name_en=name_en, name_fr=name_fr, name_nl=name_nl, **flags
    )


def _rule(category, target, body=None, condition=RoutingCondition.ALWAYS) -> None:
    RoutingRule.objects.create(category=category, target=target, body=body, condition=condition)


def build_world(people) -> World:
    """Create the bodies, categories and routing rules the page tests use."""
    municipality_org = Organisation.objects.get(
        nis_code="21014", kind=OrganisationKind.MUNICIPALITY
    )
    police_org = Organisation.objects.get(zone_code="5344", kind=OrganisationKind.POLICE_ZONE)
    outreach_org = Organisation.objects.get(kind=OrganisationKind.SUPPORT_ORGANISATION)
    schaerbeek_org = accounts.ensure_organisation(
        "Schaerbeek (test)", OrganisationKind.MUNICIPALITY, nis_code="21015"
    )
    other_officer = accounts.create_account(
        "schaerbeek-officer", Role.MUNICIPALITY_OFFICER, password=PERSONA_PASSWORD
    )
    accounts.add_membership(other_officer, schaerbeek_org)
    saint_josse = Body.objects.create(
        code="municipality-21014",
        kind=BodyKind.MUNICIPALITY,
        name_en="Saint-Josse-ten-Noode",
        name_fr="Saint-Josse-ten-Noode",
        name_nl="Sint-Joost-ten-Node",
        organisation=municipality_org,
        municipality=Municipality.objects.get(nis_code="21014"),
    )
    schaerbeek = Body.objects.create(
        code="municipality-21015",
        kind=BodyKind.MUNICIPALITY,
        name_en="Schaerbeek",
        name_fr="Schaerbeek",
        name_nl="Schaarbeek",
        organisation=schaerbeek_org,
        municipality=Municipality.objects.get(nis_code="21015"),
    )
    police = Body.objects.create(
        code="zone-5344",
        kind=BodyKind.POLICE_ZONE,
        name_en="Police zone Brussels-North",
        name_fr="Zone de police Bruxelles-Nord",
        name_nl="Politiezone Brussel-Noord",
        organisation=police_org,
        police_zone=PoliceZone.objects.get(code="5344"),
    )
    outreach = Body.objects.create(
        code="outreach",
        kind=BodyKind.SUPPORT_ORGANISATION,
        name_en="Outreach team",
        name_fr="Travail de rue",
        name_nl="Straathoekwerk",
        organisation=outreach_org,
        mediates=True,
    )
    litter = _category("litter", "Litter and needles", "Déchets et seringues", "Afval en naalden")
    urination = _category(
        "public-urination", "Public urination", "Uriner en rue", "Wildplassen", shows_toilets=True
    )
    harassment = _category(
        "harassment",
        "Harassment of or violence against sex workers",
        "Harcèlement ou violence envers des travailleuses du sexe",
        "Intimidatie van of geweld tegen sekswerkers",
        offers_police=True,
        guarded=False,
    )
    trafficking = _category(
        "trafficking",
        "Suspected trafficking or exploitation",
        "Soupçon de traite ou d'exploitation",
        "Vermoeden van mensenhandel of uitbuiting",
        confidential=True,
        offers_victim_support=True,
        guarded=False,
    )
    _rule(litter, RoutingTarget.MUNICIPALITY)
    _rule(urination, RoutingTarget.MUNICIPALITY)
    _rule(harassment, RoutingTarget.BODY, outreach)
    _rule(harassment, RoutingTarget.POLICE_ZONE, condition=RoutingCondition.REPORTER_ASKS_POLICE)
    _rule(trafficking, RoutingTarget.POLICE_ZONE)
    GuardTerm.objects.create(kind=GuardTermKind.PERSON, language="en", term="prostitute*")
    GuardTerm.objects.create(kind=GuardTermKind.PRESENCE, language="en", term="always here")
    return World(
        saint_josse,
        schaerbeek,
        police,
        outreach,
        litter,
        urination,
        harassment,
        trafficking,
        other_officer,
    )


@pytest.fixture
def world(personas) -> World:
    return build_world(personas)


def make_report(category, point=SAINT_JOSSE, text="Broken glass all over the pavement.", **extra):
    """Make a report through the action, as the form does; return (report, code)."""
    submitted = actions.submit_report(
        category=category,
        lat=point[0],
        lon=point[1],
        description=text,
        reporter_kind=extra.pop("reporter_kind", "resident"),
        language=extra.pop("language", "en"),
        client_key=extra.pop("client_key", "test-client"),
        **extra,
    )
    return submitted.report, submitted.follow_up_code


def _form(category="litter", point=SAINT_JOSSE, **fields):
    data = {
        "category": category,
        "lat": str(point[0]) if point else "",
        "lon": str(point[1]) if point else "",
        "description": "Broken glass all over the pavement.",
        "reporter_kind": "resident",
        "email": "",
        "website": "",
    }
    data.update(fields)
    return data


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
    response = client.post("/en/reports/new/", _form(email="me@example.org"))
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
        _form(point=None, description="", email="pas-une-adresse", wants_police="on"),
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
        "/en/reports/new/", _form(point=PARIS, description="Litter on the quay.")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Brussels-Capital Region" in html
    assert "Litter on the quay." in html
    assert not Report.objects.exists()


def test_without_a_pin_a_neighbourhood_places_the_report_inside_it(client, world):
    neighbourhood = Neighbourhood.objects.filter(municipality__nis_code="21014").first()
    response = client.post(
        "/en/reports/new/", _form(point=None, neighbourhood=str(neighbourhood.code))
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.neighbourhood == neighbourhood
    assert locate(report.lat, report.lon).neighbourhood.code == neighbourhood.code


def test_the_honeypot_refuses_a_robot_and_stores_nothing(client, world):
    response = client.post("/en/reports/new/", _form(website="http://spam.example"))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_guard_explains_itself_on_the_thank_you_page(client, world):
    response = client.post(
        "/fr/reports/new/", _form(description="There are prostitutes always here, remove them.")
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
    client.post("/en/reports/new/", _form(category="public-urination"))
    html = client.get("/en/reports/new/thanks/").content.decode()
    assert "Public toilets nearby" in html
    assert "Toilet of the square" in html


def test_the_extra_choices_reach_the_action(client, world):
    response = client.post(
        "/en/reports/new/",
        _form(
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


# -- Public list and detail --------------------------------------------------------------------


def test_the_public_list_shows_public_reports_and_never_a_confidential_one(client, world):
    litter, _ = make_report(world.litter)
    secret, _ = make_report(world.trafficking, text="Young women locked in a house at night.")
    response = client.get("/en/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/en/reports/{litter.public_id}/" in html
    assert f"/en/reports/{secret.public_id}/" not in html
    assert "Suspected trafficking" not in html.split("<main")[1].split('id="reports-results"')[1]
    # The rounded location only.
    lat, lon = litter.public_lat, litter.public_lon
    assert f'data-lat="{lat:.5f}"' in html and f'data-lon="{lon:.5f}"' in html


def test_the_public_list_filters_by_status_category_and_municipality(client, world):
    here, _ = make_report(world.litter)
    there, _ = make_report(world.urination, point=UCCLE, text="Someone urinates at the bus stop.")

    def listed(**query):
        html = client.get("/en/reports/", query).content.decode()
        return {r.pk for r in (here, there) if f"/en/reports/{r.public_id}/" in html}

    assert listed() == {here.pk, there.pk}
    assert listed(category="litter") == {here.pk}
    assert listed(municipality="21016") == {there.pk}
    assert listed(status="fixed") == set()
    # Saint-Josse's report reached its municipality; no body covers Uccle in this world.
    assert listed(status="open") == {here.pk}
    assert listed(status="submitted") == {there.pk}
    bad = client.get("/en/reports/", {"status": "nonsense"})
    assert bad.status_code == 400
    assert "Choose a value from the list." in bad.content.decode()


def test_the_public_detail_shows_public_updates_only(client, world, personas):
    report, _ = make_report(world.litter)
    actions.post_update(
        report,
        author=personas.municipality,
        text="Cleaning team on its way.",
        new_status=ReportStatus.IN_PROGRESS,
    )
    actions.post_update(
        report, author=personas.municipality, text="Internal: call the contractor.", public=False
    )
    response = client.get(f"/en/reports/{report.public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cleaning team on its way." in html
    assert "Internal: call the contractor." not in html
    # The description stays between the reporter and the body.
    assert "Broken glass all over the pavement." not in html


def test_a_confidential_report_has_no_public_page(client, world):
    report, _ = make_report(world.trafficking, text="Young women locked in a house at night.")
    assert client.get(f"/en/reports/{report.public_id}/").status_code == 404
    assert client.get("/en/reports/999999/").status_code == 404


# -- The follow-up by code ---------------------------------------------------------------------


def test_the_follow_up_link_shows_her_report_and_its_public_updates(client, world, personas):
    report, code = make_report(world.litter)
    actions.post_update(report, author=personas.municipality, text="We will clean it tomorrow.")
    actions.post_update(report, author=personas.municipality, text="Staff note.", public=False)
    response = client.get(f"/en/reports/follow-up/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Broken glass all over the pavement." in html
    assert "We will clean it tomorrow." in html
    assert "Staff note." not in html
    assert "no-store" in response["Cache-Control"]
    assert client.get("/en/reports/follow-up/not-a-code/").status_code == 404


def test_the_reporter_reopens_a_fixed_report_with_her_code(client, world, personas):
    report, code = make_report(world.litter)
    actions.post_update(
        report, author=personas.municipality, text="Cleaned.", new_status=ReportStatus.FIXED
    )
    page = client.get(f"/en/reports/follow-up/{code}/").content.decode()
    assert "Reopen the report" in page
    empty = client.post(f"/en/reports/follow-up/{code}/", {"action": "reopen", "text": ""})
    assert empty.status_code == 400
    response = client.post(
        f"/en/reports/follow-up/{code}/", {"action": "reopen", "text": "Glass is back."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status != ReportStatus.FIXED
    assert "Glass is back." in client.get(f"/en/reports/follow-up/{code}/").content.decode()


def test_the_is_it_fixed_question_comes_after_four_weeks(client, world, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    report, code = make_report(world.litter)
    assert "Is it fixed?" not in client.get(f"/en/reports/follow-up/{code}/").content.decode()
    time_machine.move_to(start + timedelta(days=28, minutes=1), tick=False)
    assert "Is it fixed?" in client.get(f"/en/reports/follow-up/{code}/").content.decode()
    response = client.post(f"/en/reports/follow-up/{code}/", {"action": "fixed", "fixed": "yes"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.fixed_answer == "fixed"


@pytest.mark.parametrize(
    ("language", "subject", "status", "question", "answer"),
    [
        # Each in the register docs/i18n.md sets: ro and bg formal, es tú, pt (Brazil) você.
        ("ro", "Problema pe care ați semnalat-o s-a rezolvat?", "În lucru", "S-a rezolvat?",
         "Mulțumim pentru răspuns."),
        ("bg", "Решен ли е проблемът, за който подадохте сигнал?", "В процес на работа",
         "Решен ли е проблемът?", "Благодарим Ви за отговора."),
        ("es", "¿Se ha resuelto el problema del que avisaste?", "En curso", "¿Está resuelto?",
         "Gracias por tu respuesta."),
        ("pt", "O problema que você relatou foi resolvido?", "Em andamento", "Está resolvido?",
         "Obrigado pela sua resposta."),
    ],
)  # fmt: skip
def test_the_follow_up_speaks_the_safety_languages(
    client, world, personas, mailoutbox, time_machine, language, subject, status, question, answer
):
    """She reports in her language; the e-mail, her page and its answers follow it."""
    from umbrella.reports import tasks

    start = timezone.now()
    time_machine.move_to(start, tick=False)
    report, _ = make_report(world.litter, language=language, email="her@example.org")
    actions.post_update(
        report, author=personas.municipality, text="On s'en occupe.", new_status="in_progress"
    )
    time_machine.move_to(start + timedelta(days=28, minutes=1), tick=False)
    tasks.ask_fixed_questions(start + timedelta(days=28, minutes=1))
    [mail] = mailoutbox
    assert mail.subject == subject
    link = re.search(rf"http\S+(/{language}/reports/follow-up/\S+/)", mail.body).group(1)
    page = client.get(link).content.decode()
    assert status in page and question in page
    assert "Is it fixed?" not in page and "Updates" not in page
    response = client.post(link, {"action": "fixed", "fixed": "yes"})
    assert response.status_code == 302
    assert answer in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("language", "label", "explanation"),
    [
        ("ro", "Care este problema?", "legală în Belgia"),
        ("bg", "Какъв е проблемът?", "законна в Белгия"),
        ("es", "¿Cuál es el problema?", "legal en Bélgica"),
        ("pt", "Qual é o problema?", "legal na Bélgica"),
    ],
)
def test_the_form_thank_you_page_and_guard_speak_the_safety_languages(
    client, world, language, label, explanation
):
    form = client.get(f"/{language}/reports/new/").content.decode()
    assert label in form
    response = client.post(
        f"/{language}/reports/new/",
        _form(description="There are prostitutes always here, remove them."),
    )
    assert response.status_code == 302
    thanks = client.get(f"/{language}/reports/new/thanks/").content.decode()
    assert explanation in thanks


def test_a_choice_that_is_not_offered_is_refused_in_her_language(client, world):
    response = client.post("/fr/reports/new/", _form(category="nonsense", reporter_kind="police"))
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("category", "reporter_kind"):
        inline = re.search(rf'id="id_{field}_error">(.*?)</ul>', html, re.S).group(1)
        assert "Choisissez une valeur dans la liste." in inline
    assert not Report.objects.exists()
