"""The shapes the alarms API answers with, for the OpenAPI document and its clients.

The answers themselves are built by the functions of ``schemas.py`` (what a
person sees depends on who she is); these schemas describe and check them.
Timestamps stay the ISO 8601 strings those functions write.
"""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from umbrella.alarms.models import CheckInStatus, Source, Status, StepKind, TierKind

Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
AlarmStatus = Literal[tuple(Status.values)]
AlarmSource = Literal[tuple(Source.values)]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


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
    kind: Literal[tuple(StepKind.values)]
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
    status: Literal[tuple(CheckInStatus.values)]
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
    kind: Literal[tuple(TierKind.values)]
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
