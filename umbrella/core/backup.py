"""Backups that restore: ``manage.py backup FILE`` and ``manage.py restore FILE``.

An archive holds everything an empty install needs to become this one again
(docs/operations.md):

- ``database.sqlite3`` — a consistent copy taken online with SQLite's backup
  API — or ``database.pgdump`` — ``pg_dump --format=custom`` on PostgreSQL;
- ``keys.json`` — the field-encryption keys, the secret key and the VAPID key
  pair: without them the copy's locations, notes and contacts cannot be read,
  and every phone's push subscription is lost;
- ``media/`` — uploaded files (report photos, meeting documents);
- ``manifest.json`` — what the archive holds and where it came from.

The tar stream is compressed (gzip) and encrypted as it is written under
``BACKUP_PASSPHRASE`` (``sealed.py``: AES-256-GCM in authenticated chunks,
scrypt). A restore decrypts the whole archive into a staging folder first:
until every chunk has passed, nothing of the install is touched.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from glob import glob
from pathlib import Path

from django.conf import settings
from django.db import connections

from umbrella.core.sealed import CHUNK, BackupError, DecryptingReader, EncryptingWriter

MIN_PASSPHRASE = 16
FORMAT = 1
SQLITE_NAME = "database.sqlite3"
PGDUMP_NAME = "database.pgdump"


# --- What an install is made of -----------------------------------------------


def passphrase() -> str:
    value = settings.BACKUP_PASSPHRASE
    if not value:
        raise BackupError(
            "BACKUP_PASSPHRASE is not set: archives are always encrypted. Set it (or "
            "BACKUP_PASSPHRASE_FILE) to a long random passphrase kept apart from the "
            "archives, e.g. in the operators' password manager (docs/operations.md)."
        )
    if len(value) < MIN_PASSPHRASE:
        raise BackupError(
            f"BACKUP_PASSPHRASE is shorter than {MIN_PASSPHRASE} characters: use a long "
            "random one (e.g. `openssl rand -base64 32`)."
        )
    return value


def _engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def _vapid_keys() -> dict[str, str] | None:
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return {"public_key": settings.VAPID_PUBLIC_KEY, "private_key": settings.VAPID_PRIVATE_KEY}
    text = _read(Path(settings.VAPID_FILE))
    if not text:
        return None
    keys = json.loads(text)
    return {"public_key": keys["public_key"], "private_key": keys["private_key"]}


def _field_keys_from_file() -> list[str] | None:
    """Return the generated keys in var/ when the install runs with them, else None."""
    generated = _read(Path(settings.FIELD_ENCRYPTION_KEYS_GENERATED_FILE))
    if generated and generated.split(",")[0] == settings.FIELD_ENCRYPTION_KEYS[0]:
        return generated.split(",")
    return None


def current_keys() -> dict:
    """Return the keys the install runs with, wherever they come from (environment or var/)."""
    return {
        "field_encryption_keys": _field_keys_from_file() or list(settings.FIELD_ENCRYPTION_KEYS),
        "secret_key": settings.SECRET_KEY,
        "vapid": _vapid_keys(),
    }


def _pg_tool(name: str) -> str:
    """Return pg_dump or pg_restore: on the PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools "
            "(Debian: postgresql-client) at the server's version or newer."
        )
    return candidates[-1]


def _pg_environment() -> dict[str, str]:
    """The connection for pg_dump and pg_restore, as libpq's variables: the password
    never appears on a command line."""
    db = connections["default"].settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", str(db.get("PORT") or "")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = value
    return env


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(  # noqa: S603 - a fixed tool, our own arguments
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _dump_database(engine: str, folder: Path) -> Path:
    if engine == "sqlite":
        # SQLite's DatabaseWrapper has it; the stubs type the base class.
        if connections["default"].is_in_memory_db():  # type: ignore[attr-defined]
            raise BackupError("An in-memory SQLite database has nothing to back up.")
        target = folder / SQLITE_NAME
        source = sqlite3.connect(connections["default"].settings_dict["NAME"], timeout=20)
        copy = sqlite3.connect(target)
        try:
            # One read transaction: a consistent copy while the site writes on (WAL).
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
            source.close()
        return target
    target = folder / PGDUMP_NAME
    _run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
         f"--file={target}"],
        "pg_dump",
    )  # fmt: skip
    return target


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


