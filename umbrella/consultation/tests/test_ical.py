"""The iCal feeds: valid iCalendar (parsed back), required properties, Brussels time,
escaping; the public feed has public meetings only; a member's secret feed is revocable."""

from datetime import UTC, timedelta

import pytest
import time_machine
from icalendar import Calendar

from umbrella.consultation.meetings import actions
from umbrella.consultation.meetings.ical import meeting_uid
from umbrella.consultation.members import actions as member_actions
from umbrella.consultation.tests.factories import NOW, aware
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> list:
    return [c for c in calendar.walk("VEVENT")]


def test_public_feed_is_valid_and_has_public_meetings_only(client, public_meeting, closed_meeting):
    calendar = _parse(client.get("/en/platform/meetings.ics"))
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar
    events = _events(calendar)
    assert [str(e["UID"]) for e in events] == [meeting_uid(public_meeting)]
    event = events[0]
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
        assert required in event
    assert event["DTSTAMP"].dt == NOW.astimezone(UTC)
    assert event["DTSTAMP"].dt.utcoffset() == timedelta(0)
    assert b"DTSTAMP:20261112T090000Z" in client.get("/en/platform/meetings.ics").content
    # Brussels time, with its VTIMEZONE in the calendar.
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event["DTSTART"].dt == public_meeting.starts_at
    assert event["DTSTART"].dt.utcoffset() == timedelta(hours=1)  # winter time
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/Brussels"]
    assert str(event["SUMMARY"]) == "Open plenary"
    assert "Closed session" not in client.get("/en/platform/meetings.ics").content.decode()


def test_summer_time_and_escaping(client, platform, secretary):
    summer = actions.create_meeting(
        platform,
        by=secretary,
        starts_at=aware(2027, 6, 3, 18, 30),
        ends_at=aware(2027, 6, 3, 20, 0),
        title_en="Toilets, safety; and rue d'Aerschot\\Linné",
        place="Salle 2, Hôtel de ville; 1er étage",
        now=NOW,
    )
    body = client.get("/en/platform/meetings.ics").content
    # Commas, semicolons and backslashes are escaped in the text (RFC 5545, 3.3.11).
    assert b"SUMMARY;LANGUAGE=en:Toilets\\, safety\\; and rue d'Aerschot\\\\Linn" in body
    event = _events(Calendar.from_ical(body))[0]
    assert str(event["SUMMARY"]) == "Toilets, safety; and rue d'Aerschot\\Linné"
    assert str(event["LOCATION"]) == "Salle 2, Hôtel de ville; 1er étage"
    assert event["DTSTART"].dt == summer.starts_at
    assert event["DTSTART"].dt.utcoffset() == timedelta(hours=2)  # summer time
    # Lines are folded at 75 octets.
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_a_member_feed_has_members_only_meetings_and_can_be_revoked(
    client, personas, seats, public_meeting, closed_meeting
):
    _token, secret = member_actions.issue_feed_token(seats["staff"])
    url = f"/en/platform/calendar/{secret}.ics"
    uids = {str(e["UID"]) for e in _events(_parse(client.get(url)))}
    assert uids == {meeting_uid(public_meeting), meeting_uid(closed_meeting)}
    # A new address replaces the old one.
    _token, newer = member_actions.issue_feed_token(seats["staff"])
    assert client.get(url).status_code == 404
    assert client.get(f"/en/platform/calendar/{newer}.ics").status_code == 200
    member_actions.revoke_feed_tokens(seats["staff"])
    assert client.get(f"/en/platform/calendar/{newer}.ics").status_code == 404
    assert client.get("/en/platform/calendar/guessed-token-1234.ics").status_code == 404


def test_a_feed_stops_working_when_the_member_leaves(client, seats, secretary, closed_meeting):
    _token, secret = member_actions.issue_feed_token(seats["police"])
    member_actions.end_membership(seats["police"], by=secretary, today=NOW.date())
    assert client.get(f"/en/platform/calendar/{secret}.ics").status_code == 404


def test_members_manage_their_feed_address_on_a_page(client, personas, seats):
    sign_in(client, personas.municipality)
    response = client.post("/en/platform/calendar/", {"action": "issue"})
    assert response.status_code == 200
    feed_url = response.context["feed_url"]
    assert feed_url.startswith("http://testserver/en/platform/calendar/")
    assert client.get(feed_url.removeprefix("http://testserver")).status_code == 200
    client.post("/en/platform/calendar/", {"action": "revoke"})
    assert client.get(feed_url.removeprefix("http://testserver")).status_code == 404
    client.logout()
    sign_in(client, personas.resident)
    assert client.get("/en/platform/calendar/").status_code == 403


def test_meeting_uid_is_stable(public_meeting):
    assert meeting_uid(public_meeting) == meeting_uid(public_meeting)
    assert meeting_uid(public_meeting).startswith(f"meeting-{public_meeting.pk}@")
