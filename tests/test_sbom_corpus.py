"""Every real SBOM in ../shared/corpus: read, counted, and never a traceback.

Component counts. SOURCES.tsv counts *entries* (CycloneDX ``components``
recursively, SPDX ``packages``, SPDX 3 package elements). osaudit merges
duplicates (same bom-ref/SPDXID, or the same purl under another ref) into one
component, as the issue requires, so the right count of *components* is the
number of distinct identities among those entries. ``test_component_counts``
recounts the entries independently of the readers, checks that count against
SOURCES.tsv, and checks osaudit's count against the distinct identities. Files
where the two differ (Blogifier 1,649 entries / 300 purls, Juice Shop 1,115 / 978,
big-mongo 293 / 174, ...) list the same package once per location or per
dependent; reading them as one component each is right for auditing.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: N817 - parsing trusted corpus files only
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.identity import normalise_purl
from osaudit.sbom import read_sbom
from tests.conftest import CORPUS, SKIP_REASON, corpus_files, corpus_id, sources

# guac's "invalid-version" file is valid CycloneDX 1.4 (official schema via
# cyclonedx-python-lib agrees): the "invalid version" is guac's own semver parsing
# of Debian versions such as "11.1+deb11u5". Reading it without warnings is right.
SCHEMA_VALID_IN_INVALID = {
    "guacsec_guac__internal_testing_testdata_exampledata_distroless-cyclonedx-invalid-version.json"
}
VALID = corpus_files("cyclonedx", "spdx", "spdx3", "large")
INVALID = corpus_files("invalid")


def _text(path: Path) -> str:
    raw = path.read_bytes()
    for bom, enc in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig")):
        if raw.startswith(bom):
            return raw.decode(enc)
    return raw.decode("utf-8")


def _load_json(path: Path):
    return json.loads(_text(path), strict=False)


def raw_entries(path: Path) -> list[tuple[str | None, str | None]]:
    """(ref, purl) of every component entry, found without osaudit's readers."""
    head = path.read_bytes()[:200].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t")
    out: list[tuple[str | None, str | None]] = []
    if head.startswith(b"<"):
        root = ET.parse(path).getroot()
        ns = root.tag.split("}")[0] + "}"
        comps = root.find(ns + "components")

        def walk_xml(el):
            for c in el.findall(ns + "component") if el is not None else ():
                purl = c.find(ns + "purl")
                out.append((c.get("bom-ref"), purl.text.strip() if purl is not None else None))
                walk_xml(c.find(ns + "components"))

        walk_xml(comps)
        return out
    if not head.lstrip(b"\x00").startswith(b"{"):
        text = _text(path)
        ref = purl = None
        started = False
        for line in text.splitlines():
            tag, _, value = line.partition(":")
            if tag == "PackageName":
                if started:
                    out.append((ref, purl))
                started, ref, purl = True, None, None
            elif tag in ("FileName", "SnippetSPDXID", "LicenseID") and started:
                out.append((ref, purl))
                started = False
            elif started and tag == "SPDXID":
                ref = value.strip()
            elif started and tag == "ExternalRef" and value.split()[1:2] == ["purl"] and not purl:
                purl = value.split()[2]
        if started:
            out.append((ref, purl))
        return out
    doc = _load_json(path)
    if "bomFormat" in doc:

        def walk(items):
            for c in items or ():
                out.append((c.get("bom-ref"), c.get("purl")))
                walk(c.get("components"))

        walk(doc.get("components"))
        return out
    if "spdxVersion" in doc:
        for p in doc.get("packages") or ():
            purls = [r["referenceLocator"] for r in p.get("externalRefs") or ()
                     if r.get("referenceType") == "purl"]
            out.append((p.get("SPDXID"), purls[0] if purls else None))
        return out
    ids = {e.get("spdxId"): e for e in doc["@graph"]}
    for e in doc["@graph"]:
        if str(e.get("type", "")).endswith("Package"):
            purl = e.get("software_packageUrl") or None
            for x in e.get("externalIdentifier") or ():
                x = ids.get(x, {}) if isinstance(x, str) else x
                if x.get("externalIdentifierType") in ("purl", "packageUrl") and not purl:
                    purl = x.get("identifier")
            out.append((e.get("spdxId"), purl))
    return out


