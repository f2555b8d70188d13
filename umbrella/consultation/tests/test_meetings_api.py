"""GET /api/v1/meetings: public meetings for everyone, members-only ones for members with a
bearer token; agenda and minutes as allowed; documented with response schemas."""

from datetime import timedelta

import pytest
import time_machine

from umbrella.consultation.meetings import actions
from umbrella.consultation.tests.factories import NOW, meeting
from umbrella.testing import assert_api_error, auth_header

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["meetings"])
    return [m["id"] for m in body["meetings"]]


def test_the_public_gets_public_meetings(client, public_meeting, closed_meeting, secretary):
    actions.add_agenda_item(public_meeting, by=secretary, title_en="Opening", duration_minutes=10)
    toilets = actions.add_agenda_item(
        public_meeting, by=secretary, title_en="Toilets", duration_minutes=30
    )
    actions.add_agenda_item(
        public_meeting, by=secretary, title_en="North", duration_minutes=20, parent=toilets
    )
    response = client.get(URL)
    assert _ids(response) == [public_meeting.pk]
    found = response.json()["meetings"][0]
    assert found["title"] == {
        "nl": "Open plenary (nl)",
        "fr": "Open plenary (fr)",
        "en": "Open plenary",
    }
    assert found["visibility"] == "public"
    assert found["starts_at"] == "2026-11-19T10:00:00+01:00"
    assert found["body"]["slug"] == "regional-platform"
    assert [item["title"]["en"] for item in found["agenda"]] == ["Opening", "Toilets"]
    assert found["agenda"][1]["sub_items"][0]["duration_minutes"] == 20
    assert found["minutes"] is None
    assert found["url"].endswith(f"/platform/meetings/{public_meeting.pk}/")


def test_members_with_a_token_get_members_only_meetings(
    client, personas, seats, public_meeting, closed_meeting
):
    response = client.get(URL, **auth_header(personas.staff))
    assert _ids(response) == [public_meeting.pk, closed_meeting.pk]
    assert response.json()["meetings"][1]["visibility"] == "members"


def test_non_members_with_a_token_get_public_meetings_only(
    client, personas, seats, public_meeting, closed_meeting
):
    for person in (personas.resident, personas.worker, personas.admin):
        assert _ids(client.get(URL, **auth_header(person))) == [public_meeting.pk]


def test_an_invalid_token_answers_401(client, public_meeting):
    body = assert_api_error(client.get(URL, HTTP_AUTHORIZATION="Bearer nope"), 401)
    assert "token" in body["detail"]
    assert_api_error(client.get(URL, HTTP_AUTHORIZATION="Basic abc"), 401)


def test_minutes_as_allowed(client, personas, seats, platform, secretary):
    past = meeting(platform, secretary, starts_at=NOW - timedelta(days=14), title="Past")
    actions.save_minutes(past, by=secretary, text_en="Draft text")
    public = client.get(URL).json()["meetings"][0]
    assert public["minutes"] is None
    member = client.get(URL, **auth_header(personas.police)).json()["meetings"][0]
    assert member["minutes"]["status"] == "draft"
    assert member["minutes"]["text"]["en"] == "Draft text"


def test_filters_and_their_errors(client, platform, secretary, public_meeting):
    meeting(platform, secretary, starts_at=NOW - timedelta(days=3), title="Past")
    assert _ids(client.get(URL, {"upcoming": "1"})) == [public_meeting.pk]
    assert len(_ids(client.get(URL))) == 2
    assert len(_ids(client.get(URL, {"limit": "1"}))) == 1
    for bad in ("0", "501", "-1", "x", "²", "1e3"):
        body = assert_api_error(client.get(URL, {"limit": bad}), 422)
        assert "limit" in body["detail"]
    assert_api_error(client.get(URL, {"upcoming": "yes"}), 422)
    french = assert_api_error(client.get(URL, {"limit": "x"}, HTTP_ACCEPT_LANGUAGE="fr"), 422)
    assert french["detail"] == "limit doit être un nombre entier de 1 à 500."


def test_documented_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/meetings"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/MeetingList")
    assert "401" in operation["responses"] and "422" in operation["responses"]
    meeting_schema = schema["components"]["schemas"]["MeetingOut"]
    for field in ("id", "title", "starts_at", "ends_at", "visibility", "agenda", "minutes"):
        assert field in meeting_schema["properties"]


def test_a_member_signed_in_in_the_browser_sees_members_only_meetings(
    client, personas, seats, public_meeting, closed_meeting
):
    from umbrella.testing import sign_in

    assert personas.staff.requires_two_factor()
    sign_in(client, personas.staff)  # past two-step verification
    assert _ids(client.get(URL)) == [public_meeting.pk, closed_meeting.pk]


def test_a_session_without_two_step_verification_is_the_public(
    client, personas, seats, public_meeting, closed_meeting
):
    client.force_login(personas.staff)  # signed in, two-step verification not passed
    assert _ids(client.get(URL)) == [public_meeting.pk]


def test_a_signed_in_person_without_a_seat_is_the_public(
    client, personas, seats, public_meeting, closed_meeting
):
    from umbrella.testing import sign_in

    sign_in(client, personas.resident)
    assert _ids(client.get(URL)) == [public_meeting.pk]
