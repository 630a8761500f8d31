"""Find catalogue files, merge the layers and load a ``Catalog`` (with a parse cache).

``check_layers`` returns every violation (schema and cross-checks) without
raising; ``load_catalog`` raises ``ConfigError`` on the first report and builds
a ``Catalog``. Layers: the shipped catalogue first, then each overlay path in
order; an entry whose id already exists replaces the whole earlier entry.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from osaudit import __version__
from osaudit.catalog.build import build_entries
from osaudit.catalog.resolve import Catalog
from osaudit.catalog.schema import SCHEMA_NAME, shipped_root, vocabulary
from osaudit.catalog.validate import KINDS, Entry, Violation, merge_layers, read_layer
from osaudit.errors import ConfigError, InputError

__all__ = [
    "Entry",
    "Violation",
    "cache_dir",
    "check_layers",
    "collect_files",
    "load_catalog",
    "shipped_root",
    "vocabulary",
]


def collect_files(path: Path) -> list[Path]:
    """YAML files of a path: the file itself, or ``*.yaml``/``*.yml`` below a directory, sorted."""
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
        return sorted(found, key=lambda p: p.relative_to(path).as_posix())
    if path.is_file():
        return [path]
    raise InputError(f"{path}: no such catalogue file or directory")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def gather(name: str, paths: Sequence[Path]) -> list[tuple[Path, str, bytes]]:
    """``(path, digest label, bytes)`` of every YAML file under ``paths``, in a stable order."""
    out: list[tuple[Path, str, bytes]] = []
    for root in paths:
        for path in collect_files(root):
            if path.name == SCHEMA_NAME:
                continue
            rel = path.relative_to(root).as_posix() if root.is_dir() else path.name
            out.append((path, f"{name}:{rel}", _read_bytes(path)))
    return out


def layer_sources(
    overlays: Sequence[str | os.PathLike[str]] = (), *, shipped: bool = True
) -> list[tuple[str, list[tuple[Path, str, bytes]]]]:
    """Every layer's name and gathered files: the shipped catalogue, then overlays in order."""
    layers: list[tuple[str, list[tuple[Path, str, bytes]]]] = []
    if shipped:
        root = shipped_root()
        dirs = [root / kind for kind in KINDS if (root / kind).is_dir()]
        layers.append(("shipped", gather("shipped", dirs)))
    for ov in overlays:
        layers.append((str(ov), gather(str(ov), [Path(ov)])))
    return layers


def digest_of(layers: Sequence[tuple[str, Sequence[tuple[Path, str, bytes]]]]) -> str:
    """sha256 over every file's label and bytes (stable across machines)."""
    digest = hashlib.sha256()
    for _name, files in layers:
        for _path, label, data in files:
            digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def check_layers(
    overlays: Sequence[str | os.PathLike[str]] = (), *, shipped: bool = True
) -> tuple[dict[str, Entry], list[Violation], list[Path], str]:
    """Read, validate and merge: ``(entries by id, violations, files read, sha256 digest)``."""
    sources = layer_sources(overlays, shipped=shipped)
    layers = [read_layer(name, files) for name, files in sources]
    merged, violations = merge_layers(layers)
    files = [f for layer in layers for f in layer.files]
    return merged, violations, files, digest_of(sources)


# --------------------------------------------------------------------------- loading + cache

_CACHE_VERSION = "1"
_CACHE_KEEP = 8  # newest cached catalogues kept (one per overlay set / catalogue edit)


def cache_dir() -> Path:
    """``$OSAUDIT_CACHE_DIR/catalog`` or the platform user cache directory's ``catalog``."""
    env = os.environ.get("OSAUDIT_CACHE_DIR")
    if env:
        return Path(env) / "catalog"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("osaudit")) / "catalog"


def _cache_read(path: Path) -> list[tuple[str, dict[str, Any]]] | None:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
        return None
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(
        isinstance(e, list) and len(e) == 2 and e[0] in KINDS and isinstance(e[1], dict)
        for e in entries
    ):
        return None  # valid JSON of the wrong shape: rebuilt and overwritten
    return [(kind, raw) for kind, raw in entries]


def _cache_write(path: Path, entries: list[tuple[str, dict[str, Any]]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(orjson.dumps({"version": _CACHE_VERSION, "entries": entries}))
        os.replace(tmp, path)
        stale = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stale[_CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only or concurrently pruned cache only costs speed
        return


def load_catalog(
    overlays: Sequence[str | os.PathLike[str]] = (),
    *,
    use_cache: bool = True,
    shipped: bool = True,
) -> Catalog:
    """Load the shipped catalogue plus overlays (later ones win, whole entries by id).

    Raises ``ConfigError`` naming the file, entry and JSON path of the first
    violation (and how many there are), ``InputError`` for unreadable paths.
    The validated, merged entries are cached by content digest. ``shipped=False``
    loads only the overlays (tests, alternative catalogues).
    """
    sources = layer_sources(overlays, shipped=shipped)
    digest = digest_of(sources)
    schema_bytes = _read_bytes(shipped_root() / SCHEMA_NAME)
    key = hashlib.sha256(
        f"{_CACHE_VERSION}:{__version__}:{digest}:".encode() + hashlib.sha256(schema_bytes).digest()
    ).hexdigest()
    cache_file = cache_dir() / f"{key}.json"
    entries = _cache_read(cache_file) if use_cache else None
    built = None
    if entries is not None:
        try:
            built = build_entries(entries)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            entries = None  # right outline, foreign content: rebuilt and overwritten below
    if entries is None or built is None:
        layers = [read_layer(name, files) for name, files in sources]
        merged, violations = merge_layers(layers)
        if violations:
            more = f" (and {len(violations) - 1} more; run 'osaudit catalog validate')"
            raise ConfigError(
                f"invalid catalogue: {violations[0]}" + (more if len(violations) > 1 else "")
            )
        entries = [(e.kind, e.data) for e in sorted(merged.values(), key=lambda e: e.id)]
        assert all(e.valid for e in merged.values())  # invalid entries always report violations
        built = build_entries(entries)
        if use_cache:
            _cache_write(cache_file, entries)
    families, alternatives, unverified = built
    files = tuple(str(path) for _name, gathered in sources for path, _label, _data in gathered)
    return Catalog(families, alternatives, digest=digest, sources=files, unverified=unverified)
