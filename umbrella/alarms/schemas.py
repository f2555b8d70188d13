"""The alarms API's schemas: what it reads, and the shapes it answers with.

Input is checked by the ``…In`` schemas. Output is built by functions rather
than schemas because what a person sees depends on who she is: the owner of
an alarm she "cancelled" with her duress PIN must see a cancelled alarm, and
nothing that happened after. The ``…Out`` schemas describe and check those
answers for the OpenAPI document and its clients; timestamps stay the
ISO 8601 strings the functions write.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from umbrella.alarms import queries
from umbrella.alarms.actions.checkins import MAX_MINUTES, MIN_MINUTES, expiry_alarm
from umbrella.alarms.actions.circles import MAX_DELAY_SECONDS, MIN_DELAY_SECONDS
from umbrella.alarms.events import alarm_summary
from umbrella.alarms.models import (
    Alarm,
    CheckIn,
    CheckInStatus,
    Circle,
    RoomButton,
    Source,
    Status,
    StepKind,
    TierKind,
)

NOTE_MAX = 1000
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
# The choices' values as Literal types give the OpenAPI document its enums and
# follow the models. A Literal computed at run time is beyond a type checker,
# which sees plain strings.
if TYPE_CHECKING:
    AlarmStatus = str
    AlarmSource = str
    StepKindValue = str
    CheckInStatusValue = str
    TierKindValue = str
else:
    AlarmStatus = Literal[tuple(Status.values)]
    AlarmSource = Literal[tuple(Source.values)]
    StepKindValue = Literal[tuple(StepKind.values)]
    CheckInStatusValue = Literal[tuple(CheckInStatus.values)]
    TierKindValue = Literal[tuple(TierKind.values)]


class RaiseIn(Schema):
    lat: float | None = Field(None, ge=-90, le=90, description="Latitude, −90…90.")
    lon: float | None = Field(None, ge=-180, le=180, description="Longitude, −180…180.")
    accuracy: float | None = Field(None, ge=0, le=100_000, description="Metres.")
    note: str = Field("", max_length=NOTE_MAX)


class ResolveIn(Schema):
    outcome: str = Field("", max_length=NOTE_MAX)


class PinIn(Schema):
    pin: str | None = Field(None, max_length=32)


class CheckInIn(Schema):
    minutes: int = Field(..., ge=MIN_MINUTES, le=MAX_MINUTES, description="1 to 1440.")
    note: str = Field("", max_length=NOTE_MAX)


class ExtendIn(Schema):
    minutes: int = Field(..., ge=MIN_MINUTES, le=MAX_MINUTES, description="1 to 1440.")


def _an_object(value):
    # ninja's Schema reads attributes of any object, so a list, a number or
    # null would pass as an empty circle: only a JSON object is one. (Its
    # wrapper hands the value on as a DjangoGetter; look inside it.)
    if not isinstance(getattr(value, "_obj", value), dict):
        raise PydanticCustomError("model_type", "must be an object")
    return value


class TierIn(Schema):
    kind: TierKind
    delay_seconds: int = Field(60, ge=MIN_DELAY_SECONDS, le=MAX_DELAY_SECONDS)
    members: list[str] = Field(default_factory=list, max_length=20)
    organisation_id: int | None = None

    _object = model_validator(mode="before")(_an_object)


class CircleIn(Schema):
    """Her whole circle: ``tiers`` is required, so a body without it never empties it."""

    police_opt_in: bool = False
    tiers: list[TierIn] = Field(..., max_length=5)

    _object = model_validator(mode="before")(_an_object)


class DuressPinIn(Schema):
    pin: str = Field(..., min_length=4, max_length=12, pattern=r"^[0-9]+$")


class ButtonIn(Schema):
    room_label: str = Field(..., min_length=1, max_length=100)
    test_mode: bool = False


class ButtonPatchIn(Schema):
    test_mode: bool


# The shapes of the answers.


class ErrorOut(Schema):
    detail: str


class AlarmOut(Schema):
    id: int
    status: AlarmStatus
    source: AlarmSource
    raised_at: Timestamp
    acknowledged_at: Timestamp | None
    acknowledged_by: str | None
    resolved_at: Timestamp | None
    cancelled_at: Timestamp | None
    owner: str | None
    is_test: bool
    is_duress: bool
    current_tier: int
    room_label: str | None
    establishment: str | None


class AlarmRaisedOut(AlarmOut):
    recipient_count: int


class AlarmLocationOut(Schema):
    lat: float
    lon: float
    accuracy: float | None


class AlarmAreaOut(Schema):
    nis_code: str | None
    zone_code: str | None
    neighbourhood_code: str | None


class AlarmRecipientOut(Schema):
    username: str
    tier: int
    told_at: Timestamp
    seen_at: Timestamp | None


class AlarmStepOut(Schema):
    kind: StepKindValue
    at: Timestamp
    tier: int | None
    by: str | None
    recipient_count: int


class AlarmDetailOut(AlarmOut):
    location: AlarmLocationOut | None
    location_erased_at: Timestamp | None
    note: str
    outcome: str
    resolved_by: str | None
    area: AlarmAreaOut
    recipients: list[AlarmRecipientOut]
    seen_by: list[str]
    timeline: list[AlarmStepOut]
    seconds_to_acknowledge: float | None


class AlarmListOut(Schema):
    alarms: list[AlarmOut]


class DevicePressOut(Schema):
    id: int
    status: AlarmStatus
    source: AlarmSource
    raised_at: Timestamp
    is_test: bool
    deduplicated: bool


class SeenOut(Schema):
    id: int
    seen_at: Timestamp


class CheckInAlarmOut(Schema):
    """Her check-in's alarm while it is open: who was told, has seen it, is coming."""

    id: int
    status: AlarmStatus
    told: list[str]
    seen_by: list[str]
    coming: str | None


