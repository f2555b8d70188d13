"""Find a place by its name: stations, squares, streets, landmarks, neighbourhoods, municipalities.

A person who does not know coordinates types "Gare du Nord" or
"Noordstation" and gets the point. The names come, offline, from:

- ``data/brussels/gazetteer.csv``: curated stations, squares, streets and
  landmarks, each with its Dutch and French name, other names it goes by,
  a point, the municipality that holds the point and the source of the
  point (see ``data/brussels/SOURCES.md``);
- the 19 municipalities and 145 neighbourhoods in the database, each at a
  point surely inside it (shapely's ``point_on_surface``).

Search ignores case, accents and punctuation, and matches either
language's name (and the other names) whatever the page's language:
Brussels names are bilingual and people use both. A name that equals the
query ranks first, then one that starts with it, then one whose words all
start with the query's words, then one that merely contains it; within a
rank, municipalities, stations, squares and landmarks come before streets
and neighbourhoods.

The index is built once per process, on the first search, from the file and
the database, and kept in memory (about 300 places): a search is a scan of
some 500 short strings and costs well under a millisecond. It belongs to
the process's locate index (``umbrella.areas.locate``): when that is
dropped (after a load, in tests), the next search builds a new one.
"""

from __future__ import annotations

import bisect
import csv
import logging
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from umbrella.areas.locate import MunicipalityRef, get_index, locate
from umbrella.areas.models import name_in_language

logger = logging.getLogger(__name__)

FILE_NAME = "gazetteer.csv"
COLUMNS = ("name_nl", "name_fr", "kind", "lat", "lon", "nis_code", "also_known_as", "source")
# The kinds of the shipped file; the database adds municipalities and
# neighbourhoods, a configured geocoder addresses.
CURATED_KINDS = ("station", "square", "street", "landmark")
KINDS = ("municipality", "station", "square", "landmark", "street", "neighbourhood", "address")
# Within one rank of match, in this order.
KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}
SOURCE_BOUNDARIES = "UrbIS (municipalities), IBSA/BISA (neighbourhoods): data/brussels/SOURCES.md"

EXACT, PREFIX, WORDS, CONTAINS = range(4)
MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 8
MAX_LIMIT = 20
# Contained anywhere (rank CONTAINS) only from this many characters: "station"
# finds "Noordstation", but "de" finds nothing by that route.
MIN_CONTAINED = 4

# Abbreviations people type, expanded to the words of the names.
ABBREVIATIONS = {
    "st": ("saint", "sint", "sainte"),
    "ste": ("sainte",),
    "bd": ("boulevard",),
    "bld": ("boulevard",),
    "av": ("avenue",),
    "pl": ("place", "plein"),
    "ch": ("chaussee",),
}
# Lower-case in a neighbourhood's name (the files write them in capitals).
SMALL_WORDS = {
    "de", "du", "des", "la", "le", "les", "l", "d", "aux", "au", "et", "sur",
    "van", "der", "den", "ter", "ten", "het", "op", "s", "t",
}  # fmt: skip
ROMAN = re.compile(r"^[IVX]+$")


