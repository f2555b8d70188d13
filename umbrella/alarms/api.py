"""The alarms API: raise, take, close and follow alarms; check-ins; room buttons.

Handlers stay thin: check who asks, call one action, answer. Errors are
``{"detail": "<sentence>"}``; an alarm a person may not see answers 404,
exactly as one that does not exist.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ValidationError as PydanticValidationError

from umbrella.accounts.auth import AuthenticatedRequest, session_or_bearer
from umbrella.alarms import actions, queries
from umbrella.alarms.circles.api import router as circles_router
from umbrella.alarms.establishments.api import router as establishments_router
from umbrella.alarms.exceptions import AlarmError, InvalidInput, InvalidState, NotAllowed
from umbrella.alarms.models import CheckIn, IdempotencyScope, Source
from umbrella.alarms.schemas import (
    AlarmDetailOut,
    AlarmListOut,
    AlarmOut,
    AlarmRaisedOut,
    CheckInIn,
    CheckInListOut,
    CheckInOut,
    DevicePressOut,
    ErrorOut,
    ExtendIn,
    PinIn,
    RaiseIn,
    ResolveIn,
    SeenOut,
    alarm_out,
    checkin_out,
)
from umbrella.api import openapi
from umbrella.api.errors import problem
from umbrella.api.schemas import Problem
from umbrella.core import ratelimit
from umbrella.core.audit import record_read

logger = logging.getLogger(__name__)

# Apps send a bearer token; the worker's and responders' pages use their
# (2FA-verified, CSRF-checked) session.
router = Router(auth=session_or_bearer)
SchemaT = TypeVar("SchemaT", bound=Schema)
router.add_router("", circles_router)
router.add_router("", establishments_router)
# Alarms, locations, check-ins and circles must not stay in a browser's or a
# proxy's cache, where someone holding her phone could read them later.
router.add_decorator(never_cache, mode="view")

# Error answers every route may give (see umbrella/api/v1.py).
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: Problem}

# Presses per device key per minute; dedupe already folds repeats into one alarm.
DEVICE_PRESSES_PER_MINUTE = 20


def could_not_raise() -> HttpError:
    # Nothing was committed (one transaction); the caller must know at once.
    return HttpError(503, _("The alarm could not be raised. Call 112 now, then try again."))


def not_found() -> HttpError:
    return HttpError(404, _("Not found."))


def refused(error: AlarmError) -> HttpError:
    if isinstance(error, NotAllowed):
        return HttpError(403, str(error.message))
    if isinstance(error, InvalidState):
        return HttpError(409, str(error.message))
    return HttpError(422, str(error.message))


def invalid_input(error: InvalidInput) -> dict:
    """Return the 422 body of an out-of-bounds value, shaped like a schema's 422."""
    return problem(error.message, error.field)


