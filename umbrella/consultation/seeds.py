"""The consultation app's seeds, discovered by ``manage.py deploy`` (``core/seeding.py``)."""

from umbrella.consultation import seeds_tracker  # noqa: F401 -- registers the tracker's seed
