"""Persona journeys 1-3 of issue 13, on ``manage.py demo``, in real browsers.

Each journey starts from the site's home or the sign-in page and reaches
every other screen by clicking (the home's links, the menu, the pages' own
links): the only ``goto`` is the first one. Worker screens run on a 390×844
phone and the main ones are checked at 360 px wide too; axe-core finds no
WCAG 2.1 AA violation on any screen; no request leaves 127.0.0.1.

1. A Romanian sex worker signs up, invites demo-responder to her circle
   (he accepts in his own browser, from the invitations link on his home),
   presses the panic button (it reaches his console), lets a check-in lapse
   and says she is safe, finds a toilet and a service for people without
   papers, and leaves feedback on it.
2. demo-responder sees an open alarm counted on his home, takes it on the
   console and resolves it.
3. demo-resident reports a problem and follows it up; demo-municipality
   (Saint-Josse) answers it in Dutch from the report inbox; the resident
   sees the answer on the follow-up page.

The live ASGI server runs no worker process: where a check-in's time must
pass, the test moves its deadlines to now and takes the worker's steps
itself, as ``umbrella/alarms/tests/test_browser_checkin.py`` does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from umbrella.accounts.models import Role, User
from umbrella.alarms.models import Alarm, CheckIn, Deadline, DeadlineKind, Source, Status
from umbrella.alarms.tests.asgi_server import asgi_live_server  # noqa: F401 -- fixture
from umbrella.areas.models import Municipality
from umbrella.core.tests.journeys import (
    DESKTOP,
    check_screen,
    from_menu,
    new_context,
    new_page,
    sign_in,
    words,
)
from umbrella.directory.models import ServiceAtLocation
from umbrella.reports.models import Report, ReportStatus
from umbrella.testing import run_due_deadlines
from umbrella.training.models import ServiceFeedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOLD_MS = 1300
# Near the town hall of Saint-Josse-ten-Noode, where the demo toilet is.
SAINT_JOSSE = {"latitude": 50.8535, "longitude": 4.3695}
# Rue de la Prairie, Saint-Josse-ten-Noode: where the resident drops the pin.
PRAIRIE = (50.8530, 4.3690)


def tr(language: str, msgid: str) -> str:
    return words(language, msgid)


def ro(msgid: str) -> str:
    text = tr("ro", msgid)
    assert text != msgid, f"not translated into Romanian: {msgid!r}"
    return text


def before_time(msgid: str) -> str:
    """Return the Romanian words of a template's ``msgid`` before its time placeholder."""
    # A {% translate %} with a placeholder is catalogued with its % doubled.
    text = ro(msgid.replace("%", "%%")).replace("%%", "%")
    return text.split("%(time)s")[0].rstrip(" (")


def nl(msgid: str) -> str:
    return tr("nl", msgid)


def fr(msgid: str) -> str:
    return tr("fr", msgid)


def home(page, language: str) -> None:
    """Go back to her home by the brand link of the header."""
    with page.expect_navigation():
        page.locator(".site-header").get_by_role("link", name="Umbrella", exact=True).click()
    assert page.locator("h1").inner_text() == tr(language, "Home")


def hold(page, locator, ms: int = HOLD_MS) -> None:
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()


def lapse(checkin: CheckIn) -> None:
    """Make the check-in due now, with a 3-second grace; run the reminder."""
    now = timezone.now()
    CheckIn.objects.filter(pk=checkin.pk).update(due_at=now - timedelta(seconds=1), grace_seconds=3)
    Deadline.objects.filter(checkin=checkin, kind=DeadlineKind.CHECKIN_REMINDER).update(
        due_at=now - timedelta(seconds=1)
    )
    Deadline.objects.filter(checkin=checkin, kind=DeadlineKind.CHECKIN_EXPIRY).update(
        due_at=now + timedelta(seconds=2)
    )
    run_due_deadlines()


