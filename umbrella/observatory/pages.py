"""The page's figures rendered once per language, selection, roll-up generation and day.

Drawing some thirty charts and fifteen maps is most of the page's time. The
worker renders every language and selection right after it stores the
protected cubes (``actions.publish``) and stores the HTML
(``models.RenderedFigures``); a web process reads it once and keeps it in
memory, so no visitor waits for a render after a roll-up change. A process
renders (and stores) itself only what the worker has not stored yet.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from cachetools import LRUCache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy

from umbrella.observatory import maps, queries
from umbrella.observatory.figures import Figure, figure_for
from umbrella.observatory.models import RenderedFigures

GROUPS = [
    ("panic", gettext_lazy("Panic button")),
    ("liveability", gettext_lazy("Liveability")),
    ("services", gettext_lazy("Services")),
]


PAGE_LANGUAGES = ("nl", "fr", "en")
SELECTIONS = [
    (period, by)
    for period in ("month", "quarter", "year")
    for by in ("region", "municipality", "police_zone")
]


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    figures: list[Figure]


# The rendered figures of the selections asked lately, per language, generation and day.
_figures_cache: LRUCache[tuple, str] = LRUCache(maxsize=256)
_figures_lock = threading.Lock()  # a read moves the entry up: reads change the cache too


def _render(period: str, by: str) -> str:
    all_datasets = queries.datasets()
    groups = []
    for group_key, title in GROUPS:
        members = [d for d in all_datasets if d.group == group_key]
        if members:
            figures = [figure_for(d, period=period, by=by) for d in members]
            groups.append(Group(group_key, str(title), figures))
    has_map = any(figure.map for group in groups for figure in group.figures)
    # The maps draw the municipalities from one set of outlines on the page.
    outlines = maps.outlines_svg() if has_map else ""
    return render_to_string("observatory/_figures.html", {"groups": groups, "outlines": outlines})


def _stored(language: str, period: str, by: str, generation: int, day: date) -> str | None:
    return (
        RenderedFigures.objects.filter(
            language=language, period=period, by=by, generation=generation, day=day
        )
        .values_list("html", flat=True)
        .first()
    )


def _store(language: str, period: str, by: str, generation: int, day: date, html: str) -> None:
    RenderedFigures.objects.bulk_create(
        [
            RenderedFigures(
                language=language, period=period, by=by, generation=generation, day=day, html=html
            )
        ],
        ignore_conflicts=True,
    )


def figures_html(period: str, by: str) -> SafeString:
    """Return the page's figures (contents, groups, charts, maps, tables) for a selection."""
    language = get_language() or "en"
    generation, day = queries.generation(), timezone.localdate()
    key = (language, period, by, generation, day)
    with _figures_lock:
        html = _figures_cache.get(key)
    if html is None:
        html = _stored(language, period, by, generation, day)
        if html is None:  # the worker has not rendered it yet: render it here, once
            html = _render(period, by)
            _store(language, period, by, generation, day, html)
        with _figures_lock:
            _figures_cache[key] = html
    return mark_safe(html)  # noqa: S308 -- rendered by the template engine, escaped there


def render_all(today: date) -> int:
    """Render and store every language and selection for the current generation (the worker).

    Older renderings are deleted. Answers how many were rendered.
    """
    generation = queries.generation()
    have = set(
        RenderedFigures.objects.filter(generation=generation, day=today).values_list(
            "language", "period", "by"
        )
    )
    rendered = 0
    for language in PAGE_LANGUAGES:
        with translation.override(language):
            for period, by in SELECTIONS:
                if (language, period, by) not in have:
                    _store(language, period, by, generation, today, _render(period, by))
                    rendered += 1
    RenderedFigures.objects.exclude(generation=generation, day=today).delete()
    return rendered


def forget_figures() -> None:
    """Drop the rendered figures kept in memory (tests; a new generation does it otherwise)."""
    with _figures_lock:
        _figures_cache.clear()
