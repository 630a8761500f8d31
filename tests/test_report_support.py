"""Shared helpers for the report-format tests (sample and hostile reports, schemas).

Imported by the other ``test_report_*`` modules; it holds no tests itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from osaudit.report.model import Report

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
NOW = "2026-11-23T00:00:00Z"

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "a|b||c",
    "`rm -rf /` ```code```",
    "=cmd|' /C calc'!A0",
    "evil\u202egnp.exe",
    "line1\nline2\r\n# heading\n- item",
    "@SUM(1+1)",
    "+1-1",
    "-2+3",
    "\tTAB",
    "![img](https://evil.example/x.png) <a href='javascript:alert(1)'>x</a>",
)
BIG = "N" * 10240


def sample_report_dict() -> dict[str, Any]:
    """The sample report as parsed JSON (for tests that edit it before typing it)."""
    return json.loads((FIXTURES / "sample-report.json").read_text(encoding="utf-8"))


def sample_report() -> Report:
    return Report.from_json((FIXTURES / "sample-report.json").read_bytes())


# Keys whose values are enums or numbers in the report spec: kept valid.
_KEEP = {
    "schema_version", "level", "worst_level", "axis", "art41", "score", "points", "direct",
    "osi_approved", "fsf_libre", "open_source", "compatible", "passed", "status", "swap",
    "confidence", "method", "format", "encoding", "non_eu_share", "components",
    "generated_at", "sha256", "project_licence_source", "fail_on_unknown",
    "lockin", "licence", "maintenance",  # as string values: policy.fail_on thresholds
}


def hostile_report() -> Report:
    """The sample report with a hostile string in every free-text field."""
    return Report.from_dict(hostile_report_dict())


def hostile_report_dict() -> dict[str, Any]:
    """:func:`hostile_report` as parsed JSON."""
    report = sample_report_dict()
    counter = iter(range(10**6))

    def poison(node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            return {k: poison(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [poison(v, key) for v in node]
        if isinstance(node, str) and key not in _KEEP:
            i = next(counter)
            extra = BIG if i % 17 == 0 else HOSTILE[i % len(HOSTILE)]
            return extra + node if key != "homepage" else "javascript:alert(1)//" + node
        return node

    hostile = poison(report)
    # Dict keys that carry SBOM-ish text.
    hostile["summary"]["licence_categories"][HOSTILE[0]] = 1
    hostile["summary"]["jurisdictions"][HOSTILE[1]] = 1
    hostile["sovereignty"]["by_jurisdiction"][HOSTILE[2]] = 1
    hostile["tool"]["name"] = "osaudit"  # a constant of the schema, not SBOM text
    return hostile


def sarif_validator() -> Any:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (shared material absent)")
    import jsonschema

    return jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def cdx_validate(text: str) -> Any:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)


# --------------------------------------------------------------------------- fast IRI check
# cyclonedx-python-lib's strict validator checks "iri-reference" with an Earley parser
# (rfc3987_syntax via jsonschema): about 0.5 s per URL, hours for the whole corpus. For
# the corpus-wide test the same schema is used with osaudit's regex transcription of
# the RFC 3987 ABNF (IRI_REFERENCE) instead; test_report_cyclonedx checks that both agree on tricky cases,
# and the sample, hostile and example outputs go through the unmodified validator.
from osaudit.report.cyclonedx import IRI_REFERENCE  # noqa: E402


def fast_cdx_validator() -> Any:
    """The library's strict CycloneDX 1.6 schema and registry with a fast IRI check."""
    import jsonschema
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    slow = JsonStrictValidator(SchemaVersion.V1_6)._validator  # schema + registry
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    fast = jsonschema.FormatChecker(formats=())
    for name, func in checker.checkers.items():
        fast.checkers[name] = func
    for name in ("iri-reference", "iri"):
        fast.checkers[name] = (
            lambda v, _n=name: not isinstance(v, str) or bool(IRI_REFERENCE.fullmatch(v)),
            (),
        )
    return jsonschema.Draft7Validator(
        slow.schema, registry=slow._registry, format_checker=fast
    )


def audit_dict(path: str, **kw: Any) -> dict[str, Any]:
    """``osaudit.audit(path, AuditOptions(**kw))`` as parsed JSON (the report's JSON view).

    ``now`` may be an ISO string; ``catalog`` and ``fail_on`` a single string.
    """
    from osaudit.pipeline import AuditOptions, audit, parse_now

    if isinstance(kw.get("now"), str):
        kw["now"] = parse_now(kw["now"])
    for key in ("catalog", "fail_on"):
        if isinstance(kw.get(key), str):
            kw[key] = (kw[key],)
    return audit(path, AuditOptions(**kw)).to_dict()
