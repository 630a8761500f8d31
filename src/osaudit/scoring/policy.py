"""The audit policy: ``osaudit.toml`` or ``[tool.osaudit]`` in ``pyproject.toml``.

Keys (all optional; see docs/scoring.md, "Policy file reference")::

    project-licence = "EUPL-1.2"
    min-licence-coverage = 0.8   # share of components with a known licence for a pass
    [fail-on]
    lockin = "high"              # low|medium|high|critical|unknown
    maintenance = "critical"
    licence = "high"
    licence-categories = ["Source-available", "Commercial"]
    unknown-licence = true
    metadata-unreachable = true  # fail when no metadata service could be reached
    [allow]
    purls = ["pkg:pypi/internal-*"]
    reason = "our own packages"
    [deny]
    purls = ["pkg:npm/@googlemaps/*"]
    reason = "no Google services in this portal"
    [[exception]]
    component = "pkg:pypi/boto3"
    reason = "S3 uploads until the Garage migration (ticket 123)"
    approver = "CIO office"
    expires = 2027-06-30

Errors are one line naming the file, the line where it can be found, the key,
and for unknown keys the closest valid one.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from osaudit.catalog.patterns import purl_matches
from osaudit.errors import ConfigError, note_input
from osaudit.errors import shown as quoted
from osaudit.vocabulary import AXES, THRESHOLDS

#: Licence categories (ScanCode LicenseDB vocabulary, plus "Unknown").
LICENCE_CATEGORIES: tuple[str, ...] = (
    "CLA",
    "Commercial",
    "Copyleft",
    "Copyleft Limited",
    "Free Restricted",
    "Patent License",
    "Permissive",
    "Proprietary Free",
    "Public Domain",
    "Source-available",
    "Unknown",
    "Unstated License",
)

_TOP_KEYS = ("project-licence", "min-licence-coverage", "fail-on", "allow", "deny", "exception")
#: Default share of components whose licence must be known for a pass (docs/scoring.md).
MIN_LICENCE_COVERAGE = 0.8
_FAIL_ON_KEYS = (
    "lockin",
    "maintenance",
    "licence",
    "licence-categories",
    "unknown-licence",
    "metadata-unreachable",
)
_LIST_KEYS = ("purls", "reason")
_EXCEPTION_KEYS = ("component", "reason", "approver", "expires")
#: Other spellings of an axis on the command line (``--fail-on lock-in=high``).
AXIS_ALIASES = {"license": "licence", "lock-in": "lockin", "lock_in": "lockin"}


@dataclass(frozen=True, slots=True)
class PatternRule:
    """An allow or deny entry: a purl glob and why."""

    pattern: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyException:
    """An approved exception for components matching ``pattern`` until ``expires``."""

    pattern: str
    reason: str
    approver: str
    expires: date

    def expired(self, today: date) -> bool:
        """Valid through its expiry date; expired from the day after."""
        return today > self.expires


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy; the empty Policy() means "no policy file"."""

    path: str | None = None
    source: str | None = None  # "osaudit.toml" or "pyproject.toml [tool.osaudit]"
    project_licence: str | None = None
    fail_on: Mapping[str, str] = field(default_factory=dict)  # axis -> threshold level
    fail_on_unknown: frozenset[str] = frozenset()  # axes where "unknown" fails
    licence_categories: tuple[str, ...] = ()
    fail_on_metadata_unreachable: bool = False  # no metadata service answered: fail the run
    allow: tuple[PatternRule, ...] = ()
    deny: tuple[PatternRule, ...] = ()
    exceptions: tuple[PolicyException, ...] = ()
    min_licence_coverage: float = MIN_LICENCE_COVERAGE

    def to_json(self) -> dict[str, Any]:
        """The policy part of the report (without project licence resolution)."""
        return {
            "path": self.path,
            "source": self.source,
            "fail_on": dict(sorted(self.fail_on.items())),
            "fail_on_unknown": sorted(self.fail_on_unknown),
            "licence_categories": list(self.licence_categories),
            **({"fail_on_metadata_unreachable": True} if self.fail_on_metadata_unreachable else {}),
            "allow": [{"pattern": r.pattern, "reason": r.reason} for r in self.allow],
            "deny": [{"pattern": r.pattern, "reason": r.reason} for r in self.deny],
            "min_licence_coverage": self.min_licence_coverage,
        }


