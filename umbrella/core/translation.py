"""Content translated per field: one column per content language.

``name_nl``, ``name_fr`` and ``name_en`` are plain columns, not a JSON blob
and not a third-party registry (django-modeltranslation would add a column
for each of the site's seven languages and patch the model's attribute
access). Plain columns keep forms, the admin, migrations and exports obvious
and work the same on SQLite and PostgreSQL. Text search does not query these
columns one by one: the snapshot (``snapshot.py``) folds every language
into one normalised string per place.

A content language missing in a row falls back along ``fallback_chain``;
``translated_with_language`` also says which language was used, so a page
can mark the fallback text with its own ``lang`` attribute (WCAG 3.1.2).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

CONTENT_LANGUAGES = ("nl", "fr", "en")

# The two official languages of the region fall back on each other; English
# and every other site language (ro, bg, es, pt) prefer English, which more
# migrants read than French or Dutch, then French (the region's majority
# language), then Dutch.
_FALLBACKS = {
    "nl": ("nl", "fr", "en"),
    "fr": ("fr", "nl", "en"),
    "en": ("en", "fr", "nl"),
}
_OTHER = ("en", "fr", "nl")


def normalise_language(language: str | None) -> str:
    return (language or get_language() or "en").split("-")[0].lower()


def fallback_chain(language: str | None = None) -> tuple[str, ...]:
    """Return the content languages to try, in order, for ``language``."""
    return _FALLBACKS.get(normalise_language(language), _OTHER)


def pick(values: dict[str, str], language: str | None = None) -> tuple[str, str]:
    """Return ``(text, language used)`` from ``{"nl": …, "fr": …, "en": …}``; ``("", "")``."""
    for code in fallback_chain(language):
        text = values.get(code) or ""
        if text.strip():
            return text, code
    return "", ""


class Translatable(models.Model):
    """A model with ``<field>_nl``, ``<field>_fr``, ``<field>_en`` per translated field."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def translations(self, field: str) -> dict[str, str]:
        """Return ``{"nl": …, "fr": …, "en": …}`` for ``field``."""
        return {code: getattr(self, f"{field}_{code}") or "" for code in CONTENT_LANGUAGES}

    def translated_with_language(self, field: str, language: str | None = None) -> tuple[str, str]:
        """Return ``(text, language used)`` for ``field`` in ``language`` or its fallback."""
        return pick(self.translations(field), language)

    def translated(self, field: str, language: str | None = None) -> str:
        """Return ``field`` in ``language`` (default: the active one), or its fallback."""
        return self.translated_with_language(field, language)[0]
