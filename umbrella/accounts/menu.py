"""The links of each role: one source for the role's home page and the site menu.

``sections_for(user)`` answers which sections a person sees, in order, each
with the links she may open (never one that would refuse her). A person with
several roles (a responder who also manages a studio, a police reference who
also sits on the platform) gets one section per role. The home page asks for
the counts too (open alarms, reports waiting); the menu, drawn on every page,
does not, to keep every page at a few queries.

This base app builds the sections that only link (a sex worker's, a
resident's, the administration); a domain app registers the sections that
read its own data in a ``menu`` module, as Django's admin finds ``admin.py``::

    from umbrella.accounts.menu import Section, section

    @section(position=50)
    def reports(user, counts: bool) -> Section | None: ...

``position`` orders the sections (the role's own list first). The modules are
found on the first page that asks, not when the apps are ready: the worker
process draws no menu and need not import them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.models import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Link:
    """One link of a section; ``key`` is stable (tests and CSS use it), ``label`` translated."""

    key: str
    # Lazy: translated when the page is drawn, in the reader's language.
    label: StrOrPromise
    url: str
    count: int | None = None
    primary: bool = False
    # The count in words ("3 open alarms"), read out with the label.
    count_label: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    heading: StrOrPromise
    links: list[Link] = field(default_factory=list)


SectionBuilder = Callable[[Any, bool], "Section | None"]
HomeProvider = Callable[[Any], dict]

# (position, builder) by the builder's dotted name: importing a module twice registers once.
_SECTIONS: dict[str, tuple[int, SectionBuilder]] = {}
_HOME: dict[str, HomeProvider] = {}


def _name(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def section(*, position: int) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register ``build(user, counts) -> Section | None`` at ``position`` of the sections."""

    def register(build: SectionBuilder) -> SectionBuilder:
        _SECTIONS[_name(build)] = (position, build)
        return build

    return register


def home_context(provide: HomeProvider) -> HomeProvider:
    """Register ``provide(user) -> dict``: more context for the person's home page."""
    _HOME[_name(provide)] = provide
    return provide


@functools.cache
def _discover() -> None:
    autodiscover_modules("menu")


def sections_for(user, *, counts: bool = False) -> list[Section]:
    """Return the sections of ``user``'s roles, in the order her home shows them."""
    if not getattr(user, "is_authenticated", False):
        return []
    _discover()
    sections = []
    for _position, build in sorted(_SECTIONS.values(), key=lambda entry: entry[0]):
        built = build(user, counts)
        if built is not None and built.links:
            sections.append(built)
    return sections


def home_extras(user) -> dict:
    """Return what the apps add to ``user``'s home (a sex worker's open alarms)."""
    _discover()
    context: dict = {}
    for provide in _HOME.values():
        context.update(provide(user))
    return context


def counted(count: int | None, words: str) -> str:
    """Return ``words`` (an ngettext result with %(count)d) filled in, or "" without a count."""
    return "" if count is None else words % {"count": count}


@section(position=10)
def _worker(user, counts: bool) -> Section | None:
    if user.role != Role.SEX_WORKER:
        return None
    return Section(
        "worker",
        _("Your safety"),
        [
            Link("panic", _("Panic button"), reverse("alarms:panic"), primary=True),
            Link("checkin", _("Check-in timer"), reverse("alarms:checkin")),
            Link("circle", _("Who is told (your circle)"), reverse("alarms:circle")),
            Link("directory", _("Services and toilets near me"), reverse("directory:list")),
            Link("feedback", _("Tell us about a service"), reverse("training:feedback_choose")),
            Link("report", _("Report a problem"), reverse("reports:new")),
            Link("my_reports", _("My reports"), reverse("reports:mine")),
        ],
    )


@section(position=20)
def _resident(user, counts: bool) -> Section | None:
    if user.role != Role.RESIDENT:
        return None
    return Section(
        "resident",
        _("Your neighbourhood"),
        [
            Link("report", _("Report a problem"), reverse("reports:new"), primary=True),
            Link("my_reports", _("My reports"), reverse("reports:mine")),
            Link("map", _("Find your municipality and police zone"), reverse("areas:map")),
        ],
    )


@section(position=80)
def _administration(user, counts: bool) -> Section | None:
    if not (user.is_staff and user.is_active):
        return None
    return Section(
        "administration",
        _("Administration"),
        [Link("admin", _("Administration"), reverse("admin:index"))],
    )


def public_links() -> list[Link]:
    """Return the public pages everyone finds in the menu, signed in or not."""
    return [
        Link("map", _("Map"), reverse("areas:map")),
        Link("directory", _("Services and toilets"), reverse("directory:list")),
        Link("reports", _("Neighbourhood reports"), reverse("reports:index")),
        Link("consultation", _("Consultation platform"), reverse("consultation:index")),
        Link("training", _("Training"), reverse("training:index")),
        Link("about", _("About"), reverse("core:about")),
    ]