def test_1_a_romanian_worker_from_sign_up_to_feedback(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    demo,
):
    server = asgi_live_server
    context = new_context(browser, outside_requests, locale="ro-RO")
    context.grant_permissions(["geolocation"])
    context.set_geolocation(SAINT_JOSSE)
    responder_context = None
    try:
        page = new_page(context)

        # The site's home, in her browser's language; she creates an account without her name.
        page.goto(f"{server.url}/")
        assert page.locator("html").get_attribute("lang") == "ro"
        check_screen(page, narrow=True)
        with page.expect_navigation():
            page.get_by_role("link", name=ro("Create an account without your name")).click()
        check_screen(page, narrow=True)
        page.fill("#id_chosen_name", "Ioana")
        page.fill("#id_passphrase", "lalea albastra sub pod")
        page.fill("#id_passphrase_again", "lalea albastra sub pod")
        with page.expect_navigation():
            page.get_by_role("button", name=ro("Create account")).click()

        # Her recovery codes, once.
        assert page.locator(".recovery-codes li").count() == 10
        check_screen(page, narrow=True)
        page.get_by_label(ro("I have saved my recovery codes.")).check()
        with page.expect_navigation():
            page.get_by_role("button", name=ro("Continue")).click()
        worker = User.objects.get(username="Ioana")
        assert worker.role == Role.SEX_WORKER

        # Her home: the panic button first; no API tokens in sight.
        assert page.locator("h1").inner_text() == ro("Home")
        links = page.get_by_role("main").locator(".role-link")
        assert links.first.inner_text() == ro("Panic button")
        assert "token" not in page.locator("main").inner_text().lower()
        check_screen(page, narrow=True)

        # Her circle: she invites demo-responder; until he accepts, her page says an
        # alarm would reach nobody yet and to call 112.
        with page.expect_navigation():
            page.get_by_role("link", name=ro("Who is told (your circle)")).click()
        assert page.locator("h1").inner_text() == ro("Who is told when you send an alarm")
        check_screen(page, narrow=True)
        page.get_by_label(ro("Their name on Umbrella")).fill("demo-responder")
        with page.expect_navigation():
            page.get_by_role("button", name=ro("Invite this person")).click()
        invited = page.locator(".contacts li").filter(has_text="demo-responder")
        assert ro("invited, waiting for an answer: not told yet") in invited.inner_text()
        nobody = ro(
            "Nobody in your circle has accepted yet: for now an alarm would reach nobody."
            " In danger, call 112."
        )
        plan = page.locator("section[aria-labelledby=plan-heading]")
        assert nobody in plan.inner_text()
        assert plan.locator("a[href='tel:112']").is_visible()
        check_screen(page, narrow=True)

        # demo-responder, in his own browser, accepts from the invitations link on his home.
        responder_context = new_context(browser, outside_requests, locale="nl-BE")
        responder = new_page(responder_context)
        sign_in(responder, server.url, "nl", "demo-responder")
        invitations = responder.get_by_role("main").get_by_role("link", name=nl("Invitations"))
        with translation.override("nl"):
            one_waiting = translation.ngettext(
                "%(count)d invitation waiting", "%(count)d invitations waiting", 1
            ) % {"count": 1}
        assert one_waiting in invitations.inner_text()
        check_screen(responder, narrow=True)
        with responder.expect_navigation():
            invitations.click()
        assert responder.locator("h1").inner_text() == nl("Invitations to a circle")
        check_screen(responder, narrow=True)
        asking = responder.locator(".contacts li").filter(has_text="Ioana")
        with responder.expect_navigation():
            asking.get_by_role("button", name=nl("Accept"), exact=True).click()
        with translation.override("nl"):
            now_in = translation.gettext(
                "You are now in the circle of %(name)s: you will be told of her alarms."
            ) % {"name": "Ioana"}
        assert now_in in responder.locator(".messages").inner_text()
        in_circle = responder.locator("section[aria-labelledby=accepted-heading]")
        with translation.override("nl"):
            told = translation.gettext("You are told of the alarms of %(name)s.")
        assert told % {"name": "Ioana"} in in_circle.inner_text()
        check_screen(responder, narrow=True)

        # Her circle, from the menu: he has accepted, and the warning is gone.
        from_menu(page, "ro", ro("Who is told (your circle)"))
        accepted = page.locator(".contacts li").filter(has_text="demo-responder")
        assert ro("accepted: told of your alarms") in accepted.inner_text()
        assert nobody not in page.locator("main").inner_text()
        check_screen(page, narrow=True)

        # The panic button, from the menu: a hold sends the alarm to demo-responder.
        from_menu(page, "ro", ro("Panic button"))
        page.wait_for_selector("#panic-button:not([disabled])")
        assert page.locator("html").get_attribute("lang") == "ro"
        check_screen(page, narrow=True)
        hold(page, page.locator("#panic-button"))
        page.wait_for_selector("#panic-progress:not([hidden])")
        alarm = Alarm.objects.get(owner=worker)
        assert alarm.status == Status.RAISED
        assert list(alarm.recipients.values_list("user__username", flat=True)) == ["demo-responder"]
        check_screen(page)
        # It reaches him: his console, from his home, shows her alarm.
        home(responder, "nl")
        with responder.expect_navigation():
            responder.get_by_role("main").get_by_role("link", name=nl("Alarm console")).click()
        card = responder.locator(f"#alarm-{alarm.pk}")
        card.wait_for()
        assert "Ioana" in card.locator("[data-field=title]").inner_text()
        check_screen(responder, narrow=True)
        # It was a try: she cancels it (no PIN set).
        page.get_by_role("button", name=ro("Cancel the alarm")).click()
        page.wait_for_selector("#panic-cancel", state="hidden")
        alarm.refresh_from_db()
        assert alarm.status == Status.CANCELLED
        assert ro("The alarm is cancelled.") in page.locator("#panic-status").inner_text()

        # A check-in, from her home: one minute, then it lapses.
        home(page, "ro")
        with page.expect_navigation():
            page.get_by_role("link", name=ro("Check-in timer"), exact=True).click()
        check_screen(page, narrow=True)
        page.get_by_label(ro("Minutes"), exact=True).fill("1")
        page.get_by_role("button", name=ro("Start the timer")).click()
        page.wait_for_selector("#checkin-running[data-state=running]")
        checkin = CheckIn.objects.get(owner=worker)
        check_screen(page)

        lapse(checkin)
        page.wait_for_selector("#checkin-running[data-state=grace]")
        check_screen(page)
        page.wait_for_timeout(2_200)
        run_due_deadlines()
        told = Alarm.objects.get(owner=worker, source=Source.CHECKIN)
        page.wait_for_selector("#checkin-running[data-state=told]")
        assert before_time("Your circle was told at %(time)s.") in page.inner_text("#checkin")
        assert page.locator("a[href='tel:112']").first.is_visible()
        check_screen(page, narrow=True)

        # She says she is safe: the alarm is resolved and her screen says her circle knows.
        page.get_by_role("button", name=ro("I'm safe")).click()
        page.wait_for_selector("#checkin-running", state="hidden")
        safe = before_time("Your circle was told that you are safe (%(time)s).")
        assert safe in page.locator("#checkin-status").inner_text()
        told.refresh_from_db()
        assert (told.status, told.resolved_by) == (Status.RESOLVED, worker)
        check_screen(page)

        # A toilet near her, from the menu.
        from_menu(page, "ro", ro("Services and toilets near me"))
        assert page.locator("h1").inner_text() == ro("Services and public toilets")
        check_screen(page, narrow=True)
        page.get_by_label(ro("Show"), exact=True).select_option("toilet")
        with page.expect_navigation():
            page.get_by_role("button", name=ro("Near me")).click()
        first = page.locator("#directory-results > li").first
        assert first.get_attribute("data-id").startswith("toilet-")
        check_screen(page, narrow=True)
        with page.expect_navigation():
            first.get_by_role("link").first.click()
        assert "geo:" in page.locator("a.directory-geo").get_attribute("href")
        check_screen(page, narrow=True)

        # A service for people without papers, from the menu again.
        from_menu(page, "ro", ro("Services and toilets near me"))
        page.get_by_label(ro("Show"), exact=True).select_option("service")
        page.get_by_label(ro("without residence papers")).check()
        with page.expect_navigation():
            page.get_by_role("button", name=ro("Show places")).click()
        first = page.locator("#directory-results > li").first
        assert first.get_attribute("data-id").startswith("service-")
        check_screen(page, narrow=True)
        with page.expect_navigation():
            first.get_by_role("link").first.click()
        service_name = page.locator("h1").inner_text()
        place = ServiceAtLocation.objects.get(pk=int(page.url.rstrip("/").split("-")[-1]))
        assert place.service.no_papers_needed
        check_screen(page, narrow=True)

        # Feedback on that service, from its page.
        with page.expect_navigation():
            page.get_by_role("link", name=ro("Tell us how you were treated")).click()
        assert service_name in page.locator(".feedback-service").inner_text()
        check_screen(page, narrow=True)
        page.check("#id_respect_0")
        page.check("#id_real_name_1")
        page.check("#id_refused_1")
        page.fill("#id_text", "M-au primit fara acte si au fost amabili.")
        with page.expect_navigation():
            page.locator("form.feedback-form button[type=submit]").click()
        assert page.locator("h1").inner_text() == ro("Thank you")
        check_screen(page)
        feedback = ServiceFeedback.objects.get()
        assert feedback.service == place.service
        assert (feedback.respect, feedback.real_name, feedback.refused) == ("yes", "no", "no")
        assert outside_requests.urls == []
    finally:
        context.close()
        if responder_context is not None:
            responder_context.close()


