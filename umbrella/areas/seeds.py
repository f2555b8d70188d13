"""The shipped geography as a seed: ``deploy`` loads it when the shipped files change.

The boundaries are reference data from ``data/brussels/`` (rows matched by
code, updated in place: see ``actions.load_brussels``), so the seed's version
is a digest of the files themselves: a deploy that ships new boundaries loads
them, any other deploy leaves the geography alone.
"""

from __future__ import annotations

import hashlib

from umbrella.areas.actions import FILES, default_data_path, load_brussels
from umbrella.core.seeding import register_seed


def files_digest() -> str:
    """Return a short digest of the shipped GeoJSON files."""
    digest = hashlib.sha256()
    for name in sorted(FILES.values()):
        digest.update((default_data_path() / name).read_bytes())
    return digest.hexdigest()[:16]


@register_seed("areas", version=files_digest())
def seed_areas() -> str:
    results = load_brussels()
    return "Geography: " + ", ".join(
        f"{layer} {counts.total} ({counts.created} created, {counts.updated} updated)"
        for layer, counts in results.items()
    )
