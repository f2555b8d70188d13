"""The training journey in a real browser, in Dutch: the demo's staff member (demo-staff
of "OCMW/CPAS Saint-Josse (demo)", created by ``manage.py demo``) reads the shipped
course, passes every quiz, downloads the certificate, and the public verification page
confirms it. axe-core finds nothing on any page; no request leaves 127.0.0.1."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from umbrella.accounts.models import User
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import sign_in
from umbrella.training.courses.models import STIGMA_COURSE_SLUG
from umbrella.training.models import Attempt, Certificate, Course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_right(page, attempt: Attempt) -> None:
    """Tick the correct choices of every question drawn (read from the database)."""
    for item in attempt.items.select_related("question"):
        for choice in item.question.choices.filter(is_correct=True):
            page.check(f"input[name='q{item.question_id}'][value='{choice.pk}']")


def test_demo_staff_takes_the_course_in_dutch_and_the_certificate_verifies(
    live_server, browser, outside_requests
):
    # The demo loads the shipped course and enrols demo-staff in the demo group.
    call_command("demo", "--password", "demo-pw", "--force", stdout=io.StringIO())
    staff = User.objects.get(username="demo-staff")
    course = Course.objects.get(slug=STIGMA_COURSE_SLUG)
    modules = list(course.modules.filter(retired=False).order_by("position"))
    assert modules
    session = sign_in(Client(), staff).cookies["sessionid"].value
    context = browser.new_context(
        viewport={"width": 1000, "height": 900}, locale="nl-BE", accept_downloads=True
    )
    context.on("request", outside_requests.record)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/nl/training/")
        assert_no_axe_violations(page)
        page.click(f"a[href='/nl/training/courses/{course.slug}/']")
        page.wait_for_url(f"**/nl/training/courses/{course.slug}/")
        assert course.title_nl in page.content()
        assert_no_axe_violations(page)

        for number, module in enumerate(modules):
            module_url = f"/nl/training/courses/{course.slug}/{module.slug}/"
            page.goto(live_server.url + module_url)
            assert module.title_nl in page.content()
            if number == 0:
                assert_no_axe_violations(page)
                # Read the lessons of the first module, one after the other.
                page.click("main ol a")
                for lesson in module.lessons.order_by("position"):
                    page.wait_for_selector("article h1")
                    assert lesson.title_nl in page.locator("article h1").inner_text()
                    assert_no_axe_violations(page)
                    page.click("main nav a.button")
                page.wait_for_url(f"**{module_url}#quiz-heading")
            page.click("form[action$='/quiz/'] button[type=submit]")
            page.wait_for_selector("form.training-quiz")
            attempt = Attempt.objects.filter(user=staff, module=module).latest("started_at")
            if number == 0:
                assert_no_axe_violations(page)
                # Submitting with nothing ticked keeps the quiz open with messages.
                page.click("form.training-quiz button[type=submit]")
                page.wait_for_selector("form.training-quiz .errorlist")
                assert_no_axe_violations(page)
            answer_right(page, attempt)
            page.click("form.training-quiz button[type=submit]")
            page.wait_for_selector("[data-passed]")
            assert page.get_attribute("[data-passed]", "data-passed") == "true"
            assert "U bent geslaagd." in page.content()  # the page speaks Dutch
            if number == 0:
                assert_no_axe_violations(page)

        certificate = Certificate.objects.get(user=staff)
        assert_no_axe_violations(page)
        with page.expect_download() as download_info:
            page.click(f"a[href='/nl/training/certificates/{certificate.code}.pdf']")
        with open(download_info.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"

        page.goto(f"{live_server.url}/nl/verify/{certificate.code}")
        assert page.get_attribute("[data-status]", "data-status") == "valid"
        assert course.title_nl in page.content()
        assert_no_axe_violations(page)
        assert outside_requests.urls == []
    finally:
        context.close()
