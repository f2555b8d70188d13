"""Bump the directory revision on every save or delete of a directory row."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from umbrella.directory.revision import bump_revision

_IGNORED = {"changelogentry", "directoryrevision"}


def _bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    bump_revision()
    # This process sees its own write at once; others within a second.
    from umbrella.directory.snapshot import forget_revision_check

    forget_revision_check()
    transaction.on_commit(forget_revision_check)


for _model in apps.get_app_config("directory").get_models():
    if _model._meta.model_name not in _IGNORED:
        post_save.connect(_bump, sender=_model, dispatch_uid=f"directory-bump-{_model.__name__}")
        post_delete.connect(
            _bump, sender=_model, dispatch_uid=f"directory-bump-del-{_model.__name__}"
        )
