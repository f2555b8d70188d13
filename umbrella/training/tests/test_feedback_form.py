"""The sex worker's feedback form: no account, nothing identifying stored, a rate limit without
addresses, a robot trap, sentences a person understands, input kept on error."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils import translation

from umbrella.testing import sign_in
from umbrella.training.models import ServiceFeedback, TextStatus
from umbrella.training.tests import feedback_factories as make

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
IP = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Test-Phone-9731) Chrome/131"
GOOD = {"respect": "partly", "real_name": "yes", "refused": "no", "text": ""}


def _url(service, lang="en"):
    with translation.override(lang):
        return reverse("training:feedback_form", args=[service.pk])


def _post(client, service, data=GOOD, lang="en", ip=IP):
    return client.post(_url(service, lang), data, REMOTE_ADDR=ip, HTTP_USER_AGENT=USER_AGENT)


def _all_rows() -> dict[tuple[str, object], dict]:
    """Every row of every table, by (model, pk), as the database holds it."""
    rows = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.column for f in model._meta.concrete_fields]
        for values in model._default_manager.values_list(
            *[f.attname for f in model._meta.concrete_fields]
        ):
            row = dict(zip(names, values, strict=True))
            rows[(model._meta.label, row[model._meta.pk.column])] = row
    return rows


def _raw_values(model, pk) -> list:
    """The columns as stored (encrypted text as its token), read without the fields' decoding."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {model._meta.pk.column} = %s", [pk])  # noqa: S608
        return list(cursor.fetchone())


