"""ecosyste.ms packages API: ``GET /api/v1/packages/lookup?purl=`` (package level).

Gives the latest release date, status (deprecated / removed / unmaintained),
maintainers, dependents, the ``critical`` flag and the repository URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from osaudit.metadata.fetch import Fetcher, internal_error
from osaudit.metadata.interface import SourceData, SourceStatus, Target
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
DEPRECATED_STATUS = frozenset({"deprecated", "removed", "unmaintained", "yanked", "archived"})


def lookup_url(base: str, target: Target) -> str:
    return f"{base}/api/v1/packages/lookup?purl={quote(target.package_key, safe='')}"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def parse_lookup(data: Any) -> dict[str, object] | None:
    """Fields from the first package of a lookup answer; None when the list is empty."""
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    pkg: dict[str, Any] = data[0]
    out: dict[str, object] = {}
    for src, dst in (
        ("latest_release_published_at", "latest_published_at"),
        ("first_release_published_at", "first_published_at"),
        ("latest_release_number", "latest_version"),
    ):
        if pkg.get(src):
            out[dst] = str(pkg[src])
    status = pkg.get("status")
    if isinstance(status, str) and status:
        out["status"] = status.lower()
        if status.lower() == "deprecated":
            out["deprecated"] = True
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
    return out


class EcosystemsSource:
    name = "ecosyste.ms"

    def __init__(self, base: str) -> None:
        self.base = base

    def supports(self, target: Target) -> bool:
        return target.type in SUPPORTED

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        async def one(target: Target) -> tuple[str, SourceData]:
            got = await fetcher.get("ecosystems", target.package_key, lookup_url(self.base, target))
            fetcher.advance()
            if got.status != "ok":
                return target.key, SourceData(
                    SourceStatus("ecosyste.ms", got.status, got.reason, got.date)
                )
            try:
                fields = parse_lookup(got.data)
            except Exception as exc:  # one package's surprise never fails the run
                return target.key, SourceData(
                    SourceStatus("ecosyste.ms", "error", internal_error(exc), got.date)
                )
            if fields is None:
                return target.key, SourceData(
                    SourceStatus(
                        "ecosyste.ms", "not-found", "unknown package (empty lookup)", got.date
                    )
                )
            return target.key, SourceData(SourceStatus("ecosyste.ms", "ok", "", got.date), fields)

        pairs = await asyncio.gather(*(one(t) for t in targets if self.supports(t)))
        return dict(pairs)
