"""deps.dev API v3: GetVersion, GetPackage and GetProject (with its Scorecard).

URLs are built from the configured base URL and percent-encoded purl parts only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from osaudit.metadata.fetch import Fetched, Fetcher, internal_error
from osaudit.metadata.interface import Release, Scorecard, SourceData, SourceStatus, Target
from osaudit.metadata.scorecard import maintained_check, parse_repo

# purl type -> deps.dev v3 system
SYSTEMS: dict[str, str] = {
    "pypi": "PYPI",
    "npm": "NPM",
    "maven": "MAVEN",
    "golang": "GO",
    "cargo": "CARGO",
    "nuget": "NUGET",
}
# Provenance of a SOURCE_REPO link, most trusted first.
_PROVENANCE = ("SLSA_ATTESTATION", "PYPI_PUBLISH_ATTESTATION", "GO_ORIGIN", "UNVERIFIED_METADATA")


def package_name(target: Target) -> str:
    """The deps.dev package name for a purl (Maven ``group:artifact``, npm ``@scope/name``)."""
    ns = target.namespace
    if target.type == "maven":
        return f"{ns}:{target.name}" if ns else target.name
    if target.type == "npm":
        if ns:
            return f"{ns if ns.startswith('@') else '@' + ns}/{target.name}"
        return target.name
    if target.type == "golang":
        return f"{ns}/{target.name}" if ns else target.name
    return target.name


def _q(text: str) -> str:
    return quote(text, safe="")


def package_url(base: str, target: Target) -> str:
    system = SYSTEMS[target.type]
    return f"{base}/v3/systems/{system}/packages/{_q(package_name(target))}"


def version_url(base: str, target: Target) -> str:
    return f"{package_url(base, target)}/versions/{_q(target.version or '')}"


def project_url(base: str, repo: str) -> str:
    return f"{base}/v3/projects/{_q(repo)}"


def source_repo(version: dict[str, Any]) -> str | None:
    """The SOURCE_REPO project of a version, preferring attested provenance."""
    best: tuple[int, str] | None = None
    for rel in version.get("relatedProjects") or ():
        if not isinstance(rel, dict) or rel.get("relationType") != "SOURCE_REPO":
            continue
        key = rel.get("projectKey")
        repo = parse_repo(key.get("id") if isinstance(key, dict) else None)
        if repo is None:
            continue
        prov = rel.get("relationProvenance")
        rank = _PROVENANCE.index(prov) if prov in _PROVENANCE else len(_PROVENANCE)
        if best is None or rank < best[0]:
            best = (rank, repo)
    if best is None:  # fall back on a SOURCE_REPO link
        for link in version.get("links") or ():
            if isinstance(link, dict) and link.get("label") == "SOURCE_REPO":
                repo = parse_repo(str(link.get("url") or ""))
                if repo:
                    return repo
    return best[1] if best else None


def parse_version(data: Any) -> dict[str, object]:
    """Fields from a GetVersion body."""
    if not isinstance(data, dict):
        return {}
    out: dict[str, object] = {}
    if data.get("publishedAt"):
        out["published_at"] = str(data["publishedAt"])
    lic = data.get("licenses")
    if isinstance(lic, list):
        out["licences"] = tuple(str(x) for x in lic if x)
    adv = data.get("advisoryKeys")
    if isinstance(adv, list):
        ids = {str(a.get("id")) for a in adv if isinstance(a, dict) and a.get("id")}
        out["advisories"] = tuple(sorted(ids))
    if isinstance(data.get("isDeprecated"), bool):
        out["deprecated"] = data["isDeprecated"]
    repo = source_repo(data)
    if repo:
        out["repository"] = repo
    return out


def parse_package(data: Any) -> dict[str, object]:
    """Releases, default (latest) version and first publication from a GetPackage body."""
    if not isinstance(data, dict):
        return {}
    releases: list[Release] = []
    for v in data.get("versions") or ():
        if not isinstance(v, dict):
            continue
        key = v.get("versionKey")
        version = key.get("version") if isinstance(key, dict) else None
        if not version:
            continue
        pub = v.get("publishedAt")
        releases.append(
            Release(str(version), str(pub) if pub else None, v.get("isDefault") is True)
        )
    releases.sort(key=lambda r: (r.published_at or "", r.version))
    out: dict[str, object] = {"releases": tuple(releases)}
    default = [r for r in releases if r.is_default]
    if default:
        out["latest_version"] = default[-1].version
        if default[-1].published_at:
            out["latest_published_at"] = default[-1].published_at
    dates = [r.published_at for r in releases if r.published_at]
    if dates:
        out["first_published_at"] = min(dates)
    return out


def parse_project(data: Any, repo: str, *, retrieved: str | None) -> dict[str, object]:
    """Scorecard, stars and OSS-Fuzz from a GetProject body."""
    if not isinstance(data, dict):
        return {}
    out: dict[str, object] = {}
    if isinstance(data.get("starsCount"), int):
        out["stars"] = data["starsCount"]
    out["oss_fuzz"] = isinstance(data.get("ossFuzz"), dict)
    card = data.get("scorecard")
    if isinstance(card, dict):
        checks = [c for c in card.get("checks") or () if isinstance(c, dict)]
        maintained, archived = maintained_check(checks)
        overall = card.get("overallScore")
        out["scorecard"] = Scorecard(
            repository=repo,
            overall=float(overall) if isinstance(overall, int | float) and overall >= 0 else None,
            maintained=maintained,
            date=str(card["date"])[:10] if card.get("date") else None,
            source="deps.dev",
            retrieved=retrieved,
        )
        if archived:
            out["archived"] = True
    return out


def _newest(*dates: str | None) -> str | None:
    known = [d for d in dates if d]
    return max(known) if known else None


class DepsDevSource:
    """deps.dev for PyPI, npm, Maven, Go, Cargo and NuGet."""

    name = "deps.dev"

    def __init__(self, base: str) -> None:
        self.base = base

    def supports(self, target: Target) -> bool:
        return target.type in SYSTEMS

    async def one(self, target: Target, fetcher: Fetcher) -> SourceData:
        """Version and package in parallel, then the project of the source repository."""
        pkg_f = fetcher.get("depsdev-package", target.package_key, package_url(self.base, target))
        if target.version:
            ver_f = fetcher.get("depsdev-version", target.key, version_url(self.base, target))
            pkg, ver = await asyncio.gather(pkg_f, ver_f)
        else:
            pkg = await pkg_f
            ver = Fetched("not-found", reason="no version in the purl")
        fields: dict[str, object] = {}
        fields.update(parse_package(pkg.data) if pkg.status == "ok" else {})
        fields.update(parse_version(ver.data) if ver.status == "ok" else {})
        if pkg.status != "ok" and ver.status != "ok":
            first = ver if ver.status not in ("not-found",) or not target.version else pkg
            status, reason = first.status, first.reason
            if pkg.status == "not-found" and ver.status == "not-found":
                status, reason = "not-found", "unknown package (HTTP 404)"
            return SourceData(SourceStatus("deps.dev", status, reason, _newest(pkg.date, ver.date)))
        date = _newest(pkg.date, ver.date)
        gaps = [
            f"{what} look-up failed: {got.reason}"
            for what, got in (("version", ver), ("package", pkg))
            if got.status in ("error", "offline")
        ]
        repo = fields.get("repository")
        if isinstance(repo, str):
            proj = await fetcher.get("depsdev-project", repo, project_url(self.base, repo))
            if proj.status == "ok":
                fields.update(parse_project(proj.data, repo, retrieved=proj.date))
                date = _newest(date, proj.date)
            elif proj.status in ("error", "offline"):
                gaps.append(f"project look-up failed: {proj.reason}")
        return SourceData(SourceStatus("deps.dev", "ok", "; ".join(gaps), date), fields)

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        async def run(target: Target) -> tuple[str, SourceData]:
            try:
                data = await self.one(target, fetcher)
            except Exception as exc:  # one package's surprise never fails the run
                data = SourceData(SourceStatus("deps.dev", "error", internal_error(exc)))
            fetcher.advance()
            return target.key, data

        pairs = await asyncio.gather(*(run(t) for t in targets if self.supports(t)))
        return dict(pairs)
