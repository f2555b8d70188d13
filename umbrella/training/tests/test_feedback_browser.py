"""A sex worker leaves feedback in Bulgarian, without an account, in a real browser:
accessible (axe-core), first-party only, and it works without JavaScript too."""

import pytest

from umbrella.browser import assert_no_axe_violations
from umbrella.training.models import ServiceFeedback, TextStatus
from umbrella.training.tests import feedback_factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _leave_feedback(page, base_url, service):
    page.goto(f"{base_url}/bg/training/feedback/service/{service.pk}/")
    assert page.locator("html").get_attribute("lang") == "bg"
    assert page.locator("h1").inner_text() == "Как се отнесоха с Вас?"
    assert "не пазим адреса Ви" in page.locator(".feedback-reassure").inner_text()
    assert_no_axe_violations(page)
    # Sent with a question left out: the error is in Bulgarian and the text is kept.
    page.check("#id_respect_1")  # "Отчасти"
    page.check("#id_real_name_1")  # "Не"
    page.fill("#id_text", "Чакахме дълго, но бяха любезни.")
    with page.expect_navigation():
        page.click("form.feedback-form button[type=submit]")
    assert "Изберете да или не." in page.locator("form.feedback-form").inner_text()
    assert page.input_value("#id_text") == "Чакахме дълго, но бяха любезни."
    assert page.is_checked("#id_respect_1")
    assert_no_axe_violations(page)
    page.check("#id_refused_1")  # "Не"
    with page.expect_navigation():
        page.click("form.feedback-form button[type=submit]")
    assert page.locator("h1").inner_text() == "Благодарим Ви"
    assert "Никой не може да разбере" in page.locator("main").inner_text()
    assert_no_axe_violations(page)


def test_a_worker_leaves_feedback_in_bulgarian_without_an_account(
    live_server, page, outside_requests
):
    service = make.service(name_en="Social desk")
    _leave_feedback(page, live_server.url, service)
    row = ServiceFeedback.objects.get()
    assert (row.respect, row.real_name, row.refused) == ("partly", "no", "no")
    assert row.text_status == TextStatus.PENDING
    assert outside_requests.urls == []


def test_the_form_works_without_javascript(live_server, browser):
    service = make.service(name_en="Social desk")
    context = browser.new_context(java_script_enabled=False, locale="bg-BG")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/bg/training/feedback/?q=Social")
        with page.expect_navigation():
            page.click("text=Social desk")
        page.check("#id_respect_0")
        page.check("#id_real_name_1")
        page.check("#id_refused_1")
        with page.expect_navigation():
            page.click("form.feedback-form button[type=submit]")
        assert page.locator("h1").inner_text() == "Благодарим Ви"
    finally:
        context.close()
    assert ServiceFeedback.objects.filter(service=service, respect="yes").count() == 1


def test_from_the_service_page_of_the_directory(live_server, page, outside_requests):
    from umbrella.directory.tests import factories

    place = factories.service(None, None, name_en="Health desk")  # no position needed
    page.goto(f"{live_server.url}/bg/directory/place/service-{place.pk}/")
    with page.expect_navigation():
        page.click("text=Кажете ни как се отнесоха с Вас")
    assert page.url.endswith(f"/bg/training/feedback/service/{place.service.pk}/")
    assert "Health desk" in page.locator(".feedback-service").inner_text()
    assert outside_requests.urls == []


def _signed_in_page(browser, live_server, outside_requests, person):
    from django.test import Client

    from umbrella.testing import sign_in

    session = sign_in(Client(), person).cookies["sessionid"].value
    context = browser.new_context(locale="nl-BE")
    context.on("request", outside_requests.record)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context


def test_moderation_and_the_organisations_page_are_accessible(
    live_server, browser, outside_requests, personas
):
    from datetime import timedelta

    from django.utils import timezone

    from umbrella.accounts.models import Organisation
    from umbrella.training.feedback.queries import week_of

    cpas = Organisation.objects.get(name="OCMW/CPAS Saint-Josse (test)")
    service = make.service(cpas, name_en="Social desk")
    last_week = week_of(timezone.now()) - timedelta(weeks=1)
    make.answers(service, last_week, 6)
    make.answers(service, last_week, 2, respect="partly", refused="yes")
    make.answers(service, last_week, 1, text="Vriendelijk onthaal.", text_status=TextStatus.PENDING)

    context = _signed_in_page(browser, live_server, outside_requests, personas.admin)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/nl/training/feedback/moderation/")
        assert "Vriendelijk onthaal." in page.locator("main").inner_text()
        assert_no_axe_violations(page)
        with page.expect_navigation():
            page.click("button[value=approve]")
        assert "Er wacht geen tekst op moderatie." in page.locator("main").inner_text()
    finally:
        context.close()

    context = _signed_in_page(browser, live_server, outside_requests, personas.staff)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/nl/training/feedback/organisation/")
        main = page.locator("main").inner_text()
        assert "9 antwoorden." in main and "Vriendelijk onthaal." in main
        assert_no_axe_violations(page)
    finally:
        context.close()
    assert outside_requests.urls == []
