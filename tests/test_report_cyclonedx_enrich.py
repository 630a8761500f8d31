"""CycloneDX output that loses nothing: the input CycloneDX document written back enriched.

Every CycloneDX file of ../shared/corpus (all folders, generated/ included) and of
tests/fixtures/generated goes through the pipeline into ``--format cyclonedx``; the
output, with osaudit's properties taken out, must equal the input (key order, values,
XML elements, attributes and text), and it is validated with cyclonedx-python-lib's
JSON/XML schema for the output's specVersion: an output is valid unless its input is
not (a schema-invalid input keeps its own errors; osaudit adds none).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring

from osaudit.cli import main
from osaudit.errors import InputError, OsauditError
from osaudit.report import RenderContext, render
from osaudit.report.cyclonedx import IRI_REFERENCE
from osaudit.sbom.sniff import decode, sniff
from tests.conftest import CORPUS, SKIP_REASON, corpus_files, corpus_id
from tests.test_report_support import ROOT

NOW = datetime(2026, 11, 23, tzinfo=UTC)
GENERATED = ROOT / "tests" / "fixtures" / "generated"
NS_RE = re.compile(r"^\{http://cyclonedx\.org/schema/bom/[^}]*\}")


def _is_cyclonedx(path: Path) -> bool:
    try:
        data, _ = decode(str(path), path.read_bytes())
        return sniff(str(path), data).kind in ("cyclonedx-json", "cyclonedx-xml")
    except OsauditError:
        return path.suffix in (".json", ".xml") and "invalid" in path.parts  # reader: one line


HOSTILE = ROOT / "tests" / "fixtures" / "hostile.cdx.json"  # schema-invalid on purpose
FILES = [p for p in [*corpus_files(), *sorted(GENERATED.glob("*.json")), HOSTILE]
         if _is_cyclonedx(p)]


def _id(path: Path) -> str:
    return corpus_id(path) if CORPUS in path.parents else f"fixtures/{path.name}"


def _audit(path: Path | str) -> tuple[Any, bytes]:
    from osaudit.pipeline import AuditOptions, build

    result = build(str(path), AuditOptions(offline=True, now=NOW, collect_metadata=False,
                                           keep_source=True))  # fmt: skip
    ctx = RenderContext(sbom=result.sbom, sbom_path=str(path), source=result.source)
    return result, render("cyclonedx", result.report, ctx)


# --------------------------------------------------------------------------- JSON helpers
def _strip(value: Any) -> Any:
    """``value`` without osaudit properties (and without a ``properties`` left empty)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "properties" and isinstance(v, list):
                v = [p for p in v if not (isinstance(p, dict)
                                          and str(p.get("name", "")).startswith("osaudit:"))]
                if not v:
                    continue
            out[k] = _strip(v)
        return out
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every component entry: components (nested), metadata.component and its nested."""
    out: list[dict[str, Any]] = []

    def walk(comps: Any) -> None:
        for c in comps if isinstance(comps, list) else ():
            if isinstance(c, dict):
                out.append(c)
                walk(c.get("components"))

    walk(doc.get("components"))
    meta = doc.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("component"), dict):
        out.append(meta["component"])
        walk(meta["component"].get("components"))
    return out


def _props(obj: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in obj.get("properties") or []:
        found.setdefault(p["name"], []).append(p["value"])
    return found


_JSON_VALIDATORS: dict[str, Any] = {}


def _json_errors(doc: dict[str, Any], version: str) -> set[tuple[str, str]]:
    """All schema errors (path, message) with the strict schema of ``version``."""
    import jsonschema
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    if version not in _JSON_VALIDATORS:
        slow = JsonStrictValidator(SchemaVersion.from_version(version))._validator
        fast = jsonschema.FormatChecker(formats=())
        fast.checkers.update(jsonschema.Draft7Validator.FORMAT_CHECKER.checkers)
        for name in ("iri-reference", "iri"):  # the library's check: 0.5 s per URL
            fast.checkers[name] = (
                lambda v: not isinstance(v, str) or bool(IRI_REFERENCE.fullmatch(v)), ())
        _JSON_VALIDATORS[version] = jsonschema.Draft7Validator(
            slow.schema, registry=slow._registry, format_checker=fast)
    return {(e.json_path, e.message[:200]) for e in _JSON_VALIDATORS[version].iter_errors(doc)}


# --------------------------------------------------------------------------- XML helpers
def _xml_norm(el: Element) -> tuple[Any, ...]:
    """An element as comparable data, without osaudit properties and namespace version."""
    kids = []
    for k in el:
        if not isinstance(k.tag, str):
            continue
        local = NS_RE.sub("", k.tag)
        if local == "property" and k.get("name", "").startswith("osaudit:"):
            continue
        norm = _xml_norm(k)
        if local == "properties" and not norm[3]:
            continue
        kids.append(norm)
    text = (el.text or "").strip() and el.text
    tail = (el.tail or "").strip() and el.tail
    return (NS_RE.sub("", el.tag), sorted(el.attrib.items()), text or "", tuple(kids), tail or "")


def _xml_entries(root: Element) -> list[Element]:
    ns = root.tag[: root.tag.index("}") + 1]
    out: list[Element] = []

    def walk(parent: Element | None) -> None:
        if parent is None:
            return
        for c in parent.findall(ns + "component"):
            out.append(c)
            nested = c.findall(ns + "components")
            if nested:
                walk(nested[-1])

    walk(root.find(ns + "components"))
    meta = root.find(ns + "metadata")
    subject = meta.find(ns + "component") if meta is not None else None
    if subject is not None:
        out.append(subject)
        nested = subject.findall(ns + "components")
        if nested:
            walk(nested[-1])
    return out


def _xml_errors(text: str, version: str) -> list[str]:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.xml import XmlValidator

    errors = XmlValidator(SchemaVersion.from_version(version)).validate_str(text, all_errors=True)
    return sorted(NS_RE.sub("", str(e.data.message)) for e in errors or ())


def _xml_version(data: bytes) -> str:
    m = re.search(rb"cyclonedx\.org/schema/bom/([0-9.]+)", data)
    return m.group(1).decode() if m else ""


# --------------------------------------------------------------------------- the corpus
@pytest.mark.parametrize("path", FILES, ids=_id)
def test_corpus_document_written_back_with_properties(path: Path):
    try:
        result, out = _audit(path)
    except OsauditError as exc:
        assert "invalid" in path.parts, str(exc)
        pytest.skip(f"not readable (reader tests cover it): {str(exc)[:100]}")
    sbom = result.sbom
    source, _ = decode(str(path), path.read_bytes())
    if sbom.document.encoding == "json":
        _check_json(source, out, result)
    else:
        _check_xml(source, out, result)


def _check_json(source: bytes, out: bytes, result: Any) -> None:
    before = json.loads(source.decode("utf-8"), strict=False)
    after = json.loads(out)
    version = before.get("specVersion")
    if version in ("1.0", "1.1", "1.2"):
        assert after["specVersion"] == "1.3"
        before["specVersion"] = "1.3"
    meta_props = _props(after["metadata"])
    assert meta_props["osaudit:art41:verdict"] == [result.report.verdict.art41]
    assert meta_props["osaudit:catalog:digest"] == [result.report.catalog.digest]
    assert meta_props["osaudit:report:generated-at"] == ["2026-11-23T00:00:00Z"]
    assert meta_props["osaudit:output"] == ["enriched"]
    signed = "signature" in before
    assert signed == any("the input is signed" in n for n in meta_props.get("osaudit:note", []))
    stripped = _strip(after)
    if "metadata" not in before:
        assert stripped.pop("metadata") == {}
    # deep equality including key order: same JSON text once both are serialised alike
    assert json.dumps(stripped, ensure_ascii=False) == json.dumps(_strip(before),
                                                                   ensure_ascii=False)
    findings = result.report.by_ref()
    for entry in _entries(after):
        props = _props(entry)
        (ref,) = props["osaudit:ref"]
        if ref in findings:
            assert props["osaudit:lockin:level"] == [findings[ref].lockin.level]
        else:
            assert props["osaudit:role"] in (["subject"], ["subproject"]), ref
        assert all(len(v) == 1 for k, v in props.items()
                   if k.startswith("osaudit:") and k not in ("osaudit:alternative",
                                                             "osaudit:alternative-of",
                                                             "osaudit:lockin:lock",
                                                             "osaudit:lockin:open-standard")), props
    errors = _json_errors(after, after["specVersion"])
    if errors:  # the input's own errors (under the output's version), none of osaudit's
        assert errors <= _json_errors(before, after["specVersion"])


def _check_xml(source: bytes, out: bytes, result: Any) -> None:
    before, after = fromstring(source), fromstring(out)
    v_in, v_out = _xml_version(source), _xml_version(out)
    if v_in in ("1.0", "1.1", "1.2"):
        assert v_out == "1.3"
    else:
        assert v_out == v_in
    norm_before, norm_after = _xml_norm(before), _xml_norm(after)
    if norm_after != norm_before:  # a <metadata> osaudit added holds only properties
        kids = list(norm_after[3])
        assert kids[0][0] == "metadata" and not kids[0][3]
        norm_after = (*norm_after[:3], tuple(kids[1:]), norm_after[4])
    assert norm_after == norm_before
    assert out.count(b"<!--") == source.count(b"<!--")
    assert (b"2000/09/xmldsig#" in source) == (b"the input is signed" in out)
    ns = after.tag[: after.tag.index("}") + 1]
    findings = result.report.by_ref()
    for entry in _xml_entries(after):
        props: dict[str, list[str]] = {}
        for p in entry.findall(f"{ns}properties/{ns}property"):
            props.setdefault(p.get("name", ""), []).append(p.text or "")
        (ref,) = props["osaudit:ref"]
        if ref in findings:
            assert props["osaudit:lockin:level"] == [findings[ref].lockin.level]
    if v_out in ("1.3", "1.4", "1.5", "1.6", "1.7"):
        text_in = source.decode("utf-8")
        if v_in != v_out:
            text_in = text_in.replace(f"cyclonedx.org/schema/bom/{v_in}",
                                      f"cyclonedx.org/schema/bom/{v_out}")
        errors = _xml_errors(out.decode("utf-8"), v_out)
        if errors:
            assert errors == _xml_errors(text_in, v_out)


# --------------------------------------------------------------------------- behaviours
def _write(tmp_path: Path, name: str, doc: dict[str, Any] | str) -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def _comp(name: str, ref: str | None = None, purl: str | None = None, **kw: Any) -> dict:
    c: dict[str, Any] = {"type": "library", "name": name, "version": "1.0"}
    if ref is not None:
        c["bom-ref"] = ref
    if purl is not None:
        c["purl"] = purl
    c.update(kw)
    return c


def test_numbers_unicode_and_key_order_kept_as_written(tmp_path):
    text = (
        '{"specVersion": "1.6", "bomFormat": "CycloneDX", "version": 1, "components": '
        '[{"name": "caf\\u00e9 \u2603", "type": "library", "bom-ref": "a", '
        '"purl": "pkg:pypi/boto3@1.34.0", "zeta": 1, "alpha": 2}], '
        '"vulnerabilities": [{"id": "X", "ratings": [{"score": 9.80}, {"score": 1E2}, '
        '{"score": 0.30000000000000000001}, {"score": 123456789012345678901234567890}]}]}'
    )
    result, out = _audit(_write(tmp_path, "n.cdx.json", text))
    for literal in (b"9.80", b"1E2", b"0.30000000000000000001", b"123456789012345678901234567890"):
        assert literal in out
    doc = json.loads(out)
    assert list(doc) == ["specVersion", "bomFormat", "version", "metadata", "components",
                         "vulnerabilities"]
    comp = doc["components"][0]
    assert list(comp)[:6] == ["name", "type", "bom-ref", "purl", "zeta", "alpha"]
    assert comp["name"] == "caf\u00e9 \u2603" and "caf\u00e9".encode() in out
    family = result.report.by_ref()["a"].lockin.family
    assert family is not None and _props(comp)["osaudit:lockin:family"] == [family.id]


def test_duplicate_refs_and_missing_bom_refs(tmp_path):
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        _comp("boto3", "dup", "pkg:pypi/boto3@1.34.0"),
        _comp("boto3", "dup", "pkg:pypi/boto3@1.34.0"),  # same ref, same identity: merged
        _comp("stripe", "dup", "pkg:pypi/stripe@11.1.0"),  # same ref, another one: dup#2
        _comp("boto3", "other", "pkg:pypi/boto3@1.34.0"),  # same purl, other ref: merged
        _comp("left-pad", None, "pkg:npm/left-pad@1.3.0",
              components=[_comp("inner", None, "pkg:npm/inner@2.0.0")]),
    ]}  # fmt: skip
    result, out = _audit(_write(tmp_path, "d.cdx.json", doc))
    comps = json.loads(out)["components"]
    refs = [_props(c)["osaudit:ref"] for c in comps]
    assert refs == [["dup"], ["dup"], ["dup#2"], ["dup"], ["osaudit:$.components[4]"]]
    findings = result.report.by_ref()
    assert _props(comps[2])["osaudit:lockin:level"] == [findings["dup#2"].lockin.level]
    assert findings["dup#2"].purl == "pkg:pypi/stripe@11.1.0"
    assert _props(comps[1]) == _props(comps[0]) == _props(comps[3])
    inner = _props(comps[4]["components"][0])
    assert inner["osaudit:ref"] == ["osaudit:$.components[4].components[0]"]
    assert "bom-ref" not in comps[4] and "bom-ref" not in comps[4]["components"][0]
    assert {r for (r,) in refs} | {inner["osaudit:ref"][0]} == {
        c.ref for c in result.report.components}


def test_re_enriched_bom_has_its_properties_replaced_not_duplicated(tmp_path):
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
           "metadata": {"component": _comp("app", "app", type="application")},
           "components": [_comp("boto3", "b", "pkg:pypi/boto3@1.34.0",
                                properties=[{"name": "cdx:SrcFile", "value": "req.txt"},
                                            {"name": "osaudit:lockin:level", "value": "stale"}])]}  # fmt: skip
    result, first = _audit(_write(tmp_path, "a.cdx.json", doc))
    _, second = _audit(_write(tmp_path, "b.cdx.json", first.decode()))
    one, two = json.loads(first), json.loads(second)
    props = one["components"][0]["properties"]
    assert props[0] == {"name": "cdx:SrcFile", "value": "req.txt"}
    level = result.report.by_ref()["b"].lockin.level
    assert [p["value"] for p in props if p["name"] == "osaudit:lockin:level"] == [level] != ["stale"]
    assert two["components"] == one["components"]
    assert two["metadata"]["component"] == one["metadata"]["component"]
    assert _props(one["metadata"]["component"])["osaudit:role"] == ["subject"]
    names = [p["name"] for p in two["metadata"]["properties"]]
    assert len(names) == len(set(names) - {"osaudit:note"}) + names.count("osaudit:note")
    # the first output's own bytes differ from the second's only in the input digest
    assert _props(two["metadata"])["osaudit:sbom:sha256"] != _props(one["metadata"])[
        "osaudit:sbom:sha256"]


XML_16 = """<?xml version="1.0" encoding="UTF-8"?>
<!-- kept comment -->
<b:bom xmlns:b="http://cyclonedx.org/schema/bom/1.6" version="1">
\t<b:components>
\t\t<b:component type="library" bom-ref="boto">
\t\t\t<b:name>boto3</b:name>
\t\t\t<b:version>1.34.0</b:version>
\t\t\t<b:purl>pkg:pypi/boto3@1.34.0</b:purl>
\t\t\t<b:externalReferences><b:reference type="website"><b:url>https://x.example</b:url></b:reference></b:externalReferences>
\t\t\t<b:components>
\t\t\t\t<b:component type="library"><b:name>inner &amp; co</b:name><b:version>2</b:version><b:properties><b:property name="osaudit:ref">old</b:property><b:property name="keep">1</b:property></b:properties></b:component>
\t\t\t</b:components>
\t\t\t<b:evidence/>
\t\t</b:component>
\t</b:components>
</b:bom>
"""


def test_xml_properties_at_the_schema_place_with_the_documents_prefix(tmp_path):
    _, out = _audit(_write(tmp_path, "x.cdx.xml", XML_16))
    text = out.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- kept comment -->\n')
    assert _xml_errors(text, "1.6") == []
    root = fromstring(out)
    ns = "{http://cyclonedx.org/schema/bom/1.6}"
    outer = root.find(f"{ns}components/{ns}component")
    assert [NS_RE.sub("", k.tag) for k in outer] == [
        "name", "version", "purl", "externalReferences", "properties", "components", "evidence"]
    assert "\n\t\t\t<b:properties>\n\t\t\t\t<b:property name=\"osaudit:ref\">boto</b:property>" in text
    inner = outer.find(f"{ns}components/{ns}component")
    names = [p.get("name") for p in inner.find(f"{ns}properties")]
    assert names[0] == "keep" and names.count("osaudit:ref") == 1
    assert [p.text for p in inner.find(f"{ns}properties") if p.get("name") == "osaudit:ref"] == [
        "osaudit:$.components[0].components[0]"]
    meta = root.find(f"{ns}metadata")
    assert list(root).index(meta) == 0
    assert {p.get("name") for p in meta.find(f"{ns}properties")} >= {
        "osaudit:art41:verdict", "osaudit:catalog:digest", "osaudit:report:generated-at"}


def test_xml_1_2_written_in_the_1_3_namespace(tmp_path):
    doc = XML_16.replace("bom/1.6", "bom/1.2").replace("<b:evidence/>", "")
    _, out = _audit(_write(tmp_path, "x.cdx.xml", doc))
    text = out.decode()
    assert 'xmlns:b="http://cyclonedx.org/schema/bom/1.3"' in text and "bom/1.2" not in text
    assert _xml_errors(text, "1.3") == []
    assert "written in the 1.3 namespace" in text


def test_json_1_2_written_as_1_3_with_a_note(tmp_path):
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.2", "version": 1,
           "components": [_comp("boto3", "b", "pkg:pypi/boto3@1.34.0")]}
    _, out = _audit(_write(tmp_path, "a.cdx.json", doc))
    bom = json.loads(out)
    assert bom["specVersion"] == "1.3" and not _json_errors(bom, "1.3")
    assert any("specVersion 1.2 has no properties" in n
               for n in _props(bom["metadata"])["osaudit:note"])


def test_xml_entities_refused_when_writing_back():
    from osaudit.report.cyclonedx import Enrichment
    from osaudit.report.cyclonedx_xml import enrich
    from tests.test_report_support import sample_report

    bomb = (b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa">]>'
            b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components/>&a;</bom>')
    report = sample_report()
    with pytest.raises(InputError, match="refused"):
        enrich(bomb, report, Enrichment.of(report, None), "bomb.xml")


def test_output_deterministic_and_cli_writes_the_enriched_document(tmp_path, monkeypatch):
    src = GENERATED / "e-gov_GOVSSO-Session.cdxgen.cdx.json"
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    outs = []
    for name in ("a.cdx.json", "b.cdx.json"):
        args = ["audit", str(src), "--offline", "--quiet", "--now", "2026-11-23T00:00:00Z",
                "--format", "cyclonedx", "-o", str(tmp_path / name)]
        assert main(args) in (0, 1)
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    bom = json.loads(outs[0])
    before = json.loads(src.read_bytes())
    assert _strip(bom) == _strip(before)  # cdxgen's SrcFile, scope, publisher... all kept
    assert any(p["name"] == "SrcFile" or p["name"].startswith("cdx:")
               for c in before["components"] for p in c.get("properties", []))


def test_spdx_input_converted_with_what_it_cannot_carry():
    path = CORPUS / "spdx" / "json" / (
        "guacsec_guac__internal_testing_testdata_exampledata_alpine-spdx.json")
    if not path.is_file():
        pytest.skip(SKIP_REASON)
    _, out = _audit(path)
    bom = json.loads(out)
    meta = _props(bom["metadata"])
    assert meta["osaudit:output"] == ["converted"]
    notes = " ".join(meta["osaudit:note"])
    assert "converted from the spdx" in notes and "not carried by a conversion" in notes
    assert "relationships other than dependencies" in notes
    assert not _json_errors(bom, "1.6")


def test_stdin_input_is_written_back_through_the_command(tmp_path):
    """``osaudit audit -`` keeps the bytes it read from the pipe for the CycloneDX output."""
    import os
    import subprocess
    import sys

    run = [sys.executable, "-c", "import sys; from osaudit.cli import main; sys.exit(main())"]
    env = {**os.environ, "OSAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [*run, "audit", "-", "--offline", "--quiet", "--now", "2026-11-23T00:00:00Z",
         "--format", "cyclonedx"],
        input=XML_16.encode(), capture_output=True, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stdout.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- kept comment -->')
    assert b'<b:property name="osaudit:ref">boto</b:property>' in proc.stdout
    assert _xml_errors(proc.stdout.decode(), "1.6") == []
