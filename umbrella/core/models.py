"""Platform-wide state: the background worker's heartbeat, its leases and the audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per worker process, refreshed every tick: its identity and its beat.

    ``/healthz`` reads the newest ``beat_at`` of a running worker; a stale
    value means no worker is moving deadlines forward, which must never go
    unnoticed. ``process`` (``host:pid``) is what the worker writes into the
    rows it claims (``claimed_by``), so a claim whose holder stopped, went
    silent or died (on this host: its pid is gone) is free at once instead of
    waiting for its lease (``queries.gone_workers``).
    """

    name = models.CharField(_("worker"), max_length=200)
    process = models.CharField(_("process"), max_length=200, unique=True)
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)
    # Set on a clean stop, or by a worker of the same host that found the pid gone.
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    # Each lane (periodic task) of the worker: when its last loop began and by
    # when it promised to be back, as Unix times. Written every tick, also
    # while a stuck lane withholds the beat, so GET /metrics names the lane.
    lanes = models.JSONField(_("lanes"), default=dict, blank=True)
    lanes_at = models.DateTimeField(_("lanes recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return self.name


class Lease(models.Model):
    """A task that one worker at a time runs (the observatory's refresh): who holds it, until when.

    Every worker runs every lane, and ``manage.py serve`` starts two; a task
    whose runs would collide (two refreshes writing the same months) takes
    its lease first (``actions.take_lease``: a compare-and-set ``UPDATE``, on
    SQLite as on PostgreSQL). A lease is free when it ran out, when its
    holder let it go, or at once when its holder is gone (``queries.gone_workers``).
    """

    name = models.CharField(_("task"), max_length=100, unique=True)
    holder = models.CharField(_("held by"), max_length=200, blank=True)
    until = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker lease")
        verbose_name_plural = _("worker leases")

    def __str__(self) -> str:
        return self.name


class AuditAction(models.TextChoices):
    READ = "read", _("Read")


class AuditEntry(models.Model):
    """One access to sensitive data: who, what, when and why.

    Written in the same request as the access; never updated. ``object_id``
    is text so any model (or a non-model record) can be named.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    at = models.DateTimeField(_("at"))
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at"]
        indexes = [
            # Serves "who read this alarm?": object_type = … AND object_id = … ORDER BY at.
            models.Index(fields=["object_type", "object_id", "at"], name="core_audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_type} #{self.object_id}"


class SeedRun(models.Model):
    """One seed applied at one version (``manage.py deploy`` runs each version once)."""

    name = models.CharField(_("seed"), max_length=100)
    version = models.CharField(_("version"), max_length=64)
    applied_at = models.DateTimeField(_("applied at"))

    class Meta:
        verbose_name = _("seed run")
        verbose_name_plural = _("seed runs")
        ordering = ["name", "applied_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="core_seedrun_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class SeedKey(models.Model):
    """A row a seed placed once, named by its stable key within the seed.

    A key recorded here is never created again, so what staff did with the
    row since (renamed, edited, deleted) stands; a new seed version adds only
    keys that are new. The key is the seed's own name for the row (a slug or
    a code in the seed file), never a name people can edit.
    """

    seed = models.CharField(_("seed"), max_length=100)
    key = models.CharField(_("key"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("seeded row")
        verbose_name_plural = _("seeded rows")
        constraints = [
            models.UniqueConstraint(fields=["seed", "key"], name="core_seedkey_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seed}: {self.key}"
