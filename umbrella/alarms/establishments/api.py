"""Establishment set-up routes: the room buttons an establishment registers, tests and revokes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from umbrella.accounts.auth import AuthenticatedRequest, session_or_bearer
from umbrella.alarms import actions, queries
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.models import RoomButton
from umbrella.alarms.schemas import (
    ButtonCreatedOut,
    ButtonIn,
    ButtonListOut,
    ButtonOut,
    ButtonPatchIn,
    ErrorOut,
    button_out,
)
from umbrella.api.schemas import Problem

# Apps send a bearer token; the manager's pages use their (2FA-verified,
# CSRF-checked) session.
router = Router(auth=session_or_bearer)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: Problem}
# The operation ids name the module these routes were first written in
# (``api_setup.py``): clients generated from the OpenAPI document keep them.


def _establishment(request: AuthenticatedRequest, organisation_id: int):
    found = queries.managed_establishments(request.auth).filter(pk=organisation_id).first()
    if found is None:
        raise HttpError(404, _("Not found."))
    return found


@router.get(
    "establishments/{int:organisation_id}/buttons",
    response={200: ButtonListOut, **ERRORS},
    operation_id="umbrella_alarms_api_setup_list_buttons",
)
def list_buttons(request: AuthenticatedRequest, organisation_id: int):
    """Return the establishment's room buttons with test figures (tests counted apart)."""
    establishment = _establishment(request, organisation_id)
    return {"buttons": [button_out(b) for b in queries.room_buttons(establishment)]}


@router.post(
    "establishments/{int:organisation_id}/buttons",
    response={201: ButtonCreatedOut, **ERRORS},
    operation_id="umbrella_alarms_api_setup_create_button",
)
def create_button(request: AuthenticatedRequest, organisation_id: int, data: ButtonIn):
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


def _button(request: AuthenticatedRequest, organisation_id: int, button_id: int) -> RoomButton:
    establishment = _establishment(request, organisation_id)
    return get_object_or_404(
        RoomButton, pk=button_id, establishment=establishment, revoked_at__isnull=True
    )


@router.patch(
    "establishments/{int:organisation_id}/buttons/{int:button_id}",
    response={200: ButtonOut, **ERRORS},
    operation_id="umbrella_alarms_api_setup_patch_button",
)
def patch_button(
    request: AuthenticatedRequest, organisation_id: int, button_id: int, data: ButtonPatchIn
):
    """Switch test mode on or off."""
    button = actions.set_test_mode(_button(request, organisation_id, button_id), data.test_mode)
    return button_out(button)


@router.delete(
    "establishments/{int:organisation_id}/buttons/{int:button_id}",
    response={204: None, **ERRORS},
    operation_id="umbrella_alarms_api_setup_delete_button",
)
def delete_button(request: AuthenticatedRequest, organisation_id: int, button_id: int):
    """Revoke a button: its key stops working at once."""
    actions.revoke_room_button(_button(request, organisation_id, button_id), timezone.now())
    return Status(204, None)
