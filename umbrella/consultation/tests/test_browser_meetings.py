"""The platform's journey in a real browser, on ``manage.py demo``: the demo secretary
(``demo-secretary``) plans a meeting; a demo member (``demo-municipality``, Saint-Josse's
seat) registers and comments on the draft minutes; a decision moves the seeded
recommendation on public toilets; the minutes are approved at the demo's upcoming plenary
and published; the public sees it in Dutch, French and English. axe-core finds nothing on
any page; no request leaves this machine. Every step runs on the demo's world."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from umbrella.accounts.models import User
from umbrella.browser import assert_no_axe_violations
from umbrella.consultation import demo
from umbrella.consultation.members.queries import PLATFORM_SLUG
from umbrella.consultation.models import (
    Body,
    Meeting,
    MemberCategory,
    MinutesStatus,
    Participation,
    Position,
    Recommendation,
)
from umbrella.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _t0() -> datetime:
    # Ahead of the real clock, so cookies the server dates are not already expired.
    day = timezone.localdate() + timedelta(days=2)
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _context(browser, server, user, outside_requests, locale="en-GB"):
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale=locale)
    context.on("request", outside_requests.record)
    if user is not None:
        client = sign_in(Client(), user)
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def world():
    """``manage.py demo``: the regional platform, its seats, the seeded tracker, and the
    demo's meetings (a past one with published minutes, an upcoming one in ten days)."""
    call_command("demo", "--password", "demo-pw", "--force", stdout=io.StringIO())
    secretary = User.objects.get(username="demo-secretary")
    member = User.objects.get(username="demo-municipality")
    platform = Body.objects.get(slug=PLATFORM_SLUG)
    # The demo seats the secretary as the platform's secretary, Saint-Josse as a member.
    seated = platform.members.select_related("representative")
    seats = {m.representative.username: m for m in seated}
    assert seats["demo-secretary"].position == Position.SECRETARY
    assert seats["demo-municipality"].category == MemberCategory.MUNICIPALITY
    # The seeded recommendation on public toilets: a leaf, not started yet.
    toilets = Recommendation.objects.get(slug="public-toilets")
    assert toilets.progress == 0 and not toilets.children.exists()
    return {
        "secretary": secretary,
        "member": member,
        "platform": platform,
        "toilets": toilets,
        # The demo's upcoming plenary: it will approve the minutes of the meeting we plan.
        "next_meeting": Meeting.objects.get(body=platform, title_en=demo.UPCOMING_TITLE),
    }


