"""Refusals of the platform's actions (members, meetings): a sentence for the person who asked."""

from __future__ import annotations


class ConsultationError(Exception):
    """A refusal; ``message`` is a translated sentence for the person who asked."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ConsultationError):
    """The person may not do this."""
