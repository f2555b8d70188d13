"""Each police zone's trafficking reference function, as an app above the areas provides it.

The police-zone pages and the map's police-zone layer show each zone's
reference function (measure 5 of the resolution), or the open gap. The
directory owns the reference functions and builds on the areas, so the areas
do not import it: the directory registers its provider when it is ready
(``directory/apps.py``). Without a provider every zone shows the gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    # language (None: every language's name) → {zone code: the reference's public form}
    by_zone_code: Callable[[str | None], dict[str, dict | None]]
    # A number that changes whenever a reference does (the map layer's cache key).
    revision: Callable[[], int]


_provider: Provider | None = None


def provide(by_zone_code: Callable[[str | None], dict], revision: Callable[[], int]) -> None:
    """Register where the zones' references come from (one provider; the last one wins)."""
    global _provider
    _provider = Provider(by_zone_code=by_zone_code, revision=revision)


def by_zone_code(language: str | None) -> dict[str, dict | None]:
    """Return every zone's reference keyed by zone code; a zone left out has none."""
    return {} if _provider is None else _provider.by_zone_code(language)


def revision() -> int:
    """Return the provider's revision, 0 without one."""
    return 0 if _provider is None else _provider.revision()