def test_meeting_to_public_progress(live_server, browser, outside_requests, world):
    t0 = _t0()
    server = live_server
    with time_machine.travel(t0, tick=True):
        # The next meeting, which will approve the minutes, is already planned: the demo's
        # upcoming plenary, ten days from today.
        next_meeting = world["next_meeting"]
        assert next_meeting.starts_at > t0 + timedelta(hours=3)

        # 1. The secretary plans a meeting and its agenda.
        context, page = _context(browser, server, world["secretary"], outside_requests)
        page.goto(f"{server.url}/en/platform/meetings/new/")
        assert_no_axe_violations(page)
        page.fill("#id_title_en", "Plenary on public toilets")
        page.fill("#id_title_nl", "Plenaire over openbare toiletten")
        page.fill("#id_title_fr", "Plénière sur les toilettes publiques")
        start = timezone.localtime(t0 + timedelta(hours=1))
        page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_place", "Brussels Parliament, room 2")
        with page.expect_navigation():
            page.click("button[type=submit].primary")
        meeting = Meeting.objects.get(title_en="Plenary on public toilets")
        assert meeting.body == world["platform"]
        assert page.url.endswith(f"/en/platform/meetings/{meeting.pk}/manage/")
        page.fill("#id_title_en", "Public toilets in the North quarter")
        page.fill("#id_duration_minutes", "40")
        with page.expect_navigation():
            page.click("form:has(input[name=form][value=agenda]) button[type=submit]")
        assert "Public toilets in the North quarter" in page.inner_text("main")
        assert_no_axe_violations(page)
        context.close()

        # 2. A member (the demo's Saint-Josse seat) registers, in Dutch.
        context, page = _context(browser, server, world["member"], outside_requests, "nl-BE")
        page.goto(f"{server.url}/nl/platform/meetings/{meeting.pk}/")
        assert_no_axe_violations(page)
        with page.expect_navigation():
            page.click("text=Inschrijven voor deze vergadering")
        assert "U bent ingeschreven voor deze vergadering." in page.inner_text("main")
        registered = Participation.objects.filter(meeting=meeting, registered_at__isnull=False)
        assert [p.member.representative for p in registered] == [world["member"]]
        assert_no_axe_violations(page)
        context.close()

    # 3. During the meeting: minutes and a decision that moves the recommendation.
    with time_machine.travel(t0 + timedelta(hours=1, minutes=30), tick=True):
        context, page = _context(browser, server, world["secretary"], outside_requests)
        page.goto(f"{server.url}/en/platform/meetings/{meeting.pk}/manage/")
        page.fill("#id_text_en", "The platform agreed to fund ten toilets.")
        page.fill("#id_text_nl", "Het platform besliste tien toiletten te financieren.")
        page.fill("#id_text_fr", "La plateforme a décidé de financer dix toilettes.")
        with page.expect_navigation():
            page.click("form:has(input[name=form][value=minutes]) button[type=submit]")
        assert 'data-minutes-status="draft"' in page.content()
        decision = page.locator("form:has(input[name=form][value=decision])")
        decision.locator("#id_text_en").fill("Ten toilets are funded in the North quarter.")
        decision.locator("#id_text_nl").fill("Tien toiletten in de Noordwijk worden gefinancierd.")
        decision.locator("#id_text_fr").fill("Dix toilettes sont financées dans le quartier Nord.")
        decision.locator("#id_recommendation").select_option(str(world["toilets"].pk))
        decision.locator("#id_status").select_option("in_progress")
        decision.locator("#id_progress").fill("40")
        with page.expect_navigation():
            decision.locator("button[type=submit]").click()
        assert "The decision was recorded." in page.inner_text("body")
        assert_no_axe_violations(page)
        context.close()

        # The member reads the draft and comments on it, in Dutch.
        context, page = _context(browser, server, world["member"], outside_requests, "nl-BE")
        page.goto(f"{server.url}/nl/platform/meetings/{meeting.pk}/")
        assert "Het platform besliste tien toiletten te financieren." in page.inner_text("main")
        page.fill("#id_text", "Graag ook de openingsuren vermelden.")
        with page.expect_navigation():
            page.click("text=Mijn opmerking toevoegen")
        assert "Graag ook de openingsuren vermelden." in page.inner_text("main")
        assert_no_axe_violations(page)
        context.close()
    world["toilets"].refresh_from_db()
    assert world["toilets"].progress == 40

    # 4. At the next meeting (the demo's upcoming plenary): approved, then published.
    with time_machine.travel(next_meeting.starts_at + timedelta(minutes=20), tick=True):
        context, page = _context(browser, server, world["secretary"], outside_requests)
        page.goto(f"{server.url}/en/platform/meetings/{meeting.pk}/manage/")
        page.select_option("#id_at_meeting", str(next_meeting.pk))
        with page.expect_navigation():
            page.click("form:has(input[name=form][value=approve]) button[type=submit]")
        assert 'data-minutes-status="approved"' in page.content()
        with page.expect_navigation():
            page.click("form:has(input[name=form][value=publish]) button[type=submit]")
        assert 'data-minutes-status="published"' in page.content()
        assert_no_axe_violations(page)
        context.close()
        meeting.minutes.refresh_from_db()
        assert meeting.minutes.status == MinutesStatus.PUBLISHED
        assert meeting.minutes.approved_by_meeting == next_meeting

        toilets = world["toilets"]
        assert toilets.title_nl.startswith("Openbare toiletten")
        assert toilets.title_fr.startswith("Des toilettes publiques")
        assert toilets.title_en.startswith("Public toilets")
        # 5. The public sees the minutes, the decision and the progress in nl, fr and en.
        expected = {
            "nl": ("Tien toiletten in de Noordwijk worden gefinancierd.", toilets.title_nl),
            "fr": ("Dix toilettes sont financées dans le quartier Nord.", toilets.title_fr),
            "en": ("Ten toilets are funded in the North quarter.", toilets.title_en),
        }
        for language, (decision_text, title) in expected.items():
            context, page = _context(browser, server, None, outside_requests, language)
            page.goto(f"{server.url}/{language}/platform/meetings/{meeting.pk}/")
            assert page.locator("html").get_attribute("lang") == language
            main = page.inner_text("main")
            assert decision_text in main
            assert "40 %" in main  # the recommendation it moved, with its new progress
            assert "openingsuren" not in main  # members' comments stay with members
            assert_no_axe_violations(page)
            page.goto(f"{server.url}/{language}/platform/recommendations/public-toilets/")
            main = page.inner_text("main")
            assert title in main and decision_text in main
            assert page.locator("progress").first.get_attribute("value") == "40"
            assert_no_axe_violations(page)
            page.goto(f"{server.url}/{language}/platform/")
            assert_no_axe_violations(page)
            page.goto(f"{server.url}/{language}/platform/members/")
            assert_no_axe_violations(page)
            context.close()
    assert outside_requests.urls == []
