"""Circle set-up routes: who is told of a sex worker's alarms, and her duress PIN."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from umbrella.accounts.auth import AuthenticatedRequest, session_or_bearer
from umbrella.alarms import actions, queries
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.schemas import (
    CircleIn,
    CircleOut,
    DuressPinIn,
    ErrorOut,
)
from umbrella.alarms.schemas import circle_out as _circle_out
from umbrella.api.schemas import Problem

# Apps send a bearer token; the worker's and responders' pages use their
# (2FA-verified, CSRF-checked) session.
router = Router(auth=session_or_bearer)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: Problem}
# The operation ids name the module these routes were first written in
# (``api_setup.py``): clients generated from the OpenAPI document keep them.


def _sex_worker(request: AuthenticatedRequest):
    if not request.auth.is_sex_worker():
        raise HttpError(403, _("Only a sex worker has a circle."))
    return request.auth


@router.get(
    "circle",
    response={200: CircleOut, **ERRORS},
    operation_id="umbrella_alarms_api_setup_get_circle",
)
def get_circle(request: AuthenticatedRequest):
    """Return who is told of the caller's alarms, tier by tier, and her police choice."""
    return _circle_out(queries.circle_with_tiers(_sex_worker(request)))


@router.put(
    "circle",
    response={200: CircleOut, **ERRORS, 429: ErrorOut},
    operation_id="umbrella_alarms_api_setup_put_circle",
)
def put_circle(request: AuthenticatedRequest, data: CircleIn):
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


@router.put(
    "duress-pin",
    response={204: None, **ERRORS},
    operation_id="umbrella_alarms_api_setup_put_duress_pin",
)
def put_duress_pin(request: AuthenticatedRequest, data: DuressPinIn):
    """Set the duress PIN (4 to 12 digits). It is stored hashed and never shown again."""
    try:
        actions.set_duress_pin(_sex_worker(request), data.pin, timezone.now())
    except AlarmError as error:
        raise HttpError(422, str(error.message)) from None
    return Status(204, None)


@router.delete(
    "duress-pin",
    response={204: None, **ERRORS},
    operation_id="umbrella_alarms_api_setup_delete_duress_pin",
)
def delete_duress_pin(request: AuthenticatedRequest):
    actions.clear_duress_pin(_sex_worker(request))
    return Status(204, None)
