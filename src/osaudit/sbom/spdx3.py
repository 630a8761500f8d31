"""SPDX 3.0 JSON-LD (compacted, ``@graph``) -> model.Sbom.

Handles creation info given as a blank node, licences attached by
``hasDeclaredLicense``/``hasConcludedLicense`` relationships, external
identifiers inline or by reference, and AI / dataset packages.
"""

from __future__ import annotations

from typing import Any

from osaudit.errors import InputError
from osaudit.model import Document, ExternalRef, Licence, Sbom
from osaudit.sbom.common import Builder, licence, text
from osaudit.sbom.spdx2_json import edge_kind, relationship_scope

PACKAGE_TYPES = frozenset({"Package", "AIPackage", "DatasetPackage"})
_PURL_IDS = frozenset({"purl", "packageurl"})
_CPE_IDS = frozenset({"cpe22", "cpe23", "cpe22type", "cpe23type"})


def _type(e: dict[str, Any]) -> str:
    """Element type without its profile prefix (``software_Package`` -> ``Package``)."""
    t = str(e.get("type") or e.get("@type") or "")
    return t.rpartition("_")[2].rpartition(":")[2].rpartition("/")[2]


def _id(e: dict[str, Any]) -> str | None:
    return text(e.get("spdxId")) or text(e.get("@id"))


def _list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def read(path: str, doc: dict[str, Any], b: Builder) -> Sbom:
    """Read a parsed SPDX 3 JSON-LD document."""
    graph = doc.get("@graph")
    if not isinstance(graph, list):
        raise InputError(f"{path}: $.@graph: missing or not an array (SPDX 3 JSON-LD expected)")
    elements: dict[str, dict[str, Any]] = {}
    for i, e in enumerate(graph):
        if not isinstance(e, dict):
            b.warn("element-shape", "graph element is not an object", f"$.@graph[{i}]")
            continue
        eid = _id(e)
        if eid is not None:
            if eid in elements and _type(elements[eid]) != _type(e):
                b.warn("duplicate-id", f"spdxId {eid!r} names two elements of different types",
                       f"$.@graph[{i}]")  # fmt: skip
            elements.setdefault(eid, e)
    lic_rel: dict[str, dict[str, list[str]]] = {}
    described: list[str] = []
    for e in graph:
        if not isinstance(e, dict) or "Relationship" not in _type(e):
            continue
        rtype = str(e.get("relationshipType") or "")
        src = text(e.get("from"))
        dsts = [str(t) for t in _list(e.get("to")) if text(t)]
        if src is None:
            continue
        key = rtype.replace("_", "").lower()
        if key in ("hasdeclaredlicense", "hasconcludedlicense"):
            lic_rel.setdefault(src, {}).setdefault(key, []).extend(dsts)
            continue
        kind = edge_kind(rtype)
        scope = relationship_scope(rtype, text(e.get("scope")))
        for dst in dsts:
            if kind == "forward":
                b.edge(src, dst)
                b.scope_hint(dst, scope)
            elif kind == "reverse":
                b.edge(dst, src)
                b.scope_hint(src, scope)
            elif kind == "describes":
                described.append(dst)
    b.ignored_refs.update(elements)
    info = _creation_info(graph, elements)
    for i, e in enumerate(graph):
        if isinstance(e, dict) and _type(e) in PACKAGE_TYPES:
            _package(b, e, f"$.@graph[{i}]", elements, lic_rel.get(_id(e) or "", {}))
    spdx_doc = next((e for e in graph if isinstance(e, dict) and _type(e) == "SpdxDocument"), {})
    roots = [str(r) for e in graph if isinstance(e, dict) and _type(e) in ("Sbom", "SpdxDocument")
             for r in _list(e.get("rootElement"))]  # fmt: skip
    subject = None
    for ref in [*roots, *described]:
        if b.resolve(ref) in b.components:
            subject = b.components[b.resolve(ref)]
            break
    version = str(info.get("specVersion") or "")
    if not version.startswith("3."):
        b.warn("spec-version-unknown", f"unexpected SPDX 3 specVersion {version!r}", "CreationInfo")
    document = Document(
        format="spdx",
        spec_version=version or "3",
        encoding="json-ld",
        tools=_tools(info, elements),
        serial=_id(spdx_doc) if spdx_doc else None,
        name=text(spdx_doc.get("name")) if spdx_doc else None,
        created=text(info.get("created")),
        subject=subject,
    )
    return b.finish(document)


