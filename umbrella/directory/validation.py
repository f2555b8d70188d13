"""Reading the places query, with errors a person understands (API and pages alike)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from umbrella.areas.validation import InvalidPoint, parse_point
from umbrella.directory.models import Category, LanguageCode
from umbrella.directory.places import KINDS
from umbrella.directory.queries import MAX_RADIUS_M

# ASCII digits only, and few of them: ``str.isdigit`` and ``\d`` accept "²" or
# "٣", which ``int()`` refuses or reads, and a number of thousands of digits
# is refused by ``int()``; neither may become a 500.
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,9}(?:\.[0-9]{0,9})?|\.[0-9]{1,9})")
_WHOLE = re.compile(r"[0-9]{1,6}")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
MAX_TEXT = 100


class InvalidSearch(ValueError):
    """``errors`` maps each bad parameter to a sentence."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors

    def as_dict(self) -> dict:
        return {
            "detail": " ".join(self.errors.values()),
            "errors": [{"field": k, "message": v} for k, v in self.errors.items()],
        }


@dataclass
class Search:
    kind: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius: float | None = None
    open_now: bool = False
    filters: dict = field(default_factory=dict)
    limit: int = DEFAULT_LIMIT


def _flag(name: str, text: str | None, errors: dict) -> bool | None:
    if text is None or text.strip() == "":
        return None
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    errors[name] = _("%(name)s must be 1 (yes) or 0 (no).") % {"name": name}
    return None


def parse_search(params) -> Search:
    """Return the validated search from a mapping of text parameters, or raise ``InvalidSearch``."""
    errors: dict[str, str] = {}
    search = Search()

    kind = (params.get("kind") or "").strip()
    if kind:
        if kind in KINDS:
            search.kind = kind
        else:
            errors["kind"] = _("kind must be “toilet” or “service”.")

    lat, lon = params.get("lat"), params.get("lon")
    if (lat or "").strip() or (lon or "").strip():
        try:
            search.lat, search.lon = parse_point(lat, lon)
        except InvalidPoint as invalid:
            errors.update(invalid.errors)

    radius = (params.get("radius") or "").strip()
    if radius:
        value = float(radius) if _NUMBER.fullmatch(radius) else math.nan
        if not math.isfinite(value) or value <= 0 or value > MAX_RADIUS_M:
            errors["radius"] = _(
                "The radius must be a distance in metres above 0 and at most %(max)s."
            ) % {"max": f"{MAX_RADIUS_M:,}".replace(",", " ")}
        elif "lat" not in errors and search.lat is None:
            errors["radius"] = _("A radius needs a point: give lat and lon as well.")
        else:
            search.radius = value

    search.open_now = bool(_flag("open_now", params.get("open_now"), errors))

    category = (params.get("category") or "").strip()
    if category:
        if category in Category.values:
            search.filters["category"] = category
        else:
            errors["category"] = _("This category does not exist.")
    language = (params.get("language") or "").strip()
    if language:
        if language in LanguageCode.values:
            search.filters["language"] = language
        else:
            errors["language"] = _("Give a language as a two-letter code, for example “ro”.")
    for name, key in (
        ("free", "free"),
        ("anonymous", "anonymous"),
        ("no_papers", "no_papers"),
        ("no_appointment", "no_appointment"),
        ("accessible", "accessible"),
    ):
        flag = _flag(name, params.get(name), errors)
        if flag is not None:
            search.filters[key] = flag
    text = (params.get("q") or "").strip()
    if len(text) > MAX_TEXT:
        errors["q"] = _("The search text is too long (at most %(max)s characters).") % {
            "max": MAX_TEXT
        }
    elif text:
        search.filters["text"] = text

    limit = (params.get("limit") or "").strip()
    if limit:
        if _WHOLE.fullmatch(limit) and 1 <= int(limit) <= MAX_LIMIT:
            search.limit = int(limit)
        else:
            errors["limit"] = _("limit must be a whole number from 1 to %(max)s.") % {
                "max": MAX_LIMIT
            }
    if errors:
        raise InvalidSearch(errors)
    return search


def parse_page(text: str | None) -> int:
    """Return the page number asked for; anything but a plain whole number from 1 is page 1."""
    text = (text or "").strip()
    return int(text) if _WHOLE.fullmatch(text) and int(text) >= 1 else 1
