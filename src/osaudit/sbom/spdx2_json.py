"""SPDX 2.1-2.3 documents (JSON, or tag-value turned into the JSON shape) -> model.Sbom."""

from __future__ import annotations

import re
from typing import Any

from osaudit.model import Document, ExternalRef, Licence, Sbom
from osaudit.sbom.common import Builder, as_list, licence, text

KNOWN_VERSIONS = frozenset({"SPDX-2.0", "SPDX-2.1", "SPDX-2.2", "SPDX-2.3"})
SPDXID = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")
PURL_TYPES = frozenset({"purl"})
CPE_TYPES = frozenset({"cpe22type", "cpe23type", "cpe22", "cpe23"})


def edge_kind(relationship: str) -> str | None:
    """``forward`` (from depends on / contains to), ``reverse``, ``describes`` or None.

    Accepts SPDX 2 (DEPENDS_ON) and SPDX 3 (dependsOn) spellings.
    """
    r = relationship.replace("_", "").lower()
    if r in ("dependson", "contains", "hasprerequisite", "hasstaticlink", "hasdynamiclink",
             "hasoptionaldependency", "hasprovideddependency"):  # fmt: skip
        return "forward"
    if r.endswith("dependencyof") or r in ("containedby", "prerequisitefor"):
        return "reverse"
    if r == "describes":
        return "describes"
    if r == "describedby":
        return "describedby"
    return None


#: SPDX relationship types that say the dependency is optional or not part of the runtime
#: (SPDX 2.3 section 11.1; SPDX 3 ``hasOptionalDependency``); the dependency is the
#: ``spdxElementId`` of the ``*_OF`` types and the ``to`` of the ``has*`` ones.
_SCOPE_OF = {
    "optionaldependencyof": "optional",
    "optionalcomponentof": "optional",
    "devdependencyof": "excluded",
    "testdependencyof": "excluded",
    "devtoolof": "excluded",
    "testtoolof": "excluded",
    "testof": "excluded",
    "hasoptionaldependency": "optional",
    "hasoptionalcomponent": "optional",
}


def relationship_scope(relationship: str, lifecycle: str | None = None) -> str:
    """The CycloneDX-style scope a relationship gives its dependency side.

    ``optional`` or ``excluded`` for the types in ``_SCOPE_OF`` (and an SPDX 3
    dependency scoped to the ``development`` or ``test`` lifecycle, given as the
    name or its full IRI), else ``required``.
    """
    r = relationship.replace("_", "").lower()
    if r in _SCOPE_OF:
        return _SCOPE_OF[r]
    if lifecycle and lifecycle.rsplit("/", 1)[-1].lower() in ("development", "test"):
        return "excluded"
    return "required"


def party(value: Any) -> str | None:
    """``Organization: ACME (email)`` -> ``ACME``; NOASSERTION -> None."""
    s = text(value)
    if s is None or s.upper() in ("NOASSERTION", "NONE"):
        return None
    _, sep, rest = s.partition(":")
    name = rest if sep and _ in ("Organization", "Person", "Tool") else s
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip() or None


def spdx_licence(value: Any) -> tuple[Licence, ...]:
    s = text(value)
    return (licence(s, "spdx"),) if s else ()