CheckInState = Literal["running", "grace", "told", "safe", "closed", "done", "cancelled"]


class CheckInOut(Schema):
    id: int
    status: CheckInStatusValue
    state: CheckInState
    now: Timestamp
    started_at: Timestamp
    due_at: Timestamp
    expires_at: Timestamp
    grace_seconds: int
    ended_at: Timestamp | None
    told_at: Timestamp | None
    safe_at: Timestamp | None
    alarm: CheckInAlarmOut | None
    note: str


class CheckInListOut(Schema):
    checkins: list[CheckInOut]


MemberStatus = Literal["accepted", "invited", "left"]


class PersonOut(Schema):
    name: str = Field(description="The pseudonym as she typed it (lower-cased).")
    status: MemberStatus = Field(
        description=(
            "accepted: told of her alarms; invited: not told, waiting (also for a name "
            "nobody has, or an invitation declined); left: he left her circle."
        )
    )


class TierOut(Schema):
    position: int
    kind: TierKindValue
    delay_seconds: int
    members: list[str] = Field(description="The names of ``people``, in order.")
    people: list[PersonOut]
    organisation_id: int | None
    organisation: str | None
    organisation_status: MemberStatus | None = Field(
        description="accepted: the organisation takes her alarms; invited: not yet."
    )


class CircleOut(Schema):
    police_opt_in: bool
    tiers: list[TierOut]


class ButtonOut(Schema):
    id: int
    room_label: str
    key_prefix: str
    test_mode: bool
    created_at: Timestamp
    last_seen_at: Timestamp | None
    test_alarms: int | None
    real_alarms: int | None
    last_successful_test: Timestamp | None


class ButtonCreatedOut(ButtonOut):
    device_key: str
    press_path: str


class ButtonListOut(Schema):
    buttons: list[ButtonOut]


# The answers, as each person may see them.


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def alarm_out(alarm: Alarm, viewer, *, detail: bool = False) -> dict:
    """Return the alarm as ``viewer`` may see it (``AlarmOut``; ``AlarmDetailOut`` with
    ``detail``): the events' shape (``events.alarm_summary``) without its area fields."""
    out = alarm_summary(alarm, viewer, area=False)
    if not detail:
        return out
    concealed = alarm.concealed_from_owner and queries.is_owner(alarm, viewer)
    cut = queries.cancelled_at_for(alarm, viewer) if concealed else None

    def before_cut(at: datetime | None) -> datetime | None:
        return at if at is not None and (cut is None or at <= cut) else None

    told = [r for r in queries.recipients(alarm) if before_cut(r.told_at)]
    out.update(
        {
            "location": (
                {"lat": alarm.latitude, "lon": alarm.longitude, "accuracy": alarm.accuracy}
                if alarm.has_location()
                else None
            ),
            "location_erased_at": _iso(alarm.location_erased_at),
            "note": alarm.note or "",
            "outcome": "" if concealed else (alarm.outcome or ""),
            "resolved_by": (
                alarm.resolved_by.username if alarm.resolved_by and not concealed else None
            ),
            "area": {
                "nis_code": alarm.nis_code or None,
                "zone_code": alarm.zone_code or None,
                "neighbourhood_code": alarm.neighbourhood_code or None,
            },
            "recipients": [
                {
                    "username": r.user.username,
                    "tier": r.tier,
                    "told_at": _iso(r.told_at),
                    "seen_at": _iso(before_cut(r.seen_at)),
                }
                for r in told
            ],
            "seen_by": [r.user.username for r in told if before_cut(r.seen_at)],
            "timeline": [
                {**step, "at": _iso(step["at"])}
                for step in queries.timeline(alarm, viewer)
                if cut is None or step["at"] <= cut or step["kind"] == StepKind.CANCELLED
            ],
            "seconds_to_acknowledge": alarm.seconds_to_acknowledge()
            if alarm.status != Status.CANCELLED and not concealed
            else None,
        }
    )
    return out