def _creation_info(graph: list[Any], elements: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The document's CreationInfo (a blank node in the graph, or inline)."""
    spdx_doc = next((e for e in graph if isinstance(e, dict) and _type(e) == "SpdxDocument"), None)
    ci = spdx_doc.get("creationInfo") if spdx_doc else None
    if isinstance(ci, dict):
        return ci
    if isinstance(ci, str) and ci in elements:
        return elements[ci]
    return next((e for e in graph if isinstance(e, dict) and _type(e) == "CreationInfo"), {})


def _tools(info: dict[str, Any], elements: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    out = []
    for t in _list(info.get("createdUsing")):
        el = t if isinstance(t, dict) else elements.get(str(t), {})
        name = text(el.get("name"))
        if name:
            out.append(name.removeprefix("Tool: "))
    return tuple(out)


def _agent(v: Any, elements: dict[str, dict[str, Any]]) -> str | None:
    for a in _list(v):
        el = a if isinstance(a, dict) else elements.get(str(a), {})
        name = text(el.get("name"))
        if name and name.upper() != "NOASSERTION":
            return name
    return None


def _licences(refs: list[str], elements: dict[str, dict[str, Any]]) -> tuple[Licence, ...]:
    out = []
    for r in refs:
        el = elements.get(r)
        if el is None:
            tail = r.rpartition("/")[2]
            if tail in ("NoAssertionLicense", "NoneLicense"):
                out.append(licence("NOASSERTION" if tail.startswith("NoAssert") else "NONE", "spdx"))
            else:
                out.append(licence(tail, "id"))
            continue
        raw = (
            text(el.get("simplelicensing_licenseExpression"))
            or text(el.get("licenseExpression"))
            or text(el.get("name"))
            or (_id(el) or "").rpartition("/")[2]
        )
        if raw:
            out.append(licence(raw, "expression" if "Expression" in _type(el) else "spdx"))
    return tuple(out)


def _package(
    b: Builder,
    e: dict[str, Any],
    here: str,
    elements: dict[str, dict[str, Any]],
    lics: dict[str, list[str]],
) -> None:
    purls: list[str] = []
    cpes: list[str] = []
    refs: list[ExternalRef] = []
    own = text(e.get("software_packageUrl")) or text(e.get("packageUrl"))
    if own:
        purls.append(own)
    for x in _list(e.get("externalIdentifier")):
        el = x if isinstance(x, dict) else elements.get(str(x))
        if el is None:
            b.warn("external-id-unresolved", f"externalIdentifier {x!r} is not in the graph", here)
            continue
        kind = str(el.get("externalIdentifierType") or "").lower()
        value = text(el.get("identifier"))
        if value and kind in _PURL_IDS:
            purls.append(value)
        elif value and kind in _CPE_IDS:
            cpes.append(value)
    for x in _list(e.get("externalRef")):
        if isinstance(x, dict):
            for loc in _list(x.get("locator")):
                if text(loc):
                    refs.append(ExternalRef(type=str(x.get("externalRefType") or "other"), url=loc))
    for kind, key in (("distribution", "software_downloadLocation"),
                      ("website", "software_homePage")):  # fmt: skip
        url = text(e.get(key))
        if url and url.upper() not in ("NOASSERTION", "NONE"):
            refs.append(ExternalRef(type=kind, url=url))
    hashes = tuple(
        (str(h["algorithm"]), str(h["hashValue"]))
        for h in _list(e.get("verifiedUsing"))
        if isinstance(h, dict) and h.get("algorithm") and h.get("hashValue")
        and _type(h) == "Hash"
    )
    ref = _id(e)
    if ref is None:
        b.warn("spdxid-missing", "package without spdxId", here)
        ref = b.synthetic_ref(here)
    b.add(
        ref=ref,
        name=text(e.get("name")),
        location=here,
        purl=purls[0] if purls else None,
        cpes=cpes,
        version=text(e.get("software_packageVersion")) or text(e.get("packageVersion")),
        type=text(e.get("software_primaryPurpose")) or _type(e),
        licences_declared=_licences(lics.get("hasdeclaredlicense", []), elements),
        licences_concluded=_licences(lics.get("hasconcludedlicense", []), elements),
        supplier=_agent(e.get("suppliedBy"), elements),
        author=_agent(e.get("originatedBy"), elements),
        hashes=hashes,
        external_refs=tuple(refs),
        description=text(e.get("description")) or text(e.get("summary")),
    )
