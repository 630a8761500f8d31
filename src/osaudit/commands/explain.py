"""``osaudit explain PURL``: what the catalogue says about one component."""

from __future__ import annotations

import re
from typing import Any

import click
import orjson

from osaudit.commands._options import FORMAT, OVERLAY
from osaudit.commands._output import verbosity_options
from osaudit.errors import InputError
from osaudit.identity import normalise_purl

#: A bare package name to search for (npm scopes, Maven group:artifact, Go paths).
_NAME = re.compile(r"[A-Za-z0-9@][A-Za-z0-9@/._:+~-]{0,213}")


def _invalid(purl: str) -> InputError:
    """One-line error for a purl that cannot be parsed, with the normaliser's reason."""
    reason = "expected pkg:<type>/<namespace>/<name>[@version]"
    warnings = normalise_purl(purl)[2]
    if warnings:
        reason = " ".join(warnings[0].message.split())
        prefix = f"invalid purl {purl!r}: "
        reason = reason[len(prefix) :] if reason.startswith(prefix) else reason
    return InputError(f"invalid purl {purl!r}: {reason}")


def explain_data(cat: Any, purl: str) -> dict[str, Any]:
    """The matches of one purl with the full catalogue entries behind them."""
    from osaudit.catalog.describe import alternative_json, family_json, match_json
    from osaudit.catalog.patterns import purl_key

    key = purl_key(purl)
    if key is None:
        raise _invalid(purl)
    res = cat.resolve_purl(purl)
    return {
        "purl": purl,
        "key": key,
        "catalog_digest": cat.digest,
        "families": [
            {"match": match_json(m), **family_json(cat, cat.families[m.entry_id])}
            for m in res.families
        ],
        "alternative_clients": [
            {"match": match_json(m), **alternative_json(cat, cat.alternatives[m.entry_id])}
            for m in res.alternatives
        ],
        "outside_versions": [
            {"match": match_json(m), **family_json(cat, cat.families[m.entry_id])}
            for m in res.outside
        ],
    }


def explain_text(data: dict[str, Any]) -> list[str]:
    """Human-readable lines for ``explain_data``."""
    from osaudit.catalog.describe import alternative_text, family_text

    lines = [f"{data['purl']}  (normalised: {data['key']})"]
    for fam in data["families"]:
        m = fam["match"]
        lines.append(
            f"lock: matches family {fam['id']} by {m['method']} {m['pattern']!r} "
            f"(confidence {m['confidence']})"
        )
        if m.get("version_status") == "unknown":
            lines.append(
                f"  version not checked: {m.get('version_note', '')}; only {m['version_range']} "
                "lock, so the match confidence is one step lower"
            )
        lines.extend(family_text(fam, "  "))
    for fam in data.get("outside_versions", ()):
        m = fam["match"]
        lines.append(
            f"no lock at this version: family {fam['id']} ({fam['name']}) locks only "
            f"{m['version_range']}" + (f": {m['version_note']}" if m.get("version_note") else "")
        )
    for alt in data["alternative_clients"]:
        m = alt["match"]
        lines.append(
            f"open alternative: this is a client library of {alt['id']} by {m['method']} "
            f"{m['pattern']!r} (confidence {m['confidence']})"
        )
        lines.extend(alternative_text(alt, "  "))
    if not data["families"] and not data["alternative_clients"] and not data["outside_versions"]:
        lines.append(
            "no catalogue entry matches: no vendor lock-in is recorded for this package "
            "(absence from the catalogue is not proof of openness)"
        )
    return lines


