"""Synthetic SBOM generator for benchmarks: ``write_synthetic(path, n, fmt)``.

Formats: cyclonedx-json, cyclonedx-xml, spdx2-json, spdx2-tv, spdx3. Output is
deterministic (seeded). Components cycle through npm, PyPI, Maven and Go purls
with SPDX licences; the subject depends on ~5% of them, and every other
component is depended on by one earlier component, so the graph is a tree.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import orjson

FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx2-json", "spdx2-tv", "spdx3")
_LICENCES = ("MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-3.0-only", "MPL-2.0")
_ECOS = ("npm", "pypi", "maven", "golang")


def _components(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        eco = _ECOS[i % len(_ECOS)]
        name = f"pkg{i}"
        version = f"{1 + i % 7}.{i % 13}.{i % 5}"
        if eco == "maven":
            purl = f"pkg:maven/org.example.g{i % 50}/{name}@{version}"
        elif eco == "golang":
            purl = f"pkg:golang/github.com/example/{name}@v{version}"
        else:
            purl = f"pkg:{eco}/{name}@{version}"
        out.append({"ref": f"c{i}", "name": name, "version": version, "purl": purl,
                    "licence": _LICENCES[i % len(_LICENCES)]})  # fmt: skip
    return out


def _edges(n: int, seed: int = 42) -> tuple[list[int], dict[int, list[int]]]:
    """Direct deps of the root and child lists (index -> indexes)."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    direct_n = max(1, n // 20)
    direct = list(range(min(direct_n, n)))
    children: dict[int, list[int]] = {}
    for i in range(direct_n, n):
        children.setdefault(rng.randrange(0, i), []).append(i)
    return direct, children


