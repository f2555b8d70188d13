"""Four staff journeys of issue 13 in a real browser, on ``manage.py demo``.

Each person starts on the sign-in page and reaches every screen by clicking (her
role's home, the menu, the pages' own links), never by typing an address:

4. demo-police, the trafficking reference of zone 5344, reads a confidential signal
   an anonymous reporter has just sent through the public form;
5. demo-staff (OCMW/CPAS Saint-Josse) takes the course in French and checks the
   certificate by typing its code on the public verification form;
6. demo-secretary plans a meeting and records a decision; once the minutes are
   published, the public, signed out, finds the decision from the home page;
7. demo-responder, who manages the demo studio, adds a room button, presses it in
   test mode, takes the test alarm on the console and sees the test on the
   compliance page.

axe-core finds nothing on any screen, each main screen fits a 360 px wide screen,
and no request leaves 127.0.0.1. Link names are the catalogue's own words in the
page's language (``gettext`` under ``translation.override``), so a locator is what
a screen-reader user hears.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import ngettext

from umbrella.accounts.demo import POLICE_ORGANISATION
from umbrella.alarms.demo import ESTABLISHMENT
from umbrella.alarms.models import Alarm, RoomButton, Status
from umbrella.alarms.tests.asgi_server import asgi_live_server  # noqa: F401 -- fixture
from umbrella.areas.models import Neighbourhood
from umbrella.consultation import demo as consultation_demo
from umbrella.consultation.models import Decision, Meeting, MinutesStatus, Recommendation
from umbrella.core.tests.journeys import (
    DESKTOP,
    NARROW,
    check_screen,
    click_link,
    from_menu,
    open_context,
    sign_in,
    words,
)
from umbrella.reports.models import Report
from umbrella.training.courses.models import STIGMA_COURSE_SLUG
from umbrella.training.models import Attempt, Certificate, Course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# --- 4. The trafficking reference reads a confidential signal ----------------------------


def test_police_reference_reads_a_confidential_signal(live_server, browser, outside_requests, demo):
    server = live_server.url
    text = "Trois jeunes femmes enfermées la nuit au-dessus du salon de massage."
    neighbourhood = Neighbourhood.objects.filter(municipality__nis_code="21014").first()

    # An anonymous reporter, on her phone in French, from the site's home to the form.
    context, page = open_context(
        browser, outside_requests, locale="fr-BE", viewport=NARROW, is_mobile=True
    )
    try:
        page.goto(f"{server}/fr/")
        from_menu(page, "fr", words("fr", "Neighbourhood reports"), exact=False)
        click_link(page, page.get_by_role("main"), words("fr", "Report a problem"))
        check_screen(page, narrow=True)
        page.locator("#id_category").select_option("trafficking")
        page.locator("#id_neighbourhood").select_option(str(neighbourhood.code))
        page.locator("#id_description").fill(text)
        page.check("input[name=reporter_kind][value=other]")
        with page.expect_navigation():
            page.click("#report-form button[type=submit]")
        assert urlparse(page.url).path == "/fr/reports/new/thanks/"
        check_screen(page, narrow=True)
    finally:
        context.close()
    # The description is encrypted at rest: find her report by its category.
    report = Report.objects.get(category__code="trafficking")
    assert report.description == text
    assert report.confidential
    assert report.body.organisation.name == POLICE_ORGANISATION

    # The zone's trafficking reference, in Dutch, from her home to the signal.
    context, page = open_context(browser, outside_requests, locale="nl-BE", viewport=DESKTOP)
    try:
        sign_in(page, server, "nl", "demo-police")
        main = page.get_by_role("main")
        signals = main.get_by_role("link", name=words("nl", "Confidential signals"))
        # Her home says how many signals wait, in the link's own name.
        with translation.override("nl"):
            one = ngettext("%(count)d open signal", "%(count)d open signals", 1) % {"count": 1}
        assert one in signals.inner_text()
        click_link(page, main, words("nl", "Confidential signals"))
        assert urlparse(page.url).path == "/nl/reports/staff/"
        row = page.get_by_role("row").filter(has_text=f"#{report.pk}")
        assert words("nl", "confidential") in row.inner_text()
        check_screen(page, narrow=True)
        click_link(page, row, re.compile(f"^#{report.pk} "))
        assert urlparse(page.url).path == f"/nl/reports/staff/{report.pk}/"
        assert text in page.get_by_role("main").inner_text()
        check_screen(page, narrow=True)
        # The public list never shows it: the menu's public reports page, signed in or not.
        from_menu(page, "nl", words("nl", "Neighbourhood reports"), exact=False)
        assert page.locator(f"a[href='/nl/reports/{report.public_id}/']").count() == 0
        assert text not in page.content()
    finally:
        context.close()
    assert outside_requests.urls == []


# --- 5. OCMW/CPAS staff take the course in French and check the certificate ------------


def answer_right(page, attempt: Attempt) -> None:
    """Tick the right choices of every question drawn (read from the database)."""
    for item in attempt.items.select_related("question"):
        for choice in item.question.choices.filter(is_correct=True):
            page.check(f"input[name='q{item.question_id}'][value='{choice.pk}']")


def test_cpas_staff_take_the_course_in_french_and_check_the_certificate(
    live_server, browser, outside_requests, demo
):
    server = live_server.url
    course = Course.objects.get(slug=STIGMA_COURSE_SLUG)
    modules = list(course.modules.filter(retired=False).order_by("position"))
    assert len(modules) > 1
    context, page = open_context(
        browser, outside_requests, locale="fr-BE", viewport=DESKTOP, accept_downloads=True
    )
    try:
        sign_in(page, server, "fr", "demo-staff")
        click_link(page, page.get_by_role("main"), words("fr", "Your training"))
        assert urlparse(page.url).path == "/fr/training/"
        check_screen(page, narrow=True)
        click_link(page, page.get_by_role("main"), course.title_fr)
        assert page.get_by_role("heading", level=1).inner_text() == course.title_fr
        check_screen(page, narrow=True)
        click_link(page, page.locator("ol.training-modules"), modules[0].title_fr)

        for number, module in enumerate(modules):
            assert page.get_by_role("heading", level=1).inner_text() == module.title_fr
            if number == 0:
                check_screen(page, narrow=True)
                # She reads the first lesson, then goes on to the quiz.
                lesson = module.lessons.order_by("position").first()
                click_link(page, page.get_by_role("main"), lesson.title_fr)
                assert page.get_by_role("heading", level=1).inner_text() == lesson.title_fr
                check_screen(page, narrow=True)
                click_link(page, page.get_by_role("main"), module.title_fr)
            with page.expect_navigation():
                page.get_by_role("button", name=words("fr", "Take the quiz")).click()
            attempt = Attempt.objects.filter(user__username="demo-staff", module=module).latest(
                "started_at"
            )
            if number == 0:
                check_screen(page, narrow=True)
            answer_right(page, attempt)
            with page.expect_navigation():
                page.get_by_role("button", name=words("fr", "Submit my answers")).click()
            assert page.get_attribute("[data-passed]", "data-passed") == "true"
            assert words("fr", "You passed.") in page.get_by_role("main").inner_text()
            if number == 0:
                check_screen(page, narrow=True)
            if number < len(modules) - 1:
                click_link(page, page.get_by_role("main"), words("fr", "Next module"))

        # The last result hands her the certificate.
        certificate = Certificate.objects.get(user__username="demo-staff", course=course)
        with page.expect_download() as download:
            page.get_by_role("link", name=words("fr", "Download your certificate (PDF)")).click()
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        check_screen(page, narrow=True)

        # Back to the training page, where the code is printed, and on to the check.
        click_link(page, page.get_by_role("main"), words("fr", "Back to the course"))
        click_link(page, page.get_by_role("main"), words("fr", "All courses"))
        certificates = page.get_by_role("region", name=words("fr", "My certificates"))
        printed = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}", certificates.inner_text())
        assert printed, certificates.inner_text()
        click_link(page, page.get_by_role("main"), words("fr", "Check a certificate by its code"))
        assert urlparse(page.url).path == "/fr/verify/"
        check_screen(page, narrow=True)
        # A wrong code first: the form says so and stays.
        page.get_by_label(words("fr", "Certificate code")).fill("not a code")
        page.get_by_role("button", name=words("fr", "Check the certificate")).click()
        page.wait_for_selector("[aria-invalid=true]")
        check_screen(page, narrow=True)
        page.get_by_label(words("fr", "Certificate code")).fill(printed[0].lower())
        with page.expect_navigation():
            page.get_by_role("button", name=words("fr", "Check the certificate")).click()
        assert urlparse(page.url).path == f"/fr/verify/{certificate.code}"
        assert page.get_attribute("[data-status]", "data-status") == "valid"
        assert course.title_fr in page.get_by_role("main").inner_text()
        assert "demo-staff" not in page.content()  # never the holder's name
        check_screen(page, narrow=True)
    finally:
        context.close()
    assert outside_requests.urls == []


# --- 6. The secretary plans a meeting and records a decision the public then sees -------


def _t0() -> datetime:
    # Ahead of the real clock, so the cookies the server dates are not already expired.
    day = timezone.localdate() + timedelta(days=2)
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def test_secretary_plans_a_meeting_records_a_decision_and_the_public_sees_it(
    live_server, browser, outside_requests, demo
):
    server = live_server.url
    t0 = _t0()
    next_meeting = Meeting.objects.get(title_en=consultation_demo.UPCOMING_TITLE)
    toilets = Recommendation.objects.get(slug="public-toilets")
    decision_en = "Ten toilets are funded in the North quarter."
    decision_fr = "Dix toilettes sont financées dans le quartier Nord."

    # 1. Two days ahead, she plans a meeting for later that morning, with its agenda.
    with time_machine.travel(t0, tick=True):
        context, page = open_context(browser, outside_requests, locale="en-GB", viewport=DESKTOP)
        try:
            sign_in(page, server, "en", "demo-secretary")
            click_link(page, page.get_by_role("main"), "Plan a meeting")
            check_screen(page, narrow=True)
            page.fill("#id_title_en", "Plenary on public toilets")
            page.fill("#id_title_nl", "Plenaire over openbare toiletten")
            page.fill("#id_title_fr", "Plénière sur les toilettes publiques")
            start = timezone.localtime(t0 + timedelta(hours=1))
            page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
            page.fill("#id_ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
            page.fill("#id_place", "Brussels Parliament, room 2")
            with page.expect_navigation():
                page.click("main button[type=submit].primary")
            meeting = Meeting.objects.get(title_en="Plenary on public toilets")
            assert urlparse(page.url).path == f"/en/platform/meetings/{meeting.pk}/manage/"
            page.fill("#id_title_en", "Public toilets in the North quarter")
            page.fill("#id_duration_minutes", "40")
            with page.expect_navigation():
                page.click("form:has(input[name=form][value=agenda]) button[type=submit]")
            assert "Public toilets in the North quarter" in page.inner_text("main")
            check_screen(page, narrow=True)
        finally:
            context.close()

    # 2. During the meeting: from her home to the meeting, the minutes and the decision.
    with time_machine.travel(t0 + timedelta(hours=1, minutes=30), tick=True):
        context, page = open_context(browser, outside_requests, locale="en-GB", viewport=DESKTOP)
        try:
            sign_in(page, server, "en", "demo-secretary")
            click_link(page, page.get_by_role("main"), re.compile("^Meetings"))
            check_screen(page, narrow=True)
            click_link(page, page.get_by_role("main"), "Plenary on public toilets")
            click_link(page, page.get_by_role("main"), "Manage this meeting")
            page.fill("#id_text_en", "The platform agreed to fund ten toilets.")
            page.fill("#id_text_fr", "La plateforme a décidé de financer dix toilettes.")
            with page.expect_navigation():
                page.click("form:has(input[name=form][value=minutes]) button[type=submit]")
            decision = page.locator("form:has(input[name=form][value=decision])")
            decision.locator("#id_text_en").fill(decision_en)
            decision.locator("#id_text_fr").fill(decision_fr)
            decision.locator("#id_recommendation").select_option(str(toilets.pk))
            decision.locator("#id_status").select_option("in_progress")
            decision.locator("#id_progress").fill("40")
            with page.expect_navigation():
                decision.locator("button[type=submit]").click()
            assert "The decision was recorded." in page.inner_text("body")
            check_screen(page, narrow=True)
        finally:
            context.close()
    assert Decision.objects.filter(meeting=meeting, text_en=decision_en).exists()

    # 3. At the demo's next plenary the minutes are approved and published.
    with time_machine.travel(next_meeting.starts_at + timedelta(minutes=20), tick=True):
        context, page = open_context(browser, outside_requests, locale="en-GB", viewport=DESKTOP)
        try:
            sign_in(page, server, "en", "demo-secretary")
            click_link(page, page.get_by_role("main"), "Decisions of past meetings")
            click_link(page, page.get_by_role("main"), "Plenary on public toilets")
            click_link(page, page.get_by_role("main"), "Manage this meeting")
            page.select_option("#id_at_meeting", str(next_meeting.pk))
            with page.expect_navigation():
                page.click("form:has(input[name=form][value=approve]) button[type=submit]")
            with page.expect_navigation():
                page.click("form:has(input[name=form][value=publish]) button[type=submit]")
            assert 'data-minutes-status="published"' in page.content()
            check_screen(page, narrow=True)
        finally:
            context.close()
        meeting.minutes.refresh_from_db()
        assert meeting.minutes.status == MinutesStatus.PUBLISHED

        # 4. The public, signed out, in French: from the home page to the decision.
        context, page = open_context(
            browser, outside_requests, locale="fr-BE", viewport=NARROW, is_mobile=True
        )
        try:
            page.goto(f"{server}/fr/")
            from_menu(page, "fr", words("fr", "Consultation platform"), exact=False)
            check_screen(page, narrow=True)
            click_link(page, page.get_by_role("main"), words("fr", "All meetings and minutes"))
            check_screen(page, narrow=True)
            past = page.get_by_role("region", name=words("fr", "Past meetings"))
            click_link(page, past, "Plénière sur les toilettes publiques")
            decisions = page.get_by_role("region", name=words("fr", "Decisions"))
            assert decision_fr in decisions.inner_text()
            assert "40 %" in decisions.inner_text()
            check_screen(page, narrow=True)
            # The tracker shows the recommendation it moved, and the decision.
            from_menu(page, "fr", words("fr", "Consultation platform"), exact=False)
            click_link(
                page,
                page.get_by_role("main"),
                words("fr", "The recommendations of the resolution and how far each one is"),
            )
            check_screen(page, narrow=True)
            click_link(page, page.get_by_role("main"), toilets.title_fr)
            assert decision_fr in page.get_by_role("main").inner_text()
            assert page.locator("progress").first.get_attribute("value") == "40"
            check_screen(page, narrow=True)
        finally:
            context.close()
    assert outside_requests.urls == []


# --- 7. An establishment manager adds a room button and tests it -------------------------


def test_establishment_manager_adds_a_room_button_and_tests_it(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    demo,
):
    server = asgi_live_server.url
    # The demo's manager of the demo studio is demo-responder (alarms/demo.py).
    context, page = open_context(browser, outside_requests, locale="fr-BE", viewport=DESKTOP)
    try:
        sign_in(page, server, "fr", "demo-responder")
        click_link(page, page.get_by_role("main"), words("fr", "Rooms and buttons"))
        assert page.get_by_role("heading", level=1).inner_text() == ESTABLISHMENT
        check_screen(page, narrow=True)

        # She registers the button of room 2, in test mode.
        page.locator("#id_button-room_label").fill("Salle 2, premier étage")
        page.locator("#id_button-test_mode").check()
        with page.expect_navigation():
            page.get_by_role("button", name=words("fr", "Register the button")).click()
        key_section = page.get_by_role("region", name=words("fr", "The new button's key"))
        device_url = key_section.locator("pre code").first.inner_text()
        assert "/api/v1/alarms/device/" in device_url
        check_screen(page, narrow=True)
        button = RoomButton.objects.get(room_label="Salle 2, premier étage")
        assert button.test_mode

        # The console, from the establishment page's link, waits for the press.
        click_link(page, page.get_by_role("main"), words("fr", "Alarm console"))
        page.wait_for_selector("#console-connection[data-state=open]")
        check_screen(page, narrow=True)

        # The room's button posts to its address, as a Shelly or a Flic would.
        pressed = page.request.post(server + urlparse(device_url).path)
        assert pressed.ok, pressed.text()
        alarm = Alarm.objects.get(device=button)
        assert alarm.is_test
        card = page.locator(f"#alarm-{alarm.pk}")
        card.wait_for()
        assert card.get_attribute("data-test") == "true"
        assert words("fr", "Test alarm") in card.inner_text()
        assert "Salle 2, premier étage" in card.inner_text()
        check_screen(page, narrow=True)
        card.locator("[data-action=acknowledge]").click()
        page.wait_for_selector(f"#alarm-{alarm.pk}[data-status=acknowledged]")
        alarm.refresh_from_db()
        assert alarm.status == Status.ACKNOWLEDGED

        # The compliance page, from the menu, counts it as a successful test.
        from_menu(page, "fr", words("fr", "Compliance"), exact=False)
        assert "Salle 2, premier étage" in page.get_by_role("main").inner_text()
        row = page.get_by_role("row").filter(has_text="Salle 2, premier étage")
        cells = row.get_by_role("cell")
        assert words("fr", "Never tested") not in row.inner_text()
        assert cells.nth(1).inner_text() == "1"  # test alarms
        assert cells.nth(2).inner_text() == "0"  # real alarms
        assert words("fr", "Test mode") in row.inner_text()
        check_screen(page, narrow=True)
    finally:
        context.close()
    assert outside_requests.urls == []
