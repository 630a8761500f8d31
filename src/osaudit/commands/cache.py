"""``osaudit cache info|clear``: inspect or empty the package-metadata cache."""

from __future__ import annotations

import json

import click

from osaudit.commands import _output
from osaudit.commands._options import FORMAT
from osaudit.errors import OsauditError
from osaudit.metadata.cache import TTL, Cache


@click.group("cache")
def cache() -> None:
    """Inspect or clear the package-metadata cache.

    The cache is one sqlite3 file in $OSAUDIT_CACHE_DIR, or the user cache
    directory (e.g. ~/.cache/osaudit on Linux).
    """


@cache.command("info")
@FORMAT
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Deprecated: --format json.")
@_output.verbosity_options()
def info(fmt: str, as_json: bool) -> int:
    """Print the cache path, entries per kind with their age range, and the size."""
    if as_json:
        _output.warn("cache info --json is deprecated: use --format json")
        fmt = "json"
    store = Cache()
    kinds = store.info()
    size = store.size()
    store.close()
    if store.disabled:
        raise OsauditError(f"metadata cache not usable: {store.disabled}")
    if fmt == "json":
        data = {
            "path": str(store.path),
            "size_bytes": size,
            "kinds": [
                {
                    "kind": k.kind,
                    "entries": k.entries,
                    "oldest": k.oldest,
                    "newest": k.newest,
                    "ttl_days": TTL.get(k.kind, 86400.0) / 86400,
                }
                for k in kinds
            ],
        }
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return 0
    click.echo(f"path: {store.path}")
    click.echo(f"size: {size} bytes")
    if not kinds:
        click.echo("entries: 0")
        return 0
    click.echo(f"entries: {sum(k.entries for k in kinds)}")
    width = max(len(k.kind) for k in kinds)
    for k in kinds:
        ttl = TTL.get(k.kind, 86400.0) / 86400
        click.echo(
            f"  {k.kind:<{width}}  {k.entries:>7}  oldest {k.oldest}  newest {k.newest}"
            f"  (ttl {ttl:g} d)"
        )
    return 0


@cache.command("clear")
@_output.verbosity_options()
def clear() -> int:
    """Delete every cached entry."""
    store = Cache()
    removed = store.clear()
    store.close()
    if store.disabled:
        raise OsauditError(f"metadata cache not usable: {store.disabled}")
    if not _output.quiet():
        click.echo(f"removed {removed} entries from {store.path}")
    return 0
