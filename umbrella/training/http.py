"""Answer what a page cannot do with a sentence a person understands, in the page's
language: a method the page does not take (405, instead of Django's empty answer), and a
404 or 403 (instead of the project's bare English default)."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _


def allow(*methods: str):
    """Let the view answer only ``methods``; any other gets a translated 405 page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = render(request, "training/method_not_allowed.html", status=405)
                response["Allow"] = ", ".join(methods)
                response["Cache-Control"] = "private, no-store"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def with_sentences(view):
    """Answer a 404 or 403 raised by the view with a translated page, in the page's
    language, instead of the project's bare default ("Not Found" in English)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            status, title, sentence = (
                404,
                _("Page not found"),
                _("This page does not exist, or it is not for you. Check the address, or go back."),
            )
        except PermissionDenied:
            status, title, sentence = (
                403,
                _("Not for this account"),
                _(
                    "This page is not open to your account. If you think it should be, "
                    "ask your organisation."
                ),
            )
        response = render(
            request, "training/error.html", {"title": title, "sentence": sentence}, status=status
        )
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper
