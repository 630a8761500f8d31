"""SARIF 2.1.0 output for GitHub code scanning and other SARIF consumers.

One result per component and rule family: lock-in (with the Art. 41 justification it
needs, merged: a vendor product's justification is one result for all its packages),
licence, maintenance. Unknown licences are one result for the whole SBOM, and a
``fail`` verdict one more. Results point at the manifest line declaring the dependency
when the repository has one (a transitive component: the line of the direct dependency
that pulls it in, :func:`osaudit.report.locate.place`), else at the SBOM line naming
the component; URIs are relative to the repository root (``%SRCROOT%``), never
absolute. Rules link to the published docs (:mod:`osaudit.report.links`).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from osaudit import __version__
from osaudit.naming import display_name
from osaudit.report.context import RenderContext
from osaudit.report.escape import plain
from osaudit.report.links import doc_url, rule_url
from osaudit.report.locate import Declaration, ManifestIndex, Placement, build_index, place
from osaudit.report.model import (
    AlternativeOption,
    ComponentResult,
    Justification,
    JustificationAlternative,
    Report,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
REPORTED_LEVELS = ("medium", "high", "critical")
_SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
#: ``properties.security-severity`` of a result by the level of its finding (GitHub's
#: bands: 9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low).
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "4.0", "low": "2.0"}
SRCROOT = "%SRCROOT%"
SBOMDIR = "SBOMDIR"  # the SBOM's own directory, when it is outside the repository root
_BASES = {
    SRCROOT: "The repository root (--repo-root, default the current directory).",
    SBOMDIR: "The directory of the SBOM, which is outside the repository root.",
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    short: str
    full: str
    help_md: str
    tags: tuple[str, ...]
    level: str
    security_severity: str | None = None


RULES: tuple[Rule, ...] = (
    Rule(
        "osaudit/lockin",
        "VendorLockIn",
        "Dependency ties the application to one vendor",
        "The component is the client or product of a vendor-controlled service or "
        "licence listed in the osaudit catalogue (medium, high or critical lock-in).",
        "A lock-in finding means the dependency binds the application to a vendor's "
        "proprietary API, licence or hosted service.\n\n"
        "**Remediation:** move to one of the open-source alternatives named in the "
        "result (an *api-compatible* swap keeps the same client; an *adapter* needs a "
        "small change; a *rewrite* a different API), or record a justification with an "
        "exception in `osaudit.toml`.",
        ("lock-in", "sovereignty", "open-source-first"),
        "warning",
    ),
    Rule(
        "osaudit/licence",
        "LicenceNotOpen",
        "Dependency licence is not open source or is restrictive",
        "The component's licence is source-available, proprietary, non-commercial or "
        "otherwise scored at medium risk or worse for licence openness.",
        "The licence of this dependency does not meet the open-source definition, or "
        "it restricts reuse.\n\n**Remediation:** replace it with an openly licensed "
        "alternative, obtain a compatible licence, or justify the choice.",
        ("licence", "compliance", "open-source-first"),
        "error",
    ),
    Rule(
        "osaudit/licence-unknown",
        "LicenceUnknown",
        "Dependency licence is unknown",
        "The SBOM gives no usable licence for this component (missing, NOASSERTION or "
        "unparseable), so its openness cannot be assessed.",
        "osaudit could not determine the licence of this dependency.\n\n"
        "**Remediation:** regenerate the SBOM with licence data, or check the "
        "package's licence by hand and record it.",
        ("licence", "data-quality"),
        "note",
    ),
    Rule(
        "osaudit/maintenance",
        "MaintenanceRisk",
        "Dependency is poorly maintained",
        "Release activity, maintainers, archival status or known vulnerabilities put "
        "this component at medium maintenance risk or worse.",
        "The dependency shows signs of weak maintenance (stale releases, archived "
        "repository, few maintainers or open vulnerabilities).\n\n**Remediation:** "
        "upgrade, fund the maintainers, or replace the component.",
        ("maintenance", "supply-chain", "security"),
        "warning",
        "5.0",
    ),
    Rule(
        "osaudit/art41",
        "OpenSourceFirstJustification",
        "Art. 41 open-source-first: written justification required",
        "The component is proprietary, source-available or carries high vendor lock-in; "
        "under an open-source-first policy its use needs a written justification "
        "unless an approved exception covers it.",
        "Open-source-first rules require public bodies to prefer open-source solutions "
        "and to justify exceptions.\n\n**Remediation:** switch to one of the listed "
        "alternatives, or write the justification and add an exception (pattern, "
        "reason, approver, expiry) to the policy file.",
        ("open-source-first", "policy", "procurement"),
        "warning",
    ),
)
_RULE_INDEX = {rule.id: i for i, rule in enumerate(RULES)}


def _rule_json(rule: Rule) -> dict[str, Any]:
    props: dict[str, Any] = {"tags": list(rule.tags)}
    if rule.security_severity is not None:
        props["security-severity"] = rule.security_severity
    help_text = re.sub(r"[*`]", "", rule.help_md)
    url = rule_url(rule.id)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {
            "text": f"{help_text}\n\nDocumentation: {url}",
            "markdown": f"{rule.help_md}\n\n[How osaudit decides this]({url})",
        },
        "helpUri": url,
        "defaultConfiguration": {"level": rule.level},
        "properties": props,
    }


# --------------------------------------------------------------------------- locations


def _sbom_uri(sbom_path: str, repo_root: Path | None) -> tuple[str, str]:
    """(uri, uriBaseId) of the SBOM: relative to the repository root when it is inside,
    else its file name relative to its own directory. Never an absolute path."""
    if not sbom_path or sbom_path == "-":
        return "stdin", SBOMDIR
    path = Path(sbom_path)
    if repo_root is not None:
        try:
            rel = path.resolve().relative_to(repo_root.resolve())
            return _quote(rel.as_posix()), SRCROOT
        except (ValueError, OSError):
            return _quote(path.name or "sbom"), SBOMDIR
    if path.is_absolute() or ".." in path.parts:
        return _quote(path.name or "sbom"), SBOMDIR
    return _quote(PurePosixPath(*path.parts).as_posix() if path.parts else "sbom"), SRCROOT


def _quote(posix: str) -> str:
    return quote(posix.removeprefix("./"), safe="/@:+,;=-._~")


class _SbomLines:
    """Line numbers of components in an SBOM's text (first occurrence of purl/ref/name).

    JSON SBOMs are searched for the value as a JSON string literal; XML and SPDX
    tag-value SBOMs for the raw (and XML-escaped) text. The text is indexed once
    (literal -> first offset), so a look-up costs the same for the 10th and the
    100,000th component; only a purl found in none of those places falls back to a
    substring search, remembered per value.
    """

    _JSON_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')
    _XML_TEXT = re.compile(r">[^<>]*<")
    _XML_ATTR = re.compile(r'"[^"<>\n]*"')
    _TAIL_MAX = 512  # longest tag-value line tail indexed

    def __init__(self, path: Path | None) -> None:
        self.text = ""
        self.json = False
        if path is not None and path.is_file() and path.stat().st_size < 256 * 1024 * 1024:
            try:
                self.text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self.text = ""
            self.json = self.text.lstrip().startswith(("{", "["))
        self._starts: list[int] = [0]
        for m in re.finditer("\n", self.text):
            self._starts.append(m.end())
        self._first: dict[str, int] = {}
        self._found: dict[str, int] = {}
        if self.json:
            self._index(self._JSON_LITERAL)
        elif self.text:
            self._index(self._XML_TEXT)
            self._index(self._XML_ATTR)
            self._index_tails()

    def _index(self, pattern: re.Pattern[str]) -> None:
        first = self._first
        for m in pattern.finditer(self.text):
            first.setdefault(m.group(), m.start())

    def _index_tails(self) -> None:
        """Every `` value\n`` ending a line (the tag-value needle), first offset."""
        first = self._first
        text = self.text
        for i, start in enumerate(self._starts):
            end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else len(text)
            if end >= len(text) or end - start > self._TAIL_MAX:
                continue  # the last line has no newline; long lines are not values
            line = text[start:end]
            pos = line.find(" ")
            while pos >= 0:
                first.setdefault(line[pos:] + "\n", start + pos)
                pos = line.find(" ", pos + 1)

    def _needles(self, value: str) -> list[str]:
        if self.json:
            quoted = json.dumps(value)
            return [quoted, quoted.replace("/", "\\/")]
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        needles = [f">{escaped}<", f'"{escaped}"', f" {value}\n"]
        if value.startswith("pkg:"):  # a purl is distinctive enough on its own
            needles.append(value)
        return needles

    def _position(self, needle: str) -> int:
        pos = self._first.get(needle)
        if pos is not None:
            return pos
        if self.json or not needle.startswith("pkg:"):
            return -1
        pos = self._found.get(needle)
        if pos is None:
            pos = self._found[needle] = self.text.find(needle)
        return pos

    def line_of(self, *values: str | None) -> int | None:
        if not self.text:
            return None
        for value in values:
            if not value:
                continue
            for needle in self._needles(value):
                pos = self._position(needle)
                if pos >= 0:
                    return bisect.bisect_right(self._starts, pos)
        return None


def _sbom_file(ctx: RenderContext, report: Report) -> Path | None:
    given = ctx.sbom_path or report.sbom.path or ""
    if not given or given == "-":
        return None
    path = Path(given)
    if not path.is_absolute() and ctx.repo_root is not None and not path.exists():
        path = ctx.repo_root / path
    return path


def _physical(uri: str, base: str, line: int | None) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": base}}
    # GitHub code scanning needs region.startLine on every result (sarif-sdk rule GH1003):
    # when the place is unknown, the file's first line stands for the whole file.
    loc["region"] = {"startLine": line if line is not None else 1}
    return {"physicalLocation": loc}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class _Who:
    """The component a result is about (a report row, or a justification without one)."""

    ref: str | None
    purl: str | None
    name: str
    version: str | None = None
    group: str | None = None
    ecosystem: str | None = None

    @classmethod
    def of(cls, c: ComponentResult | Justification) -> _Who:
        if isinstance(c, ComponentResult):
            return cls(c.ref, c.purl, c.name, c.version, c.group, c.ecosystem)
        return cls(c.ref, c.purl, c.name, c.version)

    def identity(self) -> str:
        purl = self.purl or ""
        if purl:
            return purl.split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[0] if "@" in purl else purl
        return "/".join(p or "" for p in (self.ecosystem, self.group, self.name))

    def label(self) -> str:
        name = display_name(self.group, self.name or self.ref or "?", self.ecosystem)
        return plain(f"{name}@{self.version}" if self.version else name, 160)


def _fingerprint(rule_id: str, who: _Who, extra: str = "") -> str:
    key = "\x1f".join((rule_id, who.identity(), extra))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _alternatives_text(alternatives: Sequence[AlternativeOption | JustificationAlternative]) -> str:
    if not alternatives:
        return ""
    items = []
    for a in alternatives[:5]:
        licence = a.licence if isinstance(a, AlternativeOption) else None
        items.append(
            f"{plain(a.name, 80)} ({plain(a.swap, 20)}, {plain(licence, 40)})"
            if licence
            else f"{plain(a.name, 80)} ({plain(a.swap, 20)})"
        )
    more = f" and {len(alternatives) - 5} more" if len(alternatives) > 5 else ""
    return " Alternatives: " + "; ".join(items) + more + "."


@dataclass(frozen=True, slots=True)
class _Finding:
    rule_id: str
    level: str  # SARIF level
    grade: str | None  # the finding's own level (critical..low) -> security-severity
    text: str


def _lockin_text(label: str, component: ComponentResult) -> str:
    lockin = component.lockin
    family, vendor = lockin.family, lockin.vendor
    juris = vendor.jurisdiction if vendor else None
    where = f" ({plain(juris, 10)})" if juris else ""
    fam_name = (family.name or family.id) if family else None
    return (
        f"{label}: {lockin.level} vendor lock-in (score {lockin.score}) via "
        f"{plain(fam_name or 'a catalogued vendor', 120)}"
        f" of {plain((vendor.name if vendor else None) or 'unknown vendor', 120)}{where}."
    )


def _component_findings(component: ComponentResult, justified: bool) -> list[_Finding]:
    """The findings of one component; its lock-in is left to its justification if any."""
    out: list[_Finding] = []
    label = _Who.of(component).label()
    lockin = component.lockin
    level = lockin.level
    if level in REPORTED_LEVELS and not justified:
        msg = _lockin_text(label, component) + _alternatives_text(lockin.alternatives)
        out.append(_Finding("osaudit/lockin", _SARIF_LEVEL[level], level, msg))
    licence = component.licence
    level = licence.level
    expr = licence.expression or ", ".join(licence.raw)
    if level in REPORTED_LEVELS:
        msg = (
            f"{label}: licence {plain(expr or 'unknown', 120)} is "
            f"{plain(licence.category, 40)} ({level} risk, openness "
            f"{licence.score}/100)."
        )
        msg += _alternatives_text(lockin.alternatives)
        out.append(_Finding("osaudit/licence", _SARIF_LEVEL[level], level, msg))
    maint = component.maintenance
    level = maint.level
    if level in REPORTED_LEVELS:
        reasons = "; ".join(plain(r.message, 160) for r in maint.reasons[:3])
        msg = f"{label}: {level} maintenance risk (score {maint.score})."
        out.append(
            _Finding("osaudit/maintenance", _SARIF_LEVEL[level], level, f"{msg} {reasons}".rstrip())
        )
    return out


def _justification_finding(
    just: Justification, by_ref: dict[str, ComponentResult], level: str
) -> tuple[_Who, _Finding]:
    """One Art. 41 result for a justification, its lock-in merged in."""
    comp = by_ref.get(just.ref)
    who = _Who.of(comp or just)
    why = plain(just.why, 200)
    packages = just.packages
    if isinstance(packages, tuple):  # a vendor product: one result for all its packages
        clients = [p for p in packages if p.role == "client"]
        names = ", ".join(
            plain(f"{p.name}@{p.version}" if p.version else p.name, 120) for p in clients[:5]
        )
        more = f" and {len(clients) - 5} more" if len(clients) > 5 else ""
        plumbing = len(packages) - len(clients)
        under = f"; {plumbing} plumbing package(s) under them" if plumbing else ""
        vendor = plain(just.vendor, 120) if isinstance(just.vendor, str) else "unknown vendor"
        grade: str | None = just.level if isinstance(just.level, str) else None
        text = (
            f"{plain(just.name, 120)} ({vendor}): Art. 41 open-source-first justification "
            f"required for this vendor product: {why}. Clients {names}{more}{under}."
        )
    else:
        grade = _worst(comp.lockin.level, comp.licence.level) if comp else None
        text = f"{who.label()}: Art. 41 open-source-first justification required: {why}."
        if comp is not None and comp.lockin.level in REPORTED_LEVELS:
            text += " " + _lockin_text(who.label(), comp).split(": ", 1)[1].capitalize()
    # A component's own alternatives name their licences; a product's exits are its own.
    own = comp.lockin.alternatives if comp is not None and not isinstance(packages, tuple) else ()
    text += _alternatives_text(own or just.alternatives)
    return who, _Finding("osaudit/art41", level, grade, text)


def _worst(*levels: str) -> str | None:
    ranked = [lv for lv in ("critical", "high", "medium", "low") if lv in levels]
    return ranked[0] if ranked else None


class _Locator:
    """Places results: the repository's manifests, else the SBOM line of the component."""

    def __init__(self, report: Report, ctx: RenderContext) -> None:
        sbom_file = _sbom_file(ctx, report)
        given = str(sbom_file) if sbom_file is not None else ""
        self.sbom_uri, self.sbom_base = _sbom_uri(given, ctx.repo_root)
        self.manifests: ManifestIndex = build_index(ctx.repo_root)
        self.lines = _SbomLines(sbom_file)
        self.by_ref = report.by_ref()

    def sbom(self, who: _Who) -> dict[str, Any]:
        line = self.lines.line_of(who.purl, who.ref, who.name)
        return _physical(self.sbom_uri, self.sbom_base, line)

    def place(self, who: _Who) -> tuple[Placement | None, str]:
        """(placement, note for the message) of a component's result."""
        comp = self.by_ref.get(who.ref or "")
        if comp is None:
            found = self.manifests.find(who.ecosystem, who.name, who.group)
            return (Placement(found) if found else None), ""
        placed = place(self.manifests, comp, self.by_ref)
        if placed is None or placed.via is None:
            return placed, ""
        parent = self.by_ref.get(placed.via)
        via = _Who.of(parent).label() if parent else plain(placed.via, 160)
        decl = placed.declaration
        return placed, (
            f" Transitive: shown at the declaration of {via} ({plain(decl.path, 200)} line "
            f"{decl.line}), the direct dependency that pulls it in."
        )


