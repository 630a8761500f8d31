"""Component identity: canonical purls (packageurl-python plus ecosystem rules) and CPEs.

``normalise_purl`` is cached because real SBOMs repeat the same purl many times
(one entry per project or file location).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from packageurl import PackageURL

from osaudit.model import Warning

# Non-standard purl types seen in real SBOMs -> (standard type, default namespace).
NONSTANDARD_TYPES: dict[str, tuple[str, str | None]] = {
    "dotnet": ("nuget", None),  # syft .NET cataloguer
    "alpine": ("apk", "alpine"),  # older syft / guac examples
    "go": ("golang", None),
    "python": ("pypi", None),
    "pip": ("pypi", None),
    "rubygems": ("gem", None),
    "gems": ("gem", None),
    "crates": ("cargo", None),
    "crate": ("cargo", None),
    "node": ("npm", None),
    "nodejs": ("npm", None),
    "debian": ("deb", "debian"),
    "php": ("composer", None),
    "packagist": ("composer", None),
    "nugets": ("nuget", None),
}

# Types whose namespace and name are case-insensitive per the purl specification.
_LOWER_NAME = frozenset({"github", "bitbucket", "apk", "deb", "pypi", "composer"})
_PEP503 = re.compile(r"[-_.]+")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


# Fast path: a purl already in canonical form (no qualifiers, only unreserved
# characters) comes back unchanged from packageurl-python; skip its costly parse.
_FAST = re.compile(r"pkg:([a-z][a-z0-9.-]*)/((?:[A-Za-z0-9._~-]|%40)+(?:/[A-Za-z0-9._~-]+)*)"
                   r"@[A-Za-z0-9._~-]+")  # fmt: skip
_FAST_TYPES = frozenset({"maven", "nuget", "cargo", "gem", "golang", "rpm", "conan", "swift",
                         "cocoapods", "generic", "npm", "pypi", "composer", "github", "apk",
                         "deb", "hex", "hackage", "cran", "conda"})  # fmt: skip
_PKG_LOWER = frozenset({"bitbucket", "github", "pypi", "gitlab", "composer", "npm", "apk", "hex",
                        "deb"})  # fmt: skip


def _fast(text: str) -> str | None:
    """The ecosystem when ``text`` is already canonical, else None."""
    m = _FAST.fullmatch(text)
    if m is None:
        return None
    ptype, path = m.group(1), m.group(2)
    if ptype not in _FAST_TYPES or (ptype != "npm" and "%" in path):
        return None
    if ptype in _PKG_LOWER and path != path.lower():
        return None
    if ptype == "hackage" and "_" in path:
        return None
    if ptype == "pypi" and ("_" in path or "." in path):
        return None
    return ptype


@lru_cache(maxsize=131072)
def normalise_purl(raw: str) -> tuple[str | None, str | None, list[Warning]]:
    """Return ``(canonical purl, ecosystem, warnings)`` for a purl as an SBOM wrote it.

    ``(None, None, [...])`` when ``raw`` is not a purl (a URL, garbage). The
    returned list is shared by the cache: callers must not mutate it.
    """
    text = raw.strip()
    if not text:
        return None, None, []
    eco = _fast(text)
    if eco is not None:
        return text, eco, []
    return _slow(text)


def _slow(text: str) -> tuple[str | None, str | None, list[Warning]]:
    """The full normalisation through packageurl-python."""
    if _URL.match(text):
        return None, None, [Warning("purl-is-url", f"purl field holds a URL, not a purl: {text}")]
    try:
        p = PackageURL.from_string(text)
    except ValueError as exc:
        return None, None, [Warning("purl-invalid", f"invalid purl {text!r}: {exc}")]
    warnings: list[Warning] = []
    ptype = p.type.lower()
    namespace, name, version = p.namespace, p.name, p.version
    mapped = NONSTANDARD_TYPES.get(ptype)
    if mapped is not None:
        new_type, default_ns = mapped
        warnings.append(
            Warning("purl-type-mapped", f"non-standard purl type {ptype!r} read as {new_type!r}")
        )
        ptype = new_type
        if namespace is None and default_ns is not None:
            namespace = default_ns
    if ptype == "pypi":
        name = _PEP503.sub("-", name).lower()
    elif ptype in _LOWER_NAME:
        name = name.lower()
        namespace = namespace.lower() if namespace else namespace
    if ptype == "golang" and version is None and "@" in name:
        name, _, version = name.partition("@")
        warnings.append(
            Warning("purl-go-version-in-name", f"Go purl carries its version in the name: {text}")
        )
    try:
        canonical = PackageURL(
            type=ptype,
            namespace=namespace,
            name=name,
            version=version,
            qualifiers=p.qualifiers or None,
            subpath=p.subpath,
        ).to_string()
    except ValueError as exc:  # pragma: no cover - rebuilt from parsed parts
        return None, None, [Warning("purl-invalid", f"invalid purl {text!r}: {exc}")]
    return canonical, ptype, warnings


def purl_without_qualifiers(purl: str) -> str:
    """``pkg:type/ns/name@version`` without qualifiers and subpath (for grouping)."""
    return purl.split("?", 1)[0].split("#", 1)[0]


@lru_cache(maxsize=131072)
def split_canonical(purl: str) -> tuple[str, str | None, str, str | None] | None:
    """``(type, namespace, name, version)`` of a canonical purl (``normalise_purl`` output).

    A canonical purl percent-encodes ``@``, ``?`` and ``#`` inside its parts, so
    plain string splitting gives what packageurl-python's parser gives, at a
    fraction of its cost (a test checks both agree on every corpus purl).
    """
    if not purl.startswith("pkg:"):
        return None
    path = purl_without_qualifiers(purl)[4:]
    path, at, version = path.rpartition("@")
    if not at:
        path, version = version, ""
    ptype, slash, rest = path.partition("/")
    if not slash or not rest:
        return None
    namespace, _, name = rest.rpartition("/")
    if not name:
        return None
    return (ptype, unquote(namespace) or None, unquote(name), unquote(version) or None)


_CPE23 = re.compile(r"^cpe:2\.3:[aho*\-]:", re.IGNORECASE)
_CPE22 = re.compile(r"^cpe:/[aho]:", re.IGNORECASE)


def normalise_cpe(raw: str) -> tuple[str | None, list[Warning]]:
    """Return the CPE (2.3 formatted string or 2.2 URI) trimmed, or None with a warning."""
    text = raw.strip()
    if not text:
        return None, []
    if _CPE23.match(text) or _CPE22.match(text):
        return "cpe" + text[3:], []
    return None, [Warning("cpe-invalid", f"not a CPE 2.2/2.3 string: {text!r}")]
