"""What the tracker's and the rules monitor's API schemas share: texts keyed by language,
and ``?lang=`` for the few labels that are not."""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from django.utils import translation
from ninja import Query, Schema

Lang = Annotated[
    str | None,
    Query(description="Language of the labels: nl, fr, en, ro, bg, es or pt (default: en)."),
]


class TrackerText(Schema):
    nl: str
    fr: str
    en: str


def labels_language(lang: str | None):
    """Translate labels into ``lang`` (a site language; anything else: English)."""
    codes = {code for code, _name in settings.LANGUAGES}
    return translation.override(lang if lang in codes else "en")
