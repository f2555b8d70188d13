"""One place of the directory's map — a service at a location, or a toilet — and its
serialised feature per language and visibility.

``snapshot.py`` builds every place from the database rows and keeps them in memory.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils import translation

from umbrella.areas.models import name_in_language
from umbrella.core.translation import pick
from umbrella.directory.models import (
    TriState,
    is_stale,
)
from umbrella.directory.opening import Schedule

EMPTY = Schedule()


def with_closure(schedule: Schedule, temporarily_closed: bool) -> Schedule:
    if not temporarily_closed:
        return schedule
    return Schedule(schedule.weekly, schedule.exceptions, temporarily_closed=True)


TOILET = "toilet"
SERVICE = "service"
KINDS = (TOILET, SERVICE)

# Every feature carries every key, so a client reads both kinds alike; what
# does not apply to a kind is null (or empty).
SERVICE_ONLY: dict[str, object] = {
    "organization": None,
    "category": None,
    "category_label": None,
    "anonymous": None,
    "no_papers_needed": None,
    "no_appointment_needed": None,
    "gender_focus": None,
    "gender_focus_label": None,
    "trained_non_stigmatising": None,
    "languages": [],
    "phones": [],
    "url": None,
    "email": None,
    "service_id": None,
}
TOILET_ONLY = {
    "facility_kind": None,
    "kind_label": None,
    "usable_by_women": None,
    "all_gender": None,
    "urinal_only": None,
    "baby_change": None,
    "manager": None,
    "manager_label": None,
    "manager_name": None,
    "source": None,
    "facility_id": None,
}


def fold(text: str) -> str:
    """Return ``text`` lower-cased and without accents, for search ("Médecins" → "medecins")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tri(value: str) -> bool | None:
    answers: dict[str, bool] = {TriState.YES: True, TriState.NO: False}
    return answers.get(value)


@dataclass(slots=True, eq=False)
class Place:
    """One row of the map: a service at a location, or a toilet."""

    kind: str
    pk: int
    id: str
    # The true position, and the one the public may use (the municipality's
    # centre for a confidential location). Both None for a virtual location.
    lat: float | None
    lon: float | None
    public_lat: float | None
    public_lon: float | None
    confidential: bool
    editor_organisation_id: int | None
    category: str
    free: bool | None
    anonymous: bool | None
    no_papers: bool | None
    no_appointment: bool | None
    accessible: bool | None
    languages: frozenset[str]
    # Folded text to search: everything for viewers who may see the
    # location, and only what the public is shown (no address, location name
    # or directions) for a confidential one. Both are the same string otherwise.
    search_text: str
    public_search_text: str
    schedule: Schedule
    to_verify: bool
    last_verified_on: date | None
    is_demo: bool
    detail_pk: int
    # Language-independent properties, and the translations to pick from.
    _base: dict = field(default_factory=dict)
    _texts: dict = field(default_factory=dict)
    _serialised: dict = field(default_factory=dict)
    _sort_names: dict = field(default_factory=dict)

    def sort_name(self, language: str) -> str:
        """Return the name in ``language`` (or its fallback), folded, to sort by."""
        name = self._sort_names.get(language)
        if name is None:
            name = fold(pick(self._texts["name"], language)[0])
            self._sort_names[language] = name
        return name

    def coordinates_for(self, privileged: bool) -> tuple[float | None, float | None]:
        if privileged or not self.confidential:
            return self.lat, self.lon
        return self.public_lat, self.public_lon

    def is_stale(self, today: date) -> bool:
        return is_stale(self.last_verified_on, today)

    def feature(self, language: str, privileged: bool, today: date) -> dict:
        """Return the GeoJSON feature without the per-request ``open_now`` and ``distance_m``."""
        visible = privileged or not self.confidential
        properties = dict(self._base)
        for key, values in self._texts.items():
            text, used = pick(values, language)
            properties[key] = text
            if key == "name":
                properties["name_language"] = used
        for key in ("category_label", "gender_focus_label", "manager_label", "kind_label"):
            labels = properties.pop(key + "s", None)
            if labels is not None:
                properties[key] = labels.get(language) or labels.get("en", "")
        municipality = properties.pop("_municipality")
        properties["municipality"] = municipality and {
            "nis_code": municipality[0],
            "name": name_in_language(municipality[1], municipality[2], language),
        }
        properties["location_hidden"] = not visible
        properties["stale"] = self.is_stale(today)
        if not visible:
            properties["address"] = None
            properties["postcode"] = None
            properties["transportation"] = ""
            properties["neighbourhood"] = None
            # A shelter's location is often named after its street or building.
            properties["location_name"] = ""
            if self.kind == TOILET:
                # A toilet's name and description are its location's own text;
                # its notice and manager's name are written about the place.
                properties["name"] = properties.get("kind_label") or ""
                properties["name_language"] = language
                properties["description"] = ""
                properties["notice"] = ""
                properties["manager_name"] = None
        geometry = (
            {"type": "Point", "coordinates": [self.lon, self.lat]}
            if visible and self.lat is not None
            else None
        )
        return {"type": "Feature", "id": self.id, "geometry": geometry, "properties": properties}

    def serialised_prefix(self, language: str, privileged: bool, today: date) -> str:
        """Return the feature's JSON without its two closing braces, cached per variant.

        The caller appends ``"open_now"`` and ``"distance_m"`` and closes it.
        """
        key = (language, privileged or not self.confidential)
        cached = self._serialised.get(key)
        # The "stale" flag depends on the day: a day-old serialisation is redone.
        if cached is None or cached[0] != today:
            text = json.dumps(
                self.feature(language, privileged, today), ensure_ascii=False, separators=(",", ":")
            )
            cached = (today, text[:-2])  # "…}}": the properties object, then the feature
            self._serialised[key] = cached
        return cached[1]


def labels(choice_label) -> dict[str, str]:
    """Return a lazy label in every site language that has a catalogue."""
    from django.conf import settings

    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(choice_label)
    return labels
