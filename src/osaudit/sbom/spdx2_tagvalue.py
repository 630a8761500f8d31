"""SPDX 2 tag-value -> the SPDX JSON dict shape (then read by ``spdx2_json``).

Only what osaudit uses is kept: document header, packages, relationships.
Multi-line values are wrapped in ``<text>...</text>``.
"""

from __future__ import annotations

from typing import Any

from osaudit.errors import InputError
from osaudit.model import Sbom
from osaudit.sbom import spdx2_json
from osaudit.sbom.common import Builder

_PACKAGE_FIELDS = {
    "SPDXID": "SPDXID",
    "PackageVersion": "versionInfo",
    "PackageSupplier": "supplier",
    "PackageOriginator": "originator",
    "PackageDownloadLocation": "downloadLocation",
    "PackageHomePage": "homepage",
    "PackageLicenseConcluded": "licenseConcluded",
    "PackageLicenseDeclared": "licenseDeclared",
    "PackageDescription": "description",
    "PackageSummary": "summary",
    "PrimaryPackagePurpose": "primaryPackagePurpose",
}
_DOC_FIELDS = {
    "SPDXVersion": "spdxVersion",
    "DocumentName": "name",
    "DocumentNamespace": "documentNamespace",
    "SPDXID": "SPDXID",
}
# Tags that open a section that is not a package: package fields end there.
_OTHER_SECTIONS = frozenset({"FileName", "SnippetSPDXID", "LicenseID", "Annotator", "ReviewedBy"})


def tokens(path: str, text: str, bad: list[int]) -> list[tuple[int, str, str]]:
    """(line number, tag, value) triples; ``<text>`` values may span lines.

    Numbers of lines that are not ``Tag: value`` are appended to ``bad``.
    """
    out: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        start = i + 1
        i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        tag, sep, value = line.partition(":")
        if not sep or not tag.strip() or " " in tag.strip():
            bad.append(start)
            continue
        value = value.strip()
        if value.startswith("<text>"):
            parts = [value[len("<text>") :]]
            while "</text>" not in parts[-1]:  # only the newest line is searched: linear
                if i >= len(lines):
                    raise InputError(f"{path}: line {start}: <text> is never closed")
                parts.append(lines[i])
                i += 1
            value = "\n".join(parts).split("</text>", 1)[0].strip()
        out.append((start, tag.strip(), value))
    return out


def to_dict(path: str, text: str) -> dict[str, Any]:
    """Tag-value text -> dict in the SPDX JSON shape (packages carry ``_loc``)."""
    doc: dict[str, Any] = {"creationInfo": {"creators": []}, "packages": [], "relationships": []}
    pkg: dict[str, Any] | None = None
    bad: list[int] = []
    doc["_bad_lines"] = bad
    doc["_other_ids"] = []
    section = False
    for line, tag, value in tokens(path, text, bad):
        if tag == "PackageName":
            pkg = {"name": value, "_loc": f"line {line}", "externalRefs": [], "checksums": []}
            doc["packages"].append(pkg)
        elif tag in _OTHER_SECTIONS:
            pkg = None
            section = True
            if tag == "SnippetSPDXID":
                doc["_other_ids"].append(value)
        elif tag in ("SPDXID", "SnippetSPDXID") and pkg is None and section:
            doc["_other_ids"].append(value)
        elif tag == "Relationship":
            parts = value.split()
            if len(parts) >= 3:
                doc["relationships"].append(
                    {"spdxElementId": parts[0], "relationshipType": parts[1],
                     "relatedSpdxElement": parts[2], "_loc": f"line {line}"}  # fmt: skip
                )
            else:
                doc["relationships"].append({"_loc": f"line {line}"})
        elif tag == "Creator":
            doc["creationInfo"]["creators"].append(value)
        elif tag == "Created":
            doc["creationInfo"]["created"] = value
        elif pkg is not None and tag in _PACKAGE_FIELDS:
            pkg[_PACKAGE_FIELDS[tag]] = value
        elif pkg is not None and tag == "ExternalRef":
            parts = value.split(None, 2)
            if len(parts) == 3:
                pkg["externalRefs"].append(
                    {"referenceCategory": parts[0], "referenceType": parts[1],
                     "referenceLocator": parts[2]}  # fmt: skip
                )
        elif pkg is not None and tag == "PackageChecksum":
            alg, _, val = value.partition(":")
            pkg["checksums"].append({"algorithm": alg.strip(), "checksumValue": val.strip()})
        elif pkg is None and tag in _DOC_FIELDS and _DOC_FIELDS[tag] not in doc:
            doc[_DOC_FIELDS[tag]] = value
    if "spdxVersion" not in doc:
        raise InputError(f"{path}: no SPDXVersion tag: not an SPDX tag-value document")
    return doc


def read(path: str, data: bytes, b: Builder) -> Sbom:
    """Read SPDX tag-value bytes (UTF-8)."""
    doc = to_dict(path, data.decode("utf-8"))
    version = doc["spdxVersion"]
    if not version.startswith("SPDX-2"):
        raise InputError(f"{path}: SPDXVersion {version!r} is not an SPDX 2 version")
    bad = doc.pop("_bad_lines")
    if bad:
        b.warn("tagvalue-line", f"{len(bad)} lines are not 'Tag: value' and were skipped",
               f"line {bad[0]}")  # fmt: skip
    return spdx2_json.read(path, doc, b, encoding="tag-value")