# --------------------------------------------------------------------------- loading


def load_policy(path: str | None = None, *, cwd: Path | None = None) -> Policy:
    """Load ``path``, or discover ``osaudit.toml`` then ``pyproject.toml`` in ``cwd``.

    A pyproject.toml without ``[tool.osaudit]`` is no policy. Raises ConfigError.
    """
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{path}: policy file not found")
        return _required(_load_file(p, str(path), pyproject=p.name == "pyproject.toml"), path)
    base = cwd or Path.cwd()
    candidate = base / "osaudit.toml"
    if candidate.is_file():
        return _required(_load_file(candidate, "osaudit.toml", pyproject=False), "osaudit.toml")
    candidate = base / "pyproject.toml"
    if candidate.is_file():
        pol = _load_file(candidate, "pyproject.toml", pyproject=True, required=False)
        if pol is not None:
            return pol
    return Policy()


def _required(policy: Policy | None, shown: str) -> Policy:
    if policy is None:  # _load_file raises instead when the policy is required
        raise ConfigError(f"{shown}: no [tool.osaudit] table")
    return policy


def _load_file(p: Path, shown: str, *, pyproject: bool, required: bool = True) -> Policy | None:
    note_input(shown)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read policy file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid TOML: nesting too deep") from None
    except ValueError as exc:  # an integer beyond Python's 4,300-digit conversion limit
        raise ConfigError(f"{shown}: invalid TOML: {str(exc).split(';')[0]}") from None
    if pyproject:
        table = data.get("tool", {}).get("osaudit") if isinstance(data.get("tool"), dict) else None
        if table is None:
            if required:
                raise ConfigError(f"{shown}: no [tool.osaudit] table")
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{shown}: [tool.osaudit] must be a table")
        return parse_policy(table, path=shown, text=text, prefix="tool.osaudit")
    return parse_policy(data, path=shown, text=text, prefix="")


