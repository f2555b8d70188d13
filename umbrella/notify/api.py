"""API routes under /api/v1/notify/: the VAPID key, push subscriptions, contact points."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Router, Schema, Status
from pydantic import field_validator, model_validator

from umbrella.accounts.auth import AuthenticatedRequest, session_or_bearer
from umbrella.api.errors import problem
from umbrella.api.schemas import Problem
from umbrella.core import outbound, ratelimit
from umbrella.notify import actions
from umbrella.notify.models import ContactKind, ContactPoint
from umbrella.notify.vapid import vapid_public_key

router = Router()
# Contact points (numbers, addresses, whether verified) stay out of every cache.
router.add_decorator(never_cache, mode="view")

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
# Numbers without a country code are read as Belgian ("0470 12 34 56").
PHONE_DEFAULT_REGION = "BE"


def parse_phone(value: str) -> str:
    """Return ``value`` as an E.164 number (+32470123456), or raise ValueError."""
    # Imported here: ~6 MB a web process carries only once someone adds a number.
    import phonenumbers

    try:
        number = phonenumbers.parse(value, PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(
            "value must be a phone number, like 0470 12 34 56 or +32470123456"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("value must be a phone number, like 0470 12 34 56 or +32470123456")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


class Detail(Schema):
    detail: str


class PublicKeyOut(Schema):
    public_key: str


class PushKeys(Schema):
    p256dh: str = Field(min_length=20, max_length=200)
    auth: str = Field(min_length=8, max_length=100)

    @field_validator("p256dh")
    @classmethod
    def _p256dh_is_a_p256_point(cls, value: str) -> str:
        raw = _b64url_bytes(value)
        if len(raw) != 65 or raw[0] != 4:
            raise ValueError("p256dh must be an uncompressed P-256 public key (base64url)")
        return value

    @field_validator("auth")
    @classmethod
    def _auth_is_16_bytes(cls, value: str) -> str:
        if len(_b64url_bytes(value)) != 16:
            raise ValueError("auth must be a 16-byte secret (base64url)")
        return value


class SubscriptionIn(Schema):
    endpoint: str = Field(min_length=12, max_length=2000)
    keys: PushKeys
    language: str | None = Field(default=None, max_length=8)

    @field_validator("endpoint")
    @classmethod
    def _endpoint_is_a_known_push_service(cls, value: str) -> str:
        # The worker posts to this address: only the push services browsers use
        # (settings.PUSH_SERVICE_HOSTS), never an address of anyone's choosing
        # (issue 15: blind SSRF from the worker). Checked again when sending.
        try:
            outbound.check_url(value, settings.PUSH_SERVICE_HOSTS)
        except outbound.OutboundRefused as exc:
            raise ValueError(
                "endpoint must be the https:// address of a known push service"
            ) from exc
        return value


class EndpointIn(Schema):
    endpoint: str = Field(min_length=1, max_length=2000)


class SubscriptionOut(Schema):
    id: int
    endpoint: str
    language: str


class ContactIn(Schema):
    kind: Literal["sms", "voice", "email"]
    value: str = Field(min_length=3, max_length=254)
    language: str | None = Field(default=None, max_length=8)

    @model_validator(mode="after")
    def _value_fits_kind(self):
        value = self.value.strip()
        if self.kind == ContactKind.EMAIL:
            try:
                validate_email(value)
            except DjangoValidationError as exc:
                raise ValueError("value must be an e-mail address") from exc
            self.value = value
        else:
            self.value = parse_phone(value)
        return self


class ContactOut(Schema):
    id: int
    kind: str
    verified: bool
    language: str


class CodeIn(Schema):
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")


def _language(request: HttpRequest, requested: str | None) -> str:
    if requested in LANGUAGE_CODES:
        return requested
    current = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    return current if current in LANGUAGE_CODES else settings.LANGUAGE_CODE


@router.get("push/public-key", response=PublicKeyOut, summary="The VAPID public key")
def public_key(request: HttpRequest):
    """Return the key to pass as ``applicationServerKey`` to ``pushManager.subscribe``."""
    return {"public_key": vapid_public_key()}


@router.post(
    "push/subscriptions",
    auth=session_or_bearer,
    response={201: SubscriptionOut},
    summary="Register this browser for Web Push",
)
def subscribe(request: AuthenticatedRequest, payload: SubscriptionIn):
    subscription = actions.subscribe_push(
        request.auth,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        language=_language(request, payload.language),
        now=timezone.now(),
    )
    return Status(201, subscription)


@router.delete(
    "push/subscriptions",
    auth=session_or_bearer,
    response={204: None, 404: Detail},
    summary="Unregister this browser",
)
def unsubscribe(request: AuthenticatedRequest, payload: EndpointIn):
    if not actions.unsubscribe_push(request.auth, endpoint=payload.endpoint):
        return Status(404, {"detail": _("No such subscription.")})
    return Status(204, None)


@router.get("contacts", auth=session_or_bearer, response=list[ContactOut])
def list_contacts(request: AuthenticatedRequest):
    """List the person's contact points (their values are never sent back)."""
    return ContactPoint.objects.filter(user=request.auth).order_by("id")


@router.post("contacts", auth=session_or_bearer, response={201: ContactOut, 429: Detail})
def add_contact(request: AuthenticatedRequest, payload: ContactIn):
    """Add a phone number or e-mail address; a code is sent to it to verify it."""
    # Each new contact costs a text message or an e-mail: cap them per person so
    # an account cannot be used to send codes to strangers at the platform's cost.
    if ratelimit.over(
        request,
        "notify.contact-codes",
        str(request.auth.pk),
        settings.CONTACT_CODE_RATE,
        increment=True,
    ):
        return Status(
            429, {"detail": _("Too many contacts added recently. Wait an hour and try again.")}
        )
    try:
        point, _code = actions.add_contact_point(
            request.auth,
            kind=payload.kind,
            value=payload.value,
            language=_language(request, payload.language),
            now=timezone.now(),
        )
    except actions.TooManyCodes:
        return Status(
            429,
            {"detail": _("Too many verification messages were sent today. Try again tomorrow.")},
        )
    return Status(201, point)


@router.post(
    "contacts/{int:contact_id}/verify",
    auth=session_or_bearer,
    response={200: ContactOut, 422: Problem},
)
def verify_contact(request: AuthenticatedRequest, contact_id: int, payload: CodeIn):
    point = get_object_or_404(ContactPoint, pk=contact_id, user=request.auth)
    if not actions.verify_contact_point(point, payload.code):
        message = _("That code is not right, or too many tries were made.")
        return Status(422, problem(message, "code"))
    point.refresh_from_db()
    return point


@router.delete("contacts/{int:contact_id}", auth=session_or_bearer, response={204: None})
def remove_contact(request: AuthenticatedRequest, contact_id: int):
    actions.remove_contact_point(get_object_or_404(ContactPoint, pk=contact_id, user=request.auth))
    return Status(204, None)
