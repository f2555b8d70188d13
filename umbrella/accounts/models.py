"""People, roles, organisations and memberships."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class User(AbstractUser):
    """A person using Umbrella.

    Sex workers are pseudonymous: ``username`` is a chosen name and nothing
    else identifies them; ``email`` stays empty for them.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.RESIDENT)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.username