def parse_policy(
    data: Mapping[str, Any], *, path: str, text: str = "", prefix: str = ""
) -> Policy:
    """Validate a decoded policy table; every error names ``path``, line and key.

    All errors are collected: one :class:`~osaudit.errors.ConfigError` lists each
    (``errors``), so a policy is fixed in one round, not one error per run.
    """
    loc = _Locator(path, text, prefix)
    _check_keys(data, _TOP_KEYS, loc, "")
    project_licence = data.get("project-licence")
    with loc.collect():
        if project_licence is not None:
            if not isinstance(project_licence, str) or not project_licence.strip():
                project_licence = None
                loc.fail("", "project-licence", "must be a non-empty SPDX expression string")
            _check_spdx(project_licence, loc)

    fail_on: dict[str, str] = {}
    unknown: set[str] = set()
    categories: tuple[str, ...] = ()
    unreachable = False
    fo = data.get("fail-on", {})
    with loc.collect():
        if not isinstance(fo, dict):
            fo = {}
            loc.fail("", "fail-on", "must be a table")
    _check_keys(fo, _FAIL_ON_KEYS, loc, "fail-on")
    for axis in AXES:
        if axis not in fo:
            continue
        val = fo[axis]
        with loc.collect():
            if not isinstance(val, str) or val not in (*THRESHOLDS, "unknown"):
                valid = ", ".join((*THRESHOLDS, "unknown"))
                loc.fail("fail-on", axis, f"must be one of {valid}; got {val!r}")
            if val == "unknown":
                unknown.add(axis)
            else:
                fail_on[axis] = val
    with loc.collect():
        if "unknown-licence" in fo:
            if not isinstance(fo["unknown-licence"], bool):
                loc.fail("fail-on", "unknown-licence", "must be true or false")
            if fo["unknown-licence"]:
                unknown.add("licence")
            else:
                unknown.discard("licence")
    with loc.collect():
        unreachable = fo.get("metadata-unreachable", False)
        if not isinstance(unreachable, bool):
            unreachable = False
            loc.fail("fail-on", "metadata-unreachable", "must be true or false")
    with loc.collect():
        if "licence-categories" in fo:
            cats = fo["licence-categories"]
            if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
                loc.fail("fail-on", "licence-categories", "must be a list of category names")
            for c in cats:
                if c not in LICENCE_CATEGORIES:
                    hint = _suggest(c, LICENCE_CATEGORIES)
                    with loc.collect():
                        loc.fail("fail-on", "licence-categories",
                                 f"unknown licence category {c!r}{hint}")  # fmt: skip
            categories = tuple(sorted({c for c in cats if c in LICENCE_CATEGORIES}))

    allow = _pattern_list(data, "allow", loc)
    deny = _pattern_list(data, "deny", loc)
    exceptions = _exceptions(data, loc)
    coverage = data.get("min-licence-coverage", MIN_LICENCE_COVERAGE)
    with loc.collect():
        if isinstance(coverage, bool) or not isinstance(coverage, int | float) or not 0 <= coverage <= 1:
            given, coverage = coverage, MIN_LICENCE_COVERAGE
            loc.fail("", "min-licence-coverage", f"must be a number from 0 to 1; got {given!r}")
    loc.raise_errors()
    return Policy(
        path=path,
        source=f"pyproject.toml [{prefix}]" if prefix else "osaudit.toml",
        project_licence=project_licence.strip() if isinstance(project_licence, str) else None,
        fail_on=fail_on,
        fail_on_unknown=frozenset(unknown),
        licence_categories=categories,
        fail_on_metadata_unreachable=unreachable,
        allow=allow,
        deny=deny,
        exceptions=exceptions,
        min_licence_coverage=float(coverage),
    )


def _pattern_list(data: Mapping[str, Any], key: str, loc: _Locator) -> tuple[PatternRule, ...]:
    table = data.get(key)
    if table is None:
        return ()
    with loc.collect():
        if not isinstance(table, dict):
            loc.fail("", key, f"must be a table with 'purls' (write [{key}])")
    if not isinstance(table, dict):
        return ()
    _check_keys(table, _LIST_KEYS, loc, key)
    purls = table.get("purls", [])
    reason = table.get("reason")
    with loc.collect():
        if reason is not None and not isinstance(reason, str):
            reason = None
            loc.fail(key, "reason", "must be a string")
    with loc.collect():
        if not isinstance(purls, list) or not all(isinstance(p, str) and p for p in purls):
            loc.fail(key, "purls", "must be a list of purl patterns")
        good = []
        for p in purls:
            with loc.collect():
                _check_pattern(p, loc, key, "purls")
                good.append(p)
        return tuple(PatternRule(p, reason) for p in good)
    return ()


def _exceptions(data: Mapping[str, Any], loc: _Locator) -> tuple[PolicyException, ...]:
    entries = data.get("exception")
    if entries is None:
        return ()
    with loc.collect():
        if not isinstance(entries, list):
            loc.fail("", "exception", "must be an array of tables (write [[exception]])")
    if not isinstance(entries, list):
        return ()
    out: list[PolicyException] = []
    for i, entry in enumerate(entries):
        with loc.collect():
            out.append(_exception(entry, i, loc))
    return tuple(out)


