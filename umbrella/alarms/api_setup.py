"""Set-up routes: a sex worker's circle and duress PIN; an establishment's room buttons."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from umbrella.accounts.auth import session_or_bearer
from umbrella.alarms import actions, queries
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.models import RoomButton
from umbrella.alarms.schemas import (
    ButtonCreatedOut,
    ButtonIn,
    ButtonListOut,
    ButtonOut,
    ButtonPatchIn,
    CircleIn,
    CircleOut,
    DuressPinIn,
    ErrorOut,
    ValidationErrorOut,
    button_out,
)
from umbrella.alarms.schemas import circle_out as _circle_out

# Apps send a bearer token; the worker's and responders' pages use their
# (2FA-verified, CSRF-checked) session.
router = Router(auth=session_or_bearer)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _sex_worker(request: HttpRequest):
    if not request.auth.is_sex_worker():
        raise HttpError(403, _("Only a sex worker has a circle."))
    return request.auth


@router.get("circle", response={200: CircleOut, **ERRORS})
def get_circle(request: HttpRequest):
    """Return who is told of the caller's alarms, tier by tier, and her police choice."""
    return _circle_out(queries.circle_with_tiers(_sex_worker(request)))


@router.put("circle", response={200: CircleOut, **ERRORS, 429: ErrorOut})
def put_circle(request: HttpRequest, data: CircleIn):
    """Replace the caller's circle. The police tier needs ``police_opt_in`` true.

    Each person named is invited: told of her alarms only once he accepts. The
    answer is the same whether or not someone has the name (``invited``).
    """
    owner = _sex_worker(request)
    specs = [
        actions.TierSpec(
            kind=tier.kind,
            delay_seconds=tier.delay_seconds,
            usernames=tier.members,
            organisation_id=tier.organisation_id,
        )
        for tier in data.tiers
    ]
    try:
        actions.set_circle(owner, specs, timezone.now(), police_opt_in=data.police_opt_in)
    except actions.TooManyInvitations as error:
        raise HttpError(429, str(error.message)) from None
    except AlarmError as error:
        raise HttpError(422, str(error.message)) from None
    return _circle_out(queries.circle_with_tiers(owner))


@router.put("duress-pin", response={204: None, **ERRORS})
def put_duress_pin(request: HttpRequest, data: DuressPinIn):
    """Set the duress PIN (4 to 12 digits). It is stored hashed and never shown again."""
    try:
        actions.set_duress_pin(_sex_worker(request), data.pin, timezone.now())
    except AlarmError as error:
        raise HttpError(422, str(error.message)) from None
    return Status(204, None)


@router.delete("duress-pin", response={204: None, **ERRORS})
def delete_duress_pin(request: HttpRequest):
    actions.clear_duress_pin(_sex_worker(request))
    return Status(204, None)


# --- Establishments -----------------------------------------------------------


def _establishment(request: HttpRequest, organisation_id: int):
    found = queries.managed_establishments(request.auth).filter(pk=organisation_id).first()
    if found is None:
        raise HttpError(404, _("Not found."))
    return found


@router.get("establishments/{int:organisation_id}/buttons", response={200: ButtonListOut, **ERRORS})
def list_buttons(request: HttpRequest, organisation_id: int):
    """Return the establishment's room buttons with test figures (tests counted apart)."""
    establishment = _establishment(request, organisation_id)
    return {"buttons": [button_out(b) for b in queries.room_buttons(establishment)]}


@router.post(
    "establishments/{int:organisation_id}/buttons", response={201: ButtonCreatedOut, **ERRORS}
)
def create_button(request: HttpRequest, organisation_id: int, data: ButtonIn):
    """Register a room button. The answer holds its device key: shown this once only."""
    establishment = _establishment(request, organisation_id)
    try:
        button, key = actions.create_room_button(
            establishment, data.room_label, timezone.now(), test_mode=data.test_mode
        )
    except AlarmError as error:
        raise HttpError(422, str(error.message)) from None
    body = button_out(button)
    body["device_key"] = key
    body["press_path"] = f"/api/v1/alarms/device/{key}"
    return Status(201, body)


def _button(request: HttpRequest, organisation_id: int, button_id: int) -> RoomButton:
    establishment = _establishment(request, organisation_id)
    return get_object_or_404(
        RoomButton, pk=button_id, establishment=establishment, revoked_at__isnull=True
    )


@router.patch(
    "establishments/{int:organisation_id}/buttons/{int:button_id}",
    response={200: ButtonOut, **ERRORS},
)
def patch_button(request: HttpRequest, organisation_id: int, button_id: int, data: ButtonPatchIn):
    """Switch test mode on or off."""
    button = actions.set_test_mode(_button(request, organisation_id, button_id), data.test_mode)
    return button_out(button)


@router.delete(
    "establishments/{int:organisation_id}/buttons/{int:button_id}",
    response={204: None, **ERRORS},
)
def delete_button(request: HttpRequest, organisation_id: int, button_id: int):
    """Revoke a button: its key stops working at once."""
    actions.revoke_room_button(_button(request, organisation_id, button_id), timezone.now())
    return Status(204, None)
