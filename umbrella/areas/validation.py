"""Reading a point typed by a person or sent by a client, with errors a person understands.

The API and the map page's form share these rules, so both refuse the same
input with the same sentences.
"""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

# Plain decimal notation only: float() would also take "nan", "inf", "1_0"
# and hexadecimal-looking input, none of which is a coordinate.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Long enough to recognise the input in the message, short enough for a line.
_ECHO_LENGTH = 40


class InvalidPoint(ValueError):
    """One or both coordinates are missing or not usable.

    ``errors`` maps each bad field to a sentence, ``kinds`` to "missing",
    "invalid" or "range".
    """

    def __init__(self, errors: dict[str, str], kinds: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors
        self.kinds = kinds

    def as_dict(self) -> dict:
        """Return the API's 422 body: one readable ``detail`` plus the per-field messages."""
        if self.kinds == {"lat": "missing", "lon": "missing"}:
            detail = _(
                "Give the latitude (lat) and longitude (lon) in decimal degrees, "
                "for example lat=50.8467&lon=4.3525."
            )
        else:
            detail = " ".join(self.errors.values())
        return {
            "detail": detail,
            "errors": [{"field": name, "message": text} for name, text in self.errors.items()],
        }


def _echo(text: str) -> str:
    return text if len(text) <= _ECHO_LENGTH else text[: _ECHO_LENGTH - 1] + "…"


def _missing(field: str) -> str:
    if field == "lat":
        return _("Give the latitude (lat) in decimal degrees, for example 50.8467.")
    return _("Give the longitude (lon) in decimal degrees, for example 4.3525.")


def _not_a_number(field: str, text: str) -> str:
    if field == "lat":
        return _(
            "The latitude (lat) must be a number in decimal degrees, such as 50.8467; "
            "“%(value)s” is not."
        ) % {"value": _echo(text)}
    return _(
        "The longitude (lon) must be a number in decimal degrees, such as 4.3525; "
        "“%(value)s” is not."
    ) % {"value": _echo(text)}


def _out_of_range(field: str, text: str) -> str:
    if field == "lat":
        return _("The latitude (lat) must lie between -90 and 90 degrees; %(value)s does not.") % {
            "value": _echo(text)
        }
    return _("The longitude (lon) must lie between -180 and 180 degrees; %(value)s does not.") % {
        "value": _echo(text)
    }


def _parse(field: str, text: str | None) -> tuple[float | None, str | None, str]:
    """Return (value, error sentence, error kind) for one coordinate."""
    text = (text or "").strip()
    if not text:
        return None, _missing(field), "missing"
    # A decimal comma is what most people in Belgium type.
    candidate = text.replace(",", ".", 1) if "." not in text else text
    if not _NUMBER.fullmatch(candidate):
        return None, _not_a_number(field, text), "invalid"
    value = float(candidate)
    if not math.isfinite(value):
        return None, _not_a_number(field, text), "invalid"
    if abs(value) > (90.0 if field == "lat" else 180.0):
        return None, _out_of_range(field, text), "range"
    return value, None, ""


def parse_point(lat: str | None, lon: str | None) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats in degrees, or raise ``InvalidPoint``."""
    values: dict[str, float] = {}
    errors, kinds = {}, {}
    for field, text in (("lat", lat), ("lon", lon)):
        value, error, kind = _parse(field, text)
        if error is not None:
            errors[field], kinds[field] = error, kind
        elif value is not None:
            values[field] = value
    if errors:
        raise InvalidPoint(errors, kinds)
    return values["lat"], values["lon"]