def idempotency_key(request: HttpRequest) -> str | None:
    """Return the request's ``Idempotency-Key`` header, None without one; 422 if malformed."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not actions.valid_key(key):
        raise HttpError(422, _("The Idempotency-Key header must be 1 to 100 printable characters."))
    return key


def optional_body(request: HttpRequest, schema: type[SchemaT]) -> SchemaT:
    """Parse an optional JSON body: none at all means the defaults.

    A one-tap button (or a room device) may post nothing; ninja would refuse
    an empty body for a declared body parameter.
    """
    try:
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            return schema.model_validate(request.POST.dict())
        return schema.model_validate_json(request.body.strip() or b"{}")
    except PydanticValidationError as error:
        details = [dict(detail) for detail in error.errors(include_url=False)]
        raise ValidationError(details) from None


def _alarm_for(request: AuthenticatedRequest, alarm_id: int):
    alarm = queries.visible_alarm(request.auth, alarm_id)
    if alarm is None:
        raise not_found()
    return alarm


# --- Alarms -----------------------------------------------------------------


@router.post(
    "alarms",
    response={200: AlarmRaisedOut, 201: AlarmRaisedOut, **ERRORS, 503: ErrorOut},
    openapi_extra=openapi.optional_body(RaiseIn),
)
def raise_alarm(request: AuthenticatedRequest):
    """Raise an alarm for the signed-in sex worker; tier 1 of her circle is told at once.

    With an ``Idempotency-Key`` header, sending the same key again within 24
    hours answers 200 with the alarm the first request raised.
    """
    if not request.auth.is_sex_worker():
        raise HttpError(403, _("Only a sex worker's account can raise an alarm."))
    key = idempotency_key(request)
    data = optional_body(request, RaiseIn)
    if (data.lat is None) != (data.lon is None):
        raise HttpError(422, _("Send both lat and lon, or neither."))
    now = timezone.now()

    def raise_it(record=None):
        return actions.raise_alarm(
            request.auth,
            Source.APP,
            now,
            lat=data.lat,
            lon=data.lon,
            accuracy=data.accuracy,
            note=data.note,
            idempotency_key=record,
        )

    try:
        if key is None:
            alarm, created = raise_it(), True
        else:
            alarm, created = actions.run_once(
                request.auth, IdempotencyScope.ALARM, key, now, raise_it
            )
    except Exception:
        logger.exception("an alarm could not be raised")
        raise could_not_raise() from None
    body = alarm_out(alarm, request.auth)
    body["recipient_count"] = len(actions.told_ids(alarm))
    return Status(201 if created else 200, body)


def _over_device_rate(device_key: str) -> bool:
    # In the rate-limit cache, which floods of the default cache cannot evict
    # and every process shares; counted for known buttons only, so made-up
    # keys add nothing there (umbrella/core/ratelimit.py).
    key = "alarms:device-press:" + ratelimit.keyed("alarms.device-press", device_key)
    return ratelimit.hit(key, 60) > DEVICE_PRESSES_PER_MINUTE


@router.post(
    "alarms/device/{device_key}",
    auth=None,
    response={
        200: DevicePressOut,
        201: DevicePressOut,
        404: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
)
def press_device(request: HttpRequest, device_key: str):
    """A room button was pressed (no account: the key is the credential).

    Answers 201 with a new alarm, 200 when the press joined the button's
    alarm that is still open (raised or acknowledged), 404 for an unknown
    key, 429 when pressed too often.
    """
    # An unknown key is answered before anything is counted: a flood of
    # made-up keys leaves no trace in the rate-limit cache.
    if actions.button_for_key(device_key) is None:
        raise not_found()
    if _over_device_rate(device_key):
        raise HttpError(429, _("Too many presses; the alarm is already raised."))
    try:
        pressed = actions.press_room_button(device_key, timezone.now())
    except Exception:
        logger.exception("a room button press could not raise its alarm")
        raise could_not_raise() from None
    if pressed is None:
        raise not_found()
    alarm, created = pressed
    body = {
        "id": alarm.pk,
        "status": alarm.status,
        "source": alarm.source,
        "raised_at": alarm.raised_at.isoformat(),
        "is_test": alarm.is_test,
        "deduplicated": not created,
    }
    return Status(201 if created else 200, body)


@router.get("alarms", response={200: AlarmListOut, **ERRORS})
def list_alarms(request: AuthenticatedRequest, open: bool = False, limit: int = 50):
    """Return the caller's alarms: her own and those routed to her, newest first."""
    alarms = queries.open_alarms(request.auth) if open else queries.visible_alarms(request.auth)
    alarms = alarms.order_by("-raised_at")
    alarms = alarms[: max(1, min(limit, 200))]
    return {"alarms": [alarm_out(alarm, request.auth) for alarm in alarms]}


@router.get("alarms/{int:alarm_id}", response={200: AlarmDetailOut, **ERRORS})
def alarm_detail(request: AuthenticatedRequest, alarm_id: int):
    """Return one alarm with who was told, who has seen it, who took it, and its timeline."""
    alarm = _alarm_for(request, alarm_id)
    # Reads by others are audited. The worker's own screen polls her alarm
    # every few seconds; her reading her own data is not a disclosure, and
    # auditing it would bury the log (about 1,800 rows an hour per alarm).
    if alarm.owner_id != request.auth.pk:
        record_read(request.auth, alarm, "api: alarm detail", timezone.now())
    return alarm_out(alarm, request.auth, detail=True)


@router.post("alarms/{int:alarm_id}/acknowledge", response={200: AlarmOut, **ERRORS})
def acknowledge(request: AuthenticatedRequest, alarm_id: int):
    """Take the alarm. Repeating it changes nothing; the first one stops escalation."""
    alarm = _alarm_for(request, alarm_id)
    try:
        alarm = actions.acknowledge(alarm, request.auth, timezone.now())
    except AlarmError as error:
        raise refused(error) from None
    return alarm_out(alarm, request.auth)