def distinct(entries: list[tuple[str | None, str | None]]) -> int:
    """Entries left after merging those sharing a ref or a canonical purl (union-find)."""
    parent = list(range(len(entries)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, (ref, purl) in enumerate(entries):
        keys = []
        if ref:
            keys.append(("ref", ref))
        canonical = normalise_purl(purl)[0] if purl else None
        if canonical:
            keys.append(("purl", canonical))
        for k in keys:
            if k in first:
                parent[find(i)] = find(first[k])
            else:
                first[k] = i
    return len({find(i) for i in range(len(entries))})


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
@pytest.mark.parametrize("path", VALID, ids=corpus_id)
def test_component_counts(path: Path):
    sbom = read_sbom(str(path))
    entries = raw_entries(path)
    row = sources().get(corpus_id(path))
    if row and row["component_count"].isdigit():
        assert len(entries) == int(row["component_count"]), "SOURCES.tsv entry count"
    assert len(sbom.components) == distinct(entries)
    refs = [c.ref for c in sbom.components]
    assert len(refs) == len(set(refs))


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_duplicate_heavy_files_are_merged_and_reported(corpus):
    blog = read_sbom(str(corpus / "large/interlynk-io_sbomqs__samples_blogifier-dotnet-SBOM.json"))
    assert len(blog.components) == 300  # 1,649 entries, 300 distinct purls (corpus README)
    codes = {w.code for w in blog.warnings}
    assert {"duplicate-purl", "purl-type-mapped"} <= codes
    assert not any(c.purl and c.purl.startswith("pkg:dotnet/") for c in blog.components)
    assert sum(c.ecosystem == "nuget" for c in blog.components) > 100


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
@pytest.mark.parametrize("path", VALID, ids=corpus_id)
def test_cli_reads_every_valid_file(path: Path, capsys):
    assert main(["inspect", str(path), "--format", "json"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["components"]["total"] == len(read_sbom(str(path)).components)
    assert "Traceback" not in out.err


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
@pytest.mark.parametrize("path", INVALID, ids=corpus_id)
def test_invalid_files_warn_or_fail_cleanly(path: Path, capsys):
    rc = main(["inspect", str(path), "--format", "json", "--validate"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    if rc in (0, 1):  # 1: --validate found schema problems (the summary is still printed)
        data = json.loads(out.out)
        problems = data["warnings"] + data["schema"]["messages"]
        assert (rc == 1) == any(m["code"] == "schema" for m in data["schema"]["messages"])
        if path.name in SCHEMA_VALID_IN_INVALID:
            assert data["schema"]["valid"] is True
        else:
            assert problems, "a schema-invalid file must produce at least one warning"
    else:
        assert rc == 2
        lines = out.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("osaudit: error: ")
        assert str(path) in lines[0]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("invalid/guacsec_guac__internal_testing_testdata_exampledata_invalid-cyclonedx.json",
         "$.bomFormat: 'CDX'"),
        ("invalid/guacsec_guac__internal_testing_testdata_exampledata_invalid-spdx.json",
         "$.spdxVersion: 2 "),
        ("invalid/guacsec_guac__internal_testing_testdata_exampledata_invalid-cyclonedx.xml",
         "line 1 column 39: invalid XML"),
    ],
)
def test_unreadable_corpus_files(name: str, fragment: str, capsys):
    assert main(["inspect", str(CORPUS / name)]) == 2
    assert fragment in capsys.readouterr().err


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_strict_turns_warnings_into_errors(capsys):
    path = CORPUS / "invalid/CycloneDX_specification__tools_src_test_resources_1.6_invalid-missing-component-type-1.6.json"
    assert main(["inspect", str(path)]) == 0
    capsys.readouterr()
    assert main(["inspect", str(path), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "$.components[0]: component without type" in err


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_model_fields_from_real_files(corpus):
    spdx = read_sbom(str(corpus / "spdx/json/spdx_tools-python__tests_spdx_data_SPDXJSONExample-v2.3.spdx.json"))
    assert spdx.document.format == "spdx" and spdx.document.spec_version == "2.3"
    by = {c.name: c for c in spdx.components}
    glibc = by["glibc"]
    assert glibc.cpes and glibc.cpes[0].startswith("cpe:2.3:")
    assert glibc.licences_concluded[0].raw == "(LGPL-2.0-only OR LicenseRef-3)"
    assert glibc.licences_declared[0].raw == "(LGPL-2.0-only AND LicenseRef-3)"
    assert glibc.hashes and glibc.supplier == "Jane Doe"
    nested = read_sbom(str(corpus / "cyclonedx/json/guacsec_guac__internal_testing_testdata_exampledata_cyclonedx-components-nested.json"))
    parents = {c.ref: c.parent for c in nested.components}
    top = [r for r, p in parents.items() if p is None]
    assert len(top) == 1 and all(p == top[0] for r, p in parents.items() if r != top[0])


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_spdx3_licences_by_relationship_and_external_ids_by_reference(corpus):
    asm = read_sbom(str(corpus / "large/interlynk-io_sbomqs__samples_sbomasm-spdx3.spdx.json"))
    assert sum(c.purl is not None for c in asm.components) >= 40  # ExternalIdentifier by reference
    assert asm.document.tools == ("Microsoft.SBOMTool-4.1.4",)
    qs = read_sbom(str(corpus / "spdx3/interlynk-io_sbomqs__samples_sbomqs.spdx3.0.json"))
    declared = [c for c in qs.components if c.licences_declared]
    assert len(declared) >= 25
    assert {lic.expression for c in declared for lic in c.licences_declared} >= {"MIT", "Apache-2.0"}
    assert qs.document.created == "2024-03-06T00:00:00Z"  # blank-node CreationInfo


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_utf16_and_utf8_twins_read_the_same(corpus):
    a = read_sbom(str(corpus / "spdx/json/spdx_tools-python__tests_spdx_data_SPDXJSONExample-UTF-16.spdx.json"))
    b = read_sbom(str(corpus / "spdx/json/spdx_tools-python__tests_spdx_data_SPDXJSONExample-v2.2.spdx.json"))
    assert a.components == b.components
    assert "encoding" in {w.code for w in a.warnings}
    tv = read_sbom(str(corpus / "spdx/tv/spdx_tools-python__tests_spdx_data_SPDXTagExample-v2.2.spdx"))
    assert {(c.name, c.version, c.purl) for c in tv.components} == {
        (c.name, c.version, c.purl) for c in b.components
    }
