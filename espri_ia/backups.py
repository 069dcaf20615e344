"""Backups: the database and the uploaded files in one dated archive, and back.

The database copy is consistent while the site runs: SQLite's online backup API,
or ``pg_dump`` (custom format) on PostgreSQL. Uploaded files are read through the
storage API (``STORAGES["default"]``), so a backup works with an object store too.
An archive is a ``.tar.gz`` holding ``manifest.json`` (what it holds, with a
SHA-256 per file), the database copy and ``files/…``.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

FORMAT = 1
DATABASE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = PurePosixPath("files")


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why."""


def _engine():
    if connection.vendor not in DATABASE_NAMES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _pg_command(program, *arguments):
    settings = connection.settings_dict
    command = [program, "--no-password"]
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if settings.get(key):
            command += [option, str(settings[key])]
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return [*command, *arguments, "--dbname", settings["NAME"]], environment


def _run(command, environment):
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)  # noqa: S603 - our own arguments
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools."
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error


def _copy_database(engine, target):
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        command, environment = _pg_command("pg_dump", "--format=custom", "--file", str(target))
        _run(command, environment)


def _stored_files(storage, folder=""):
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local folder not created yet: no upload so far
        return
    for name in sorted(files):
        yield str(PurePosixPath(folder, name)) if folder else name
    for directory in sorted(directories):
        yield from _stored_files(storage, str(PurePosixPath(folder, directory)))


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(folder):
    """Write ``espri-ia-YYYYMMDD-HHMMSS.tar.gz`` in ``folder``; return its path."""
    engine = _engine()
    storage = storages["default"]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    path = folder / f"espri-ia-{now:%Y%m%d-%H%M%S}.tar.gz"
    manifest = {"format": FORMAT, "created_at": now.isoformat(), "engine": engine, "files": []}
    try:
        _write_archive(path, engine, storage, manifest)
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half an archive that looks like a backup
        raise
    return path


def _write_archive(path, engine, storage, manifest):
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "w:gz") as archive:
        database = Path(work) / DATABASE_NAMES[engine]
        _copy_database(engine, database)
        archive.add(database, DATABASE_NAMES[engine])
        for name in _stored_files(storage):
            with storage.open(name, "rb") as stored:
                data = stored.read()
            _add_bytes(archive, str(FILES / name), data)
            manifest["files"].append(
                {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())


def _member(archive, name):
    try:
        return archive.extractfile(name).read()
    except (KeyError, AttributeError) as error:
        raise BackupError(f"The archive has no {name}: it is not a backup of this site.") from error


def read_manifest(path):
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = json.loads(_member(archive, "manifest.json"))
    except (OSError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup of an unknown format.")
    return manifest


def restore(path):
    """Put the database and the uploaded files back as they were in the archive.

    Files stored since the backup are removed, so the site is exactly as it was.
    """
    manifest = read_manifest(path)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This archive holds a {manifest['engine']} database; the site now uses {engine}."
        )
    storage = storages["default"]
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        files = {}
        for entry in manifest["files"]:
            data = _member(archive, str(FILES / entry["name"]))
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise BackupError(f"{entry['name']} in the archive is damaged (checksum).")
            files[entry["name"]] = data
        database = Path(work) / DATABASE_NAMES[engine]
        database.write_bytes(_member(archive, DATABASE_NAMES[engine]))
        _restore_database(engine, database)
    for name in _stored_files(storage):
        if name not in files:
            storage.delete(name)
    for name, data in files.items():
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(data))
    # Cached pages were rendered from the data that was just replaced.
    cache.clear()
    return manifest


def _restore_database(engine, database):
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(database) as saved:
            saved.backup(connection.connection)
        saved.close()
    else:
        connection.close()
        command, environment = _pg_command(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(database),
        )
        _run(command, environment)