@router.post(
    "alarms/{int:alarm_id}/resolve",
    response={200: AlarmOut, **ERRORS},
    openapi_extra=openapi.optional_body(ResolveIn),
)
def resolve(request: AuthenticatedRequest, alarm_id: int):
    """Close the alarm with its outcome. Repeating it keeps the first outcome."""
    alarm = _alarm_for(request, alarm_id)
    try:
        alarm = actions.resolve(
            alarm, request.auth, optional_body(request, ResolveIn).outcome, timezone.now()
        )
    except AlarmError as error:
        raise refused(error) from None
    return alarm_out(alarm, request.auth)


@router.post(
    "alarms/{int:alarm_id}/cancel",
    response={200: AlarmOut, **ERRORS},
    openapi_extra=openapi.optional_body(PinIn),
)
def cancel(request: AuthenticatedRequest, alarm_id: int):
    """Call the alarm off (the owner only). See docs/alarms.md on the duress PIN."""
    alarm = _alarm_for(request, alarm_id)
    try:
        alarm = actions.cancel(
            alarm, request.auth, optional_body(request, PinIn).pin, timezone.now()
        )
    except AlarmError as error:
        raise refused(error) from None
    return alarm_out(alarm, request.auth)


@router.post("alarms/{int:alarm_id}/seen", response={200: SeenOut, **ERRORS})
def seen(request: AuthenticatedRequest, alarm_id: int):
    """Record that the responder opened the alarm; the sex worker sees who has."""
    alarm = _alarm_for(request, alarm_id)
    try:
        seen_at = actions.mark_seen(alarm, request.auth, timezone.now())
    except AlarmError as error:
        raise refused(error) from None
    return {"id": alarm.pk, "seen_at": seen_at.isoformat()}


# --- Check-ins -------------------------------------------------------------


def _checkin_for(request: AuthenticatedRequest, checkin_id: int) -> CheckIn:
    return get_object_or_404(CheckIn, pk=checkin_id, owner=request.auth)


@router.post("checkins", response={200: CheckInOut, 201: CheckInOut, **ERRORS})
def start_checkin(request: AuthenticatedRequest, data: CheckInIn):
    """Start a check-in timer: unless "done" in time (plus grace), an alarm is raised.

    With an ``Idempotency-Key`` header, the same key again within 24 hours
    answers 200 with the check-in the first request started.
    """
    if not request.auth.is_sex_worker():
        raise HttpError(403, _("Only a sex worker's account can start a check-in."))
    key = idempotency_key(request)
    now = timezone.now()

    def start(record=None):
        return actions.start_checkin(
            request.auth, data.minutes, now, note=data.note, idempotency_key=record
        )

    if key is None:
        checkin, created = start(), True
    else:
        checkin, created = actions.run_once(request.auth, IdempotencyScope.CHECKIN, key, now, start)
    return Status(201 if created else 200, checkin_out(checkin))


@router.get("checkins", response={200: CheckInListOut, **ERRORS})
def list_checkins(request: AuthenticatedRequest):
    return {"checkins": [checkin_out(c) for c in queries.running_checkins(request.auth)]}


@router.get("checkins/{int:checkin_id}", response={200: CheckInOut, **ERRORS})
def checkin_detail(request: AuthenticatedRequest, checkin_id: int):
    """Return her check-in and its state (running, grace, told, safe, …): her screen polls it."""
    return checkin_out(_checkin_for(request, checkin_id))


@router.post(
    "checkins/{int:checkin_id}/done",
    response={200: CheckInOut, **ERRORS},
    openapi_extra=openapi.optional_body(PinIn),
)
def checkin_done(request: AuthenticatedRequest, checkin_id: int):
    """Stop the timer: she is safe (or, with her duress PIN, it only looks so).

    After her circle was told, this resolves the check-in's alarm and tells
    them she says she is safe (with the duress PIN the alarm goes on).
    """
    checkin = _checkin_for(request, checkin_id)
    try:
        checkin = actions.checkin_done(
            checkin, request.auth, timezone.now(), pin=optional_body(request, PinIn).pin
        )
    except AlarmError as error:
        raise refused(error) from None
    return checkin_out(checkin)


@router.post("checkins/{int:checkin_id}/extend", response={200: CheckInOut, **ERRORS})
def extend_checkin(request: AuthenticatedRequest, checkin_id: int, data: ExtendIn):
    """Give the timer more minutes; it may end at most 24 hours from now (else 422)."""
    checkin = _checkin_for(request, checkin_id)
    try:
        checkin = actions.extend_checkin(checkin, request.auth, data.minutes, timezone.now())
    except InvalidInput as error:
        return Status(422, invalid_input(error))
    except AlarmError as error:
        raise refused(error) from None
    return checkin_out(checkin)