def checkin_state(checkin: CheckIn, alarm: Alarm | None, now: datetime) -> str:
    """Return where her check-in stands, as the server knows it at ``now``.

    ``running`` before the due time, ``grace`` from the due time until the
    worker tells her circle, ``told`` while the alarm it raised is open,
    ``safe`` once she said so after that (with her duress PIN too: it must
    look the same), ``closed`` when a responder closed the alarm, else
    ``done`` or ``cancelled``.
    """
    if checkin.status == CheckInStatus.RUNNING:
        return "running" if now < checkin.due_at else "grace"
    if checkin.status == CheckInStatus.EXPIRED:
        if checkin.safe_at is not None:
            return "safe"
        if alarm is not None and alarm.is_open() and not alarm.concealed_from_owner:
            return "told"
        return "closed"
    return checkin.status


def _told_out(alarm: Alarm, viewer) -> dict:
    """Return who was told of her check-in's alarm, who has seen it and who is coming."""
    told = queries.recipients(alarm)
    coming = alarm.acknowledged_by.username if alarm.acknowledged_by else None
    return {
        "id": alarm.pk,
        "status": alarm.status_for(viewer),
        "told": [r.user.username for r in told],
        "seen_by": [r.user.username for r in told if r.seen_at is not None],
        "coming": coming,
    }


def checkin_out(checkin: CheckIn, now: datetime | None = None) -> dict:
    """Return her check-in with its state; only its owner ever reads it."""
    now = now or timezone.now()
    alarm = (
        expiry_alarm(checkin)
        if checkin.status == CheckInStatus.EXPIRED and checkin.safe_at is None
        else None
    )
    state = checkin_state(checkin, alarm, now)
    told_at = None
    if checkin.status == CheckInStatus.EXPIRED:
        raised = alarm or expiry_alarm(checkin)
        told_at = raised.raised_at if raised is not None else checkin.ended_at
    return {
        "id": checkin.pk,
        "status": checkin.status,
        "state": state,
        "now": _iso(now),
        "started_at": _iso(checkin.started_at),
        "due_at": _iso(checkin.due_at),
        "expires_at": _iso(checkin.expires_at()),
        "grace_seconds": checkin.grace_seconds,
        "ended_at": _iso(checkin.ended_at),
        "told_at": _iso(told_at),
        "safe_at": _iso(checkin.safe_at),
        "alarm": _told_out(alarm, checkin.owner) if state == "told" and alarm else None,
        "note": checkin.note or "",
    }


def circle_out(circle: Circle | None) -> dict:
    """Return her circle; each person and organisation with its answer (never more)."""
    if circle is None:
        return {"police_opt_in": False, "tiers": []}
    organisations = queries.organisation_states(circle.owner_id)
    tiers = []
    for tier in circle.tiers.all():
        invitations = [m.invitation for m in tier.members.all()]
        tiers.append(
            {
                "position": tier.position,
                "kind": tier.kind,
                "delay_seconds": tier.delay_seconds,
                "members": [i.name for i in invitations],
                "people": [
                    {"name": i.name, "status": queries.state_of(i.status)} for i in invitations
                ],
                "organisation_id": tier.organisation_id,
                "organisation": tier.organisation.name if tier.organisation else None,
                "organisation_status": (
                    organisations.get(tier.organisation_id, queries.INVITED)
                    if tier.organisation_id
                    else None
                ),
            }
        )
    return {"police_opt_in": circle.police_opt_in, "tiers": tiers}


def button_out(button: RoomButton) -> dict:
    return {
        "id": button.pk,
        "room_label": button.room_label,
        "key_prefix": button.device_key_prefix,
        "test_mode": button.test_mode,
        "created_at": _iso(button.created_at),
        "last_seen_at": _iso(button.last_seen_at),
        "test_alarms": getattr(button, "test_alarms", None),
        "real_alarms": getattr(button, "real_alarms", None),
        "last_successful_test": _iso(getattr(button, "last_successful_test", None)),
    }
