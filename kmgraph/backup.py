"""Online, consistent backups and offline restores of everything kmgraph keeps on disk.

A backup folder holds ``store/`` (a RocksDB checkpoint taken under the write lock, so it is one
committed state), ``versions/`` (the vocabulary archives; each is written before the version that
names it commits, so every archive the checkpoint refers to is there), ``audit.sqlite`` (SQLite's
online backup), the tokens file, and ``kmgraph-backup.json`` with the quad count and fingerprint of
the checkpoint. A restore copies a backup into place only after its fingerprint checks out.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from . import __version__
from .access import AuditLog
from .config import Settings
from .errors import ConfigError, InputError, StoreLockedError
from .services import ARCHIVE_SUFFIX, INDEX_SUFFIX, beside_store
from .store import EmbeddedStore, Store

MANIFEST = "kmgraph-backup.json"


def backup(store: Store, audit: AuditLog | None, settings: Settings, target: Path) -> dict:
    """Write a backup of the running store into the new directory ``target``."""
    target = target.resolve()
    if target.exists():
        raise InputError(f"{target} exists; a backup goes into a new directory")
    if not target.parent.is_dir():
        raise InputError(f"{target.parent} is not a directory")
    target.mkdir()
    store.backup(target / "store")
    archives = beside_store(store, ARCHIVE_SUFFIX)
    if archives is not None and archives.is_dir():
        shutil.copytree(archives, target / "versions", ignore=shutil.ignore_patterns("*.partial"))
    if audit is not None:
        audit.backup(target / "audit.sqlite")
    if settings.tokens_path.is_file():
        shutil.copy2(settings.tokens_path, target / "tokens.json")
    quads, digest = _fingerprint(target / "store")
    manifest = {"kmgraph": __version__, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "quads": quads, "fingerprint": digest}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return {**manifest, "directory": str(target)}


def restore(source: Path, settings: Settings, *, force: bool = False) -> dict:
    """Put a backup in place of the configured store (which no process may hold)."""
    manifest = _manifest(source)
    path = settings.store
    if (path / "CURRENT").exists() and not force:
        raise InputError(f"store {path} holds data; pass --force to replace it with the backup")
    _ensure_free(path)
    staged = path.with_name(path.name + ".restoring")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(source / "store", staged)
    quads, digest = _fingerprint(staged)
    if (quads, digest) != (manifest["quads"], manifest["fingerprint"]):
        shutil.rmtree(staged)
        raise InputError(f"the backup in {source} does not match its manifest ({quads} quads, expected "
                         f"{manifest['quads']}); nothing was changed")
    _swap(staged, path)
    archives = settings.beside_store(ARCHIVE_SUFFIX)
    if (source / "versions").is_dir():
        staged_archives = archives.with_name(archives.name + ".restoring")
        shutil.rmtree(staged_archives, ignore_errors=True)
        shutil.copytree(source / "versions", staged_archives)
        _swap(staged_archives, archives)
    shutil.rmtree(settings.beside_store(INDEX_SUFFIX), ignore_errors=True)  # derived: rebuilt on open
    if (source / "tokens.json").is_file() and not settings.tokens_path.exists():
        shutil.copy2(source / "tokens.json", settings.tokens_path)
    return {**manifest, "store": str(path)}


def _manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        if not (source / "store" / "CURRENT").is_file():
            raise ValueError("no store/ in it")
        return {"quads": int(manifest["quads"]), "fingerprint": str(manifest["fingerprint"]),
                "created": manifest.get("created", ""), "kmgraph": manifest.get("kmgraph", "")}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{source} is not a kmgraph backup ({MANIFEST} and store/): {exc}") from exc


def _ensure_free(path: Path) -> None:
    if not (path / "CURRENT").exists():
        return
    try:
        EmbeddedStore(path, query_workers=0).close()
    except StoreLockedError as exc:
        raise StoreLockedError(f"store {path} is in use; stop `kmgraph serve` before restoring") from exc


def _fingerprint(path: Path) -> tuple[int, str]:
    try:
        store = EmbeddedStore(path, query_workers=0)
    except StoreLockedError as exc:
        raise ConfigError(f"cannot open {path} to verify it: {exc.message}") from exc
    try:
        return store.fingerprint()
    finally:
        store.close()


def _swap(staged: Path, path: Path) -> None:
    """Replace ``path`` by ``staged`` with renames, so a crash leaves one of the two whole."""
    old = path.with_name(path.name + ".replaced")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    staged.rename(path)
    shutil.rmtree(old, ignore_errors=True)
