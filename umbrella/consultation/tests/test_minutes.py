"""The minutes life cycle (draft → approved by the next meeting → published), who reads
what at each step, members' comments on drafts, and decisions that move recommendations."""

from datetime import timedelta

import pytest
import time_machine

from umbrella.consultation.meetings import actions, queries
from umbrella.consultation.members import actions as member_actions
from umbrella.consultation.models import (
    MINUTES_TRANSITIONS,
    BodyKind,
    Decision,
    MinutesStatus,
    RecommendationChange,
    TrackerStatus,
    Visibility,
)
from umbrella.consultation.tests import factories
from umbrella.consultation.tests.factories import NOW, meeting
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(platform, secretary):
    """A public meeting a week ago, and the next one (today, started an hour ago)."""
    first = meeting(platform, secretary, starts_at=NOW - timedelta(days=7), title="September")
    second = meeting(platform, secretary, starts_at=NOW - timedelta(hours=1), title="October")
    return first, second


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _draft(meeting_, by):
    return actions.save_minutes(meeting_, by=by, text_en="We met.", text_fr="Nous nous sommes vus.")


def test_the_transition_table():
    assert MINUTES_TRANSITIONS[MinutesStatus.DRAFT] == {MinutesStatus.APPROVED}
    assert MINUTES_TRANSITIONS[MinutesStatus.APPROVED] == {
        MinutesStatus.PUBLISHED,
        MinutesStatus.DRAFT,
    }
    assert MINUTES_TRANSITIONS[MinutesStatus.PUBLISHED] == frozenset()


def test_minutes_only_after_the_meeting_started(platform, secretary):
    later = meeting(platform, secretary, starts_at=NOW + timedelta(minutes=1))
    with pytest.raises(actions.ConsultationError):
        _draft(later, secretary)
    with time_machine.travel(later.starts_at, tick=False):
        assert _draft(later, secretary).status == MinutesStatus.DRAFT


def test_full_life_cycle(held, secretary):
    first, second = held
    minutes = _draft(first, secretary)
    with pytest.raises(actions.ConsultationError):  # draft → published skips approval
        actions.publish_minutes(minutes, by=secretary)
    minutes = actions.approve_minutes(minutes, by=secretary, at_meeting=second)
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.approved_by_meeting == second and minutes.approved_at == NOW
    with pytest.raises(actions.ConsultationError):  # approved minutes are not edited
        _draft(first, secretary)
    minutes = actions.publish_minutes(minutes, by=secretary)
    assert minutes.status == MinutesStatus.PUBLISHED and minutes.published_at == NOW
    for step in (actions.reopen_minutes, actions.publish_minutes):
        with pytest.raises(actions.ConsultationError):  # published is final
            step(minutes, by=secretary)
    with pytest.raises(actions.ConsultationError):
        actions.approve_minutes(minutes, by=secretary, at_meeting=second)


def test_approved_minutes_can_go_back_to_draft(held, secretary):
    first, second = held
    minutes = actions.approve_minutes(_draft(first, secretary), by=secretary, at_meeting=second)
    minutes = actions.reopen_minutes(minutes, by=secretary)
    assert minutes.status == MinutesStatus.DRAFT and minutes.approved_by_meeting is None
    assert _draft(first, secretary).text_en == "We met."


def test_approval_is_by_a_later_started_meeting_of_the_same_body(held, platform, secretary):
    first, second = held
    minutes = _draft(second, secretary)
    with pytest.raises(actions.ConsultationError) as earlier:
        actions.approve_minutes(minutes, by=secretary, at_meeting=first)
    assert earlier.value.field == "at_meeting"
    upcoming = meeting(platform, secretary, starts_at=NOW + timedelta(days=30))
    with pytest.raises(actions.ConsultationError):  # not started yet
        actions.approve_minutes(minutes, by=secretary, at_meeting=upcoming)
    group = member_actions.ensure_body(
        "health",
        BodyKind.WORKING_GROUP,
        parent=platform,
        name_nl="Gezondheid",
        name_fr="Santé",
        name_en="Health",
    )
    other_body = meeting(group, secretary, starts_at=NOW - timedelta(minutes=30))
    with pytest.raises(actions.ConsultationError):
        actions.approve_minutes(minutes, by=secretary, at_meeting=other_body)
    with time_machine.travel(upcoming.starts_at, tick=False):
        assert actions.approve_minutes(minutes, by=secretary, at_meeting=upcoming).status == (
            MinutesStatus.APPROVED
        )


def test_members_manage_nothing(held, personas, seats, secretary):
    first, second = held
    minutes = _draft(first, secretary)
    with pytest.raises(actions.NotAllowed):
        actions.approve_minutes(minutes, by=personas.municipality, at_meeting=second)
    # The chair may.
    assert actions.approve_minutes(minutes, by=personas.police, at_meeting=second).status == (
        MinutesStatus.APPROVED
    )


