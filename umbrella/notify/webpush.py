"""Send one Web Push message: RFC 8291 encryption (aes128gcm) and a VAPID header (RFC 8292).

What ``pywebpush.webpush`` did, on the two libraries it is built on
(``http_ece`` encrypts, ``py_vapid`` signs), without its HTTP clients:
pywebpush imports both ``requests`` and ``aiohttp`` (~11 MB in every
worker), and the post goes through ``core.outbound`` anyway. The message is
encrypted to the subscription's keys with a fresh server key per message,
the claims say who sends (``sub``), for which push service (``aud``: the
endpoint's origin) and until when (``exp``: 12 hours, the most RFC 8292
allows is 24).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

CLAIMS_SECONDS = 12 * 60 * 60


class PushRefused(Exception):
    """The push service answered with a status over 202 (``status``)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"push service answered {status}")
        self.status = status


def _unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def encrypt(data: bytes, p256dh: str, auth: str) -> bytes:
    """Return ``data`` encrypted to a subscription's keys (aes128gcm, a fresh key and salt)."""
    receiver = _unb64(p256dh)
    if len(receiver) != 65 or receiver[0] != 4:
        raise ValueError("the subscription's p256dh is not an uncompressed P-256 point")
    return http_ece.encrypt(
        data,
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=receiver,
        auth_secret=_unb64(auth),
        version="aes128gcm",
    )


def webpush(
    subscription_info: dict,
    *,
    data: str,
    vapid_private_key: Vapid02,
    vapid_claims: dict,
    ttl: int,
    timeout: float,
    headers: dict[str, str],
    post: Callable[..., int],
) -> int:
    """Encrypt ``data`` to the subscription, sign, and ``post`` it; return the status.

    ``post(endpoint, content=, headers=, timeout=)`` returns the answer's
    status; over 202 raises ``PushRefused`` (404/410: the subscription is gone).
    """
    endpoint = subscription_info["endpoint"]
    keys = subscription_info["keys"]
    url = urlsplit(endpoint)
    claims = {
        "aud": f"{url.scheme}://{url.netloc}",
        "exp": int(time.time()) + CLAIMS_SECONDS,
        **vapid_claims,
    }
    body = encrypt(data.encode(), keys["p256dh"], keys["auth"])
    status = post(
        endpoint,
        content=body,
        headers={
            **headers,
            **vapid_private_key.sign(claims),
            "Content-Encoding": "aes128gcm",
            "TTL": str(ttl),
        },
        timeout=timeout,
    )
    if status > 202:
        raise PushRefused(status)
    return status