def test_2_the_responder_takes_and_resolves_an_alarm_from_his_home(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    demo,
):
    server = asgi_live_server
    worker_context = new_context(browser, outside_requests, locale="ro-RO")
    worker_context.grant_permissions(["geolocation"])
    worker_context.set_geolocation(SAINT_JOSSE)
    responder_context = new_context(browser, outside_requests, locale="nl-BE")
    try:
        # demo-worker presses her panic button (her circle: demo-responder first),
        # her location sent with it.
        panic = new_page(worker_context)
        sign_in(panic, server.url, "ro", "demo-worker")
        with panic.expect_navigation():
            panic.get_by_role("main").get_by_role("link", name=ro("Panic button")).click()
        panic.wait_for_selector("#panic-button:not([disabled])")
        panic.get_by_text(ro("Settings on this phone"), exact=True).click()
        panic.get_by_label(ro("Send my location with an alarm")).check()
        hold(panic, panic.locator("#panic-button"))
        panic.wait_for_selector("#panic-progress:not([hidden])")
        alarm = Alarm.objects.get(owner=demo["demo-worker"])
        assert alarm.status == Status.RAISED

        # His home counts the open alarm on the console's link.
        console = new_page(responder_context)
        sign_in(console, server.url, "nl", "demo-responder")
        link = console.get_by_role("main").get_by_role("link", name=nl("Alarm console"))
        with translation.override("nl"):
            one_open = translation.ngettext("%(count)d open alarm", "%(count)d open alarms", 1)
        assert one_open % {"count": 1} in link.inner_text()
        check_screen(console, narrow=True)
        with console.expect_navigation():
            link.click()
        console.wait_for_selector("#console-connection[data-state=open]")
        console.get_by_role("button", name=nl("Turn the alarm sound on")).click()
        card = console.locator(f"#alarm-{alarm.pk}")
        card.wait_for()
        assert "demo-worker" in card.locator("[data-field=title]").inner_text()
        # The place in words, not coordinates.
        saint_josse = Municipality.objects.get(nis_code="21014").name_nl
        place = card.locator("[data-field=place]")
        console.wait_for_function(
            "([node, name]) => node.textContent.includes(name)",
            arg=[place.element_handle(), saint_josse],
        )
        assert "50.85" not in place.inner_text()
        check_screen(console, narrow=True)

        # He takes it: her screen says he is coming; the button is gone.
        take = card.get_by_role("button", name=nl("I'm taking it"))
        take.click()
        console.wait_for_selector(f"#alarm-{alarm.pk}[data-status=acknowledged]")
        take.wait_for(state="hidden")
        alarm.refresh_from_db()
        assert (alarm.status, alarm.acknowledged_by) == (
            Status.ACKNOWLEDGED,
            demo["demo-responder"],
        )
        panic.wait_for_function(
            "() => document.querySelector('#panic-progress [data-field=acknowledged]')"
            ".textContent.includes('demo-responder')"
        )
        check_screen(console, narrow=True)
        check_screen(panic, narrow=True)

        # He resolves it: the card says so and its buttons are gone.
        resolve = card.get_by_role("button", name=nl("Resolve"))
        resolve.click()
        console.wait_for_selector(f"#alarm-{alarm.pk}[data-status=resolved]")
        resolve.wait_for(state="hidden")
        alarm.refresh_from_db()
        assert (alarm.status, alarm.resolved_by) == (Status.RESOLVED, demo["demo-responder"])
        check_screen(console, narrow=True)

        # Back home, nothing is open any more.
        home(console, "nl")
        link = console.get_by_role("main").get_by_role("link", name=nl("Alarm console"))
        with translation.override("nl"):
            none_open = translation.ngettext("%(count)d open alarm", "%(count)d open alarms", 0)
        assert none_open % {"count": 0} in link.inner_text()
        assert outside_requests.urls == []
    finally:
        worker_context.close()
        responder_context.close()


