"""SMS and voice providers behind one small interface.

``SMS_PROVIDER=console`` (the default) sends nothing and logs that it did
not, for a local install (refused in production);
``SMS_PROVIDER=twilio`` posts to the Twilio REST API with
``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``TWILIO_FROM``. A new
provider is a class with ``send_sms`` and ``call`` that raises
``ProviderError``.
"""

from __future__ import annotations

import functools
import logging
from typing import Protocol
from xml.sax.saxutils import escape

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from umbrella.notify import conf

logger = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com/2010-04-01"
TIMEOUT_SECONDS = 10.0


class ProviderError(Exception):
    """The provider did not take the message.

    ``permanent``: trying again cannot help (an invalid number, a refused
    destination); the attempt is not retried.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Provider(Protocol):
    # True when nothing leaves the machine: deliveries are recorded as "console".
    console: bool

    def send_sms(self, to: str, body: str) -> str:
        """Send a text message; return the provider's message id."""

    def call(self, to: str, text: str, language: str) -> str:
        """Place a call that reads ``text`` aloud; return the provider's call id."""


def mask_number(number: str) -> str:
    """Return a phone number with all but its last two digits hidden."""
    return "***" + number[-2:] if len(number) > 4 else "***"


class ConsoleProvider:
    """Send nothing; log that a message was not sent (local install, tests, demos).

    The log gets the masked number, and the text only when ``DEBUG`` is on:
    texts carry verification codes and links, and a log outlives the message.
    """

    console = True

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def _log(self, kind: str, to: str, text: str) -> None:
        if settings.DEBUG:
            logger.info("console %s, not sent, to %s: %s", kind, mask_number(to), text)
        else:
            logger.info(
                "console %s, not sent, to %s (DEBUG=1 shows the text)", kind, mask_number(to)
            )

    def send_sms(self, to: str, body: str) -> str:
        self.sent.append(("sms", to, body))
        self._log("SMS", to, body)
        return f"console-sms-{len(self.sent)}"

    def call(self, to: str, text: str, language: str) -> str:
        self.sent.append(("voice", to, text))
        self._log(f"call ({language})", to, text)
        return f"console-call-{len(self.sent)}"


# Twilio error codes that no retry can fix (invalid or unreachable number,
# blocked destination, unsubscribed recipient).
TWILIO_PERMANENT_CODES = {21211, 21214, 21408, 21610, 21612, 21614, 13224}
# Voices Twilio's <Say> speaks per language; the others fall back to English.
TWILIO_LANGUAGES = {
    "nl": "nl-NL",
    "fr": "fr-FR",
    "en": "en-GB",
    "ro": "ro-RO",
    "bg": "en-GB",
    "es": "es-ES",
    "pt": "pt-PT",
}


class TwilioProvider:
    """Twilio's REST API: ``Messages.json`` for SMS, ``Calls.json`` with inline TwiML for voice."""

    console = False

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        *,
        client: httpx.Client | None = None,
        base_url: str = TWILIO_API,
    ) -> None:
        if not (account_sid and auth_token and from_number):
            raise ImproperlyConfigured(
                "SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM."
            )
        self.account_sid = account_sid
        self.from_number = from_number
        self.base_url = base_url.rstrip("/")
        self.client = client or httpx.Client(timeout=TIMEOUT_SECONDS)
        self.auth = httpx.BasicAuth(account_sid, auth_token)

    def send_sms(self, to: str, body: str) -> str:
        return self._post("Messages.json", {"To": to, "From": self.from_number, "Body": body})

    def call(self, to: str, text: str, language: str) -> str:
        voice_language = TWILIO_LANGUAGES.get(language, "en-GB")
        say = f'<Say language="{voice_language}">{escape(text)}</Say>'
        # Said twice, with a pause: the first words are often lost while the
        # phone is brought to the ear.
        twiml = f'<Response>{say}<Pause length="1"/>{say}</Response>'
        return self._post("Calls.json", {"To": to, "From": self.from_number, "Twiml": twiml})

    def _post(self, resource: str, data: dict[str, str]) -> str:
        url = f"{self.base_url}/Accounts/{self.account_sid}/{resource}"
        try:
            response = self.client.post(url, data=data, auth=self.auth)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Twilio unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code in (200, 201):
            try:
                return str(response.json()["sid"])
            except (ValueError, KeyError) as exc:
                raise ProviderError("Twilio answered without a sid") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = body.get("code")
        message = body.get("message") or response.text[:200]
        permanent = code in TWILIO_PERMANENT_CODES or (
            response.status_code == 400 and code is not None
        )
        raise ProviderError(
            f"Twilio {response.status_code} (code {code}): {message}", permanent=permanent
        )


@functools.cache
def get_provider() -> Provider:
    """Return the configured provider (one per process)."""
    name = conf.sms_provider_name()
    if name == "console":
        return ConsoleProvider()
    if name == "twilio":
        return TwilioProvider(*conf.twilio_credentials(), base_url=conf.twilio_api_url())
    raise ImproperlyConfigured(f"SMS_PROVIDER={name!r} is not one of: console, twilio.")
