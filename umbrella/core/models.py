"""Platform-wide state: the background worker's heartbeat."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running worker process, refreshed every tick.

    ``/healthz`` reads the newest ``beat_at``; a stale value means no worker is
    moving deadlines forward, which must never go unnoticed.
    """

    name = models.CharField(_("worker"), max_length=200, unique=True)
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return self.name
