"""``osaudit explain PURL``: what the catalogue says about one component."""

from __future__ import annotations

from typing import Any

import click
import orjson

from osaudit.commands._options import FORMAT, OVERLAY
from osaudit.errors import InputError
from osaudit.identity import normalise_purl


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
        lines.extend(family_text(fam, "  "))
    for alt in data["alternative_clients"]:
        m = alt["match"]
        lines.append(
            f"open alternative: this is a client library of {alt['id']} by {m['method']} "
            f"{m['pattern']!r} (confidence {m['confidence']})"
        )
        lines.extend(alternative_text(alt, "  "))
    if not data["families"] and not data["alternative_clients"]:
        lines.append(
            "no catalogue entry matches: no vendor lock-in is recorded for this package "
            "(absence from the catalogue is not proof of openness)"
        )
    return lines


@click.command("explain")
@click.argument("purl")
@OVERLAY
@FORMAT
def explain(purl: str, overlays: tuple[str, ...], fmt: str) -> int:
    """Explain what the catalogue says about one package URL (purl).

    Shows the matched lock-in families (how and why they matched, vendor and
    jurisdiction, kind, lock, open standards) with their open alternatives, and
    whether the package is itself a client of an open alternative.
    """
    from osaudit.catalog import load_catalog
    from osaudit.catalog.patterns import purl_key

    if purl_key(purl) is None:
        raise _invalid(purl)
    data = explain_data(load_catalog(overlays), purl)
    if fmt == "json":
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())
    else:
        click.echo("\n".join(explain_text(data)))
    return 0