def test_who_reads_minutes_at_each_step(client, held, personas, seats, secretary):
    first, second = held
    minutes = _draft(first, secretary)
    url = f"/en/platform/meetings/{first.pk}/"
    assert "We met." not in client.get(url).content.decode()
    assert not queries.can_see_minutes(personas.resident, minutes)
    sign_in(client, personas.staff)
    assert "We met." in client.get(url).content.decode()
    client.logout()
    minutes = actions.approve_minutes(minutes, by=secretary, at_meeting=second)
    assert "We met." not in client.get(url).content.decode()  # approved, not yet published
    actions.publish_minutes(minutes, by=secretary)
    public = client.get(url).content.decode()
    assert "We met." in public
    assert 'data-minutes-status="published"' in public
    # In French, the French text.
    assert (
        "Nous nous sommes vus." in client.get(f"/fr/platform/meetings/{first.pk}/").content.decode()
    )


def test_members_only_minutes_stay_with_members_when_published(client, platform, secretary, seats):
    closed = meeting(
        platform, secretary, starts_at=NOW - timedelta(days=9), visibility=Visibility.MEMBERS
    )
    second = meeting(
        platform, secretary, starts_at=NOW - timedelta(days=2), visibility=Visibility.MEMBERS
    )
    minutes = actions.approve_minutes(_draft(closed, secretary), by=secretary, at_meeting=second)
    minutes = actions.publish_minutes(minutes, by=secretary)
    assert not queries.can_see_minutes(None, minutes)
    assert client.get(f"/en/platform/meetings/{closed.pk}/").status_code == 404


def test_members_comment_on_draft_minutes(client, held, personas, seats, secretary):
    first, second = held
    minutes = _draft(first, secretary)
    url = f"/en/platform/meetings/{first.pk}/"
    sign_in(client, personas.outreach)
    empty = client.post(url, {"action": "comment", "text": "  "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    response = client.post(url, {"action": "comment", "text": "Please add the toilets point."})
    assert response.status_code == 302
    comment = minutes.comments.get()
    assert comment.member == seats["outreach"] and comment.created_at == NOW
    client.logout()
    # The public does not read members' comments, even once the minutes are published.
    sign_in(client, personas.resident)
    assert client.post(url, {"action": "comment", "text": "Me too"}).status_code == 403
    with pytest.raises(actions.NotAllowed):
        actions.comment_on_minutes(minutes, user=personas.resident, text="Me too")
    actions.approve_minutes(minutes, by=secretary, at_meeting=second)
    minutes.refresh_from_db()
    with pytest.raises(actions.ConsultationError):
        actions.comment_on_minutes(minutes, user=personas.staff, text="Too late")
    actions.publish_minutes(minutes, by=secretary)
    assert "Please add the toilets point." not in client.get(url).content.decode()


def test_a_decision_moves_a_recommendation(held, secretary):
    first, _second = held
    toilets = factories.recommendation("Public toilets")
    item = actions.add_agenda_item(first, by=secretary, title_en="Toilets", duration_minutes=20)
    decision = actions.record_decision(
        first,
        by=secretary,
        text_en="The Region funds ten toilets in the North quarter.",
        agenda_item=item,
        moves=[(toilets, TrackerStatus.IN_PROGRESS, 40)],
    )
    toilets.refresh_from_db()
    assert (toilets.status, toilets.progress) == (TrackerStatus.IN_PROGRESS, 40)
    change = RecommendationChange.objects.get(decision=decision)
    assert change.recommendation == toilets and change.changed_by == secretary
    assert list(decision.recommendation_changes.all()) == [change]


def test_a_refused_move_leaves_no_decision(held, secretary):
    first, _second = held
    toilets = factories.recommendation("Public toilets")
    with pytest.raises(actions.ConsultationError) as refused:
        actions.record_decision(
            first, by=secretary, text_en="Done!", moves=[(toilets, TrackerStatus.IMPLEMENTED, 50)]
        )
    assert "100" in refused.value.message
    assert not Decision.objects.exists()
    toilets.refresh_from_db()
    assert toilets.progress == 0


def test_the_public_reads_decisions_with_the_published_minutes(client, held, secretary):
    first, second = held
    actions.record_decision(first, by=secretary, text_en="Ten toilets.")
    url = f"/en/platform/meetings/{first.pk}/"
    assert "Ten toilets." not in client.get(url).content.decode()
    minutes = actions.approve_minutes(_draft(first, secretary), by=secretary, at_meeting=second)
    actions.publish_minutes(minutes, by=secretary)
    assert "Ten toilets." in client.get(url).content.decode()
    assert list(queries.public_decisions()) == list(Decision.objects.all())


def test_the_manage_page_walks_the_life_cycle(client, held, secretary, seats):
    first, second = held
    sign_in(client, secretary)
    url = f"/en/platform/meetings/{first.pk}/manage/"
    assert client.post(url, {"form": "minutes", "text_en": "", "text_nl": ""}).status_code == 200
    assert client.post(url, {"form": "minutes", "text_en": "Minutes."}).status_code == 302
    bad = client.post(url, {"form": "approve", "at_meeting": first.pk})
    assert bad.status_code == 200 and "Select a valid choice." in bad.content.decode()
    assert client.post(url, {"form": "approve", "at_meeting": second.pk}).status_code == 302
    assert client.post(url, {"form": "publish"}).status_code == 302
    first.minutes.refresh_from_db()
    assert first.minutes.status == MinutesStatus.PUBLISHED
    again = client.post(url, {"form": "publish"}, follow=True)
    assert "cannot become" in again.content.decode()
