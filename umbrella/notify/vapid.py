"""VAPID keys for Web Push: from the environment, else from ``var/vapid.json``.

Both keys are base64url without padding: the public key is the uncompressed
P-256 point browsers take as ``applicationServerKey``; the private key is the
raw 32-byte scalar (the format of ``web-push generate-vapid-keys``).
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid02

from umbrella.notify import conf


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def generate_keys() -> dict[str, str]:
    """Return a new key pair as ``{"public_key", "private_key"}``."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {
        "public_key": _b64url(public),
        "private_key": _b64url(private.private_numbers().private_value.to_bytes(32, "big")),
    }


def ensure_keys() -> tuple[str, bool]:
    """Make sure keys exist; return (where they come from, whether a file was written)."""
    public, private = conf.vapid_env_keys()
    if public and private:
        return "environment", False
    path = conf.vapid_file()
    if path.exists():
        _read_file()
        return str(path), False
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two `make setup` runs at once must not write two different pairs.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(generate_keys(), handle)
    return str(path), True


def _read_file() -> dict[str, str]:
    path = conf.vapid_file()
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
        if not (keys.get("public_key") and keys.get("private_key")):
            raise ValueError("missing key")
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"No usable VAPID keys: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or run "
            f"`manage.py vapid_keys` to create {path} ({exc})."
        ) from exc
    return keys


def _keys() -> tuple[str, str]:
    public, private = conf.vapid_env_keys()
    if public and private:
        return public, private
    keys = _read_file()
    return keys["public_key"], keys["private_key"]


def vapid_public_key() -> str:
    """Return the public key browsers subscribe with (``applicationServerKey``)."""
    return _keys()[0]


def vapid_signer() -> Vapid02:
    """Return the signer of the VAPID header (notify/webpush.py)."""
    return Vapid02.from_raw(_keys()[1].encode("ascii"))
