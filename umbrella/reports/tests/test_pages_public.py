"""The public report pages: the list, the detail, the follow-up by code, in the safety
languages (the world: ``world.py``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.reports import actions
from umbrella.reports.models import (
    Report,
    ReportStatus,
)
from umbrella.reports.tests.world import (
    UCCLE,
    form_data,
    make_report,
)

pytestmark = pytest.mark.django_db


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
        form_data(description="There are prostitutes always here, remove them."),
    )
    assert response.status_code == 302
    thanks = client.get(f"/{language}/reports/new/thanks/").content.decode()
    assert explanation in thanks


def test_a_choice_that_is_not_offered_is_refused_in_her_language(client, world):
    response = client.post(
        "/fr/reports/new/", form_data(category="nonsense", reporter_kind="police")
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("category", "reporter_kind"):
        inline = re.search(rf'id="id_{field}_error">(.*?)</ul>', html, re.S).group(1)
        assert "Choisissez une valeur dans la liste." in inline
    assert not Report.objects.exists()
