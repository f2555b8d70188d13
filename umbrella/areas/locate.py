"""Answer "which municipality, police zone and neighbourhood holds this point?", fast.

Every report, alarm and place is stamped with its areas when it is created,
and a room button may call the API on every press, so a lookup must cost
microseconds and never a database query. The index is built once per process
from the database rows and kept in memory; it holds no state another process
needs (each process builds its own copy from the same rows).

How the index answers
---------------------
Everything is projected onto a local plane in metres (an equirectangular
projection centred on the region: an affine map, so it keeps containment
exactly and distances within 0.2 % over the region). The region's bounding
box is cut into a uniform grid of square cells. A cell that lies inside one
municipality and one neighbourhood, and touches no other, answers by a list
lookup; so does a cell wholly outside the region. Only cells crossed by a
border fall back to shapely on the few polygons that cross them.

Borders
-------
The shipped municipalities do not share vertices exactly (see
``data/brussels/SOURCES.md``): their union has 11 micro-holes (all under
7 m²) and about 6 m² of pairwise overlap. Whether a point is in the region is
decided by the region's outline with those holes filled, so a point in a
micro-hole is inside the region and gets the nearest municipality (less than
two metres away). A point in an overlap gets the municipality with the lowest
NIS code. The neighbourhoods cover the region to within about 15 m at its
edge; a point of the region that no neighbourhood contains gets the nearest
one within ``NEIGHBOURHOOD_TOLERANCE_M``, else none.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from umbrella.areas.models import name_in_language
from umbrella.core import runtime

if TYPE_CHECKING:
    from umbrella.areas.locate_index import LocateIndex

# Mean Earth radius (IUGG), for the local projection.
EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180
# Small enough that about nine lookups in ten take the list-lookup path, large
# enough that the index builds in well under a second.
CELL_SIZE_M = 50.0
NEIGHBOURHOOD_TOLERANCE_M = 50.0


class GeographyNotLoaded(RuntimeError):
    """The database holds no municipalities: run ``manage.py load_brussels``."""


@dataclass(frozen=True, slots=True)
class MunicipalityRef:
    nis_code: str
    name_nl: str
    name_fr: str

    @property
    def name(self) -> str:
        return name_in_language(self.name_nl, self.name_fr)


@dataclass(frozen=True, slots=True)
class PoliceZoneRef:
    code: str
    name_nl: str
    name_fr: str

    @property
    def name(self) -> str:
        return name_in_language(self.name_nl, self.name_fr)


@dataclass(frozen=True, slots=True)
class NeighbourhoodRef:
    code: int
    name_nl: str
    name_fr: str

    @property
    def name(self) -> str:
        return name_in_language(self.name_nl, self.name_fr)


@dataclass(frozen=True, slots=True)
class Location:
    """The areas that hold one point; all ``None`` outside the region."""

    inside_region: bool
    municipality: MunicipalityRef | None = None
    police_zone: PoliceZoneRef | None = None
    neighbourhood: NeighbourhoodRef | None = None

    def as_dict(self, language: str | None = None) -> dict:
        """Return the public ``/locate`` answer, names in ``language`` (default: active)."""
        m, z, n = self.municipality, self.police_zone, self.neighbourhood
        return {
            "inside_region": self.inside_region,
            "municipality": m
            and {"nis_code": m.nis_code, "name_nl": m.name_nl, "name_fr": m.name_fr},
            "police_zone": z
            and {
                "code": z.code,
                "name": name_in_language(z.name_nl, z.name_fr, language),
                "name_nl": z.name_nl,
                "name_fr": z.name_fr,
            },
            "neighbourhood": n
            and {
                "code": n.code,
                "name": name_in_language(n.name_nl, n.name_fr, language),
                "name_nl": n.name_nl,
                "name_fr": n.name_fr,
            },
        }


OUTSIDE = Location(inside_region=False)


# -- the process-wide index ----------------------------------------------------

_index: LocateIndex | None = None
_index_lock = threading.Lock()


def get_index() -> LocateIndex:
    """Return the process's index, building it from the database on first use."""
    global _index
    index = _index
    if index is None:
        with _index_lock:
            if _index is None:
                # numpy and shapely (~16 MB) are loaded by the first lookup,
                # not by every process that merely imports this module.
                from umbrella.areas.locate_index import build_index_from_database

                _index = build_index_from_database()
                # The build's temporary grid of boxes (~57 MB) is freed
                # now; give the pages back rather than keep them.
                runtime.give_back_freed_memory()
            index = _index
    return index


def reset_index() -> None:
    """Forget the process's index, so the next lookup rebuilds it (after a load, in tests)."""
    global _index
    with _index_lock:
        _index = None


def locate(lat: float, lon: float) -> Location:
    """Return the municipality, police zone and neighbourhood that hold the point.

    Raise ``GeographyNotLoaded`` when the database holds no geography.
    """
    index = _index
    if index is None:
        index = get_index()
    return index.locate(lat, lon)


def __getattr__(name: str):
    # The index's classes live with numpy and shapely in ``locate_index``.
    if name in ("LocateIndex", "build_index_from_database"):
        from umbrella.areas import locate_index

        return getattr(locate_index, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
