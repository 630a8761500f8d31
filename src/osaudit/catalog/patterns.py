"""Purl, CPE and name keys: the one purl-pattern rule of the catalogue, the policy and diff.

A *key* is ``type/namespace/name`` (percent-decoded, no version, qualifiers or
subpath) with ecosystem rules applied: PEP 503 names for pypi, lower case for
case-insensitive ecosystems (nuget, npm, composer, ...), ``library`` as the
default docker namespace. Catalogue patterns and component purls go through the
same function, so comparison is plain string equality or a glob; policy patterns
(:func:`purl_matches`) and ``osaudit diff``'s component identity use the same keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from packageurl import PackageURL

# Ecosystems whose package names compare case-insensitively: the purl spec's type
# rules, plus golang, whose module paths are case-sensitive in theory but name
# case-insensitive hosts (github.com/Azure vs github.com/azure) in practice.
CASE_INSENSITIVE = frozenset(
    {
        "pypi",
        "nuget",
        "npm",
        "composer",
        "github",
        "bitbucket",
        "hex",
        "pub",
        "huggingface",
        "golang",
    }
)
_PEP503 = re.compile(r"[-_.]+")


def _normalise_rest(ptype: str, rest: str) -> str:
    """Apply the ecosystem's comparison rules to ``namespace/name`` (may contain '*')."""
    if ptype == "pypi":
        return _PEP503.sub("-", rest).lower()
    if ptype in CASE_INSENSITIVE:
        return rest.lower()
    if ptype == "docker" and "/" not in rest:
        return f"library/{rest}"
    return rest


def pattern_key(pattern: str) -> str:
    """Key of a catalogue purl pattern (``pkg:type/ns/name``, '*' allowed)."""
    body = pattern[4:] if pattern.startswith("pkg:") else pattern
    ptype, _, rest = body.partition("/")
    ptype = ptype.lower()
    return f"{ptype}/{_normalise_rest(ptype, rest.strip('/'))}"


@lru_cache(maxsize=1 << 18)  # the resolver and the next steps both ask, per component
def purl_key(purl: str) -> str | None:
    """Key of a component purl, or None when it is not a valid purl."""
    from osaudit.identity import normalise_purl, split_canonical

    canonical = normalise_purl(purl)[0]
    parts = split_canonical(canonical) if canonical else None
    if parts is None:
        return None
    ptype, namespace, name, _ = parts
    ptype = ptype.lower()
    rest = f"{namespace}/{name}" if namespace else name
    return f"{ptype}/{_normalise_rest(ptype, rest)}"


def purl_type(key: str) -> str:
    """The ecosystem part of a key."""
    return key.partition("/")[0]


def pattern_problem(pattern: str) -> str | None:
    """Why a catalogue purl pattern is unusable, or None when it is fine."""
    probe = pattern.replace("*", "x")
    try:
        parsed = PackageURL.from_string(probe)
    except ValueError as exc:
        return f"purl pattern {pattern!r} does not parse: {exc}"
    if parsed.version or parsed.qualifiers or parsed.subpath:
        return f"purl pattern {pattern!r} must not carry a version, qualifiers or subpath"
    if parsed.type == "maven" and not parsed.namespace:
        return f"maven pattern {pattern!r} needs groupId/artifactId"
    if parsed.type == "pypi" and "*" not in pattern:
        name = pattern[len("pkg:pypi/") :]
        if name != _PEP503.sub("-", name).lower():
            return f"pypi pattern {pattern!r} is not in PEP 503 form"
    return None


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled '*' pattern: literal prefix for bucketing, regex for the final test."""

    key: str
    prefix: str
    regex: re.Pattern[str]

    @classmethod
    def compile(cls, key: str) -> Glob:
        parts = key.split("*")
        return cls(key, parts[0], re.compile(".*".join(re.escape(p) for p in parts), re.S))

    def matches(self, value: str) -> bool:
        return self.regex.fullmatch(value) is not None


_CPE23 = re.compile(r"^cpe:2\.3:[aoh*-]:((?:[^:\\]|\\.)*):((?:[^:\\]|\\.)*)(?::|$)")
_CPE22 = re.compile(r"^cpe:/[aoh]?:([^:]*):?([^:]*)")


@lru_cache(maxsize=16384)
def cpe_vendor_product(cpe: str) -> tuple[str, str] | None:
    """``(vendor, product)`` of a CPE 2.3 string or 2.2 URI, lower case, unescaped."""
    text = cpe.strip()
    m = _CPE23.match(text) or _CPE22.match(text)
    if not m:
        return None
    vendor, product = (re.sub(r"\\(.)", r"\1", g).lower() for g in m.groups())
    if not vendor or not product or vendor in "*-" or product in "*-":
        return None
    return vendor, product


def name_keys(ecosystem: str | None, group: str | None, name: str) -> tuple[str, ...]:
    """Keys for ``names`` matching: ``eco/name`` and, with a group, ``eco/group/name``."""
    if not ecosystem or not name:
        return ()
    eco = ecosystem.lower()
    keys = [f"{eco}/{_normalise_rest(eco, name)}"]
    if group:
        keys.insert(0, f"{eco}/{_normalise_rest(eco, f'{group}/{name}')}")
    return tuple(keys)


def name_key(entry: str) -> str:
    """Key of a catalogue ``names`` entry (``ecosystem/name``)."""
    eco, _, rest = entry.partition("/")
    eco = eco.lower()
    return f"{eco}/{_normalise_rest(eco, rest)}"


# --------------------------------------------------------------------------- policy patterns


@lru_cache(maxsize=65536)
def purl_key_version(purl: str) -> tuple[str, str | None] | None:
    """``(key, version)`` of a component purl, or None when it is not a valid purl."""
    from osaudit.identity import normalise_purl, split_canonical

    key = purl_key(purl)
    if key is None:
        return None
    canonical = normalise_purl(purl)[0]
    parts = split_canonical(canonical) if canonical else None
    return key, (parts[3] if parts else None)


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> tuple[Glob, re.Pattern[str] | None]:
    text = unquote(pattern.strip())
    slash = text.rfind("/")
    at = text.find("@", slash + 1) if slash >= 0 else -1
    base, version = (text[:at], text[at + 1 :]) if at > 0 else (text, None)
    vglob = None
    if version is not None:
        vglob = re.compile(".*".join(re.escape(p) for p in version.lower().split("*")), re.S)
    return Glob.compile(pattern_key(base)), vglob


def purl_matches(pattern: str, purl: str | None) -> bool:
    """Whether a component purl matches a policy purl pattern.

    ``pkg:type/namespace/name`` with ``*`` globs, optionally ``@VERSION`` (a glob too,
    case-insensitive); the package part compares by the catalogue's keys, so the
    ecosystem's case rules hold (npm, PyPI, NuGet ignore case; Maven does not).
    """
    if not purl:
        return False
    found = purl_key_version(purl)
    if found is None:
        return False
    key, version = found
    glob, vglob = _compiled(pattern)
    if not glob.matches(key):
        return False
    return vglob is None or (version is not None and vglob.fullmatch(version.lower()) is not None)
