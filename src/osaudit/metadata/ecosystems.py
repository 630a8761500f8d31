"""ecosyste.ms packages API: ``POST /api/v1/packages/bulk_lookup``, 100 packages a request.

Gives the latest release date, status, maintainers, dependents, the ``critical`` flag
and the repository URL. The bulk answer is a flat list of packages, not keyed by
request: each is matched back by its ecosystem and exact stored name. ecosyste.ms
matches names exactly (``Package.where(name: ...)`` in its lookup code), so the name sent
is the one it stores: for PyPI the project's name lowercased with its ``.`` and ``_``
(``zope.interface``, ``typing_extensions``), not the PEP 503 form; PyPI packages are
therefore asked by ``names`` (with the spellings the SBOM gave), the others by ``purls``.
An unknown package is simply absent (``GET .../lookup`` answers 200 ``[]``). Where the
bulk endpoint is not offered (400/404/405/501), each package is looked up on its own.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

from osaudit.metadata.fetch import Fetched, Fetcher, breathe, decode, internal_error
from osaudit.metadata.interface import SourceData, SourceName, SourceStatus, Target
from osaudit.metadata.scorecard import parse_repo

# purl types ecosyste.ms resolves by purl (its registries' ecosystems).
SUPPORTED: frozenset[str] = frozenset(
    {
        "pypi",
        "npm",
        "maven",
        "golang",
        "cargo",
        "nuget",
        "gem",
        "composer",
        "hex",
        "pub",
        "cocoapods",
        "swift",
        "hackage",
        "cran",
        "conda",
        "github",
        "conan",
        "bower",
        "cpan",
    }
)
# Registry statuses that mean "deprecated" (NuGet's unlisted is its deprecation signal).
DEPRECATED_STATUS = frozenset({"deprecated", "unlisted"})
BULK_MAX = 100  # purls per bulk_lookup request (openapi.yaml: maxItems 100)
_FALLBACK_STATUS = frozenset({400, 404, 405, 501})
# ecosyste.ms joins namespace and name with its ecosystem's separator (Maven ":").
_SEPARATOR = {"maven": ":"}
_PEP503 = re.compile(r"[-_.]+")


def stored_name(target: Target) -> str:
    """The package name as ecosyste.ms stores it (namespace joined by its separator)."""
    name = target.name
    if target.type == "pypi":
        name = target.raw_name.lower() if target.raw_name else name
    if target.namespace:
        ns = unquote(target.namespace)
        return f"{ns}{_SEPARATOR.get(target.type, '/')}{name}"
    return name


def lookup_purl(target: Target) -> str:
    """The versionless purl ecosyste.ms resolves to :func:`stored_name`."""
    if target.type != "pypi":
        return target.package_key
    return f"pkg:pypi/{quote(stored_name(target), safe='._-')}"


def _pypi_names(target: Target) -> list[str]:
    """The spellings to ask for: the SBOM's name and the purl's, lowercased."""
    names = {stored_name(target)}
    if target.alt_name and _PEP503.sub("-", target.alt_name).lower() == target.name:
        names.add(target.alt_name.lower())
    return sorted(names)


def lookup_url(base: str, target: Target) -> str:
    return f"{base}/api/v1/packages/lookup?purl={quote(lookup_purl(target), safe='')}"


@lru_cache(maxsize=65536)  # each name is met twice: in the request and in the answer
def _match_key(ptype: str, name: str) -> tuple[str, str]:
    return ptype, _PEP503.sub("-", name).lower() if ptype == "pypi" else name


def _package_key(pkg: dict[str, Any]) -> tuple[str, str] | None:
    """(purl type, name) of one package of a bulk answer."""
    purl = pkg.get("purl")
    name = pkg.get("name")
    if not isinstance(purl, str) or not purl.startswith("pkg:") or not isinstance(name, str):
        return None
    return _match_key(purl[4:].split("/", 1)[0].lower(), name)


def _preferred(candidates: list[dict[str, Any]]) -> dict[str, Any]:
    """One package of several registries: the default registry first, then by name."""

    def rank(pkg: dict[str, Any]) -> tuple[int, str]:
        reg = pkg.get("registry")
        reg = reg if isinstance(reg, dict) else {}
        return (0 if reg.get("default") is True else 1, str(reg.get("name") or ""))

    return min(candidates, key=rank)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def parse_lookup(data: Any) -> dict[str, object] | None:
    """Fields from a lookup answer (default registry preferred); None when it is empty."""
    if not isinstance(data, list):
        return None
    listed = [p for p in data if isinstance(p, dict)]
    if not listed:
        return None
    pkg: dict[str, Any] = _preferred(listed)
    out: dict[str, object] = {}
    for src, dst in (
        ("latest_release_published_at", "latest_published_at"),
        ("first_release_published_at", "first_published_at"),
        ("latest_release_number", "latest_version"),
    ):
        if pkg.get(src):
            out[dst] = str(pkg[src])
    status = pkg.get("status")
    if isinstance(status, str) and status and status.lower() != "active":
        out["status"] = status.lower()
        if status.lower() in DEPRECATED_STATUS:
            out["deprecated"] = True
    count = _int(pkg.get("versions_count"))
    if count is not None:
        out["versions_count"] = count
    maintainers = pkg.get("maintainers")
    if isinstance(maintainers, list) and maintainers:
        out["maintainers"] = len(maintainers)
    dependents = _int(pkg.get("dependent_packages_count"))
    if dependents is not None:
        out["dependents"] = dependents
    if isinstance(pkg.get("critical"), bool):
        out["critical"] = pkg["critical"]
    repo = parse_repo(str(pkg.get("repository_url") or ""))
    if repo:
        out["repository"] = repo
    meta = pkg.get("repo_metadata")
    if isinstance(meta, dict) and isinstance(meta.get("archived"), bool):
        out["archived"] = meta["archived"]
    lic = pkg.get("normalized_licenses")
    if isinstance(lic, list) and any(isinstance(x, str) and x for x in lic):
        # the package's licence as its registry states it (latest release, not per version)
        out["licences"] = tuple(str(x) for x in lic if isinstance(x, str) and x)
    return out


class EcosystemsSource:
    name: SourceName = "ecosyste.ms"

    def __init__(self, base: str) -> None:
        self.base = base

    def supports(self, target: Target) -> bool:
        return target.type in SUPPORTED

    async def _bulk(self, chunk: list[Target], fetcher: Fetcher, out: dict[str, Fetched]) -> None:
        """One bulk_lookup of up to 100 packages; matched back, cached per package."""
        if chunk[0].type == "pypi":
            body: dict[str, Any] = {
                "names": sorted({n for t in chunk for n in _pypi_names(t)}),
                "ecosystem": "pypi",
            }
        else:
            body = {"purls": [lookup_purl(t) for t in chunk]}
        got = await fetcher.send(
            "POST", f"{self.base}/api/v1/packages/bulk_lookup", json=body, service=self.name
        )
        if not isinstance(got, Fetched):
            status, data, reason = decode(got.status, got.body, got.content_type)
            if status == "ok" and isinstance(data, list):
                by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
                for pkg in data:
                    key = _package_key(pkg) if isinstance(pkg, dict) else None
                    if key is not None:
                        by_key.setdefault(key, []).append(pkg)
                for t in chunk:
                    found = by_key.get(_match_key(t.type, stored_name(t)), [])
                    out[t.package_key] = fetcher.store_json("ecosystems", t.package_key, found)
                return
            fetcher.failures += 1
            if got.status in _FALLBACK_STATUS or status == "ok":
                answers = await asyncio.gather(
                    *(
                        fetcher.get(
                            "ecosystems",
                            t.package_key,
                            lookup_url(self.base, t),
                            service=self.name,
                        )
                        for t in chunk
                    )
                )
                out.update((t.package_key, a) for t, a in zip(chunk, answers, strict=True))
                return
            got = Fetched("error", reason=reason)
        for t in chunk:
            stale = fetcher.stale("ecosystems", t.package_key) if got.status == "error" else None
            out[t.package_key] = stale if stale is not None else got

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        todo = [t for t in targets if self.supports(t)]
        unique = {t.package_key: t for t in todo}
        answers = fetcher.cached_many("ecosystems", list(unique))
        missing = {k: t for k, t in unique.items() if k not in answers}
        groups: dict[bool, list[Target]] = {}
        for t in missing.values():
            groups.setdefault(t.type == "pypi", []).append(t)
        chunks = [g[i : i + BULK_MAX] for g in groups.values() for i in range(0, len(g), BULK_MAX)]
        await asyncio.gather(*(self._bulk(c, fetcher, answers) for c in chunks))
        out: dict[str, SourceData] = {}
        for n, t in enumerate(todo):
            await breathe(n)
            out[t.key] = self._one(answers[t.package_key])
            fetcher.advance()
        return out

    @staticmethod
    def _one(got: Fetched) -> SourceData:
        if got.status != "ok":
            return SourceData(SourceStatus("ecosyste.ms", got.status, got.reason, got.date))
        try:
            fields = parse_lookup(got.data)
        except Exception as exc:  # one package's surprise never fails the run
            return SourceData(SourceStatus("ecosyste.ms", "error", internal_error(exc), got.date))
        if fields is None:
            return SourceData(
                SourceStatus("ecosyste.ms", "not-found", "unknown package (empty lookup)", got.date)
            )
        return SourceData(SourceStatus("ecosyste.ms", "ok", "", got.date), fields)
