"""Is a dependency's licence compatible with the project's own licence?

Baseline: licensecheck's compatibility matrix (``licensecheck.license_matrix``),
behind this adapter:

* SPDX ids are mapped to licensecheck's ``License`` enum here (:data:`LICENSECHECK`),
  never through its substring matching; ``UNKNOWN``/``NO_LICENSE`` are never
  passed (its ``liceCompat`` indexes past the end of matrix.csv for them);
* ``AND`` is evaluated as all-of and ``OR`` as any-of here (licensecheck treats
  both as any-of);
* its loguru logger is disabled.

Corrections and licences it does not know come first, from
``data/compat-overrides.yaml`` (every row with its source). Rules, in order, for
one dependency licence D and one project licence P:

1. D == P: compatible.
2. An override row for (D, P) or (D, ``*``): its answer.
3. D is not open source (source-available, proprietary, non-commercial): not compatible.
4. For ``X WITH exception``: an override row for X (an exception only adds permissions).
5. D or P unknown: unknown.
6. Both in licensecheck's matrix (X for ``X WITH exception``): its answer.
7. Both permissive or public domain: compatible (notices must be kept).
8. Otherwise unknown ("no data").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from license_expression import ExpressionError, LicenseWithExceptionSymbol
from loguru import logger

from osaudit.licence._licensecheck import License, liceCompat
from osaudit.licence.categories import expression_facts, licence_facts
from osaudit.licence.normalise import derive_expression, licensing

logger.disable("licensecheck")

_DATA = Path(__file__).with_name("data")
_PERMISSIVE = frozenset({"Permissive", "Public Domain"})

#: SPDX id -> licensecheck enum. Lax permissive licences the FSF lists as
#: GPL-compatible share the MIT column; licensecheck has one column for all
#: versions of MPL (only MPL-2.0 mapped: MPL-1.x is GPL-incompatible) and AGPL.
LICENSECHECK: dict[str, License] = {
    "CC0-1.0": License.PUBLIC,
    "LicenseRef-scancode-public-domain": License.PUBLIC,
    "Unlicense": License.UNLICENSE,
    "WTFPL": License.UNLICENSE,
    "0BSD": License.ISC,
    "MIT": License.MIT,
    "MIT-0": License.MIT,
    "X11": License.MIT,
    "Zlib": License.MIT,
    "BSL-1.0": License.BOOST,
    "BSD-2-Clause": License.BSD,
    "BSD-3-Clause": License.BSD,
    "ISC": License.ISC,
    "NCSA": License.NCSA,
    "PSF-2.0": License.PSFL,
    "Python-2.0": License.PSFL,
    "Apache-2.0": License.APACHE,
    "EPL-1.0": License.ECLIPSE,
    "EPL-2.0": License.ECLIPSE,
    "AFL-3.0": License.ACADEMIC_FREE,
    "AFL-2.1": License.ACADEMIC_FREE,
    "LGPL-2.0-only": License.LGPL_2,
    "LGPL-2.1-only": License.LGPL_2,
    "LGPL-2.0-or-later": License.LGPL_2_PLUS,
    "LGPL-2.1-or-later": License.LGPL_2_PLUS,
    "LGPL-3.0-only": License.LGPL_3,
    "LGPL-3.0-or-later": License.LGPL_3_PLUS,
    "GPL-2.0-only": License.GPL_2,
    "GPL-2.0-or-later": License.GPL_2_PLUS,
    "GPL-3.0-only": License.GPL_3,
    "GPL-3.0-or-later": License.GPL_3_PLUS,
    "AGPL-3.0-only": License.AGPL_3_PLUS,
    "AGPL-3.0-or-later": License.AGPL_3_PLUS,
    "MPL-2.0": License.MPL,
    "EUPL-1.2": License.EU,
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of ``compat-overrides.yaml``."""

    compatible: bool
    note: str
    source: str


@cache
def _overrides() -> dict[tuple[str, str], Rule]:
    data = yaml.safe_load((_DATA / "compat-overrides.yaml").read_text(encoding="utf-8"))
    table: dict[tuple[str, str], Rule] = {}
    for row in data["rules"]:
        rule = Rule(bool(row["compatible"]), str(row["note"]), str(row["source"]))
        for dep in row["dependency"]:
            for proj in row["project"]:
                table[(_canonical(str(dep)), "*" if proj == "*" else _canonical(str(proj)))] = rule
    return table


def _canonical(key: str) -> str:
    """Spell a data-file id as the normaliser does (``CeCILL-2.1`` -> ``CECILL-2.1``)."""
    expr = derive_expression(key)
    if expr is None:
        raise ValueError(f"compat-overrides.yaml: {key!r} is not an SPDX expression")
    return expr