@dataclass
class BackupResult:
    path: Path
    engine: str
    size: int
    media_files: int


def backup(destination: Path) -> BackupResult:
    """Write an encrypted archive of the install to ``destination`` (mode 0600)."""
    secret = passphrase()
    engine = _engine()
    destination = Path(destination)
    draft = destination.with_name(f".{destination.name}.partial")
    with tempfile.TemporaryDirectory(prefix="umbrella-backup-") as work:
        database = _dump_database(engine, Path(work))
        media = _media_files()
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "engine": engine,
            "database": database.name,
            "media_files": len(media),
        }
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                writer = EncryptingWriter(out, secret)
                with (
                    gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=6, mtime=0) as packed,
                    tarfile.open(fileobj=packed, mode="w|", format=tarfile.PAX_FORMAT) as tar,
                ):
                    _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
                    _add_bytes(tar, "keys.json", json.dumps(current_keys()).encode())
                    tar.add(database, arcname=database.name)
                    root = Path(settings.MEDIA_ROOT)
                    for path in media:
                        tar.add(path, arcname=f"media/{path.relative_to(root).as_posix()}")
                writer.close()
                out.flush()
                os.fsync(out.fileno())
            os.replace(draft, destination)
        finally:
            draft.unlink(missing_ok=True)
    return BackupResult(destination, engine, destination.stat().st_size, len(media))


# --- Restore --------------------------------------------------------------------


@dataclass
class RestoreResult:
    engine: str
    media_files: int
    created_at: str
    warnings: list[str] = field(default_factory=list)


def _unpack(archive: Path, secret: str, staging: Path) -> None:
    """Decrypt and unpack the whole archive into ``staging``, checking every chunk."""
    with archive.open("rb") as source:
        reader = DecryptingReader(source, secret)
        buffered = io.BufferedReader(reader, CHUNK)
        try:
            with (
                gzip.GzipFile(fileobj=buffered, mode="rb") as unpacked,
                tarfile.open(fileobj=unpacked, mode="r|") as tar,
            ):
                for member in tar:
                    _check_member(member)
                    tar.extract(member, staging, filter="data")
                unpacked.read()  # to the gzip trailer: its CRC is checked
            while buffered.read(CHUNK):
                pass
            reader.drain()
        except (OSError, EOFError, tarfile.TarError) as error:
            raise BackupError(
                f"The archive's content is damaged ({error}). Nothing was restored."
            ) from error


def _check_member(member: tarfile.TarInfo) -> None:
    name = member.name
    top = name.split("/", 1)[0]
    allowed = top in ("manifest.json", "keys.json", SQLITE_NAME, PGDUMP_NAME, "media")
    if not allowed or not (member.isfile() or member.isdir()):
        raise BackupError(
            f"The archive holds an unexpected entry ({name!r}). Nothing was restored."
        )


def read_keys(archive: Path) -> dict:
    """Return the keys an archive holds (``restore --show-keys``); writes nothing."""
    secret = passphrase()
    with tempfile.TemporaryDirectory(prefix="umbrella-restore-") as work:
        _unpack(Path(archive), secret, Path(work))
        return json.loads((Path(work) / "keys.json").read_text(encoding="utf-8"))


def _database_is_empty() -> bool:
    connection = connections["default"]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables


def _media_is_empty() -> bool:
    root = Path(settings.MEDIA_ROOT)
    return not root.exists() or not any(root.iterdir())


