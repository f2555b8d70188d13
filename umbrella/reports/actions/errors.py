"""The one exception the reports actions raise for what a person can correct."""

from __future__ import annotations

from django.utils.functional import Promise

NON_FIELD = "__all__"


class ReportInvalid(Exception):
    """Input the action refuses: ``errors`` maps a field name to translated sentences.

    Field names are those of the report form (``category``, ``lat``,
    ``description``, ``reporter_kind``, ``email``, ``photo``, ``text``,
    ``new_status``, ``close_reason``, ``referred_to``, ``fixed``); ``"__all__"``
    for what belongs to no field (rate limit, honeypot, a code that does not
    fit).
    """

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {
            field: [str(message) for message in messages] for field, messages in errors.items()
        }
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))

    @classmethod
    def one(cls, field: str, message: str | Promise) -> ReportInvalid:
        return cls({field: [str(message)]})


class RateLimited(ReportInvalid):
    """The client sent too many reports recently (an API answers 429)."""
