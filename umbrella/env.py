"""Typed environment helpers that fail loudly on bad values.

Each helper reads ``NAME`` from the environment, or the file named by
``NAME_FILE`` (Docker/Kubernetes secrets), and raises ``ImproperlyConfigured``
with the variable's name when the value cannot be parsed.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def env_str(name: str, default: str = "") -> str:
    """Return the variable as a string, or ``default`` when it is unset."""
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable as a boolean; anything but a clear yes/no is an error."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the variable as an integer, checking an optional lower bound."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """Return the variable when it is one of ``choices`` (case-insensitive), else fail."""
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def is_set(name: str) -> bool:
    """Answer whether ``NAME`` or ``NAME_FILE`` is set (even to an empty value)."""
    return name in os.environ or f"{name}_FILE" in os.environ


def private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) when missing; tighten it to 0700 when it is ours."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        path.chmod(0o700)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 when missing (SQLite then keeps that mode
    for the database and gives its -wal and -shm files the same)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        # An older install's files: tighten them when they are ours.
        for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            try:
                info = each.stat()
                if info.st_mode & 0o077 and info.st_uid == os.getuid():
                    each.chmod(0o600)
            except FileNotFoundError:
                pass


def generated_secret(path: Path, make) -> str:
    """Return the secret kept in ``path``, generating it once with ``make()``.

    The file is written whole under another name and linked into place, so two
    processes starting at once agree on one value and nobody reads half a file.
    Mode 0600.
    """
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    private_dir(path.parent)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(make() + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process won the race: its value is the one
    finally:
        draft.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


# Django's e-mail backends by EMAIL_URL scheme.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "umbrella.notify.mail.ConsoleEmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(name: str, value: str) -> dict:
    """Return Django's e-mail settings for an ``EMAIL_URL``.

    - ``smtp://user:password@host:587`` — SMTP with STARTTLS (the default: a
      plain-text connection is refused, ``?tls=0`` allows it, e.g. to a local relay);
    - ``smtps://user:password@host:465`` — SMTP over TLS from the first byte;
    - ``console:`` — logs that a message would be sent (development).

    The user and password are percent-decoded (``%40`` for ``@``).
    ``?timeout=SECONDS`` sets the connection timeout (default 10).
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    url = urlsplit(value)
    scheme = url.scheme.lower()
    if scheme not in _EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"{name}={value.split('@')[-1]!r}: the scheme must be one of "
            f"{', '.join(sorted(_EMAIL_BACKENDS))}."
        )
    query = {key: values[-1] for key, values in parse_qs(url.query).items()}
    config: dict = {"EMAIL_BACKEND": _EMAIL_BACKENDS[scheme]}
    if scheme not in ("smtp", "smtps", "submission"):
        return config
    if not url.hostname:
        raise ImproperlyConfigured(f"{name} names no host (smtp://user:password@host:587).")
    try:
        port = url.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from exc
    implicit_tls = scheme == "smtps"
    tls = not implicit_tls and query.get("tls", "1").lower() not in _FALSE - {""}
    try:
        timeout = int(query.get("timeout", "10"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: timeout must be a number of seconds.") from exc
    config.update(
        EMAIL_HOST=url.hostname,
        EMAIL_PORT=port or (465 if implicit_tls else 587),
        EMAIL_HOST_USER=unquote(url.username or ""),
        EMAIL_HOST_PASSWORD=unquote(url.password or ""),
        EMAIL_USE_SSL=implicit_tls,
        EMAIL_USE_TLS=tls,
        EMAIL_TIMEOUT=timeout,
    )
    return config
