"""``osaudit catalog``: validate, list, show and search the catalogue."""

from __future__ import annotations

from typing import Any

import click
import orjson

from osaudit.commands._options import FORMAT as _FORMAT
from osaudit.commands._options import OVERLAY as _OVERLAY
from osaudit.commands._output import info, verbosity_options
from osaudit.errors import InputError


def _json(data: Any) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())


def _load(overlays: tuple[str, ...]) -> Any:
    from osaudit.catalog import load_catalog

    return load_catalog(overlays)


@click.group("catalog")
def catalog() -> None:
    """Validate and browse the catalogue of vendor lock-ins and open alternatives."""


@catalog.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--no-shipped",
    is_flag=True,
    help="Check only PATHS, without merging them over the shipped catalogue.",
)
@_FORMAT
@verbosity_options()
def validate(paths: tuple[str, ...], no_shipped: bool, fmt: str) -> int:
    """Check the catalogue (plus PATHS as overlays) against the schema and cross-checks.

    Prints every violation, one per line; exits 1 if there is any, 0 when clean,
    2 when a file cannot be read.
    """
    from osaudit.catalog.loader import check_layers

    if no_shipped and not paths:
        raise InputError("catalog validate --no-shipped needs at least one PATH")
    merged, violations, files, _digest = check_layers(paths, shipped=not no_shipped)
    ambiguities = _ambiguities(merged)
    fams = sum(1 for e in merged.values() if e.kind == "families")
    alts = len(merged) - fams
    if fmt == "json":
        _json({
            "valid": not violations,
            "violations": [str(v) for v in violations],
            "warnings": ambiguities,
            "families": fams,
            "alternatives": alts,
            "files": len(files),
        })  # fmt: skip
        return 1 if violations else 0
    for v in violations:
        click.echo(str(v))
    for line in ambiguities:
        click.echo(f"warning: {line}", err=True)
    if violations:
        click.echo(f"{len(violations)} violation(s) in {len(files)} file(s)", err=True)
        return 1
    info(f"ok: {fams} families, {alts} alternatives in {len(files)} file(s)")
    return 0


def _ambiguities(merged: dict[str, Any]) -> list[str]:
    """Exact purl patterns listed by more than one family (both would match; not an error)."""
    from osaudit.catalog.patterns import pattern_key

    owners: dict[str, set[str]] = {}
    for entry in merged.values():
        purls = entry.data.get("purls") if entry.kind == "families" and entry.valid else None
        for pattern in purls or ():
            if isinstance(pattern, str) and "*" not in pattern:
                owners.setdefault(pattern_key(pattern), set()).add(entry.id)
    return [
        f"purl {key} is listed by several families: {', '.join(sorted(ids))}"
        for key, ids in sorted(owners.items())
        if len(ids) > 1
    ]


def _alt_categories(cat: Any, alt_id: str) -> set[str]:
    return {cat.families[fid].category for fid, _rep in cat.replaces(alt_id)}


@catalog.command("list")
@click.option(
    "--category", help="Only entries of this category (alternatives: of a family they replace)."
)
@click.option(
    "--kind",
    "entry_kind",
    type=click.Choice(["all", "family", "alternative"]),
    default="all",
    show_default=True,
    help="Which entries to list.",
)
@_FORMAT
@_OVERLAY
@verbosity_options()
def list_(category: str | None, entry_kind: str, fmt: str, overlays: tuple[str, ...]) -> int:
    """List catalogue entries, sorted by id."""
    from osaudit.catalog.loader import vocabulary

    if category is not None and category not in vocabulary("category"):
        raise InputError(f"--category: unknown category {category!r}")
    cat = _load(overlays)
    rows: list[dict[str, Any]] = []
    if entry_kind in ("all", "family"):
        for f in cat.families.values():
            if category is None or f.category == category:
                rows.append(
                    {
                        "kind_of_entry": "family",
                        "id": f.id,
                        "name": f.name,
                        "category": f.category,
                        "kind": f.kind,
                        "vendor": f.vendor.name,
                        "jurisdiction": f.vendor.jurisdiction,
                    }
                )
    if entry_kind in ("all", "alternative"):
        for a in cat.alternatives.values():
            cats = _alt_categories(cat, a.id)
            if category is None or category in cats:
                rows.append(
                    {
                        "kind_of_entry": "alternative",
                        "id": a.id,
                        "name": a.name,
                        "categories": sorted(cats),
                        "licence": a.licence,
                        "steward": a.steward,
                        "jurisdiction": a.jurisdiction,
                    }
                )
    if fmt == "json":
        _json(rows)
        return 0
    for r in rows:
        where = r.get("category") or ",".join(r["categories"])
        who = r.get("vendor") or r.get("steward")
        extra = r.get("kind") or r.get("licence")
        click.echo(
            f"{r['kind_of_entry']:<11} {r['id']:<32} {where:<24} {extra:<26} "
            f"{who} ({r['jurisdiction'] or 'unknown'})"
        )
    info(f"{len(rows)} entries")
    return 0


@catalog.command("show")
@click.argument("entry_id")
@_FORMAT
@_OVERLAY
@verbosity_options()
def show(entry_id: str, fmt: str, overlays: tuple[str, ...]) -> int:
    """Show everything the catalogue says about one family or alternative."""
    from osaudit.catalog.describe import entry_json, entry_text

    cat = _load(overlays)
    data = entry_json(cat, entry_id)
    if data is None:
        raise InputError(f"no catalogue entry with id {entry_id!r} (try 'osaudit catalog search')")
    if fmt == "json":
        _json(data)
    else:
        click.echo("\n".join(entry_text(data)))
    return 0


def _haystack(cat: Any, entry_id: str) -> str:
    from osaudit.catalog.describe import entry_json

    data = entry_json(cat, entry_id) or {}
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    skip = ("sources", "reviewed", "alternatives", "replaces")  # not about the entry itself
    walk({k: v for k, v in data.items() if k not in skip})
    return "\n".join(parts).lower()


def text_hits(cat: Any, text: str) -> list[dict[str, Any]]:
    """Entries whose id, name, vendor, steward, patterns or notes contain ``text``."""
    needle = text.lower().strip()
    hits: list[dict[str, Any]] = []
    for eid in sorted([*cat.families, *cat.alternatives]):
        if needle in _haystack(cat, eid):
            entry = cat.entry(eid)
            kind = "family" if eid in cat.families else "alternative"
            hits.append({"kind_of_entry": kind, "id": eid, "name": entry.name})
    return hits


@catalog.command("search")
@click.argument("text")
@_FORMAT
@_OVERLAY
@verbosity_options()
def search(text: str, fmt: str, overlays: tuple[str, ...]) -> int:
    """Find entries whose id, name, vendor, steward, patterns or notes contain TEXT."""
    cat = _load(overlays)
    if not text.strip():
        raise InputError("search TEXT must not be empty")
    hits = text_hits(cat, text)
    if fmt == "json":
        _json(hits)
        return 0
    for h in hits:
        click.echo(f"{h['kind_of_entry']:<11} {h['id']:<32} {h['name']}")
    info(f"{len(hits)} match(es) for {text!r}")
    return 0