def _manifest_physical(decl: Declaration) -> dict[str, Any]:
    return _physical(_quote(decl.path), SRCROOT, decl.line)


def _result(finding: _Finding, who: _Who, where: _Locator, extra: str = "") -> dict[str, Any]:
    sbom_physical = where.sbom(who)
    placed, note = where.place(who)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": _RULE_INDEX[finding.rule_id],
        "level": finding.level,
        "message": {"text": finding.text + note},
        "partialFingerprints": {
            "osauditFinding/v1": _fingerprint(finding.rule_id, who, extra)
        },
    }
    if placed is not None:
        result["locations"] = [_manifest_physical(placed.declaration)]
        related = [dict(sbom_physical, id=1, message={"text": "SBOM entry"})]
        if placed.own is not None:
            own = _manifest_physical(placed.own)
            related.append(dict(own, id=2, message={"text": "Lockfile entry of the component"}))
        result["relatedLocations"] = related
    else:
        result["locations"] = [sbom_physical]
    props: dict[str, Any] = {}
    if who.purl:
        props["purl"] = plain(who.purl, 500)
    if who.ref:
        props["ref"] = plain(who.ref, 500)
    if finding.grade in SECURITY_SEVERITY:
        props["security-severity"] = SECURITY_SEVERITY[finding.grade]
        props["osauditLevel"] = finding.grade
    if props:
        result["properties"] = props
    return result


