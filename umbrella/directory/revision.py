"""The directory's revision: a counter every write bumps, read once per request.

Each process keeps its serialised places in memory (``snapshot.py``) and
compares this counter with the one it built them at. The counter lives in
the database, so a write in one process is seen by every other.
"""

from __future__ import annotations

from django.db.models import F

from umbrella.directory.models import DirectoryRevision

_ROW = 1


def current_revision() -> int:
    """Return the directory's revision (0 before the first write)."""
    value = DirectoryRevision.objects.filter(pk=_ROW).values_list("value", flat=True).first()
    return value or 0


def bump_revision() -> None:
    """Mark every process's snapshot as old. Call after bulk writes that send no signals."""
    from umbrella.directory.snapshot import forget_revision_check

    forget_revision_check()
    if not DirectoryRevision.objects.filter(pk=_ROW).update(value=F("value") + 1):
        DirectoryRevision.objects.get_or_create(pk=_ROW, defaults={"value": 1})
