"""``--validate``: check a document against its official schema.

* CycloneDX JSON/XML: cyclonedx-python-lib's JSON-schema / XSD validators for
  the document's spec version (1.2-1.7 JSON, 1.0-1.7 XML).
* SPDX 2 JSON and tag-value: spdx-tools' parser plus
  ``validate_full_spdx_document`` (spec 2.2/2.3 rules).
* SPDX 3 JSON-LD: structural checks only (JSON-LD context, every element has a
  type and id, one CreationInfo with specVersion and created, relationship ends
  present in the graph or imported). SHACL shape validation (property types,
  cardinalities, class hierarchy) is NOT done: it needs pyshacl, not a dependency.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

from osaudit.model import Warning
from osaudit.sbom import cyclonedx_xml
from osaudit.sbom.common import as_list
from osaudit.sbom.load import DEFAULT_MAX_BYTES, read_bytes
from osaudit.sbom.sniff import decode, sniff

MAX_MESSAGES = 200


def validate_schema(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Warning]:
    """Schema problems of the document at ``path`` as warnings (empty list: valid)."""
    data, _ = decode(path, read_bytes(path, max_bytes))
    found = sniff(path, data)
    if found.kind == "cyclonedx-json":
        return _cyclonedx(data.decode("utf-8"), str(found.json.get("specVersion")), xml=False)
    if found.kind == "cyclonedx-xml":
        root = cyclonedx_xml.parse(path, data)  # refuses bombs/XXE before lxml sees the file
        ns = root.tag[1:].partition("}")[0]
        return _cyclonedx(data.decode("utf-8"), ns.rpartition("/")[2], xml=True)
    if found.kind == "spdx2-json":
        return _spdx2(found.json, None)
    if found.kind == "spdx2-tv":
        return _spdx2(None, data.decode("utf-8"))
    return _spdx3(found.json)


def _cyclonedx(text: str, version: str, *, xml: bool) -> list[Warning]:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonValidator
    from cyclonedx.validation.xml import XmlValidator

    try:
        sv = SchemaVersion.from_version(version)
    except (ValueError, TypeError):
        return [Warning("schema-unavailable", f"no CycloneDX schema for specVersion {version!r}")]
    validator = XmlValidator(sv) if xml else JsonValidator(sv)
    try:
        errors = list(validator.validate_str(text, all_errors=True) or ())
    except NotImplementedError:
        fmt = "XML" if xml else "JSON"
        return [Warning("schema-unavailable", f"no CycloneDX {fmt} schema for {version}")]
    except Exception as exc:  # noqa: BLE001 - a validator bug must not end the run
        return [Warning("validator-failed", f"cyclonedx-python-lib failed: "
                        f"{type(exc).__name__}: {exc}"[:300])]  # fmt: skip
    out: list[Warning] = []
    for err in errors:
        out.append(_cdx_warning(err.data, xml))
        if len(out) >= MAX_MESSAGES:
            break
    return out


def _cdx_warning(data: Any, xml: bool) -> Warning:
    if xml:
        return Warning("schema", str(getattr(data, "message", data)), f"line {data.line}")
    path = getattr(data, "json_path", None)
    return Warning("schema", str(getattr(data, "message", data))[:300], path)


def _spdx2(value: dict[str, Any] | None, text: str | None) -> list[Warning]:
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):  # ply chatter
            document = _spdx2_parse(value, text)
            messages = validate_full_spdx_document(document)
    except SPDXParsingError as exc:
        return [Warning("schema", m[:300]) for m in exc.get_messages()[:MAX_MESSAGES]]  # type: ignore[no-untyped-call]
    except Exception as exc:  # noqa: BLE001 - a validator bug must not end the run
        return [Warning("validator-failed", f"spdx-tools could not parse the document: "
                        f"{type(exc).__name__}: {exc}"[:300])]  # fmt: skip
    return [
        Warning("schema", m.validation_message[:300], _spdx_context(m.context))
        for m in messages[:MAX_MESSAGES]
    ]


def _spdx2_parse(value: dict[str, Any] | None, text: str | None) -> Any:
    if value is not None:
        from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

        return JsonLikeDictParser().parse(value)  # type: ignore[no-untyped-call]
    from spdx_tools.spdx.parser.tagvalue.parser import Parser

    return Parser().parse(text)  # type: ignore[no-untyped-call]


def _spdx_context(ctx: Any) -> str | None:
    return getattr(ctx, "spdx_id", None) or getattr(ctx, "parent_id", None)


def _spdx3(doc: dict[str, Any]) -> list[Warning]:
    out: list[Warning] = []
    ctx = str(doc.get("@context", ""))
    if "spdx.org/rdf/3." not in ctx:
        out.append(Warning("schema", f"@context {ctx!r} is not an SPDX 3 context", "$.@context"))
    graph = doc.get("@graph")
    if not isinstance(graph, list):
        return [*out, Warning("schema", "@graph missing or not an array", "$.@graph")]
    ids: set[str] = set()
    imported: set[str] = set()
    infos = 0
    for i, e in enumerate(graph):
        loc = f"$.@graph[{i}]"
        if not isinstance(e, dict):
            out.append(Warning("schema", "element is not an object", loc))
            continue
        if not e.get("type"):
            out.append(Warning("schema", "element without type", loc))
        eid = e.get("spdxId") or e.get("@id")
        if not eid:
            out.append(Warning("schema", "element without spdxId/@id", loc))
        else:
            ids.add(str(eid))
        if e.get("type") == "CreationInfo":
            infos += 1
            for key in ("specVersion", "created"):
                if not e.get(key):
                    out.append(Warning("schema", f"CreationInfo without {key}", loc))
        for imp in as_list(e.get("import")):
            if isinstance(imp, dict) and imp.get("externalSpdxId"):
                imported.add(str(imp["externalSpdxId"]))
    if infos == 0:
        out.append(Warning("schema", "no CreationInfo in the graph", "$.@graph"))
    for i, e in enumerate(graph):
        if isinstance(e, dict) and "Relationship" in str(e.get("type")):
            ends = [e.get("from"), *as_list(e.get("to"))]
            for end in ends:
                if isinstance(end, str) and end not in ids and end not in imported:
                    out.append(Warning("schema", f"relationship end {end!r} not in the graph",
                                       f"$.@graph[{i}]"))  # fmt: skip
    return out[:MAX_MESSAGES]
