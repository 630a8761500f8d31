"""What was read from an SBOM, as plain data (used by ``osaudit inspect``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from osaudit.model import Component, Licence, Sbom, Warning
from osaudit.sbom import graph

_SPECIAL = frozenset({"NOASSERTION", "NONE"})


def _real(lics: tuple[Licence, ...]) -> bool:
    return any(lic.expression not in _SPECIAL and lic.raw.upper() not in _SPECIAL for lic in lics)


def licence_state(c: Component) -> str:
    """declared / concluded (only) / noassertion (only NOASSERTION/NONE) / none."""
    if _real(c.licences_declared):
        return "declared"
    if _real(c.licences_concluded):
        return "concluded"
    if c.licences_declared or c.licences_concluded:
        return "noassertion"
    return "none"


def identity_state(c: Component) -> str:
    """purl / cpe (a CPE but no purl) / name (neither)."""
    if c.purl:
        return "purl"
    if c.cpes:
        return "cpe"
    return "name"


def _share(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0


def warning_dict(w: Warning) -> dict[str, Any]:
    return {"code": w.code, "message": w.message, "location": w.location}


def summarise(sbom: Sbom, schema: list[Warning] | None = None) -> dict[str, Any]:
    """A JSON-ready summary of ``sbom``; ``schema`` holds ``--validate`` findings."""
    doc = sbom.document
    comps = sbom.components
    total = len(comps)
    ident = Counter(identity_state(c) for c in comps)
    lic = Counter(licence_state(c) for c in comps)
    rel = Counter(graph.relation(sbom).values())
    eco = Counter(c.ecosystem or "(none)" for c in comps)
    subject = doc.subject
    out: dict[str, Any] = {
        "file": sbom.path,
        "format": doc.format,
        "encoding": doc.encoding,
        "spec_version": doc.spec_version,
        "tools": sorted(doc.tools),
        "serial": doc.serial,
        "name": doc.name,
        "created": doc.created,
        "subject": None
        if subject is None
        else {"ref": subject.ref, "name": subject.name, "version": subject.version,
              "purl": subject.purl},  # fmt: skip
        "components": {
            "total": total,
            "nested": sum(1 for c in comps if c.parent is not None),
            "by_ecosystem": dict(sorted(eco.items())),
        },
        "identity": {
            k: {"count": ident[k], "share": _share(ident[k], total)} for k in ("purl", "cpe", "name")
        },
        "licences": {
            k: {"count": lic[k], "share": _share(lic[k], total)}
            for k in ("declared", "concluded", "noassertion", "none")
        },
        "subprojects": [
            {"ref": p.ref, "name": p.name, "version": p.version, "purl": p.purl}
            for p in doc.subprojects
        ],
        "graph": {
            "has_graph": graph.direct_refs(sbom) is not None,
            **{k: rel[k] for k in ("root", "direct", "transitive", "unreachable", "unknown")},
            # the three depth states osaudit reports everywhere: direct, transitive, unknown
            # (unknown = no graph from the subject, or not reached by it)
            "depth_unknown": rel["unreachable"] + rel["unknown"],
        },
        "warnings": [warning_dict(w) for w in sbom.warnings],
    }
    if schema is not None:
        out["schema"] = {"valid": not schema, "messages": [warning_dict(w) for w in schema]}
    return out