def _random_edges(n: int, seed: int = 42) -> tuple[list[int], dict[int, list[int]]]:
    """A merged-monorepo shape: the root depends on its (at most 100) workspace projects;
    every component depends on up to 3 others anywhere in the SBOM, so there are cycles
    and many paths to one component.

    The root's fan-out is capped because in a random graph nearly every component is
    reached from nearly every direct dependency: with 5% direct (5,000 at 100k) the
    report's ``introduced_by`` lists alone hold ~170M refs (a 3 GB report), a cost of
    the output that no graph algorithm can remove.
    """
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    direct = list(range(max(1, min(n // 20, 100))))
    children: dict[int, list[int]] = {}
    for i in range(n):
        kids = sorted({rng.randrange(0, n) for _ in range(rng.randint(0, 3))} - {i})
        if kids:
            children[i] = kids
    return direct, children


GRAPHS = ("tree", "random")


def write_synthetic(path: str | Path, n: int, fmt: str, graph: str = "tree") -> Path:
    """Write an SBOM of ``n`` components in ``fmt`` to ``path``; return the path.

    ``graph``: ``tree`` (each component depended on by one earlier one) or ``random``
    (each depends on up to 3 others anywhere, see :func:`_random_edges`).
    """
    p = Path(path)
    comps = _components(n)
    if graph not in GRAPHS:
        raise ValueError(f"unknown graph shape {graph!r}; expected one of {', '.join(GRAPHS)}")
    direct, children = _edges(n) if graph == "tree" else _random_edges(n)
    writer = {
        "cyclonedx-json": _cdx_json,
        "cyclonedx-xml": _cdx_xml,
        "spdx2-json": _spdx2_json,
        "spdx2-tv": _spdx2_tv,
        "spdx3": _spdx3,
    }.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    p.write_bytes(writer(comps, direct, children))
    return p


def _cdx_json(comps: list[dict[str, Any]], direct: list[int], children: dict[int, list[int]]) -> bytes:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2025-01-01T00:00:00Z",
            "tools": {"components": [{"type": "application", "name": "synth", "version": "1"}]},
            "component": {"type": "application", "bom-ref": "root", "name": "synthetic-app",
                          "version": "1.0.0", "purl": "pkg:generic/synthetic-app@1.0.0"},
        },
        "components": [
            {"type": "library", "bom-ref": c["ref"], "name": c["name"], "version": c["version"],
             "purl": c["purl"], "licenses": [{"license": {"id": c["licence"]}}],
             "hashes": [{"alg": "SHA-256", "content": f"{i:064x}"}]}
            for i, c in enumerate(comps)
        ],
        "dependencies": [{"ref": "root", "dependsOn": [comps[i]["ref"] for i in direct]}]
        + [
            {"ref": c["ref"], "dependsOn": [comps[j]["ref"] for j in children.get(i, [])]}
            for i, c in enumerate(comps)
        ],
    }  # fmt: skip
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def _cdx_xml(comps: list[dict[str, Any]], direct: list[int], children: dict[int, list[int]]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1" '
           'serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79">',
           "  <metadata><timestamp>2025-01-01T00:00:00Z</timestamp>",
           '    <component type="application" bom-ref="root"><name>synthetic-app</name>'
           "<version>1.0.0</version></component></metadata>",
           "  <components>"]  # fmt: skip
    for i, c in enumerate(comps):
        out.append(
            f'    <component type="library" bom-ref="{c["ref"]}"><name>{c["name"]}</name>'
            f'<version>{c["version"]}</version><hashes><hash alg="SHA-256">{i:064x}</hash>'
            f'</hashes><licenses><license><id>{c["licence"]}</id></license></licenses>'
            f'<purl>{escape(c["purl"])}</purl></component>'
        )
    out.append("  </components>\n  <dependencies>")
    out.append('    <dependency ref="root">'
               + "".join(f'<dependency ref="{comps[i]["ref"]}"/>' for i in direct)
               + "</dependency>")  # fmt: skip
    for i, c in enumerate(comps):
        kids = "".join(f'<dependency ref="{comps[j]["ref"]}"/>' for j in children.get(i, []))
        out.append(f'    <dependency ref="{c["ref"]}">{kids}</dependency>')
    out.append("  </dependencies>\n</bom>\n")
    return "\n".join(out).encode()


def _spdx_id(c: dict[str, Any]) -> str:
    return f"SPDXRef-Package-{c['ref']}"


def _spdx2_json(comps: list[dict[str, Any]], direct: list[int], children: dict[int, list[int]]) -> bytes:
    packages = [{"SPDXID": "SPDXRef-Package-root", "name": "synthetic-app", "versionInfo": "1.0.0",
                 "downloadLocation": "NOASSERTION", "licenseConcluded": "NOASSERTION"}]
    packages += [
        {"SPDXID": _spdx_id(c), "name": c["name"], "versionInfo": c["version"],
         "downloadLocation": "NOASSERTION", "licenseConcluded": "NOASSERTION",
         "licenseDeclared": c["licence"], "filesAnalyzed": False,
         "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                           "referenceLocator": c["purl"]}]}
        for c in comps
    ]
    rels = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
             "relatedSpdxElement": "SPDXRef-Package-root"}]
    rels += [{"spdxElementId": "SPDXRef-Package-root", "relationshipType": "DEPENDS_ON",
              "relatedSpdxElement": _spdx_id(comps[i])} for i in direct]
    rels += [{"spdxElementId": _spdx_id(comps[i]), "relationshipType": "DEPENDS_ON",
              "relatedSpdxElement": _spdx_id(comps[j])}
             for i, kids in sorted(children.items()) for j in kids]
    doc = {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
           "name": "synthetic-app", "documentNamespace": "https://example.org/spdx/synthetic",
           "creationInfo": {"created": "2025-01-01T00:00:00Z", "creators": ["Tool: synth-1"]},
           "packages": packages, "relationships": rels}  # fmt: skip
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def _spdx2_tv(comps: list[dict[str, Any]], direct: list[int], children: dict[int, list[int]]) -> bytes:
    out = ["SPDXVersion: SPDX-2.3", "DataLicense: CC0-1.0", "SPDXID: SPDXRef-DOCUMENT",
           "DocumentName: synthetic-app",
           "DocumentNamespace: https://example.org/spdx/synthetic",
           "Creator: Tool: synth-1", "Created: 2025-01-01T00:00:00Z", "",
           "PackageName: synthetic-app", "SPDXID: SPDXRef-Package-root", "PackageVersion: 1.0.0",
           "PackageDownloadLocation: NOASSERTION", "FilesAnalyzed: false", ""]  # fmt: skip
    for c in comps:
        out += [f"PackageName: {c['name']}", f"SPDXID: {_spdx_id(c)}",
                f"PackageVersion: {c['version']}", "PackageDownloadLocation: NOASSERTION",
                "FilesAnalyzed: false", "PackageLicenseConcluded: NOASSERTION",
                f"PackageLicenseDeclared: {c['licence']}",
                f"ExternalRef: PACKAGE-MANAGER purl {c['purl']}", ""]  # fmt: skip
    out.append("Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-root")
    out += [f"Relationship: SPDXRef-Package-root DEPENDS_ON {_spdx_id(comps[i])}" for i in direct]
    out += [f"Relationship: {_spdx_id(comps[i])} DEPENDS_ON {_spdx_id(comps[j])}"
            for i, kids in sorted(children.items()) for j in kids]  # fmt: skip
    return ("\n".join(out) + "\n").encode()


def _spdx3(comps: list[dict[str, Any]], direct: list[int], children: dict[int, list[int]]) -> bytes:
    base = "https://example.org/spdx3/synthetic/"
    ci = "_:creationinfo"
    graph: list[dict[str, Any]] = [
        {"@id": ci, "type": "CreationInfo", "specVersion": "3.0.1",
         "created": "2025-01-01T00:00:00Z", "createdBy": [base + "agent"],
         "createdUsing": [base + "tool"]},
        {"spdxId": base + "agent", "type": "Organization", "name": "Example", "creationInfo": ci},
        {"spdxId": base + "tool", "type": "Tool", "name": "synth-1", "creationInfo": ci},
        {"spdxId": base + "doc", "type": "SpdxDocument", "creationInfo": ci,
         "rootElement": [base + "sbom"]},
        {"spdxId": base + "sbom", "type": "software_Sbom", "creationInfo": ci,
         "rootElement": [base + "root"]},
        {"spdxId": base + "root", "type": "software_Package", "name": "synthetic-app",
         "software_packageVersion": "1.0.0", "creationInfo": ci},
    ]  # fmt: skip
    for c in comps:
        cid = base + c["ref"]
        graph.append({"spdxId": cid, "type": "software_Package", "name": c["name"],
                      "software_packageVersion": c["version"],
                      "software_packageUrl": c["purl"], "creationInfo": ci})  # fmt: skip
        graph.append({"spdxId": cid + "-lic", "type": "simplelicensing_LicenseExpression",
                      "simplelicensing_licenseExpression": c["licence"], "creationInfo": ci})
        graph.append({"spdxId": cid + "-rel-lic", "type": "Relationship", "creationInfo": ci,
                      "relationshipType": "hasDeclaredLicense", "from": cid,
                      "to": [cid + "-lic"]})  # fmt: skip
    graph.append({"spdxId": base + "rel-root", "type": "Relationship", "creationInfo": ci,
                  "relationshipType": "dependsOn", "from": base + "root",
                  "to": [base + comps[i]["ref"] for i in direct]})  # fmt: skip
    for i, kids in sorted(children.items()):
        graph.append({"spdxId": f"{base}rel-{i}", "type": "Relationship", "creationInfo": ci,
                      "relationshipType": "dependsOn", "from": base + comps[i]["ref"],
                      "to": [base + comps[j]["ref"] for j in kids]})  # fmt: skip
    doc = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


if __name__ == "__main__":  # python benchmarks/synth.py OUT N FORMAT [tree|random]
    write_synthetic(sys.argv[1], int(sys.argv[2]), sys.argv[3], *sys.argv[4:5])
