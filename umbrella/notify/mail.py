"""An e-mail backend for a local install: says in the log that a message was not sent.

Django's console backend prints whole messages, and ours carry what must not
reach a log: verification codes, the "is it fixed?" links of a report,
sign-in links. This one logs the subject and a masked recipient, and the body
only when ``DEBUG`` is on (a developer at her own machine).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("umbrella.notify.console")


def mask_address(address: str) -> str:
    """Return ``address`` with all but its first character and domain hidden."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    return f"{local[0]}***@{domain}"


class ConsoleEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            recipients = ", ".join(mask_address(str(r)) for r in message.recipients())
            if settings.DEBUG:
                logger.info(
                    "console e-mail, not sent, to %s: %s\n%s",
                    recipients,
                    message.subject,
                    message.body,
                )
            else:
                logger.info(
                    "console e-mail, not sent, to %s: %s (DEBUG=1 shows the text)",
                    recipients,
                    message.subject,
                )
        return len(email_messages)


def is_console_backend() -> bool:
    """Answer whether e-mail goes nowhere but the log (EMAIL_URL=console:)."""
    from umbrella.production import CONSOLE_EMAIL_BACKENDS

    # locmem is the test suite's outbox: tests read it as the sent mail.
    return settings.EMAIL_BACKEND in CONSOLE_EMAIL_BACKENDS - {
        "django.core.mail.backends.locmem.EmailBackend"
    }