def click_map_at(page, lat: float, lon: float) -> None:
    """Click the report form's map where ``lat, lon`` is drawn."""
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = document.querySelector('[data-report-map]').umbrellaMap;
            const point = map.latLngToContainerPoint([lat, lon]);
            return [point.x, point.y];
        }""",
        [lat, lon],
    )
    page.locator("#report-map-canvas").click(position={"x": x, "y": y})


def test_3_a_resident_reports_the_municipality_answers_in_dutch_she_sees_it(
    asgi_live_server,  # noqa: F811 -- fixture imported above
    browser,
    outside_requests,
    demo,
):
    server = asgi_live_server
    resident_context = new_context(browser, outside_requests, locale="fr-BE")
    officer_context = new_context(browser, outside_requests, locale="nl-BE", viewport=DESKTOP)
    try:
        # demo-resident, in French on her phone, reports litter from her home.
        page = new_page(resident_context)
        sign_in(page, server.url, "fr", "demo-resident")
        check_screen(page, narrow=True)
        with page.expect_navigation():
            page.get_by_role("main").get_by_role("link", name=fr("Report a problem")).click()
        page.wait_for_selector("#report-map-canvas path", state="attached")
        check_screen(page, narrow=True)
        page.locator("#id_category").select_option("litter")
        click_map_at(page, *PRAIRIE)
        assert page.input_value("#id_lat").startswith("50.85")
        page.fill("#id_description", "Des sacs de déchets éventrés devant le numéro 12.")
        resident = page.locator("input[name=reporter_kind][value=resident]")
        if resident.count():
            resident.check()
        with page.expect_navigation():
            page.locator("#report-form button[type=submit]").click()
        report = Report.objects.get()
        assert report.municipality.nis_code == "21014"
        assert report.reporter_id == demo["demo-resident"].pk
        check_screen(page, narrow=True)

        # She follows it up from the thank-you page: received, no answer yet.
        with page.expect_navigation():
            page.locator("#follow-up-url").click()
        assert "Des sacs de déchets" in page.locator("main").inner_text()
        check_screen(page, narrow=True)

        # demo-municipality (Saint-Josse) answers in Dutch, from the inbox on his home.
        staff = new_page(officer_context)
        sign_in(staff, server.url, "nl", "demo-municipality")
        inbox = staff.get_by_role("main").get_by_role("link", name=nl("Report inbox"))
        check_screen(staff)
        with staff.expect_navigation():
            inbox.click()
        check_screen(staff)
        with staff.expect_navigation():
            staff.get_by_role("link", name=f"#{report.pk} ").click()
        check_screen(staff)
        staff.select_option("#id_new_status", ReportStatus.IN_PROGRESS)
        answer = "De netheidsdienst haalt de zakken morgenochtend op."
        staff.fill("#id_text", answer)
        with staff.expect_navigation():
            staff.locator("form.reports-form button[type=submit]").click()
        assert "?done=1" in staff.url
        check_screen(staff)
        report.refresh_from_db()
        assert report.status == ReportStatus.IN_PROGRESS

        # She sees the answer on the follow-up page, reached from her reports in the menu.
        from_menu(page, "fr", fr("My reports"))
        check_screen(page, narrow=True)
        with page.expect_navigation():
            page.get_by_role("main").get_by_role("link", name=report.category.name_fr).click()
        assert answer in page.locator("main").inner_text()
        check_screen(page, narrow=True)
        assert outside_requests.urls == []
    finally:
        resident_context.close()
        officer_context.close()