def test_the_form_needs_no_account_and_says_it_is_anonymous(client):
    service = make.service(name_en="Social desk")
    response = client.get(_url(service, "bg"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Social desk" in body
    assert 'name="respect"' in body and 'name="website"' in body
    assert "no-store" in response["Cache-Control"]


def test_an_answer_is_stored_with_the_week_only(client):
    service = make.service()
    with time_machine.travel(datetime(2026, 12, 3, 14, 5, tzinfo=BRUSSELS)):
        response = _post(client, service, {**GOOD, "text": "  The nurse was kind.  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("training:feedback_thanks")
    row = ServiceFeedback.objects.get()
    assert row.week_of.isoformat() == "2026-11-30"
    assert (row.respect, row.real_name, row.refused) == ("partly", "yes", "no")
    assert row.text == "The nurse was kind."
    assert row.text_status == TextStatus.PENDING
    # No column can hold a finer time than the week.
    assert not [
        f.name
        for f in ServiceFeedback._meta.concrete_fields
        if isinstance(f, models.DateTimeField | models.TimeField)
    ]
    # The text is encrypted at rest.
    assert "nurse" not in " ".join(str(v) for v in _raw_values(ServiceFeedback, row.pk.hex))


def test_no_row_written_holds_the_address_the_browser_the_session_or_the_person(client, worker):
    """Signed in or not, nothing written by a submission identifies who sent it."""
    service = make.service()
    sign_in(client, worker)
    session_key = client.session.session_key
    # She opens the form first: that request stamps her session's last activity
    # (the idle limit, written at most once a minute), not the submission.
    assert client.get(_url(service, "en")).status_code == 200
    before = _all_rows()
    response = _post(client, service, {**GOOD, "text": "Fine."})
    assert response.status_code == 302
    after = _all_rows()
    written = {key: row for key, row in after.items() if before.get(key) != row}
    assert {model for model, _pk in written} == {"training.ServiceFeedback"}
    user_fields = {
        f.column
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is apps.get_model(settings.AUTH_USER_MODEL)
    }
    for (model, pk), row in written.items():
        for column, value in row.items():
            assert column not in user_fields, (model, column)
            text = str(value)
            for secret in (IP, USER_AGENT, "Test-Phone-9731", session_key, worker.username):
                assert secret not in text, (model, column)
        raw = " ".join(str(v) for v in _raw_values(ServiceFeedback, pk.hex))
        assert IP not in raw and session_key not in raw
    # And the cache (the rate limit) keeps no address either.
    cached = repr(getattr(cache, "_cache", {}))
    assert IP not in cached and IP.encode().hex() not in cached


def test_missing_answers_are_refused_with_sentences_and_the_text_kept(client):
    service = make.service()
    with translation.override("fr"):
        response = _post(client, service, {"text": "Mon texte"}, lang="fr")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mon texte" in body
    assert ServiceFeedback.objects.count() == 0
    assert 'role="alert"' in body


def test_a_choice_that_is_not_offered_is_refused(client):
    response = _post(client, make.service(), {**GOOD, "respect": "maybe"})
    assert response.status_code == 400
    assert ServiceFeedback.objects.count() == 0


def test_a_text_too_long_is_refused_and_kept(client):
    response = _post(client, make.service(), {**GOOD, "text": "x" * 2001})
    assert response.status_code == 400
    assert "x" * 2001 in response.content.decode()


def test_the_robot_trap_stores_nothing_but_looks_like_success(client):
    response = _post(client, make.service(), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert ServiceFeedback.objects.count() == 0


def test_an_unknown_or_closed_service_is_404(client):
    from umbrella.directory.models import OperatingStatus

    service = make.service(status=OperatingStatus.INACTIVE)
    assert client.get(_url(service)).status_code == 404
    assert client.get("/en/training/feedback/service/999999/").status_code == 404


def test_the_rate_limit_counts_per_client_and_per_service(client, settings):
    settings.TRAINING_FEEDBACK_SERVICE_RATE = "2/d"
    settings.TRAINING_FEEDBACK_RATE = "3/h"
    first, second = make.service(), make.service()
    assert _post(client, first).status_code == 302
    assert _post(client, first).status_code == 302
    limited = _post(client, first, {**GOOD, "text": "kept"})
    assert limited.status_code == 429
    assert "kept" in limited.content.decode()
    # Another service is still open to this client, until the hourly limit.
    assert _post(client, second).status_code == 302
    assert _post(client, second).status_code == 429
    # Another client is not limited.
    assert _post(client, first, ip="198.51.100.4").status_code == 302
    assert ServiceFeedback.objects.count() == 4


def test_the_choice_page_finds_services_by_name(client):
    make.service(name_en="Harm reduction van")
    make.service(name_en="Legal clinic")
    response = client.get("/ro/training/feedback/", {"q": "legal"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Legal clinic" in body and "Harm reduction van" not in body


@pytest.mark.parametrize(
    ("lang", "question", "reassurance"),
    [
        ("nl", "Werd je met respect behandeld?", "we bewaren je adres niet"),
        ("fr", "a-t-il été respectueux avec vous ?", "nous ne gardons pas votre adresse"),
        ("en", "Were you treated with respect?", "we do not keep your address"),
        ("ro", "Ați fost tratat(ă) cu respect?", "nu vă păstrăm adresa"),
        ("bg", "Отнесоха ли се с Вас с уважение?", "не пазим адреса Ви"),
        ("es", "¿Te trataron con respeto?", "no guardamos tu dirección"),
        ("pt", "Trataram você com respeito?", "não guardamos o seu endereço"),
    ],
)
def test_the_worker_screens_speak_seven_languages(client, lang, question, reassurance):
    service = make.service()
    body = client.get(_url(service, lang)).content.decode()
    assert f'lang="{lang}"' in body
    assert question in body and reassurance in body
    errors = _post(client, service, {}, lang=lang).content.decode()
    with translation.override(lang):
        sentence = translation.gettext("Choose yes or no.")
    assert sentence != "Choose yes or no." or lang == "en"
    assert sentence in errors


def test_the_access_logs_keep_no_line_about_a_feedback_page(client, caplog):
    import logging

    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        # As uvicorn logs a request: '%s - "%s %s HTTP/%s" %d'.
        access.info(
            '%s - "%s %s HTTP/%s" %d', IP, "POST", "/bg/training/feedback/service/12/", "1.1", 302
        )
        access.info('%s - "%s %s HTTP/%s" %d', IP, "GET", "/bg/directory/", "1.1", 200)
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [f'{IP} - "GET /bg/directory/ HTTP/1.1" 200']
    # Django's own warning (no address) keeps the line but not the service.
    service = make.service()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        _post(client, service, {})
    warnings = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert warnings and all(f"/service/{service.pk}/" not in line for line in warnings)
    assert any("/training/feedback/service/[service]/" in line for line in warnings)