def read(path: str, doc: dict[str, Any], b: Builder, encoding: str = "json") -> Sbom:
    """Read an SPDX 2 document dict. Packages may carry ``_loc`` (a tag-value line)."""
    version = str(doc.get("spdxVersion"))
    if version not in KNOWN_VERSIONS:
        b.warn("spec-version-unknown", f"unknown SPDX version {version!r}", "$.spdxVersion")
    info: dict[str, Any] = (
        doc["creationInfo"] if isinstance(doc.get("creationInfo"), dict) else {}
    )
    tools = tuple(
        str(c).split(":", 1)[1].strip()
        for c in as_list(info.get("creators"))
        if isinstance(c, str) and c.startswith("Tool:")
    )
    doc_id = text(doc.get("SPDXID")) or "SPDXRef-DOCUMENT"
    if doc.get("packages") is not None and not isinstance(doc.get("packages"), list):
        b.warn("packages-shape", "packages is not an array", "$.packages")
    packages = as_list(doc.get("packages"))
    for i, p in enumerate(packages):
        here = p.get("_loc") or f"$.packages[{i}]" if isinstance(p, dict) else f"$.packages[{i}]"
        if not isinstance(p, dict):
            b.warn("package-shape", "package is not an object", here)
            continue
        _package(b, p, here)
    b.ignored_refs.add(doc_id)
    for key in ("files", "snippets"):
        for f in as_list(doc.get(key)):
            if isinstance(f, dict) and text(f.get("SPDXID")):
                b.ignored_refs.add(str(f["SPDXID"]))
    for f in as_list(doc.get("_other_ids")):
        b.ignored_refs.add(f)
    described: list[str] = [str(x) for x in as_list(doc.get("documentDescribes")) if text(x)]
    for i, rel in enumerate(as_list(doc.get("relationships"))):
        if not isinstance(rel, dict):
            continue
        src, kind_raw = text(rel.get("spdxElementId")), text(rel.get("relationshipType"))
        dst = text(rel.get("relatedSpdxElement"))
        if not (src and kind_raw and dst):
            b.warn("relationship-shape", "incomplete relationship", rel.get("_loc")
                   or f"$.relationships[{i}]")  # fmt: skip
            continue
        kind = edge_kind(kind_raw)
        if kind == "forward":
            b.edge(src, dst)
            b.scope_hint(dst, relationship_scope(kind_raw))
        elif kind == "reverse":
            b.edge(dst, src)
            b.scope_hint(src, relationship_scope(kind_raw))
        elif kind == "describes" and src == doc_id:
            described.append(dst)
        elif kind == "describedby" and dst == doc_id:
            described.append(src)
    subject = None
    roots = list(dict.fromkeys(b.resolve(d) for d in described if b.resolve(d) in b.components))
    if roots:
        subject = b.components[roots[0]]
        if len(roots) > 1:
            b.warn("several-described", f"document describes {len(roots)} packages; "
                   f"{roots[0]!r} taken as the subject")  # fmt: skip
    document = Document(
        format="spdx",
        spec_version=version.removeprefix("SPDX-"),
        encoding="tag-value" if encoding == "tag-value" else "json",
        tools=tools,
        serial=text(doc.get("documentNamespace")),
        name=text(doc.get("name")),
        created=text(info.get("created")),
        subject=subject,
    )
    return b.finish(document)


def _package(b: Builder, p: dict[str, Any], here: str) -> None:
    ref = text(p.get("SPDXID"))
    if ref is None:
        b.warn("spdxid-missing", "package without SPDXID", here)
        ref = b.synthetic_ref(here)
    elif not SPDXID.match(ref):
        b.warn("spdxid-invalid", f"SPDXID {ref!r} breaks the SPDXRef-[A-Za-z0-9.-]+ pattern", here)
    purls: list[str] = []
    cpes: list[str] = []
    refs: list[ExternalRef] = []
    for r in as_list(p.get("externalRefs")):
        if not isinstance(r, dict):
            continue
        rtype, loc = str(r.get("referenceType") or ""), text(r.get("referenceLocator"))
        if not loc:
            continue
        if rtype.lower() in PURL_TYPES:
            purls.append(loc)
        elif rtype.lower() in CPE_TYPES:
            cpes.append(loc)
        else:
            refs.append(ExternalRef(type=rtype, url=loc))
    if len(set(purls)) > 1:
        b.warn("several-purls", f"package has {len(set(purls))} purls; the first is used", here)
    for kind, key in (("distribution", "downloadLocation"), ("website", "homepage")):
        url = text(p.get(key))
        if url and url.upper() not in ("NOASSERTION", "NONE"):
            refs.append(ExternalRef(type=kind, url=url))
    hashes = tuple(
        (str(c["algorithm"]), str(c["checksumValue"]))
        for c in as_list(p.get("checksums"))
        if isinstance(c, dict) and c.get("algorithm") and c.get("checksumValue")
    )
    b.add(
        ref=ref,
        name=text(p.get("name")),
        location=here,
        purl=purls[0] if purls else None,
        cpes=cpes,
        version=text(p.get("versionInfo")),
        type=text(p.get("primaryPackagePurpose")),
        licences_declared=spdx_licence(p.get("licenseDeclared")),
        licences_concluded=spdx_licence(p.get("licenseConcluded")),
        supplier=party(p.get("supplier")),
        author=party(p.get("originator")),
        hashes=hashes,
        external_refs=tuple(refs),
        description=text(p.get("description")) or text(p.get("summary")),
    )
