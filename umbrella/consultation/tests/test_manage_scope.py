"""A chair manages the body she chairs and no other; the secretary manages every body."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from umbrella.consultation.meetings import actions
from umbrella.consultation.members import actions as member_actions
from umbrella.consultation.members import queries
from umbrella.consultation.models import BodyKind, MemberCategory, Position
from umbrella.consultation.tests.factories import NOW, meeting, seat
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(platform, personas):
    group = member_actions.ensure_body(
        "health",
        BodyKind.WORKING_GROUP,
        parent=platform,
        name_nl="Gezondheid",
        name_fr="Santé",
        name_en="Health",
    )
    # The OCMW/CPAS staff chairs the Health group and is an ordinary member of the platform.
    seat(group, personas.staff, MemberCategory.OCMW_CPAS, Position.CHAIR)
    return group


def test_a_working_group_chair_manages_her_group_only(personas, seats, health, platform, secretary):
    assert queries.can_manage(personas.staff, health)
    assert not queries.can_manage(personas.staff, platform)
    assert list(queries.managed_bodies(personas.staff)) == [health]
    # The platform's chair (police) does not manage the Health group either.
    assert queries.can_manage(personas.police, platform)
    assert not queries.can_manage(personas.police, health)
    # The secretary manages both.
    assert queries.can_manage(secretary, platform) and queries.can_manage(secretary, health)
    assert set(queries.managed_bodies(secretary)) == {platform, health}


def test_the_actions_refuse_a_chair_outside_her_body(personas, seats, health, platform):
    start = NOW + timedelta(days=5)
    with translation.override("en"), pytest.raises(actions.NotAllowed) as refusal:
        meeting(platform, personas.staff, starts_at=start)
    assert refusal.value.message == (
        "Only the platform's secretary or the chair of this body may do this."
    )
    group_meeting = meeting(health, personas.staff, starts_at=start, title="Health group")
    assert group_meeting.body == health
    with pytest.raises(actions.NotAllowed):
        actions.add_agenda_item(
            group_meeting, by=personas.police, duration_minutes=10, title_en="Intrusion"
        )


def test_the_pages_refuse_a_chair_outside_her_body(
    client, personas, seats, health, platform, secretary
):
    plenary = meeting(platform, secretary, starts_at=NOW + timedelta(days=5))
    sign_in(client, personas.staff)
    response = client.get(f"/fr/platform/meetings/{plenary.pk}/manage/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Seul le secrétariat de la plateforme ou la présidence de cet organe peut le faire." in (
        html
    )
    assert '<html lang="fr"' in html  # the site's own page, with 112 and the quick exit
    # Her own group's meetings only in the form; another body posted is refused.
    form = client.get("/en/platform/meetings/new/").content.decode()
    assert "Health" in form and "Regional consultation platform" not in form
    response = client.post(
        "/en/platform/meetings/new/",
        {
            "body": platform.pk,
            "title_en": "Not mine",
            "starts_at": "2030-01-10T10:00",
            "ends_at": "2030-01-10T12:00",
            "place": "Room 2",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "Not mine" in response.content.decode()  # the input is kept
    assert not platform.meetings.filter(title_en="Not mine").exists()


def test_refusals_and_missing_pages_are_explained_in_the_readers_language(
    client, personas, seats, closed_meeting
):
    response = client.get(f"/nl/platform/meetings/{closed_meeting.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    # The site's own 404 page, which does not say whether a closed meeting exists.
    assert "Deze pagina bestaat niet" in html and 'lang="nl"' in html
    assert "Closed session" not in html and "Meeting" not in html
    assert client.get("/fr/platform/meetings/999999/").status_code == 404
    sign_in(client, personas.resident)
    response = client.get("/fr/platform/calendar/")
    assert response.status_code == 403
    html = response.content.decode()
    # The site's 403 page, with the refusal's own sentence (core/exceptions.py: Refused).
    assert "Vous ne pouvez pas ouvrir cette page" in html
    assert "Seuls les membres de la plateforme ont un flux d&#x27;agenda personnel." in html
    assert "Alleen leden" not in html


def test_an_unknown_form_is_a_400_with_a_sentence(client, personas, seats, secretary):
    plenary = meeting(seats["staff"].body, secretary, starts_at=NOW + timedelta(days=5))
    sign_in(client, personas.staff)
    for data in ({}, {"action": "nonsense"}):
        response = client.post(f"/nl/platform/meetings/{plenary.pk}/", data)
        assert response.status_code == 400
        assert "Dit formulier bestaat niet" in response.content.decode()
    sign_in(client, secretary)
    response = client.post(f"/fr/platform/meetings/{plenary.pk}/manage/", {"form": "nonsense"})
    assert response.status_code == 400
    assert "Ce formulaire n&#x27;existe pas" in response.content.decode()


def test_short_labels_are_not_taken_from_another_catalogue(
    client, personas, seats, secretary, public_meeting
):
    """ "Minutes" and "Body" mean something else elsewhere (minutes of time, a service)."""
    html = client.get(f"/nl/platform/meetings/{public_meeting.pk}/").content.decode()
    assert "<dt>Orgaan</dt>" in html and "<dt>Dienst</dt>" not in html
    html = client.get(f"/fr/platform/meetings/{public_meeting.pk}/").content.decode()
    assert "<dt>Organe</dt>" in html
    sign_in(client, secretary)
    with time_machine.travel(public_meeting.starts_at + timedelta(hours=1), tick=False):
        html = client.get(f"/nl/platform/meetings/{public_meeting.pk}/manage/").content.decode()
    assert ">Notulen</h2>" in html and ">Minuten</h2>" not in html
    # The session was saved during the travel back to the meeting's day, so its
    # expiry counts from then (weeks ago): sign in again in the present.
    sign_in(client, secretary)
    html = client.get("/nl/platform/meetings/new/").content.decode()
    assert '<label for="id_body">Orgaan' in html
