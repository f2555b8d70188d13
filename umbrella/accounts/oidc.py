"""Staff sign-in through the region's OpenID Connect provider (mozilla-django-oidc).

The provider (FAS/CSAM for federal and regional staff, or an organisation's
own) proves who someone is; Umbrella decides whether that identity is one of
its staff. Nobody is created here: an administrator creates the account, and
the provider's subject is matched to it (``ProviderIdentity``), or the first
time a verified e-mail address is. Sex workers and residents never sign in
this way. A sign-in whose ``acr`` or ``amr`` claims are among the accepted
values verifies the session as django-otp does after a code (docs/accounts.md).

mozilla-django-oidc does the authorization code flow with PKCE, keeps state
and nonce in the session and checks them, and checks the ID token's signature
against the provider's JWKS; this module adds what it leaves out: the token's
issuer, audience and expiry, and the matching. Discovery and the answers to a
refusal are in ``provider.py``.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from umbrella.accounts.models import ProviderIdentity, User
from umbrella.accounts.provider import (
    Refusal,
    SignInRefused,
    asserts_strong_authentication,
    provider,
)

logger = logging.getLogger(__name__)

# Clock difference tolerated between the provider and this server (seconds).
CLOCK_LEEWAY = 60


def identity_for(issuer: str, subject: str) -> ProviderIdentity | None:
    return (
        ProviderIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )


def person_with_verified_email(issuer: str, claims: dict[str, Any]) -> User | None:
    """Return the one active person with the claims' e-mail address, if the provider verified it.

    A person already linked to another subject at this provider is not
    matched again: a second identity with the same address is someone else.
    """
    email = claims.get("email")
    verified = claims.get("email_verified") in (True, "true")
    if not (isinstance(email, str) and email.strip() and verified):
        return None
    matches = list(
        User.objects.filter(email__iexact=email.strip(), is_active=True)
        .exclude(provideridentity__issuer=issuer)
        .distinct()[:2]
    )
    return matches[0] if len(matches) == 1 else None


def refuse_unless_staff(person: User) -> None:
    if not person.is_active:
        raise SignInRefused(Refusal.UNKNOWN)
    # Sex workers and residents are pseudonymous: never an identifying sign-in.
    if not person.is_staff_role():
        raise SignInRefused(Refusal.STAFF_ONLY)


@transaction.atomic
def link_identity(person: User, issuer: str, subject: str, now) -> ProviderIdentity:
    """Link ``person`` to the provider's subject (her first sign-in, matched by e-mail)."""
    try:
        with transaction.atomic():
            identity = ProviderIdentity.objects.create(
                user=person, issuer=issuer, subject=subject, created_at=now
            )
    except IntegrityError as exc:  # the same first sign-in twice at once
        raise SignInRefused(Refusal.INVALID) from exc
    logger.info("provider sign-in linked to person %s", person.pk)
    return identity


def record_sign_in(identity: ProviderIdentity, now) -> None:
    ProviderIdentity.objects.filter(pk=identity.pk).update(last_sign_in_at=now)


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Authenticate a staff member from the provider's ID token; never create anyone.

    The person returned carries ``provider_identity`` and
    ``strong_authentication`` for the callback view.
    """

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here, but Django makes a backend for
        # every signed-in request: endpoints are resolved at sign-in instead.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce: a password sign-in whose address
        # happens to carry ?code=&state= must not reach the provider.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        endpoints = provider()
        self.issuer = endpoints["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints["token_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = endpoints["jwks_uri"]
        self.OIDC_OP_USER_ENDPOINT = endpoints["userinfo_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as exc:  # token, JWKS or userinfo endpoint
            logger.warning("OpenID Connect provider unreachable: %s", type(exc).__name__)
            raise SignInRefused(Refusal.UNAVAILABLE) from exc

    def get_user(self, user_id):
        # ModelBackend's, not the library's: a deactivated person's session ends.
        return ModelBackend.get_user(self, user_id)

    def _verify_jws(self, payload, key):
        """Check the signature, and the issuer, audience and expiry the library leaves out."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation("unreadable ID token") from exc
        # Only the configured algorithm: never "none", never HS256 keyed with a public key.
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token signed with another algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=CLOCK_LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {type(exc).__name__}") from exc

    def retrieve_matching_jwk(self, token):
        try:
            return super().retrieve_matching_jwk(token)
        except (KeyError, TypeError, jwt.PyJWTError) as exc:
            raise SuspiciousOperation("no usable key in the provider's JWKS") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        """Return the person linked to the subject, linking a verified e-mail the first time."""
        now = timezone.now()
        subject = str(payload["sub"])
        identity = identity_for(self.issuer, subject)
        if identity is None:
            claims = self._claims_with_userinfo(access_token, id_token, payload)
            person = person_with_verified_email(self.issuer, claims)
            if person is None:
                raise SignInRefused(Refusal.UNKNOWN)
            # Before linking: no sex worker's or resident's account is ever linked.
            refuse_unless_staff(person)
            identity = link_identity(person, self.issuer, subject, now)
        person = identity.user
        refuse_unless_staff(person)
        if not identity.confirmed:
            raise SignInRefused(Refusal.UNKNOWN)
        record_sign_in(identity, now)
        person.provider_identity = identity
        person.strong_authentication = asserts_strong_authentication(payload)
        return person

    def _claims_with_userinfo(self, access_token, id_token, payload) -> dict[str, Any]:
        if payload.get("email") or not self.OIDC_OP_USER_ENDPOINT:
            return payload
        info = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or str(info.get("sub")) != str(payload["sub"]):
            raise SuspiciousOperation("userinfo is about someone else")
        return {**info, **payload}
