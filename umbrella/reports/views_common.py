"""Small helpers shared by the report pages."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import ngettext

from umbrella.reports.actions import ReportInvalid


def add_errors(form: forms.Form, invalid: ReportInvalid) -> None:
    """Put an action's refusals on the form's fields (the rest above the form)."""
    for field, messages in invalid.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def private(response: HttpResponse) -> HttpResponse:
    """Keep a page out of every shared cache: it holds a code, a point or staff data."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def duration_text(delta) -> str:
    """Return a duration as people say it: minutes, hours or days (empty when unknown)."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