def _exception(entry: Any, i: int, loc: _Locator) -> PolicyException:
    """One ``[[exception]]`` table; every problem of it recorded, then _Invalid if any."""
    where = f"exception[{i}]"
    if not isinstance(entry, dict):
        loc.fail("", "exception", f"{where} must be a table")
    before = len(loc.errors)
    _check_keys(entry, _EXCEPTION_KEYS, loc, "exception", index=i)
    for k in _EXCEPTION_KEYS:
        if k not in entry:
            with loc.collect():
                loc.fail("exception", k, f"{where} is missing '{k}'", index=i, header=True)
    for k in ("component", "reason", "approver"):
        if k in entry and (not isinstance(entry[k], str) or not entry[k].strip()):
            with loc.collect():
                loc.fail("exception", k, f"{where}.{k} must be a non-empty string", index=i)
    if isinstance(entry.get("component"), str) and entry["component"].strip():
        with loc.collect():
            _check_pattern(entry["component"], loc, "exception", "component", index=i)
    expires = entry.get("expires")
    with loc.collect():
        if isinstance(expires, datetime):
            expires = expires.date()
        elif isinstance(expires, str):
            try:
                expires = date.fromisoformat(expires)
            except ValueError:
                loc.fail(
                    "exception", "expires", f"{where}.expires must be a date YYYY-MM-DD", index=i
                )
        elif "expires" in entry and not isinstance(expires, date):
            loc.fail("exception", "expires", f"{where}.expires must be a date YYYY-MM-DD", index=i)
    if len(loc.errors) > before or not isinstance(expires, date):
        raise _Invalid
    return PolicyException(entry["component"], entry["reason"], entry["approver"], expires)


def _check_keys(
    table: Mapping[str, Any], valid: Sequence[str], loc: _Locator, section: str, index: int = 0
) -> None:
    for key in table:
        if key not in valid:
            where = f"[{loc.qualify(section)}]" if section or loc.prefix else "the top level"
            with loc.collect():
                loc.fail(
                    section,
                    key,
                    f"unknown key {quoted(key)} in {where}{_suggest(key, valid)}",
                    index=index,
                    bare=True,
                )


def _check_pattern(pattern: str, loc: _Locator, section: str, key: str, index: int = 0) -> None:
    if not pattern.startswith("pkg:") or "/" not in pattern:
        loc.fail(section, key, f"{pattern!r} is not a purl pattern (pkg:type/name, '*' allowed)",
                 index=index)


def _check_spdx(expr: str, loc: _Locator) -> None:
    from license_expression import ExpressionError, get_spdx_licensing

    try:
        info = get_spdx_licensing().validate(expr)
    except ExpressionError as exc:  # pragma: no cover - validate() reports, not raises
        loc.fail("", "project-licence", f"invalid SPDX expression {expr!r}: {exc}")
    if info.errors:
        loc.fail("", "project-licence", f"invalid SPDX expression {expr!r}: {info.errors[0]}")


def _suggest(word: str, valid: Sequence[str]) -> str:
    pool = {v.lower(): v for v in valid}
    hit = difflib.get_close_matches(word.lower(), list(pool), n=1, cutoff=0.6)
    return f" (did you mean '{pool[hit[0]]}'?)" if hit else f" (valid: {', '.join(valid)})"


class _Invalid(Exception):
    """A policy value failed a check; the message is already in ``_Locator.errors``."""