def _rule(dep: str, proj: str) -> tuple[bool, str] | None:
    for key in ((dep, proj), (dep, "*")):
        rule = _overrides().get(key)
        if rule is not None:
            verdict = "compatible" if rule.compatible else "not compatible"
            text = f"{dep} in a project under {proj}: {verdict}, {rule.note} [{rule.source}]"
            return rule.compatible, text
    return None


def _pair(dep: str, proj: str) -> tuple[bool | None, str]:
    """Judge one dependency licence (maybe ``X WITH Y``) against one project licence."""
    if dep == proj:
        return True, f"{dep}: same licence as the project, compatible"
    hit = _rule(dep, proj)
    if hit is not None:
        return hit
    facts = expression_facts(dep)
    if facts.open_source is False:
        return False, f"{dep} is {facts.category}, not an open-source licence"
    base = dep.split(" WITH ")[0]
    # an exception only adds permissions: what holds for the base licence holds too
    hit = _rule(base, proj) if base != dep else None
    if hit is not None:
        return hit
    project = licence_facts(proj)
    if facts.points is None:
        return None, f"{dep}: licence not known, compatibility cannot be judged"
    if project.open_source is not True:
        return None, f"project licence {proj} is not a known open-source licence"
    lc_dep, lc_proj = LICENSECHECK.get(base), LICENSECHECK.get(proj)
    if lc_dep is not None and lc_proj is not None:
        ok = bool(liceCompat(lc_proj, lc_dep, [], [], []))
        verdict = "compatible" if ok else "not compatible"
        matrix = f"licensecheck matrix {lc_dep.name}->{lc_proj.name}"
        return ok, f"{dep} in a project under {proj}: {verdict} [{matrix}]"
    if facts.category in _PERMISSIVE and project.category in _PERMISSIVE:
        return (
            True,
            f"{dep} in a project under {proj}: compatible, both permissive (keep the notices)",
        )
    return None, f"{dep} in a project under {proj}: no compatibility data"


def _parse(expression: str) -> object | None:
    try:
        parsed: object | None = licensing().parse(expression, validate=False, strict=False)
        return parsed
    except (ExpressionError, TypeError, ValueError, AttributeError):
        return None


def _leaf_key(node: object) -> str | None:
    if isinstance(node, LicenseWithExceptionSymbol):
        return f"{node.license_symbol.key} WITH {node.exception_symbol.key}"
    key = getattr(node, "key", None)
    return key if isinstance(key, str) else None


def _against(node: object, proj: str) -> tuple[bool | None, str]:
    """Evaluate a dependency expression tree: AND = all of, OR = any of."""
    lic = licensing()
    if isinstance(node, (lic.AND, lic.OR)):
        results = [_against(arg, proj) for arg in node.args]
        if isinstance(node, lic.AND):
            bad = [r for r in results if r[0] is False]
            if bad:
                return False, bad[0][1]
            unknown = [r for r in results if r[0] is None]
            if unknown:
                return None, unknown[0][1]
            return True, "; ".join(r[1] for r in results)
        good = [r for r in results if r[0] is True]
        if good:
            return True, good[0][1] + " (chosen among OR options)"
        unknown = [r for r in results if r[0] is None]
        if unknown:
            return None, unknown[0][1]
        return False, "; ".join(r[1] for r in results)
    key = _leaf_key(node)
    if key is None:
        return None, "unreadable licence term"
    return _pair(key, proj)


def _project_keys(project_licence: str) -> list[str] | None:
    expr = derive_expression(project_licence)
    if expr is None or expr in ("NOASSERTION", "NONE"):
        return None
    parsed = _parse(expr)
    if parsed is None:
        return None
    keys = [_leaf_key(s) for s in licensing().license_symbols(parsed, decompose=False)]
    clean = [k for k in keys if k is not None]
    return sorted(set(clean)) or None


@lru_cache(maxsize=16384)
def is_compatible(dependency_expression: str, project_licence: str) -> tuple[bool | None, str]:
    """Say whether ``dependency_expression`` may be used in a ``project_licence`` work.

    Returns (answer, explanation); answer None means unknown. A compound project
    licence must be satisfied for every licence it names (conservative).
    """
    projects = _project_keys(project_licence)
    if projects is None:
        return None, f"project licence {project_licence!r} is not an SPDX expression"
    dep = derive_expression(dependency_expression)
    if dep is None or dep in ("NOASSERTION", "NONE"):
        return None, f"dependency licence {dependency_expression!r} is unknown"
    parsed = _parse(dep)
    if parsed is None:
        return None, f"dependency licence {dependency_expression!r} is unknown"
    answers = [_against(parsed, proj) for proj in projects]
    for wanted in (False, None):
        hit = [a for a in answers if a[0] is wanted]
        if hit:
            return hit[0]
    return True, "; ".join(a[1] for a in answers)