def search_data(cat: Any, name: str) -> dict[str, Any]:
    """A package name without a purl: the purls the catalogue lists for it, in any ecosystem.

    Each family purl pattern, ``names`` entry and alternative client purl is tried
    with the name in that ecosystem's form (``pkg:pypi/boto3``, ``pkg:npm/@sentry/*``
    for ``@sentry/react``; ``group:artifact`` for Maven). Entries that only mention
    the name in their text are listed apart (``catalog search``).
    """
    from osaudit.catalog.patterns import Glob, name_key, name_keys, pattern_key

    query = name.strip()
    patterns: list[tuple[str, str, str]] = []  # (key pattern, entry id, "family"|"alternative")
    for fam in cat.families.values():
        patterns += [(pattern_key(p), fam.id, "family") for p in fam.purls]
        patterns += [(name_key(n), fam.id, "family") for n in fam.names]
    for alt in cat.alternatives.values():
        patterns += [(pattern_key(p), alt.id, "alternative") for p in alt.client_purls]
    found: dict[str, dict[str, set[str]]] = {}
    for key, entry_id, kind in patterns:
        ptype = key.partition("/")[0]
        for candidate in name_keys(ptype, None, query.replace(":", "/") if ptype == "maven" else query):
            if Glob.compile(key).matches(candidate):
                hit = found.setdefault(f"pkg:{candidate}", {"family": set(), "alternative": set()})
                hit[kind].add(entry_id)
    from osaudit.commands.catalog import text_hits

    listed = {i for hit in found.values() for ids in hit.values() for i in ids}
    return {
        "query": query,
        "catalog_digest": cat.digest,
        "purls": [
            {
                "purl": purl,
                "families": sorted(hit["family"]),
                "alternative_clients": sorted(hit["alternative"]),
            }
            for purl, hit in sorted(found.items())
        ],
        "mentioned_by": [h for h in text_hits(cat, query) if h["id"] not in listed],
    }


def search_text(cat: Any, data: dict[str, Any]) -> list[str]:
    """Human-readable lines for ``search_data``."""
    query = data["query"]
    lines = [f"{query!r} is not a purl (pkg:TYPE/NAME): searched the catalogue for the name"]
    for row in data["purls"]:
        lines.append(f"  {row['purl']}")
        for fid in row["families"]:
            fam = cat.families[fid]
            lines.append(f"    lock: family {fid} ({fam.name}), {fam.vendor.name}")
        for aid in row["alternative_clients"]:
            lines.append(f"    open alternative: client of {aid} ({cat.alternatives[aid].name})")
    for hit in data["mentioned_by"]:
        lines.append(f"  mentioned by {hit['kind_of_entry']} {hit['id']} ({hit['name']})")
    if data["purls"]:
        lines.append(f"explain one: osaudit explain {data['purls'][0]['purl']}")
    if not data["purls"] and not data["mentioned_by"]:
        lines.append(
            "  no catalogue entry names or mentions it: no vendor lock-in is recorded for it "
            "(absence from the catalogue is not proof of openness)"
        )
    return lines


def _dump(data: Any) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())


@click.command("explain")
@click.argument("purl")
@OVERLAY
@FORMAT
@verbosity_options()
def explain(purl: str, overlays: tuple[str, ...], fmt: str) -> int:
    """Explain what the catalogue says about one package URL (purl).

    Shows the matched lock-in families (how and why they matched, vendor and
    jurisdiction, kind, lock, open standards) with their open alternatives, and
    whether the package is itself a client of an open alternative.

    A bare name (osaudit explain boto3) is searched in the catalogue: the purls
    it is listed under, in every ecosystem, with their families.
    """
    from osaudit.catalog import load_catalog
    from osaudit.catalog.patterns import purl_key

    if purl_key(purl) is None:
        name = purl.strip()
        if not _NAME.fullmatch(name) or name.lower().startswith("pkg:") or "://" in name:
            raise _invalid(purl)
        cat = load_catalog(overlays)
        found = search_data(cat, purl)
        if fmt == "json":
            _dump(found)
        else:
            click.echo("\n".join(search_text(cat, found)))
        return 0
    data = explain_data(load_catalog(overlays), purl)
    if fmt == "json":
        _dump(data)
    else:
        click.echo("\n".join(explain_text(data)))
    return 0
