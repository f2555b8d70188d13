"""Who changed which field of a directory entry, when; and the snapshot revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeLogEntry(models.Model):
    """One field of one entry changed from ``old_value`` to ``new_value``."""

    object_type = models.CharField(_("kind of entry"), max_length=64)
    object_id = models.CharField(_("entry"), max_length=32)
    object_repr = models.CharField(_("entry name"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=64)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("change log")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            # The history of one entry, newest first.
            models.Index(
                fields=["object_type", "object_id", "-changed_at"],
                name="directory_changelog_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id}.{self.field}"


class DirectoryRevision(models.Model):
    """A single counter bumped by every write, so each process knows its snapshot is old."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("directory revision")
        verbose_name_plural = _("directory revision")

    def __str__(self) -> str:
        return str(self.value)