class _Locator:
    """Finds the line of a key in TOML text (tomllib gives no positions); collects errors."""

    def __init__(self, path: str, text: str, prefix: str) -> None:
        self.path = path
        self.prefix = prefix
        self.lines = text.splitlines()
        self.errors: list[str] = []

    @staticmethod
    def collect() -> contextlib.suppress:
        """Run one check: a failure is recorded and parsing goes on with the next."""
        return contextlib.suppress(_Invalid)

    def raise_errors(self) -> None:
        """One ConfigError listing every recorded error (in file order), if any."""
        if self.errors:
            raise ConfigError.many(_by_line(self.errors))

    def qualify(self, section: str) -> str:
        return ".".join(p for p in (self.prefix, section) if p)

    def line_of(self, section: str, key: str, index: int = 0, header: bool = False) -> int | None:
        """Line of ``key`` in the ``index``-th ``[section]`` (or of that header)."""
        want = self.qualify(section)
        current = ""
        seen = 0 if not want else -1
        header_line: int | None = None
        key_re = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for no, line in enumerate(self.lines, 1):
            m = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
            if m:
                current = m.group(1).replace('"', "").replace("'", "").replace(" ", "")
                if current == want:
                    seen += 1
                    if seen == index:
                        header_line = no
                continue
            if current == want and seen == index and key_re.match(line):
                return no
        return header_line if header or header_line is not None else None

    def fail(
        self,
        section: str,
        key: str,
        message: str,
        *,
        index: int = 0,
        header: bool = False,
        bare: bool = False,
    ) -> NoReturn:
        """Record the error (file, line, key) and stop this check."""
        line = self.line_of(section, key, index, header) if key else None
        where = f"{self.path}:{line}" if line else self.path
        name = self.qualify(".".join(p for p in (section, key) if p))
        self.errors.append(f"{where}: {message}" if bare else f"{where}: {name}: {message}")
        raise _Invalid


def _by_line(errors: list[str]) -> list[str]:
    """Errors in the order of their line in the file (those without a line first), deduplicated."""

    def line(msg: str) -> int:
        head = msg.split(": ", 1)[0]
        number = head.rpartition(":")[2]
        return int(number) if number.isdigit() else 0

    return sorted(dict.fromkeys(errors), key=line)


# --------------------------------------------------------------------------- command line


def parse_fail_on(values: Sequence[str]) -> tuple[dict[str, str | None], dict[str, bool]]:
    """Parse ``--fail-on AXIS=LEVEL`` values (LEVEL may be ``unknown`` or ``off``).

    Returns per-axis thresholds (None = off) and per-axis "unknown fails" flags
    (False = off), only for the axes and settings given.
    """
    thresholds: dict[str, str | None] = {}
    unknown: dict[str, bool] = {}
    for raw in values:
        axis, sep, level = raw.partition("=")
        axis, level = axis.strip().lower(), level.strip().lower()
        axis = AXIS_ALIASES.get(axis, axis)
        if not sep or axis not in AXES:
            raise ConfigError(
                f"--fail-on {raw!r}: expected AXIS=LEVEL with AXIS one of {', '.join(AXES)} "
                "(or lock-in, license)"
            )
        if level == "unknown":
            unknown[axis] = True
        elif level == "off":
            thresholds[axis] = None
            unknown[axis] = False
        elif level in THRESHOLDS:
            thresholds[axis] = level
        else:
            valid = ", ".join((*THRESHOLDS, "unknown", "off"))
            raise ConfigError(f"--fail-on {raw!r}: LEVEL must be one of {valid}")
    return thresholds, unknown


def with_fail_on(policy: Policy, values: Sequence[str]) -> Policy:
    """Apply ``--fail-on`` values over the file's settings.

    ``AXIS=LEVEL`` replaces the axis threshold, ``AXIS=unknown`` adds the
    unknown gate, ``AXIS=off`` removes both.
    """
    if not values:
        return policy
    thresholds, unknown = parse_fail_on(values)
    fail_on = dict(policy.fail_on)
    unk = set(policy.fail_on_unknown)
    for axis, level in thresholds.items():
        if level is None:
            fail_on.pop(axis, None)
        else:
            fail_on[axis] = level
    for axis, flag in unknown.items():
        if flag:
            unk.add(axis)
        else:
            unk.discard(axis)
    return replace(policy, fail_on=fail_on, fail_on_unknown=frozenset(unk))


# --------------------------------------------------------------------------- matching


def matches(pattern: str, purl: str | None) -> bool:
    """Whether a component purl matches a policy pattern (see ``catalog.patterns.purl_matches``:
    the catalogue's rule, so policy and catalogue agree on every ecosystem's case rules)."""
    return purl_matches(pattern, purl)
