"""Answer a request made with a method a page does not take (405) with a sentence a
person understands, in the page's language, instead of Django's empty 405."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render


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
