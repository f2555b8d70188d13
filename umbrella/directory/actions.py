"""Every write to the directory goes through here, so each one leaves a change log.

``save_entry`` compares the row with what the database holds, saves it and
records one ``ChangeLogEntry`` per changed field, all in one transaction.
The admin and the organisations' edit pages call it; importers call it too
(with ``user=None``, recorded as the importer).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone

from umbrella.directory.models import ChangeLogEntry, Location
from umbrella.directory.models.common import Maintained
from umbrella.directory.models.locations import SEALED_FIELDS

# Bookkeeping columns that change on every save and say nothing to a reader;
# ``sealed`` is ciphertext (its fields are logged, masked, by name).
_NOT_LOGGED = {"id", "created_at", "updated_at", "sealed"}
# Written in the log instead of a confidential location's address or position.
CONFIDENTIAL_VALUE = "(confidential)"


def _value(instance: models.Model, field: models.Field) -> str:
    value = getattr(instance, field.attname)
    return "" if value is None else str(value)


def _logged_fields(instance: models.Model) -> list[models.Field]:
    return [
        f for f in instance._meta.concrete_fields if f.name not in _NOT_LOGGED and not f.primary_key
    ]


@transaction.atomic
def save_entry(
    instance: models.Model, user=None, now: datetime | None = None
) -> list[ChangeLogEntry]:
    """Save ``instance`` and log every field that changed; return the log rows written.

    A new row logs each filled-in field against an empty old value.
    """
    now = now or timezone.now()
    before = None
    if instance.pk is not None:
        before = type(instance)._default_manager.filter(pk=instance.pk).first()
    instance.save()
    entries = []
    masked = isinstance(instance, Location) and (
        instance.confidential or (isinstance(before, Location) and before.confidential)
    )
    for field in _logged_fields(instance):
        old = _value(before, field) if before is not None else ""
        new = _value(instance, field)
        changed = old != new
        if changed and masked and field.name in SEALED_FIELDS:
            # The change log is plain text: it must not keep what the row encrypts.
            old, new = (CONFIDENTIAL_VALUE if v else "" for v in (old, new))
        if changed:
            entries.append(
                ChangeLogEntry(
                    object_type=instance._meta.label_lower,
                    object_id=str(instance.pk),
                    object_repr=str(instance)[:200],
                    field=field.name,
                    old_value=old,
                    new_value=new,
                    changed_by=user if getattr(user, "is_authenticated", False) else None,
                    changed_at=now,
                )
            )
    ChangeLogEntry.objects.bulk_create(entries)
    return entries


@transaction.atomic
def delete_entry(instance: models.Model, user=None, now: datetime | None = None) -> None:
    """Delete ``instance`` and log its deletion."""
    ChangeLogEntry.objects.create(
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        field="(deleted)",
        changed_by=user if getattr(user, "is_authenticated", False) else None,
        changed_at=now or timezone.now(),
    )
    instance.delete()


def mark_verified(instance: Maintained, user, today: date) -> list[ChangeLogEntry]:
    """Record that someone checked the entry today: clears "to verify" and "stale"."""
    instance.last_verified_on = today
    instance.to_verify = False
    return save_entry(instance, user)


def place_at_municipality_centroid(location: Location, municipality) -> Location:
    """Put a location whose door is unknown at its municipality's centre, flagged approximate.

    Never guess a closer point: the centroid is honest about what is known.
    The caller saves the location (``save_entry``).
    """
    location.latitude = municipality.centroid_lat
    location.longitude = municipality.centroid_lon
    location.approximate = True
    location.to_verify = True
    location.municipality = municipality
    return location


def history(instance: models.Model):
    """Return the change log of one entry, newest first."""
    return ChangeLogEntry.objects.filter(
        object_type=instance._meta.label_lower, object_id=str(instance.pk)
    )


EDITORS_GROUP = "Directory editors"
# What an organisation's editors may do in the admin; the admin scopes every
# one of these to their own organisations' entries.
_EDITOR_PERMISSIONS = {
    "organization": ("view", "change"),
    "service": ("view", "add", "change", "delete"),
    "location": ("view", "add", "change", "delete"),
    "serviceatlocation": ("view", "add", "change", "delete"),
    "regularschedule": ("view", "add", "change", "delete"),
    "holidayschedule": ("view", "add", "change", "delete"),
    "phone": ("view", "add", "change", "delete"),
    "servicelanguage": ("view", "add", "change", "delete"),
    # Read-only, and only the rows of their own entries (``admin.py``).
    "changelogentry": ("view",),
}


@transaction.atomic
def grant_editor(user) -> None:
    """Let ``user`` edit, in the admin, the entries of the organisations they belong to.

    The person must also be a member of the organisation (``accounts``), and
    as staff they pass two-step verification like everyone with admin access.
    """
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    codenames = [
        f"{action}_{model}"
        for model, actions_ in _EDITOR_PERMISSIONS.items()
        for action in actions_
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)
    )
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
