"""A decision of the platform moves a recommendation: the change points at the decision, the
detail page shows the decision and its meeting to whoever may see them, and nobody else."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from umbrella.consultation import seeds
from umbrella.consultation.meetings import actions as meetings
from umbrella.consultation.members import actions as member_actions
from umbrella.consultation.models import BodyKind, Recommendation, Visibility
from umbrella.consultation.tests import factories as make
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
FIRST = datetime(2026, 10, 5, 14, 0, tzinfo=BRUSSELS)
NEXT = datetime(2026, 11, 9, 14, 0, tzinfo=BRUSSELS)


@pytest.fixture
def setting(db):
    seeds.load()
    secretary = make.secretary()
    body = member_actions.ensure_body(
        "regional-platform",
        BodyKind.PLATFORM,
        name_nl="Platform",
        name_fr="Plateforme",
        name_en="Platform",
    )
    return secretary, body


def _meeting(body, secretary, starts, visibility=Visibility.PUBLIC):
    return meetings.create_meeting(
        body, by=secretary, starts_at=starts, ends_at=starts + timedelta(hours=2),
        title_en=f"Plenary {starts:%B}", place="Parliament", visibility=visibility,
        now=starts - timedelta(days=20),
    )  # fmt: skip


def test_a_decision_moves_a_recommendation_and_the_public_sees_it_once_minutes_are_published(
    client, setting
):
    secretary, body = setting
    rec = Recommendation.objects.get(slug="trafficking-reference-person")
    first = _meeting(body, secretary, FIRST)
    decision = meetings.record_decision(
        first, by=secretary, text_en="Ask every zone to designate its reference person",
        moves=[(rec, "in_progress", None)], now=FIRST + timedelta(hours=1),
    )  # fmt: skip
    rec.refresh_from_db()
    assert (rec.status, rec.progress) == ("in_progress", 50)
    change = rec.changes.get()
    assert change.decision == decision and change.changed_by == secretary

    page = reverse("consultation:recommendation", args=[rec.slug])
    html = client.get(page).content.decode()
    assert "Status: Not started → In progress." in html  # the change is public at once
    assert "Ask every zone" not in html  # the decision waits for published minutes

    minutes = meetings.save_minutes(
        first, by=secretary, text_en="Minutes", now=FIRST + timedelta(hours=3)
    )
    second = _meeting(body, secretary, NEXT)
    meetings.approve_minutes(
        minutes, by=secretary, at_meeting=second, now=NEXT + timedelta(minutes=5)
    )
    meetings.publish_minutes(minutes, by=secretary, now=NEXT + timedelta(minutes=10))
    html = client.get(page).content.decode()
    assert "Ask every zone to designate its reference person" in html
    assert reverse("consultation:meeting", args=[first.pk]) in html


def test_a_members_only_decision_is_shown_to_members_only(client, setting, personas):
    secretary, body = setting
    rec = Recommendation.objects.get(slug="alarm-button-study")
    closed = _meeting(body, secretary, FIRST, visibility=Visibility.MEMBERS)
    meetings.record_decision(
        closed, by=secretary, text_en="Fund a pilot with two support organisations",
        moves=[(rec, None, 20)], now=FIRST + timedelta(hours=1),
    )  # fmt: skip
    page = reverse("consultation:recommendation", args=[rec.slug])
    assert "Fund a pilot" not in client.get(page).content.decode()
    sign_in(client, personas.resident)
    assert "Fund a pilot" not in client.get(page).content.decode()
    sign_in(client, secretary)
    html = client.get(page).content.decode()
    assert "Fund a pilot with two support organisations" in html
    assert "Progress: 0 % → 20 %." in html


def test_a_refused_move_leaves_no_decision_and_no_change(setting):
    from umbrella.consultation.exceptions import ConsultationError
    from umbrella.consultation.models import Decision

    secretary, body = setting
    rec = Recommendation.objects.get(slug="public-toilets")
    first = _meeting(body, secretary, FIRST)
    with pytest.raises(ConsultationError):
        meetings.record_decision(
            first,
            by=secretary,
            text_en="x",
            moves=[(rec, None, 140)],
            now=FIRST + timedelta(hours=1),
        )
    assert not Decision.objects.exists() and not rec.changes.exists()
