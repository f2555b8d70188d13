"""People, roles, organisations, memberships, recovery codes and API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class Role(models.TextChoices):
    SEX_WORKER = "sex_worker", _("Sex worker")
    RESPONDER = "responder", _("Responder (trusted contact)")
    SUPPORT_WORKER = "support_worker", _("Support worker")
    ESTABLISHMENT_REFERENCE = "establishment_reference", _("Establishment reference person")
    MUNICIPALITY_OFFICER = "municipality_officer", _("Municipality officer")
    POLICE_REFERENCE = "police_reference", _("Police trafficking reference")
    SERVICE_STAFF = "service_staff", _("Public-service staff")
    PLATFORM_MEMBER = "platform_member", _("Consultation platform member")
    PLATFORM_SECRETARY = "platform_secretary", _("Consultation platform secretary")
    RESIDENT = "resident", _("Resident or merchant")
    ADMIN = "admin", _("Administrator")


# Roles that sign up on their own, pseudonymously. Everyone else is a "staff
# role": they see other people's data, so their accounts must use 2FA.
SELF_SIGN_UP_ROLES = frozenset({Role.SEX_WORKER, Role.RESIDENT})


class PersonManager(UserManager):
    def get_by_natural_key(self, username):
        """Return the person with this name, ignoring case when that is unambiguous.

        Phones capitalise the first letter of a field on their own; names are
        unique regardless of case (see ``User.Meta``), so a case-insensitive
        match can only find the intended person.
        """
        try:
            return self.get(**{self.model.USERNAME_FIELD: username})
        except self.model.DoesNotExist:
            matches = list(self.filter(**{f"{self.model.USERNAME_FIELD}__iexact": username})[:2])
            if len(matches) == 1:
                return matches[0]
            raise


class User(AbstractUser):
    """A person using Umbrella.

    Sex workers and residents are pseudonymous: ``username`` is a chosen name
    and nothing else identifies them; ``email`` stays empty for them.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.RESIDENT)
    two_factor_exempt = models.BooleanField(
        _("exempt from two-step verification"),
        default=False,
        help_text=_("Only for demo accounts. Set by the demo command, never by hand."),
    )

    # Raised when every session must end (recovery, new passphrase, new
    # recovery codes): it is part of the session's auth hash, so sessions
    # signed with the old value are refused and flushed on their next request.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[PersonManager] = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # "Ana" and "ana" must not be two people: a worker's responder
            # recognises her by name.
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("That name is already taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def is_staff_role(self) -> bool:
        """Answer whether the role lets this person see other people's data."""
        return self.role not in SELF_SIGN_UP_ROLES

    def is_sex_worker(self) -> bool:
        return self.role == Role.SEX_WORKER

    def requires_two_factor(self) -> bool:
        """Answer whether this account must pass TOTP verification to use the site."""
        if self.two_factor_exempt:
            return False
        return self.is_staff_role() or self.is_staff or self.is_superuser

    def has_confirmed_totp(self) -> bool:
        return self.totpdevice_set.filter(confirmed=True).exists()

    def _get_session_auth_hash(self, secret=None):
        # Epoch 0 keeps Django's own hash, so sessions made before the field
        # existed stay valid.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "umbrella.accounts.User.session_auth_hash"
        value = f"{self.password}|{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class OrganisationKind(models.TextChoices):
    SUPPORT_ORGANISATION = "support_organisation", _("Support organisation")
    MUNICIPALITY = "municipality", _("Municipality")
    POLICE_ZONE = "police_zone", _("Police zone")
    REGIONAL_BODY = "regional_body", _("Regional body")
    PUBLIC_SERVICE = "public_service", _("Public service")
    ESTABLISHMENT = "establishment", _("Establishment")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    # Plain codes rather than foreign keys: the areas app (municipalities and
    # police zones) is built in parallel. The codes are stable public
    # identifiers (NIS code, police zone number), so a later migration can turn
    # them into foreign keys without losing anything.
    nis_code = models.CharField(
        _("municipality NIS code"), max_length=5, blank=True, help_text=_("For example 21014.")
    )
    zone_code = models.CharField(
        _("police zone code"), max_length=4, blank=True, help_text=_("For example 5344.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    MANAGER = "manager", _("Manager")


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role in the organisation"),
        max_length=16,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
    )
    on_duty = models.BooleanField(
        _("on duty"),
        default=False,
        help_text=_("On-duty members receive alarms escalated to their organisation."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


def hash_secret(secret: str) -> str:
    """Return the SHA-256 hex digest of a random secret.

    A plain digest is enough (no salt, no slow hash) because the secrets are
    long random strings, not something a person chose, and it lets the
    database find a token by its digest in one indexed lookup.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


class RecoveryCode(models.Model):
    """A one-time code that lets a pseudonymous person set a new passphrase.

    Only the digest is stored. django-otp's StaticToken would store the code
    itself, and a code is as good as a passphrase.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("person")
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [
            # Serves the lookup in use_recovery_code(): this person's unused code with this digest.
            models.Index(fields=["user", "code_hash"], name="accounts_recovery_lookup"),
        ]

    def __str__(self) -> str:
        return f"recovery code #{self.pk} of {self.user}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its digest is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, shown so a person can tell tokens
    # apart; too short to be of any use to an attacker.
    prefix = models.CharField(_("starts with"), max_length=12)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_valid(self, now: datetime) -> bool:
        """Answer whether the token may authenticate a request at ``now``."""
        return self.revoked_at is None and now < self.expires_at and self.user.is_active

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class AccountSession(models.Model):
    """A browser session a person signed in with, so that ending them can say how many.

    Only a digest of the session key is kept; the session itself is ended
    through ``User.session_epoch``.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_sessions")
    key_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"session of {self.user} since {self.created_at:%Y-%m-%d}"


class SignOutReason(models.TextChoices):
    RECOVERY = "recovery", _("account recovered")
    PASSPHRASE = "passphrase", _("passphrase changed")
    RECOVERY_CODES = "recovery_codes", _("recovery codes renewed")


class SignOutNotice(models.Model):
    """What was signed out when she recovered her account or changed its keys, to tell her.

    No address, no device description: the tokens' own names and dates and a
    count of browser sessions.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_out_notices")
    reason = models.CharField(max_length=16, choices=SignOutReason.choices)
    created_at = models.DateTimeField()
    # [{"name": "phone app", "created": "2026-03-01T10:00:00+00:00"}, …]
    tokens = models.JSONField(default=list)
    other_sessions = models.PositiveIntegerField(default=0)
    shown_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_reason_display()} for {self.user} at {self.created_at:%Y-%m-%d %H:%M}"


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a staff member to set up two-step verification.

    Without it, whoever holds only a staff password could enrol their own
    authenticator. Only the digest is stored.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name=_("person")
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-step enrolment code")
        verbose_name_plural = _("two-step enrolment codes")

    def __str__(self) -> str:
        return f"enrolment code #{self.pk} of {self.user}"

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


class ProviderIdentity(Device):
    """A staff member's identity at the region's OpenID Connect provider (``accounts/oidc.py``).

    An administrator enters the subject, or the first sign-in links it
    through a verified e-mail address; a sign-in never creates a person.
    Being a django-otp device, it is also what verifies the session when the
    provider asserted strong authentication (the staff two-step rule).
    ``confirmed`` off stops the link without deleting it.
    """

    # Device's own field, given a value: the admin has nothing to name.
    name = models.CharField(max_length=64, default="OpenID Connect", editable=False)
    issuer = models.CharField(_("provider (issuer)"), max_length=255)
    subject = models.CharField(_("subject at the provider"), max_length=255)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider sign-in")
        verbose_name_plural = _("provider sign-ins")
        constraints = [
            # Serves the lookup at each sign-in; subjects are unique per issuer only.
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="accounts_provider_identity_subject"
            ),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="accounts_provider_identity_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
