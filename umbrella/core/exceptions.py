"""Refusals a person reads: a view raises one, the site's own 400 or 403 page gives its sentence.

A plain ``PermissionDenied`` or ``BadRequest`` (Django's own, a library's) gets
the page's general sentence: its text is for developers ("Forbidden user
agent"). These carry a translated sentence written for the person
("Only the platform's secretary updates recommendations.").
"""

from django.core.exceptions import BadRequest, PermissionDenied


class Refused(PermissionDenied):
    """403: this account may not do this; the message says why, in the page's language."""


class Malformed(BadRequest):
    """400: this request cannot be handled; the message says what to do instead."""
