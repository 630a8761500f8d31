"""Compare two osaudit JSON reports: what a change introduced or removed.

Components are matched by identity (the catalogue's key of the purl: no version,
qualifiers or subpath, the ecosystem's case rules; else ecosystem/group/name), so a version bump is a change, not a removal plus an
addition. Levels are ordered none < low < medium < high < critical; ``unknown`` is
not ordered: a move to or from it is listed but never counts as worse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from osaudit import jsontext
from osaudit.catalog.patterns import purl_key
from osaudit.errors import InputError, note_input
from osaudit.naming import display_name
from osaudit.report.escape import plain, prose
from osaudit.report.model import ComponentResult, Report
from osaudit.vocabulary import AXES, LEVEL_RANK, VERDICT_RANK, Axis, is_ordered

AXIS_LABEL: dict[Axis, str] = {"lockin": "lock-in", "licence": "licence", "maintenance": "maintenance"}


def load_report(path: str) -> Report:
    """Read one report; InputError naming the file and place on bad input."""
    note_input(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read report: {exc.strerror or exc}") from None
    try:
        data, _ = jsontext.loads(raw.decode("utf-8"))  # lone surrogates -> U+FFFD
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: nesting too deep for an osaudit report") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object (an osaudit report)")
    version = data.get("schema_version")
    if not isinstance(version, str) or not version.startswith("1."):
        raise InputError(f"{path}: $.schema_version: expected an osaudit report version 1.x")
    return Report.from_dict(data, source=path)


def identity(c: ComponentResult) -> str:
    """Version-free identity of a component: the catalogue's purl key (ecosystem case rules,
    PEP 503 names), else the purl as given without version, else ecosystem/group/name."""
    if c.purl:
        key = purl_key(c.purl)
        if key is not None:
            return key
        base = c.purl.split("#", 1)[0].split("?", 1)[0]
        head, sep, tail = base.rpartition("@")
        return head if sep and "/" not in tail and head.count("/") >= 1 else base
    return "/".join(x or "" for x in (c.ecosystem, c.group, c.name))


def _name(c: ComponentResult) -> str:
    return display_name(c.group, c.name, c.ecosystem)


def _label(c: ComponentResult) -> str:
    return f"{_name(c)}@{c.version}" if c.version else _name(c)


@dataclass(frozen=True, slots=True)
class Change:
    """One item of the diff; ``worse`` holds the level that made it worse, if any."""

    kind: str  # component-added | component-removed | version-changed | lockin-added |
    #            lockin-removed | licence-added | licence-removed | category-added |
    #            category-removed | level-worse | level-better | level-changed | verdict
    subject: str
    detail: str
    worse: str | None = None  # the new level when this change made things worse

    def as_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "detail": self.detail,
            "worse_level": self.worse,
        }


def _licences(comps: tuple[ComponentResult, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in comps:
        expr = c.licence.expression
        if expr:
            out.setdefault(expr, []).append(_label(c))
    return out


def _families(comps: tuple[ComponentResult, ...]) -> dict[str, tuple[str, list[str]]]:
    out: dict[str, tuple[str, list[str]]] = {}
    for c in comps:
        family = c.lockin.family
        if family and family.id:
            level = c.lockin.level
            prev_level, names = out.get(family.id, ("none", []))
            worst = level if LEVEL_RANK[level] > LEVEL_RANK.get(prev_level, -1) else prev_level
            out[family.id] = (worst, [*names, _label(c)])
    return out


def _categories(comps: tuple[ComponentResult, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in comps:
        cat = c.licence.category or "Unknown"
        out[cat] = out.get(cat, 0) + 1
    return out


def compare(base: Report, head: Report) -> list[Change]:
    """All changes from ``base`` to ``head`` in a stable order."""
    changes: list[Change] = []
    b_comps, h_comps = base.components, head.components
    b_by: dict[str, ComponentResult] = {}
    for c in b_comps:
        b_by.setdefault(identity(c), c)
    h_by: dict[str, ComponentResult] = {}
    for c in h_comps:
        h_by.setdefault(identity(c), c)

    for key in sorted(h_by.keys() - b_by.keys()):
        c = h_by[key]
        levels = {a: c.axis(a).level for a in AXES}
        worst = max(
            (lv for lv in levels.values() if is_ordered(lv)), key=LEVEL_RANK.__getitem__, default=None
        )
        detail = ", ".join(f"{AXIS_LABEL[a]} {levels[a]}" for a in AXES)
        changes.append(Change("component-added", _label(c), detail, worst))
    for key in sorted(b_by.keys() - h_by.keys()):
        changes.append(Change("component-removed", _label(b_by[key]), ""))
    for key in sorted(b_by.keys() & h_by.keys()):
        old, new = b_by[key], h_by[key]
        if old.version != new.version:
            changes.append(
                Change("version-changed", _name(new), f"{old.version} -> {new.version}")
            )
        for axis in AXES:
            lo, ln = old.axis(axis).level, new.axis(axis).level
            if lo == ln:
                continue
            detail = f"{AXIS_LABEL[axis]} {lo} -> {ln}"
            if is_ordered(lo) and is_ordered(ln):
                kind = "level-worse" if LEVEL_RANK[ln] > LEVEL_RANK[lo] else "level-better"
                changes.append(
                    Change(kind, _label(new), detail, ln if kind == "level-worse" else None)
                )
            else:
                changes.append(Change("level-changed", _label(new), detail))

    b_fam, h_fam = _families(b_comps), _families(h_comps)
    for fid in sorted(h_fam.keys() - b_fam.keys()):
        level, names = h_fam[fid]
        changes.append(
            Change(
                "lockin-added",
                fid,
                f"{level} via " + ", ".join(sorted(names)),
                level if is_ordered(level) else None,
            )
        )
    for fid in sorted(b_fam.keys() - h_fam.keys()):
        changes.append(Change("lockin-removed", fid, ", ".join(sorted(b_fam[fid][1]))))
    b_lic, h_lic = _licences(b_comps), _licences(h_comps)
    for expr in sorted(h_lic.keys() - b_lic.keys()):
        changes.append(Change("licence-added", expr, ", ".join(sorted(h_lic[expr]))))
    for expr in sorted(b_lic.keys() - h_lic.keys()):
        changes.append(Change("licence-removed", expr, ", ".join(sorted(b_lic[expr]))))
    b_cat, h_cat = _categories(b_comps), _categories(h_comps)
    for cat in sorted(h_cat.keys() - b_cat.keys()):
        changes.append(Change("category-added", cat, f"{h_cat[cat]} components"))
    for cat in sorted(b_cat.keys() - h_cat.keys()):
        changes.append(Change("category-removed", cat, ""))

    vb, vh = base.verdict.art41, head.verdict.art41
    if vb != vh:
        worse = VERDICT_RANK[vh] > VERDICT_RANK[vb]
        changes.append(Change("verdict", "art41", f"{vb} -> {vh}", "verdict" if worse else None))
    return changes


def got_worse(changes: list[Change], fail_on: str) -> list[Change]:
    """Changes that make the gate fail: a worse level >= ``fail_on``, or a worse verdict."""
    threshold = LEVEL_RANK[fail_on]
    out = []
    for ch in changes:
        if ch.worse == "verdict" or (
            ch.worse is not None and is_ordered(ch.worse) and LEVEL_RANK[ch.worse] >= threshold
        ):
            out.append(ch)
    return out


# --------------------------------------------------------------------------- rendering

_TITLES = {
    "verdict": "Verdict",
    "component-added": "New components",
    "component-removed": "Removed components",
    "version-changed": "Version changes",
    "lockin-added": "New lock-ins (catalogue families)",
    "lockin-removed": "Removed lock-ins",
    "licence-added": "New licences",
    "licence-removed": "Removed licences",
    "category-added": "New licence categories",
    "category-removed": "Removed licence categories",
    "level-worse": "Worse levels",
    "level-better": "Better levels",
    "level-changed": "Levels changed to or from unknown",
}


def _grouped(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    return [
        (k, [c for c in changes if c.kind == k])
        for k in _TITLES
        if any(c.kind == k for c in changes)
    ]


def to_text(changes: list[Change], failing: list[Change], fail_on: str) -> str:
    if not changes:
        lines = ["No differences between the two reports."]
    else:
        lines = []
        for kind, items in _grouped(changes):
            lines.append(f"{_TITLES[kind]} ({len(items)}):")
            for ch in items:
                mark = "!" if ch in failing else "-"
                detail = f": {plain(ch.detail, 300)}" if ch.detail else ""
                lines.append(f"  {mark} {plain(ch.subject, 200)}{detail}")
    lines.append(_result_line(failing, fail_on))
    return "\n".join(lines) + "\n"


def to_markdown(changes: list[Change], failing: list[Change], fail_on: str) -> str:
    lines = ["## osaudit diff", ""]
    if not changes:
        lines += ["No differences between the two reports.", ""]
    for kind, items in _grouped(changes):
        lines += [f"### {_TITLES[kind]} ({len(items)})", ""]
        for ch in items:
            mark = "**worse:** " if ch in failing else ""
            detail = f": {prose(ch.detail, 300)}" if ch.detail else ""
            lines.append(f"- {mark}{prose(ch.subject, 200)}{detail}")
        lines.append("")
    lines.append(_result_line(failing, fail_on))
    return "\n".join(lines) + "\n"


def to_json(changes: list[Change], failing: list[Change], fail_on: str) -> str:
    doc = {
        "fail_on_new": fail_on,
        "worse": bool(failing),
        "changes": [c.as_dict() for c in changes],
        "failing": [c.as_dict() for c in failing],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _result_line(failing: list[Change], fail_on: str) -> str:
    if not failing:
        return f"Result: nothing got worse at level {fail_on} or above (exit 0)."
    return (
        f"Result: {len(failing)} change(s) got worse at level {fail_on} or above, "
        "or the verdict got worse (exit 1)."
    )