def _unknown_licences(report: Report, where: _Locator) -> dict[str, Any] | None:
    """One note for every component whose licence is unknown."""
    unknown = [c for c in report.components if c.licence.level == "unknown"]
    if not unknown:
        return None
    names = ", ".join(_Who.of(c).label() for c in unknown[:10])
    more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
    text = (
        f"{len(unknown)} component(s) have no usable licence in the SBOM (missing, "
        f"NOASSERTION or unparseable), so their openness cannot be assessed: {names}{more}."
    )
    first = _Who.of(unknown[0])
    whole = _Who(None, None, "sbom")
    return {
        "ruleId": "osaudit/licence-unknown",
        "ruleIndex": _RULE_INDEX["osaudit/licence-unknown"],
        "level": "note",
        "message": {"text": text},
        "locations": [where.sbom(first)],
        "partialFingerprints": {
            "osauditFinding/v1": _fingerprint("osaudit/licence-unknown", whole, "all")
        },
        "properties": {
            "count": len(unknown),
            "components": [plain(c.purl or c.ref, 500) for c in unknown],
        },
    }


def build(report: Report, ctx: RenderContext) -> dict[str, Any]:
    """The SARIF log as a dict."""
    where = _Locator(report, ctx)
    by_ref = where.by_ref
    verdict = report.verdict
    art41 = verdict.art41
    art_level = "error" if art41 == "fail" else "warning"
    justified = {ref for j in verdict.justifications_required for ref in j.refs()}
    results: list[dict[str, Any]] = []
    for component in report.components:
        who = _Who.of(component)
        for finding in _component_findings(component, component.ref in justified):
            results.append(_result(finding, who, where))
    for just in verdict.justifications_required:
        who, finding = _justification_finding(just, by_ref, art_level)
        results.append(_result(finding, who, where))
    unknown = _unknown_licences(report, where)
    if unknown is not None:
        results.append(unknown)
    if art41 == "fail":
        reasons = "; ".join(plain(r, 200) for r in verdict.reasons[:5])
        whole = _Who(None, None, where.sbom_uri)
        results.append(
            {
                "ruleId": "osaudit/art41",
                "ruleIndex": _RULE_INDEX["osaudit/art41"],
                "level": "error",
                "message": {"text": f"Art. 41 open-source-first verdict: fail. {reasons}".strip()},
                "locations": [_physical(where.sbom_uri, where.sbom_base, 1)],
                "partialFingerprints": {
                    "osauditFinding/v1": _fingerprint("osaudit/art41", whole, "fail")
                },
            }
        )
    bases = {SRCROOT} | {where.sbom_base}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "osaudit",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": doc_url("report-formats", "sarif"),
                "rules": [_rule_json(rule) for rule in RULES],
            }
        },
        "originalUriBaseIds": {b: {"description": {"text": _BASES[b]}} for b in sorted(bases)},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "art41": art41,
            "art41Reasons": [plain(r, 300) for r in verdict.reasons],
            "generatedAt": report.generated_at,
            "sbomSha256": report.sbom.sha256,
        },
    }
    if verdict.evidence:
        run["properties"]["evidence"] = plain(verdict.evidence.statement, 400)
    _dedupe_fingerprints(results)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _dedupe_fingerprints(results: list[dict[str, Any]]) -> None:
    """Two versions of one package share an identity: suffix repeats with a counter."""
    seen: dict[str, int] = {}
    for result in results:
        fp = result["partialFingerprints"]["osauditFinding/v1"]
        count = seen.get(fp, 0)
        seen[fp] = count + 1
        if count:
            result["partialFingerprints"]["osauditFinding/v1"] = f"{fp}:{count}"


def render(report: Report, ctx: RenderContext) -> bytes:
    """SARIF 2.1.0 JSON (UTF-8, sorted keys, 2-space indent, trailing newline)."""
    log = build(report, ctx)
    return (json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
