"""iCalendar feeds of meetings (RFC 5545), built with ``icalendar``.

Times are written in Europe/Brussels with its VTIMEZONE, so a calendar shows
the meeting at the right hour across daylight-saving changes. The UID is
stable per meeting and site, so a calendar updates an event instead of
adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlparse

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from umbrella.consultation.meetings.models import Meeting, Visibility

BRUSSELS = "Europe/Brussels"


def _host() -> str:
    return urlparse(settings.SITE_URL).hostname or "umbrella.localhost"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{_host()}"


def calendar_of(meetings: Iterable[Meeting], *, name: str, now: datetime | None = None) -> bytes:
    """Return the iCalendar document of ``meetings``."""
    # Imported here: ~12 MB that a web process carries only once someone
    # subscribes to a feed (bench/alarm_latency.py measures the RSS).
    from icalendar import Calendar, Event

    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    site = settings.SITE_URL.rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", "-//Umbrella Brussels//consultation platform//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", BRUSSELS)
    language = (translation.get_language() or "en").split("-")[0]
    for meeting in meetings:
        event = Event()
        event.add("uid", meeting_uid(meeting))
        # DTSTAMP and LAST-MODIFIED are in UTC (RFC 5545, 3.8.7.2 and 3.8.7.3).
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
        event.add("dtend", timezone.localtime(meeting.ends_at, tz))
        event.add("summary", meeting.title)
        event.add("last-modified", meeting.updated_at.astimezone(UTC))
        if meeting.place:
            event.add("location", meeting.place)
        elif meeting.online_url:
            event.add("location", meeting.online_url)
        url = site + reverse("consultation:meeting", args=[meeting.pk])
        event.add("url", url)
        description = [meeting.body.name]
        if meeting.online_url:
            description.append(meeting.online_url)
        description.append(url)
        event.add("description", "\n".join(description))
        event.add("class", "PUBLIC" if meeting.visibility == Visibility.PUBLIC else "CONFIDENTIAL")
        event["summary"].params["language"] = language
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
