"""API routes under /api/v1/auth/: issue, inspect and revoke bearer tokens."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypeVar

import pydantic
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError

from umbrella.accounts import actions, ratelimits
from umbrella.accounts.auth import BearerTokenAuth, TokenRequest
from umbrella.api.schemas import Problem

router = Router()
SchemaT = TypeVar("SchemaT", bound=Schema)

RATE_SCOPE = "api-token"
FAILED = gettext_lazy(
    "The name, password or code is not correct. Staff accounts also send the code from "
    'their authenticator app as "otp".'
)


def _code_accepted(user, otp: str | None) -> bool:
    """Answer whether ``otp`` is a current code of the staff member's confirmed authenticator."""
    if not otp:
        return False
    return actions.verify_totp(user, otp) is not None


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)
    otp: str | None = Field(
        default=None,
        max_length=10,
        description="A code from the authenticator app; required for staff accounts.",
    )
    name: str = Field(default="", max_length=100, description="A label for the token list.")


class TokenOut(Schema):
    token: str
    expires_at: datetime


class Detail(Schema):
    detail: str


class MeOut(Schema):
    username: str
    role: str
    token_expires_at: datetime


def parse_body(request: HttpRequest, schema: type[SchemaT]) -> SchemaT:
    """Parse the JSON body into ``schema`` or raise a 422 ``ValidationError``.

    Parsed here rather than by django-ninja, which answers malformed JSON with
    a 400 and an English message instead of the API's usual 422.
    """
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError([{"loc": ("body",), "type": "json_invalid"}]) from None
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        # The API's 422 handler writes each message in the request's language
        # from the error's type and context (umbrella/api/errors.py).
        errors = [
            {"loc": ("body", *err["loc"]), "type": err["type"], "ctx": err.get("ctx", {})}
            for err in exc.errors(include_url=False)
        ]
        raise ValidationError(errors) from None


_TOKEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": TokenIn.model_json_schema()}},
    }
}


@router.post(
    "token",
    response={200: TokenOut, 401: Detail, 422: Problem, 429: Detail},
    summary="Exchange a name and password for a bearer token",
    openapi_extra=_TOKEN_BODY,
)
def issue_token(request: HttpRequest):
    """Issue a bearer token for a name and password (and a TOTP code for staff)."""
    payload = parse_body(request, TokenIn)
    if ratelimits.is_locked(request, RATE_SCOPE, payload.username):
        return Status(
            429, {"detail": _("Too many failed attempts. Wait a few minutes and try again.")}
        )
    user = authenticate(request, username=payload.username, password=payload.password)
    # One answer for a wrong name or password, a staff account without an
    # authenticator, and one with an authenticator but no or a wrong code: the
    # answer never tells anyone an account's two-step state. Staff accounts
    # never get a token with a password alone.
    if user is None or (user.requires_two_factor() and not _code_accepted(user, payload.otp)):
        ratelimits.record_failure(request, RATE_SCOPE, payload.username)
        return Status(401, {"detail": str(FAILED)})
    token, plaintext = actions.issue_token(user, timezone.now(), name=payload.name)
    return Status(200, {"token": plaintext, "expires_at": token.expires_at})


@router.post(
    "token/revoke",
    auth=BearerTokenAuth(),
    response={204: None},
    summary="Revoke the bearer token used for this request",
)
def revoke_token(request: TokenRequest):
    """Revoke the token that authenticated this request."""
    actions.revoke_token(request.api_token, timezone.now())
    return Status(204, None)


@router.get("me", auth=BearerTokenAuth(), response=MeOut, summary="Who this token belongs to")
def me(request: TokenRequest):
    """Return the name and role of the token's owner."""
    return {
        "username": request.user.username,
        "role": request.user.role,
        "token_expires_at": request.api_token.expires_at,
    }
