"""The anti-targeting guard: a report must be about a situation, not about people's presence.

Sex work between adults is legal in Belgium (law of 21 March 2022). A report
whose text targets sex workers as such — complaining that they are there at
all, asking to remove them — is not sent to the police: it goes to the
mediating bodies (mediation and outreach), waits in a moderation queue, and
the reporter reads a short explanation in their language.

The heuristic is deliberately simple and configurable in the admin
(``GuardTerm``): a report is held when its text uses a phrase of the
"always" list, or a word that names sex workers together with a word about
presence or removal. Matching ignores case and accents and works on whole
words; a term ending in ``*`` matches any ending. Every active term is
tried whatever the report's language: people mix languages.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext

from umbrella.reports.models import Category, GuardTerm, GuardTermKind


@dataclass(frozen=True)
class GuardResult:
    flagged: bool
    matches: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without accents, with runs of spaces made single."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", stripped))


@functools.lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern[str]:
    """Return the regular expression of a term: whole words, ``*`` for any ending."""
    prefix = term.strip().endswith("*")
    words = fold(term).split()
    if not words:
        return re.compile(r"(?!x)x")
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(r"\b" + body + (r"\w*" if prefix else r"\b"))


def _matches(folded: str, terms: list[str]) -> list[str]:
    return [term for term in terms if term_pattern(term).search(folded)]


def check(text: str, category: Category) -> GuardResult:
    """Answer whether ``text`` (a report about ``category``) targets sex workers as such."""
    if not category.guarded:
        return GuardResult(False)
    by_kind: dict[str, list[str]] = {kind: [] for kind in GuardTermKind.values}
    for kind, term in GuardTerm.objects.filter(active=True).values_list("kind", "term"):
        by_kind.setdefault(kind, []).append(term)
    folded = fold(text)
    always = _matches(folded, by_kind[GuardTermKind.ALWAYS])
    if always:
        return GuardResult(True, always)
    people = _matches(folded, by_kind[GuardTermKind.PERSON])
    presence = _matches(folded, by_kind[GuardTermKind.PRESENCE])
    if people and presence:
        return GuardResult(True, people + presence)
    return GuardResult(False)


def explanation(language: str) -> str:
    """Return, in ``language``, what the reporter of a held report reads."""
    with translation.override(language):
        return gettext(
            "Your report has been received. It seems to be about the presence of sex workers. "
            "Sex work between adults is legal in Belgium, so being there is not something the "
            "police act on. Your report goes to a mediation and outreach team instead, who can "
            "look at what is actually causing trouble in the street (noise, litter, dealing, "
            "traffic) and talk with everyone involved. If you report a concrete problem, such as "
            "needles, noise at night or drug dealing, choose that category and describe the "
            "situation: it then goes straight to the service that can act."
        )
