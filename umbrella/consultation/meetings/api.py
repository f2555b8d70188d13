"""The consultation API: ``GET /api/v1/meetings``.

The public gets public meetings; a member of the platform who sends a bearer
token, or whose browser session is signed in (after two-step verification where
her role requires it), also gets members-only meetings. A token that is not valid answers 401
rather than silently showing less.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from umbrella.accounts.auth import BearerTokenAuth, VerifiedSessionAuth
from umbrella.areas.schemas import Error
from umbrella.consultation.meetings import queries
from umbrella.consultation.meetings.models import Meeting, Minutes

router = Router()
MAX_LIMIT = 500


class MeetingText(Schema):
    nl: str
    fr: str
    en: str


class MeetingBody(Schema):
    slug: str
    kind: Literal["platform", "working_group"]
    name: MeetingText


class AgendaItemOut(Schema):
    id: int
    title: MeetingText
    duration_minutes: int
    sub_items: list[AgendaItemOut] = Field(description="Sub-points (one level of nesting).")


AgendaItemOut.model_rebuild()


class MinutesOut(Schema):
    status: Literal["draft", "approved", "published"]
    published_at: datetime | None
    text: MeetingText | None = Field(
        description="Published minutes for everyone; drafts and approved minutes for members."
    )


class MeetingOut(Schema):
    id: int
    body: MeetingBody
    title: MeetingText
    starts_at: datetime = Field(description="ISO 8601 with the Brussels offset.")
    ends_at: datetime
    place: str
    online_url: str
    visibility: Literal["public", "members"]
    url: str = Field(description="The meeting's page.")
    agenda: list[AgendaItemOut]
    minutes: MinutesOut | None = Field(description="Null until minutes exist that you may read.")


class MeetingList(Schema):
    count: int
    meetings: list[MeetingOut]


def _translations(obj, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code}") or "" for code in ("nl", "fr", "en")}


def _agenda(meeting: Meeting) -> list[dict]:
    def item(entry) -> dict:
        return {
            "id": entry.pk,
            "title": _translations(entry, "title"),
            "duration_minutes": entry.duration_minutes,
            "sub_items": [item(sub) for sub in getattr(entry, "sub_items", [])],
        }

    return [item(entry) for entry in queries.agenda(meeting)]


def _minutes(user, meeting: Meeting) -> dict | None:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not queries.can_see_minutes(user, minutes):
        return None
    return {
        "status": minutes.status,
        "published_at": minutes.published_at,
        "text": _translations(minutes, "text"),
    }


def _out(user, meeting: Meeting) -> dict:
    tz = timezone.get_default_timezone()
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("consultation:meeting", args=[meeting.pk])
    return {
        "id": meeting.pk,
        "body": {
            "slug": meeting.body.slug,
            "kind": meeting.body.kind,
            "name": _translations(meeting.body, "name"),
        },
        "title": _translations(meeting, "title"),
        "starts_at": timezone.localtime(meeting.starts_at, tz),
        "ends_at": timezone.localtime(meeting.ends_at, tz),
        "place": meeting.place,
        "online_url": meeting.online_url,
        "visibility": meeting.visibility,
        "url": settings.SITE_URL.rstrip("/") + path,
        "agenda": _agenda(meeting),
        "minutes": _minutes(user, meeting),
    }


def _viewer(request: HttpRequest):
    header = request.headers.get("Authorization", "")
    if not header:
        # The browser's session, as session_or_bearer takes it: staff roles only after
        # two-step verification; anyone else is the public.
        return VerifiedSessionAuth().authenticate(request, None)
    scheme, _sep, token = header.partition(" ")
    user = (
        BearerTokenAuth().authenticate(request, token.strip())
        if scheme.lower() == "bearer" and token.strip()
        else None
    )
    if user is None:
        raise HttpError(401, _("This token is not valid: send a valid bearer token, or none."))
    return user


@router.get(
    "/meetings",
    response={200: MeetingList, 401: Error, 422: Error},
    url_name="consultation_meetings",
    # The id the operation had before the app's split (django-ninja derives it from the
    # module): clients generated from the OpenAPI document keep their method names.
    operation_id="umbrella_consultation_api_meetings_meetings",
    summary="Meetings of the consultation platform, soonest first",
)
def meetings(
    request: HttpRequest,
    upcoming: Annotated[
        str | None, Query(description="1: only meetings that have not ended yet.")
    ] = None,
    limit: Annotated[
        str | None, Query(description="At most this many (1–500, default 100).")
    ] = None,
):
    """Return the meetings you may see.

    Without a token: public meetings. With `Authorization: Bearer <token>` of a
    member of the platform, or her signed-in browser session (verified by two-step
    verification where her role requires it): members-only meetings too, and minutes that are not
    published yet. Each meeting has its agenda (nested, with durations) and its
    minutes when you may read them. Times are in Brussels time (ISO 8601).
    """
    user = _viewer(request)
    if upcoming not in (None, "", "0", "1"):
        raise HttpError(422, _("upcoming must be 1 or 0."))
    count = 100
    if limit not in (None, ""):
        if not (limit.isascii() and limit.isdigit()) or not 1 <= int(limit) <= MAX_LIMIT:
            raise HttpError(
                422, _("limit must be a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}
            )
        count = int(limit)
    found = queries.visible_meetings(user).order_by("starts_at", "pk")
    if upcoming == "1":
        found = found.filter(ends_at__gte=timezone.now())
    rows = [_out(user, meeting) for meeting in found[:count]]
    return {"count": len(rows), "meetings": rows}
