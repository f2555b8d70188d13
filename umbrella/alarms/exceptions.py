"""Errors the alarms actions raise; each carries a sentence a person can read."""

from django.utils.translation import gettext_lazy as _


class AlarmError(Exception):
    """An action refused; ``message`` is translated and safe to show."""

    default_message = _("This cannot be done.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotAllowed(AlarmError):
    """The person may not act on this object (the API answers 404, revealing nothing)."""

    default_message = _("Not found.")


class InvalidState(AlarmError):
    """The object is in a state where the action makes no sense (409)."""

    default_message = _("This cannot be done any more.")


class InvalidInput(AlarmError):
    """A value the request sent is out of bounds (422, naming the field)."""

    default_message = _("The request is not valid. Check the fields listed.")

    def __init__(self, message=None, *, field: str = ""):
        self.field = field
        super().__init__(message)