def _write_secret(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.restore")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(draft, path)


def _plan_keys(keys: dict) -> tuple[list[tuple[Path, str]], list[str]]:
    """Return the key files to write and the warnings; refuse when the install's own
    environment would leave the restored data unreadable."""
    writes: list[tuple[Path, str]] = []
    warnings: list[str] = []
    archived = keys["field_encryption_keys"]
    if _field_keys_from_file() is not None:
        writes.append((Path(settings.FIELD_ENCRYPTION_KEYS_GENERATED_FILE), ",".join(archived)))
    elif not set(archived) <= set(settings.FIELD_ENCRYPTION_KEYS):
        raise BackupError(
            "This install takes FIELD_ENCRYPTION_KEYS from its environment, and it lacks "
            "the keys the archive's data is encrypted with: the restored locations, notes "
            "and contacts could not be read. Add the archive's keys (`manage.py restore "
            "FILE --show-keys` prints them) to FIELD_ENCRYPTION_KEYS, or unset it, and run "
            "the restore again. Nothing was restored."
        )
    if _read(Path(settings.SECRET_KEY_GENERATED_FILE)) == settings.SECRET_KEY:
        writes.append((Path(settings.SECRET_KEY_GENERATED_FILE), keys["secret_key"]))
    elif keys["secret_key"] != settings.SECRET_KEY:
        warnings.append(
            "SECRET_KEY comes from the environment and differs from the archive's: "
            "sessions and signed links of the old install are no longer valid."
        )
    vapid = keys.get("vapid")
    if vapid:
        if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
            if settings.VAPID_PUBLIC_KEY != vapid["public_key"]:
                warnings.append(
                    "VAPID_PUBLIC_KEY comes from the environment and differs from the "
                    "archive's: every phone must subscribe to push messages again."
                )
        else:
            writes.append((Path(settings.VAPID_FILE), json.dumps(vapid)))
    return writes, warnings


def restore(archive: Path, *, force: bool = False) -> RestoreResult:
    """Restore an archive into this install, which must be empty unless ``force``."""
    secret = passphrase()
    engine = _engine()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    if not force and not _database_is_empty():
        raise BackupError(
            "This install's database is not empty: restore goes into an empty install "
            "(a new SQLITE_PATH or UMBRELLA_VAR_DIR, or a new PostgreSQL database). "
            "--force replaces what is there."
        )
    if not force and not _media_is_empty():
        raise BackupError(
            f"The media folder ({settings.MEDIA_ROOT}) is not empty: restore goes into an "
            "empty install. --force replaces what is there."
        )
    var_dir = Path(settings.VAR_DIR)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=var_dir))
    try:
        _unpack(archive, secret, staging)
        manifest = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
        keys = json.loads((staging / "keys.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"The archive's format {manifest.get('format')} is unknown here.")
        if manifest["engine"] != engine:
            raise BackupError(
                f"The archive holds a {manifest['engine']} database and this install runs "
                f"{engine}: restore it into an install of the same engine. Nothing was restored."
            )
        writes, warnings = _plan_keys(keys)
        _restore_database(engine, staging / manifest["database"], force)
        for path, text in writes:
            _write_secret(path, text)
        media = _restore_media(staging / "media", force)
        return RestoreResult(engine, media, manifest["created_at"], warnings)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _restore_database(engine: str, dump: Path, force: bool) -> None:
    connections.close_all()
    if engine == "sqlite":
        target = Path(connections["default"].settings_dict["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        # A stale write-ahead log would be replayed into the new file: gone first.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.chmod(dump, 0o600)
        shutil.move(dump, target)
        return
    name = connections["default"].settings_dict["NAME"]
    command = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={name}"]  # fmt: skip
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], "pg_restore")


def _restore_media(unpacked: Path, force: bool) -> int:
    if not unpacked.is_dir():
        return 0
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(unpacked.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(unpacked)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            count += 1
    return count
