"""CycloneDX JSON 1.0-1.7 (already parsed by orjson) -> model.Sbom."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from osaudit.model import Component, Document, Encoding, Licence, Sbom
from osaudit.sbom.common import Builder, as_list, external_ref, licence, merge, text

KNOWN_VERSIONS = frozenset({"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"})
HASH_ALGS = frozenset(
    {
        "MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512",
        "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3", "Streebog-256", "Streebog-512",
    }
)  # fmt: skip
SERIAL = re.compile(r"^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                    r"[0-9a-fA-F]{12}$")  # fmt: skip
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


@lru_cache(maxsize=1)
def spdx_ids() -> frozenset[str]:
    """SPDX licence ids the CycloneDX schema accepts in ``license.id``."""
    import cyclonedx.schema._res as res

    schema = Path(res.__file__).with_name("spdx.SNAPSHOT.schema.json")
    return frozenset(orjson.loads(schema.read_bytes())["enum"])


def split_licences(
    b: Builder, entries: Any, loc: str
) -> tuple[tuple[Licence, ...], tuple[Licence, ...]]:
    """CycloneDX ``licenses`` -> (declared, concluded); 1.6 ``acknowledgement`` decides."""
    declared: list[Licence] = []
    concluded: list[Licence] = []
    if not isinstance(entries, list):
        if entries is not None:
            b.warn("licence-shape", "licenses is not an array", loc)
        return (), ()
    kinds = set()
    for i, entry in enumerate(entries):
        here = f"{loc}[{i}]"
        if not isinstance(entry, dict):
            b.warn("licence-shape", "licence entry is not an object", here)
            continue
        got: Licence | None = None
        ack = None
        if "expression" in entry:
            kinds.add("expression")
            expr = text(entry.get("expression"))
            ack = entry.get("acknowledgement")
            if expr:
                got = licence(expr, "expression")
        if isinstance(entry.get("license"), dict):
            kinds.add("license")
            lic = entry["license"]
            ack = lic.get("acknowledgement", ack)
            got = licence_choice(b, lic.get("id"), lic.get("name"), lic.get("text"), here)
        if got is None:
            if "expression" not in entry and "license" not in entry:
                b.warn("licence-shape", "licence entry without license or expression", here)
            continue
        (concluded if ack == "concluded" else declared).append(got)
    if len(kinds) > 1:
        b.warn("licence-mixed", "licence ids/names mixed with an expression in one list", loc)
    return tuple(declared), tuple(concluded)


def licence_choice(b: Builder, lid: Any, name: Any, body: Any, here: str) -> Licence | None:
    """One ``license`` object: id, else name, else its text."""
    lid, name = text(lid), text(name)
    if lid and name:
        b.warn("licence-id-and-name", "licence has both id and name (schema allows one)", here)
    if isinstance(body, dict) and body.get("encoding") not in (None, "base64"):
        b.warn("licence-text-encoding", f"unknown licence text encoding {body['encoding']!r}", here)
    if lid:
        if lid not in spdx_ids():
            b.warn("licence-id-unknown", f"licence id {lid!r} is not an SPDX licence id", here)
        return licence(lid, "id")
    if name:
        return licence(name, "name")
    content = body.get("content") if isinstance(body, dict) else body
    if text(content):
        return licence(str(content), "text")
    b.warn("licence-empty", "licence without id, name or text", here)
    return None


def read(path: str, doc: dict[str, Any], b: Builder, encoding: Encoding = "json") -> Sbom:
    """Read a parsed CycloneDX document (JSON, or XML turned into the JSON shape)."""
    version = str(doc.get("specVersion") or "")
    if version not in KNOWN_VERSIONS:
        b.warn("spec-version-unknown", f"unknown CycloneDX specVersion {version!r}", "$.specVersion")
    serial = text(doc.get("serialNumber"))
    if serial and not SERIAL.match(serial):
        b.warn("serial-invalid", f"serialNumber {serial!r} is not urn:uuid:<uuid>", "$.serialNumber")
    meta: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    timestamp = text(meta.get("timestamp"))
    if timestamp and not TIMESTAMP.match(timestamp):
        b.warn("timestamp-invalid", f"timestamp {timestamp!r} is not ISO 8601", "$.metadata")
    if "licenses" in meta:
        split_licences(b, meta["licenses"], "$.metadata.licenses")
    subject = None
    subprojects: list[Component] = []
    if isinstance(meta.get("component"), dict):
        subject = b.make(
            location="$.metadata.component",
            **component(b, meta["component"], "$.metadata.component", None),
        )
        b.extra_refs.add(subject.ref)
        _subprojects(b, meta["component"], "$.metadata.component", subprojects)
    comps = doc.get("components")
    if comps is not None and not isinstance(comps, list):
        b.warn("components-shape", "components is not an array", "$.components")
        comps = None
    _walk(b, comps or [], "$.components", None, subject.ref if subject else None)
    if subject is not None:
        _fold_subprojects(b, subject.ref, subprojects)
    _services(b, doc.get("services"))
    deps = doc.get("dependencies")
    if isinstance(deps, list):
        for i, dep in enumerate(deps):
            if not isinstance(dep, dict) or not text(dep.get("ref")):
                b.warn("dependency-shape", "dependency without ref", f"$.dependencies[{i}]")
                continue
            src = str(dep["ref"])
            b.edges.setdefault(src, [])
            for dst in as_list(dep.get("dependsOn")):
                if text(dst):
                    b.edge(src, str(dst))
    document = Document(
        format="cyclonedx",
        spec_version=version,
        encoding=encoding,
        tools=tools(meta.get("tools")),
        serial=serial,
        name=subject.name if subject else None,
        created=timestamp,
        subject=subject,
        subprojects=tuple(subprojects),
    )
    return b.finish(document)


def _fold_subprojects(b: Builder, root: str, subs: list[Component]) -> None:
    """Sub-projects are the application: their edges become the root's, so their
    ``dependsOn`` are direct dependencies. One that is also listed in ``components``
    (cdxgen does so for Cargo workspace crates) leaves the component list; what that
    entry says is merged into the sub-project, so nothing is lost."""
    for i, sub in enumerate(subs):
        if sub.ref == root:
            continue
        listed = b.components.pop(sub.ref, None)
        if listed is not None:
            subs[i] = merge(sub, listed)
            if listed.purl is not None and b.by_purl.get(listed.purl) == sub.ref:
                del b.by_purl[listed.purl]
        b.alias[sub.ref] = root
        for ref, kept in list(b.alias.items()):
            if kept == sub.ref:
                b.alias[ref] = root


def _subprojects(b: Builder, parent: dict[str, Any], loc: str, out: list[Component]) -> None:
    """Components nested in ``metadata.component`` (cdxgen: workspace and sub-project
    roots), depth first; they are part of the application, not its dependencies."""
    nested = parent.get("components")
    if nested is None:
        return
    if not isinstance(nested, list):
        b.warn("components-shape", "components is not an array", f"{loc}.components")
        return
    for i, c in enumerate(nested):
        here = f"{loc}.components[{i}]"
        if not isinstance(c, dict):
            b.warn("component-shape", "component is not an object", here)
            continue
        out.append(b.make(location=here, **component(b, c, here, None)))
        _subprojects(b, c, here, out)


def _services(b: Builder, services: Any) -> None:
    """Services are not components; their refs may appear in the graph and are dropped."""
    for s in services if isinstance(services, list) else ():
        if isinstance(s, dict):
            if text(s.get("bom-ref")):
                b.ignored_refs.add(str(s["bom-ref"]))
            _services(b, s.get("services"))


def tools(value: Any) -> tuple[str, ...]:
    """``metadata.tools`` in its 1.0-1.4 (array) or 1.5+ (components/services) shape."""
    items: list[Any] = []
    if isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        items = list(as_list(value.get("components"))) + list(as_list(value.get("services")))
    out = []
    for t in items:
        if isinstance(t, dict):
            parts = [text(t.get("name")), text(t.get("version"))]
            label = " ".join(p for p in parts if p)
            if label:
                out.append(label)
    return tuple(out)


def _walk(b: Builder, comps: list[Any], loc: str, parent: str | None, subject: str | None) -> None:
    for i, c in enumerate(comps):
        here = f"{loc}[{i}]"
        if not isinstance(c, dict):
            b.warn("component-shape", "component is not an object", here)
            continue
        fields = component(b, c, here, parent)
        if subject is not None and fields["ref"] == subject:
            b.warn("subject-in-components", "metadata.component is also listed in components", here)
        ref = b.add(location=here, **fields)
        b.placed.append(ref)
        if isinstance(c.get("components"), list):
            _walk(b, c["components"], f"{here}.components", ref, subject)


#: CycloneDX ``component.scope`` values (1.0-1.7).
SCOPES = frozenset({"required", "optional", "excluded"})


def _scope(b: Builder, value: Any, here: str) -> str | None:
    """The component's scope, lower case; another value is kept as given, with a warning."""
    scope = text(value)
    if scope is None:
        return None
    if scope.lower() in SCOPES:
        return scope.lower()
    b.warn("scope-unknown", f"unknown scope {scope!r} (required, optional or excluded)",
           f"{here}.scope")  # fmt: skip
    return scope


