"""An encrypted, authenticated byte stream under a passphrase (the backup archive's).

What is written is encrypted as it comes, so a large archive never sits in
memory or unencrypted on disk: AES-256-GCM in chunks of 1 MiB under a key
derived with scrypt from the passphrase (a random salt per stream). Each
chunk's nonce is its number and its last one is marked, so a chunk altered,
removed, reordered or cut off fails its check. A key check in the header tells
a wrong passphrase from a damaged stream.
"""

from __future__ import annotations

import io
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"UMBRELLA-BACKUP\x01"
CHUNK = 1 << 20
# scrypt's cost: 2**17 × 8 × 128 bytes = 128 MiB and about half a second per
# archive, which makes each guess at a stolen archive's passphrase as dear.
SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P = 17, 8, 1
SALT_BYTES = 16
TAG_BYTES = 16
_CHECK_NONCE = b"\xff" * 12
_LENGTH = struct.Struct(">I")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _derive(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**log_n, r=r, p=p).derive(passphrase.encode())


def _nonce(counter: int) -> bytes:
    return counter.to_bytes(12, "big")


class EncryptingWriter(io.RawIOBase):
    """A writable stream that encrypts what it is given, chunk by chunk, into ``out``."""

    def __init__(self, out, passphrase: str, *, log_n: int = SCRYPT_LOG_N) -> None:
        super().__init__()
        self.out = out
        salt = os.urandom(SALT_BYTES)
        self.header = MAGIC + bytes([log_n, SCRYPT_R, SCRYPT_P]) + salt
        self.aead = AESGCM(_derive(passphrase, salt, log_n, SCRYPT_R, SCRYPT_P))
        out.write(self.header + self.aead.encrypt(_CHECK_NONCE, b"", self.header))
        self.buffer = bytearray()
        self.counter = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), final=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, final: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.counter), plain, self.header + bytes([final]))
        self.out.write(_LENGTH.pack(len(sealed)) + sealed)
        self.counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self.buffer), final=True)
            self.buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A readable stream of an archive's plaintext; raises ``BackupError`` on a wrong
    passphrase (at once), on a chunk that fails its check, and on an archive cut short."""

    def __init__(self, source, passphrase: str) -> None:
        super().__init__()
        self.source = source
        head = source.read(len(MAGIC) + 3 + SALT_BYTES)
        if len(head) < len(MAGIC) + 3 + SALT_BYTES or not head.startswith(MAGIC):
            raise BackupError(
                "This file is not an Umbrella backup archive (or not of this version)."
            )
        log_n, r, p = head[len(MAGIC)], head[len(MAGIC) + 1], head[len(MAGIC) + 2]
        if not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise BackupError(
                "The archive's header is damaged (its key parameters are impossible)."
            )
        self.header = head
        salt = head[-SALT_BYTES:]
        self.aead = AESGCM(_derive(passphrase, salt, log_n, r, p))
        try:
            self.aead.decrypt(_CHECK_NONCE, source.read(TAG_BYTES), self.header)
        except InvalidTag:
            raise BackupError(
                "Wrong passphrase: BACKUP_PASSPHRASE is not the one this archive was made "
                "with (or its header was altered). Nothing was restored."
            ) from None
        self.plain = b""
        self.counter = 0
        self.final = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        raw = self.source.read(_LENGTH.size)
        if len(raw) < _LENGTH.size:
            raise BackupError(
                f"The archive is incomplete: it ends after {self.counter} chunk(s), before "
                "its last one (a copy cut short?). Nothing was restored."
            )
        (length,) = _LENGTH.unpack(raw)
        sealed = self.source.read(length) if TAG_BYTES <= length <= CHUNK + TAG_BYTES else b""
        if len(sealed) != length or not sealed:
            raise BackupError(self._damaged())
        for final in (False, True):
            try:
                aad = self.header + bytes([final])
                self.plain = self.aead.decrypt(_nonce(self.counter), sealed, aad)
            except InvalidTag:
                continue
            self.final = final
            self.counter += 1
            if final and self.source.read(1):
                raise BackupError("The archive has data after its last chunk: it was altered.")
            return
        raise BackupError(self._damaged())

    def _damaged(self) -> str:
        return (
            f"The archive is damaged or was altered (chunk {self.counter + 1} fails its "
            "check). Nothing was restored."
        )

    def readinto(self, target) -> int:
        while not self.plain:
            if self.final:
                return 0
            self._next_chunk()
        size = min(len(target), len(self.plain))
        target[:size] = self.plain[:size]
        self.plain = self.plain[size:]
        return size

    def drain(self) -> None:
        """Read (and check) what is left, up to the last chunk."""
        while self.read(CHUNK):
            pass
