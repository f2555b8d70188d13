"""How the Open311 endpoints answer: JSON or XML, the spec's errors, service request objects.

The endpoints themselves are ``views.py``; see the package's docstring for the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from umbrella.areas.models import Municipality, Neighbourhood, name_in_language
from umbrella.core.translation import pick
from umbrella.reports.models import (
    Body,
    Category,
    CloseReason,
    ReportPhoto,
    ReportStatus,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
OPEN = {ReportStatus.SUBMITTED, ReportStatus.OPEN, ReportStatus.IN_PROGRESS, ReportStatus.REFERRED}
LOCALES = ("nl", "fr", "en")

# The element name of each list's items in XML, as in the spec's examples.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str, allow: tuple[str, ...] = ()):
        self.status = status
        self.descriptions = descriptions or (_("The request could not be served."),)
        self.allow = allow


# --- output ---------------------------------------------------------------------


def _xml(tag: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml(key, item) for key, item in value.items())
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(value, list):
        item_tag = XML_ITEMS.get(tag, "item")
        return f"<{tag}>" + "".join(_xml(item_tag, item) for item in value) + f"</{tag}>"
    if value is None:
        return f"<{tag}/>"
    if isinstance(value, bool):
        return f"<{tag}>{'true' if value else 'false'}</{tag}>"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def answer(data, fmt: str, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="utf-8"?>' + _xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    # Public data: any web client may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(error: Open311Error, fmt: str) -> HttpResponse:
    errors = [{"code": error.status, "description": str(d)} for d in error.descriptions]
    response = answer(errors, fmt if fmt in CONTENT_TYPES else "json", "errors", error.status)
    if error.allow:
        response["Allow"] = ", ".join(error.allow)
    return response


def locale_of(request: HttpRequest) -> str:
    value = (request.GET.get("locale") or request.POST.get("locale") or "en")[:2].lower()
    return value if value in LOCALES else "en"


def endpoint(view):
    """Check the format, pick the language, and turn ``Open311Error`` into a spec error."""

    def wrapped(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        with translation.override(locale_of(request)):
            try:
                if fmt not in CONTENT_TYPES:
                    raise Open311Error(
                        400, _("Unknown format “%(format)s”: use .json or .xml.") % {"format": fmt}
                    )
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return error_response(error, fmt)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    # A machine API with no session: a wrong method gets the spec's 405 with
    # Allow, not the CSRF page (only POST requests changes anything).
    wrapped.csrf_exempt = True
    return wrapped


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def w3c_time(value: datetime | None, zone=None) -> str | None:
    """Return a W3C date-time in Brussels time (``zone``: the current one, looked up once)."""
    if value is None:
        return None
    return value.astimezone(zone or timezone.get_current_timezone()).isoformat(timespec="seconds")


# --- requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Names and codes looked up once per request instead of joined per row."""

    categories: dict[int, tuple[str, str]]
    bodies: dict[int, str]
    places: dict[str, dict[int, str]]
    # The choices' labels, lazy: each row's answer turns them into text.
    statuses: dict[str, StrOrPromise]
    reasons: dict[str, StrOrPromise]

    @classmethod
    def load(cls) -> Names:
        language = translation.get_language() or "en"

        def name(nl: str, fr: str, en: str) -> str:
            return pick({"nl": nl, "fr": fr, "en": en}, language)[0]

        return cls(
            categories={
                pk: (code, name(nl, fr, en))
                for pk, code, nl, fr, en in Category.objects.values_list(
                    "pk", "code", "name_nl", "name_fr", "name_en"
                )
            },
            bodies={
                pk: name(nl, fr, en)
                for pk, nl, fr, en in Body.objects.values_list(
                    "pk", "name_nl", "name_fr", "name_en"
                )
            },
            places=_place_names(language),
            statuses=dict(ReportStatus.choices),
            reasons=dict(CloseReason.choices),
        )


_PLACE_NAMES: dict[str, dict[str, dict[int, str]]] = {}


def _place_names(language: str, reload: bool = False) -> dict[str, dict[int, str]]:
    """Return municipality and neighbourhood names by id (the geography changes only on load)."""
    language = "nl" if language.startswith("nl") else "fr"
    if reload or language not in _PLACE_NAMES:
        _PLACE_NAMES[language] = {
            "municipality": {
                pk: name_in_language(nl, fr, language)
                for pk, nl, fr in Municipality.objects.values_list("pk", "name_nl", "name_fr")
            },
            "neighbourhood": {
                pk: name_in_language(nl, fr, language)
                for pk, nl, fr in Neighbourhood.objects.values_list("pk", "name_nl", "name_fr")
            },
        }
    return _PLACE_NAMES[language]


ROW_FIELDS = (
    "id",
    "public_id",
    "status",
    "close_reason",
    "referred_to_id",
    "category_id",
    "body_id",
    "created_at",
    "updated_at",
    "public_lat",
    "public_lon",
    "municipality_id",
    "neighbourhood_id",
)


def _status_notes(row: dict, names: Names) -> str | None:
    status = row["status"]
    if status == ReportStatus.CLOSED and row["close_reason"]:
        return str(names.reasons.get(row["close_reason"], ""))
    if status == ReportStatus.REFERRED and row["referred_to_id"]:
        return _("Referred to %(body)s.") % {"body": names.bodies.get(row["referred_to_id"], "")}
    if status in (ReportStatus.IN_PROGRESS, ReportStatus.FIXED):
        return str(names.statuses[status])
    return None


def _media_url(public_id: str) -> str | None:
    with translation.override("en"):
        try:
            return absolute(reverse("reports:photo", kwargs={"public_id": public_id}))
        except NoReverseMatch:
            return None


def service_requests(rows: list[dict]) -> list[dict]:
    """Return the spec's service request objects for report rows (``ROW_FIELDS``)."""
    if not rows:
        return []
    names = Names.load()
    with_photo = set(
        ReportPhoto.objects.filter(report_id__in=[r["id"] for r in rows], public=True).values_list(
            "report_id", flat=True
        )
    )
    places = names.places
    if any(
        (row["municipality_id"] and row["municipality_id"] not in places["municipality"])
        or (row["neighbourhood_id"] and row["neighbourhood_id"] not in places["neighbourhood"])
        for row in rows
    ):
        # The geography was loaded again since the names were read.
        places = _place_names(translation.get_language() or "en", reload=True)
    municipalities, neighbourhoods = places["municipality"], places["neighbourhood"]
    zone = timezone.get_current_timezone()
    items = []
    for row in rows:
        code, service_name = names.categories.get(row["category_id"], ("", ""))
        address = ", ".join(
            name
            for name in (
                neighbourhoods.get(row["neighbourhood_id"], ""),
                municipalities.get(row["municipality_id"], ""),
            )
            if name
        )
        items.append(
            {
                # The random public id: the primary key stays internal.
                "service_request_id": row["public_id"],
                "status": "open" if row["status"] in OPEN else "closed",
                "status_notes": _status_notes(row, names),
                "service_name": service_name,
                "service_code": code,
                # The reporter's words stay between her and the body, as on
                # the public pages: she was never told they would be
                # published, and they may name or describe people.
                "description": None,
                "agency_responsible": names.bodies.get(row["body_id"]),
                "service_notice": None,
                "requested_datetime": w3c_time(row["created_at"], zone),
                "updated_datetime": w3c_time(row["updated_at"], zone),
                "expected_datetime": None,
                "address": address,
                "address_id": None,
                "zipcode": None,
                "lat": row["public_lat"],
                "long": row["public_lon"],
                "media_url": _media_url(row["public_id"]) if row["id"] in with_photo else None,
            }
        )
    return items