def component(b: Builder, c: dict[str, Any], here: str, parent: str | None) -> dict[str, Any]:
    """One CycloneDX component object -> keyword arguments for ``Builder.make``."""
    ref = text(c.get("bom-ref")) or b.synthetic_ref(here)
    if not text(c.get("type")):
        b.warn("component-no-type", "component without type", here)
    declared, concluded = split_licences(b, c.get("licenses"), f"{here}.licenses")
    hashes = []
    for h in as_list(c.get("hashes")):
        if isinstance(h, dict) and text(h.get("alg")) and text(h.get("content")):
            if h["alg"] not in HASH_ALGS:
                b.warn("hash-alg-unknown", f"unknown hash algorithm {h['alg']!r}", here)
            hashes.append((str(h["alg"]), str(h["content"])))
    refs = []
    for r in as_list(c.get("externalReferences")):
        if isinstance(r, dict):
            er = external_ref(text(r.get("type")), text(r.get("url")))
            if er:
                refs.append(er)
    supplier = c.get("supplier")
    author = text(c.get("author"))
    if author is None and isinstance(c.get("authors"), list):
        names = [text(a.get("name")) for a in c["authors"] if isinstance(a, dict)]
        author = ", ".join(n for n in names if n) or None
    cpe = text(c.get("cpe"))
    purl = text(c.get("purl"))
    return dict(
        ref=ref,
        name=text(c.get("name")),
        version=text(c.get("version")),
        group=text(c.get("group")),
        type=text(c.get("type")),
        purl=purl,
        cpes=(cpe,) if cpe else (),
        licences_declared=declared,
        licences_concluded=concluded,
        supplier=text(supplier.get("name")) if isinstance(supplier, dict) else text(supplier),
        author=author or text(c.get("publisher")),
        hashes=tuple(hashes),
        external_refs=tuple(refs),
        scope=_scope(b, c.get("scope"), here),
        parent=parent,
        description=text(c.get("description")),
    )