def normalise(text: str) -> str:
    """Return ``text`` without accents, case or punctuation, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[^\W_]+", bare))


def display_name(name: str) -> str:
    """Return a name written in capitals ("ETANGS D'IXELLES") as a name ("Etangs d'Ixelles")."""
    if name != name.upper():
        return name

    def word(piece: str, first: bool) -> str:
        lowered = piece.lower()
        if ROMAN.match(piece) and len(piece) > 1:
            return piece
        if lowered in SMALL_WORDS and not first:
            return lowered
        return lowered[:1].upper() + lowered[1:]

    # Words, keeping the separators (spaces, hyphens, apostrophes) as they are.
    parts = re.split(r"([\s\-']+)", name)
    out, first = [], True
    for part in parts:
        if not part or re.fullmatch(r"[\s\-']+", part):
            out.append(part)
            continue
        out.append(word(part, first))
        first = False
    return re.sub(r"\s+", " ", "".join(out)).strip()


@dataclass(frozen=True, slots=True)
class Place:
    """A named point of the region."""

    name_nl: str
    name_fr: str
    kind: str
    lat: float
    lon: float
    municipality: MunicipalityRef
    source: str

    def name(self, language: str | None = None) -> str:
        return name_in_language(self.name_nl, self.name_fr, language)

    def as_dict(self, language: str | None = None) -> dict:
        """Return the public answer: names, kind, point and municipality, in ``language``."""
        m = self.municipality
        return {
            "name": self.name(language),
            "name_nl": self.name_nl,
            "name_fr": self.name_fr,
            "kind": self.kind,
            "lat": self.lat,
            "lon": self.lon,
            "municipality": {
                "nis_code": m.nis_code,
                "name": name_in_language(m.name_nl, m.name_fr, language),
            },
            "source": self.source,
        }


class Gazetteer:
    """The places and their normalised names, searched by ``search``.

    Three sorted indexes make a search cost tens of microseconds rather than
    a scan of every name: the names (a name beginning with the query is found
    by bisection), their words (likewise for each word of the query), and
    one string of all the names without spaces (a query found inside a name,
    by a search in C).
    """

    def __init__(self, places: list[Place], other_names: list[tuple[str, ...]]):
        self.places = places
        # Per name: its normalised text and its place; names sorted for bisection.
        names: list[tuple[str, int]] = []
        for i, (place, others) in enumerate(zip(places, other_names, strict=True)):
            seen = set()
            for name in (place.name_fr, place.name_nl, *others):
                text = normalise(name)
                if text and text not in seen:
                    seen.add(text)
                    names.append((text, i))
        names.sort()
        self._names = names
        self._texts = [text for text, _place in names]
        self._words = sorted(
            (word, n) for n, (text, _place) in enumerate(names) for word in set(text.split())
        )
        self._word_keys = [word for word, _n in self._words]
        compacts = [text.replace(" ", "") for text, _place in names]
        self._starts = []
        position = 0
        for compact in compacts:
            self._starts.append(position)
            position += len(compact) + 1
        self._blob = "\n".join(compacts)
        self._sort_name = [normalise(place.name_fr) for place in places]

    def __len__(self) -> int:
        return len(self.places)

    def _beginning_with(self, keys: list[str], prefix: str):
        """Yield the positions in sorted ``keys`` of the keys that begin with ``prefix``."""
        at = bisect.bisect_left(keys, prefix)
        while at < len(keys) and keys[at].startswith(prefix):
            yield at
            at += 1

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Place]:
        """Return up to ``limit`` places whose names match ``query``, best first."""
        text = normalise(query)
        if not text:
            return []
        ranks: dict[int, int] = {}  # name (its position in self._names) -> best rank
        for n in self._beginning_with(self._texts, text):
            ranks[n] = EXACT if self._texts[n] == text else PREFIX
        # Every word of the query begins a word of the name (an abbreviation, its expansions).
        having_all = None
        for token in text.split():
            having = {
                self._words[at][1]
                for choice in (token, *ABBREVIATIONS.get(token, ()))
                for at in self._beginning_with(self._word_keys, choice)
            }
            having_all = having if having_all is None else having_all & having
            if not having_all:
                break
        for n in having_all or ():
            ranks.setdefault(n, WORDS)
        compact = text.replace(" ", "")
        if len(compact) >= MIN_CONTAINED:
            found = self._blob.find(compact)
            while found >= 0:
                n = bisect.bisect_right(self._starts, found) - 1
                ranks.setdefault(n, CONTAINS)
                found = self._blob.find(compact, found + 1)
        best: dict[int, tuple[int, int]] = {}
        for n, rank in ranks.items():
            name, place = self._names[n]
            key = (rank, len(name))
            if place not in best or key < best[place]:
                best[place] = key
        places = self.places
        order = sorted(
            best.items(),
            key=lambda item: (
                item[1][0],
                KIND_ORDER[places[item[0]].kind],
                item[1][1],
                self._sort_name[item[0]],
            ),
        )
        return [places[i] for i, _key in order[:limit]]


# -- building ----------------------------------------------------------------------------------


class GazetteerError(ValueError):
    """The shipped file is missing a column or holds a row that cannot be read."""


def default_path() -> Path:
    from umbrella.areas.actions import default_data_path

    return default_data_path() / FILE_NAME


def read_curated(path: Path | None = None) -> list[dict]:
    """Return the rows of the shipped file, checked for shape (not for geography)."""
    path = path or default_path()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise GazetteerError(f"{path.name}: the columns must be {', '.join(COLUMNS)}.")
        rows = []
        for number, row in enumerate(reader, start=2):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except ValueError as exc:
                raise GazetteerError(
                    f"{path.name}, line {number}: lat and lon must be numbers."
                ) from exc
            if row["kind"] not in CURATED_KINDS:
                raise GazetteerError(f"{path.name}, line {number}: unknown kind {row['kind']!r}.")
            if not (row["name_nl"].strip() and row["name_fr"].strip() and row["source"].strip()):
                raise GazetteerError(f"{path.name}, line {number}: a name or the source is empty.")
            rows.append(
                {
                    **row,
                    "lat": lat,
                    "lon": lon,
                    "also_known_as": tuple(
                        name.strip() for name in row["also_known_as"].split("|") if name.strip()
                    ),
                }
            )
    return rows


def _surface_point(geometry: str) -> tuple[float, float]:
    import shapely  # loaded with the locate index already

    point = shapely.point_on_surface(shapely.from_geojson(geometry))
    return round(point.y, 6), round(point.x, 6)


def build_gazetteer(path: Path | None = None) -> Gazetteer:
    """Build the gazetteer from the shipped file and the geography in the database."""
    from umbrella.areas.models import Municipality, Neighbourhood

    places: list[Place] = []
    others: list[tuple[str, ...]] = []
    refs = {}
    for m in Municipality.objects.order_by("nis_code"):
        ref = MunicipalityRef(m.nis_code, m.name_nl, m.name_fr)
        refs[m.nis_code] = ref
        lat, lon = _surface_point(m.geometry)
        places.append(Place(m.name_nl, m.name_fr, "municipality", lat, lon, ref, SOURCE_BOUNDARIES))
        others.append(())
    for n in Neighbourhood.objects.order_by("code"):
        lat, lon = _surface_point(n.geometry)
        holder = locate(lat, lon).municipality
        if holder is None:  # a sliver beyond the region's outline: its main municipality
            holder = refs[Municipality.objects.get(pk=n.municipality_id).nis_code]
        places.append(
            Place(
                display_name(n.name_nl),
                display_name(n.name_fr),
                "neighbourhood",
                lat,
                lon,
                holder,
                SOURCE_BOUNDARIES,
            )
        )
        others.append(())
    for row in read_curated(path):
        curated_ref = refs.get(row["nis_code"])
        if curated_ref is None:
            logger.warning("gazetteer: %s names no known municipality; left out", row["name_fr"])
            continue
        places.append(
            Place(
                row["name_nl"].strip(),
                row["name_fr"].strip(),
                row["kind"],
                row["lat"],
                row["lon"],
                curated_ref,
                row["source"].strip(),
            )
        )
        others.append(row["also_known_as"])
    return Gazetteer(places, others)


# -- the process-wide gazetteer ------------------------------------------------------------------

_cache: tuple[object, Gazetteer] | None = None
_lock = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """Return the process's gazetteer, built on first use; raise ``GeographyNotLoaded`` without one.

    It is tied to the locate index it was built with: a new index (after a
    load) means a new gazetteer.
    """
    global _cache
    index = get_index()
    cached = _cache
    if cached is not None and cached[0] is index:
        return cached[1]
    with _lock:
        if _cache is None or _cache[0] is not index:
            _cache = (index, build_gazetteer())
        return _cache[1]


def reset_gazetteer() -> None:
    """Forget the process's gazetteer (tests that replace the file)."""
    global _cache
    with _lock:
        _cache = None


