"""Encryption at rest for sensitive fields (precise locations, notes).

Keys come from ``FIELD_ENCRYPTION_KEYS`` (or ``FIELD_ENCRYPTION_KEYS_FILE``):
comma-separated Fernet keys, the first one current. Every key in the list can
decrypt, only the first encrypts, so rotation is: put a new key first, keep the
old ones after it, run ``manage.py rotate_encryption_keys``, then drop the old
keys. Generate a key with::

    python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

The keys are read in ``settings/security.py`` (``settings.FIELD_ENCRYPTION_KEYS``):
when none is configured, a key is generated once into ``var/`` (mode 0600)
for a local install; a production install refuses to start without its own.
"""

from __future__ import annotations

import logging
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.expressions import Combinable

logger = logging.getLogger(__name__)

KEYS_VARIABLE = "FIELD_ENCRYPTION_KEYS"

_lock = threading.Lock()
_cache: dict[tuple[str, ...], MultiFernet] = {}


class DecryptionFailed(ValueError):
    """A stored value cannot be decrypted with any configured key."""


def configured_keys() -> tuple[str, ...]:
    """Return the keys in use, current first; raise when there is none."""
    keys = tuple(key.strip() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip())
    if keys:
        return keys
    raise ImproperlyConfigured(
        f"{KEYS_VARIABLE} is empty. Set it to one or more Fernet keys "
        "(comma-separated, the current key first); see docs/deployment.md."
    )


def get_fernet() -> MultiFernet:
    """Return the MultiFernet for the configured keys (built once per key set)."""
    keys = configured_keys()
    fernet = _cache.get(keys)
    if fernet is None:
        try:
            fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{KEYS_VARIABLE} holds a value that is not a Fernet key (32 url-safe "
                "base64-encoded bytes)."
            ) from exc
        with _lock:
            _cache[keys] = fernet
    return fernet


def encrypt(text: str) -> str:
    """Return ``text`` encrypted with the current key, as ASCII."""
    return get_fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """Return the plaintext of ``token``; raise ``DecryptionFailed`` if no key opens it."""
    try:
        return get_fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionFailed(
            f"A stored value cannot be decrypted with the keys in {KEYS_VARIABLE}."
        ) from exc


def rotate(token: str) -> str:
    """Return ``token`` re-encrypted with the current key."""
    try:
        return get_fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionFailed(
            f"A stored value cannot be decrypted with the keys in {KEYS_VARIABLE}."
        ) from exc


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; ``None`` and ``""`` are stored as they are.

    The column cannot be searched or ordered by its content: that is the point.
    A value no configured key opens reads as ``None`` and is logged, so one bad
    row never takes an alarm screen down.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return self.from_plaintext(decrypt(value))
        except DecryptionFailed:
            logger.exception("cannot decrypt %s.%s", self.model.__name__, self.name)
            return None

    def from_plaintext(self, text: str):
        return text

    def to_plaintext(self, value) -> str:
        return str(value)

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return encrypt(self.to_plaintext(value))


class EncryptedFloatField(EncryptedTextField):
    """A float stored as encrypted text (for latitude, longitude, accuracy)."""

    # What django-stubs' plugin types the model attribute as. The stubs tie a
    # TextField subclass to str (TextField is not generic at run time).
    _pyi_private_set_type: float | int | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: float  # type: ignore[assignment]

    def from_plaintext(self, text: str) -> float:
        return float(text)

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, float):
            return value
        return float(value)

    def to_plaintext(self, value) -> str:
        return repr(float(value))


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Return every concrete model with its encrypted fields."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [
            field for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
        ]
        if fields and not model._meta.proxy:
            found.append((model, fields))
    return found