def search(query: str, limit: int = DEFAULT_LIMIT) -> list[Place]:
    """Return the places whose names match ``query``, best first (see the module's notes)."""
    return get_gazetteer().search(query, limit)


# Two answers this close with the same name are one place (the gazetteer's is kept).
SAME_PLACE_M = 150.0


def find_places(query: str, language: str | None = None, limit: int = DEFAULT_LIMIT) -> list[Place]:
    """Return the gazetteer's places for ``query``, then a configured geocoder's, best first.

    The geocoder's answers (``umbrella.areas.geocoder``) come after the
    gazetteer's, without those outside the region or already found; when it
    is off, fails or is slow, the gazetteer's answer stands alone.
    """
    from umbrella.areas.geocoder import configured_geocoder

    places = search(query, limit)
    geocoder = configured_geocoder()
    if geocoder is None or len(places) >= limit or len(normalise(query)) < 3:
        return places
    for found in geocoder.search(query, language, limit):
        location = locate(found.lat, found.lon)
        if location.municipality is None:
            continue
        text = normalise(found.name)
        if any(
            text in (normalise(p.name_nl), normalise(p.name_fr))
            and _distance_m(p.lat, p.lon, found.lat, found.lon) < SAME_PLACE_M
            for p in places
        ):
            continue
        places.append(
            Place(
                found.name, found.name, found.kind, found.lat, found.lon,
                location.municipality, geocoder.kind,
            )
        )  # fmt: skip
        if len(places) >= limit:
            break
    return places


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from umbrella.areas.locate import METRES_PER_DEGREE

    dx = (lon2 - lon1) * METRES_PER_DEGREE * math.cos(math.radians((lat1 + lat2) / 2))
    dy = (lat2 - lat1) * METRES_PER_DEGREE
    return math.hypot(dx, dy)
