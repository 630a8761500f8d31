"""deps.dev: the v3alpha batch endpoints, with the v3 per-package look-ups as fallback.

``POST /v3alpha/versionbatch`` (the used versions), ``POST /v3alpha/purlbatch`` with
versionless purls (each package's release list, as GetPackage gives it) and
``POST /v3alpha/projectbatch`` (source repositories and their Scorecard): up to 5,000
requests each, answers matched back by the request they echo, pages followed through
``nextPageToken``. Each item is cached as the v3 look-up of the same kind would be, so
a later run, or the per-package fallback (v3 ``GetVersion``/``GetPackage``/``GetProject``,
used where a batch endpoint answers 400/404/405/501 or an unusable body), shares it.
URLs are built from the configured base URL and percent-encoded purl parts only (deps.dev
needs ``/`` in a name encoded as ``%2F``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

import msgspec
import orjson

from osaudit.metadata.fetch import (
    Fetched,
    Fetcher,
    breathe,
    decode,
    internal_error,
    json_type,
)
from osaudit.metadata.interface import (
    Release,
    Scorecard,
    SourceData,
    SourceName,
    SourceStatus,
    Target,
)
from osaudit.metadata.scorecard import maintained_check, parse_repo

# purl type -> deps.dev v3 system
SYSTEMS: dict[str, str] = {
    "pypi": "PYPI",
    "npm": "NPM",
    "maven": "MAVEN",
    "golang": "GO",
    "cargo": "CARGO",
    "nuget": "NUGET",
    "gem": "RUBYGEMS",
}
BATCH_MAX = 5000  # requests per batch call (api/v3alpha: "Up to 5000 requests")
FALLBACK_STATUS = frozenset({400, 404, 405, 501})  # batch endpoint not offered or changed
# PEP 792 project status markers (deps.dev Version.projectStatus, PyPI only).
_PROJECT_STATUS = frozenset({"archived", "quarantined", "deprecated"})
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
    if isinstance(lic, list) and any(lic):  # empty: let another source fill it
        out["licences"] = tuple(str(x) for x in lic if x)
    adv = data.get("advisoryKeys")
    if isinstance(adv, list):
        ids = {str(a.get("id")) for a in adv if isinstance(a, dict) and a.get("id")}
        out["advisories"] = tuple(sorted(ids))
    if isinstance(data.get("isDeprecated"), bool):
        out["deprecated"] = data["isDeprecated"]
    project_status = data.get("projectStatus")
    if isinstance(project_status, dict):
        marker = str(project_status.get("status") or "").lower()
        if marker in _PROJECT_STATUS:
            out["status"] = marker
            if marker == "deprecated":
                out["deprecated"] = True
    repo = source_repo(data)
    if repo:
        out["repository"] = repo
    return out


def parse_package(data: Any) -> dict[str, object]:
    """Releases, default (latest) version and first publication from a GetPackage body."""
    if not isinstance(data, dict):
        return {}
    rows: list[tuple[str, str, int, bool]] = []
    for v in data.get("versions") or ():
        if not isinstance(v, dict):
            continue
        key = v.get("versionKey")
        version = key.get("version") if isinstance(key, dict) else None
        if not version:
            continue
        pub = v.get("publishedAt")
        rows.append((str(pub) if pub else "", str(version), len(rows), v.get("isDefault") is True))
    rows.sort()  # by publication date then version (one service, one format), else as listed
    releases = tuple(Release(ver, pub or None, dflt) for pub, ver, _, dflt in rows)
    out: dict[str, object] = {"releases": releases}
    for rel in reversed(releases):
        if rel.is_default:
            out["latest_version"] = rel.version
            if rel.published_at:
                out["latest_published_at"] = rel.published_at
            break
    for pub, *_ in rows:  # sorted: the first date is the earliest
        if pub:
            out["first_published_at"] = pub
            break
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
    """The latest retrieval date: all are written by ``cache.iso``, so text order is time order."""
    return max((d for d in dates if d), default=None)


def version_request(target: Target) -> dict[str, Any]:
    """One versionbatch request (a GetVersionRequest)."""
    return {
        "versionKey": {
            "system": SYSTEMS[target.type],
            "name": package_name(target),
            "version": target.version or "",
        }
    }


def _version_request_key(req: Any) -> str | None:
    key = req.get("versionKey") if isinstance(req, dict) else None
    if not isinstance(key, dict):
        return None
    return f"{key.get('system')}\0{key.get('name')}\0{key.get('version')}"


def _purl_request_key(req: Any) -> str | None:
    return str(req["purl"]) if isinstance(req, dict) and req.get("purl") else None


def _project_request_key(req: Any) -> str | None:
    key = req.get("projectKey") if isinstance(req, dict) else None
    return str(key["id"]) if isinstance(key, dict) and key.get("id") else None


_ABSENT = msgspec.Raw()  # a field the answer does not have (empty bytes)


class _PurlResult(msgspec.Struct):
    package: msgspec.Raw = _ABSENT


class _Response(msgspec.Struct):
    """One response of a v3alpha batch page; its item is kept as the bytes sent."""

    request: msgspec.Raw = _ABSENT
    version: msgspec.Raw = _ABSENT  # versionbatch
    result: _PurlResult | None = None  # purlbatch
    project: msgspec.Raw = _ABSENT  # projectbatch


class _Page(msgspec.Struct):
    responses: list[_Response] | None = None
    nextPageToken: str | None = None  # the API's field name
    next_page_token: str | None = None


_PAGE = msgspec.json.Decoder(_Page)


def _version_item(resp: _Response) -> msgspec.Raw:
    return resp.version


def _package_item(resp: _Response) -> msgspec.Raw:
    return resp.result.package if resp.result is not None else _ABSENT


def _project_item(resp: _Response) -> msgspec.Raw:
    return resp.project


class BatchFailed(Exception):
    """A batch call that did not give usable answers; ``fallback``: ask one by one."""

    def __init__(self, got: Fetched, *, fallback: bool) -> None:
        super().__init__(got.reason)
        self.got = got
        self.fallback = fallback


async def post_batch(
    fetcher: Fetcher,
    url: str,
    requests: list[dict[str, Any]],
    request_key: Callable[[Any], str | None],
    item: Callable[[_Response], msgspec.Raw],
) -> dict[str, Any]:
    """Every page of one batch call: the decoded item (or None when absent) and the bytes
    the service sent for it, per request key.

    Only the envelope is decoded at first (msgspec, the items kept as raw bytes); each
    item is then decoded once and cached as the bytes it came in, not encoded again.
    """
    wanted = {request_key(r) for r in requests}
    found: dict[str, Any] = {}
    token = ""
    for _page in range(len(requests) + 1):  # a server repeating its token cannot loop us
        body: dict[str, Any] = {"requests": requests}
        if token:
            body["pageToken"] = token
        got = await fetcher.send("POST", url, json=body)
        if isinstance(got, Fetched):
            raise BatchFailed(got, fallback=False)
        page: _Page | None = None
        status, reason = "ok", ""
        if got.status == 200 and json_type(got.content_type):
            try:
                page = _PAGE.decode(got.body)
            except msgspec.ValidationError:  # JSON, but not a batch answer
                reason = "unusable batch answer"
            except msgspec.DecodeError:
                status, reason = "error", "invalid JSON in response"
        else:
            status, _, reason = decode(got.status, b"", got.content_type)
        if page is None:
            fetcher.failures += 1
            fallback = got.status in FALLBACK_STATUS or status == "ok"
            raise BatchFailed(
                Fetched("error", reason=reason or "unusable batch answer"), fallback=fallback
            )
        for n, resp in enumerate(page.responses or ()):
            await breathe(n)
            key = request_key(orjson.loads(bytes(resp.request))) if resp.request else None
            if key in wanted and key is not None and found.get(key) is None:
                raw = bytes(item(resp))
                data = orjson.loads(raw) if raw else None
                if data:  # an empty (or null) item is no item
                    found[key] = (data, raw)
        token = page.nextPageToken or page.next_page_token or ""
        if not token:
            break
    return {k: found.get(k) for k in wanted if k is not None}


class DepsDevSource:
    """deps.dev for PyPI, npm, Maven, Go, Cargo, NuGet and RubyGems."""

    name: SourceName = "deps.dev"

    def __init__(self, base: str) -> None:
        self.base = base

    def supports(self, target: Target) -> bool:
        return target.type in SYSTEMS

    async def _batched(
        self,
        fetcher: Fetcher,
        kind: str,
        items: dict[str, dict[str, Any]],
        url_of: Callable[[str], str],
        endpoint: str,
        request_key: Callable[[Any], str | None],
        item: Callable[[_Response], msgspec.Raw],
    ) -> dict[str, Fetched]:
        """Answers for ``items`` (cache key -> batch request); ``url_of``: the v3 fallback."""
        out = fetcher.cached_many(kind, list(items))
        todo = [key for key in items if key not in out]

        async def chunk(keys: list[str]) -> None:
            reqs = [items[k] for k in keys]
            try:
                found = await post_batch(fetcher, f"{self.base}{endpoint}", reqs, request_key, item)
            except BatchFailed as exc:
                if not exc.fallback:
                    for k in keys:
                        stale = fetcher.stale(kind, k) if exc.got.status == "error" else None
                        out[k] = stale if stale is not None else exc.got
                    return
                got = await asyncio.gather(*(fetcher.get(kind, k, url_of(k)) for k in keys))
                out.update(zip(keys, got, strict=True))
                return
            for n, (k, req) in enumerate(zip(keys, reqs, strict=True)):
                await breathe(n)
                hit = found.get(request_key(req) or "")
                if hit is None:
                    out[k] = fetcher.store_json(kind, k, None)
                else:
                    out[k] = fetcher.store_json(kind, k, hit[0], body=hit[1])

        await asyncio.gather(
            *(chunk(todo[i : i + BATCH_MAX]) for i in range(0, len(todo), BATCH_MAX))
        )
        return out

    @staticmethod
    def _facts(
        target: Target, pkg: Fetched, ver: Fetched, ver_fields: dict[str, object] | None
    ) -> tuple[SourceStatus, dict[str, object]]:
        fields: dict[str, object] = {}
        fields.update(parse_package(pkg.data) if pkg.status == "ok" else {})
        fields.update(ver_fields if ver.status == "ok" and ver_fields is not None else {})
        date = _newest(pkg.date, ver.date)
        if pkg.status != "ok" and ver.status != "ok":
            first = ver if ver.status not in ("not-found",) or not target.version else pkg
            status, reason = first.status, first.reason
            if pkg.status == "not-found" and ver.status == "not-found":
                status, reason = "not-found", "unknown package (HTTP 404)"
            return SourceStatus("deps.dev", status, reason, date), {}
        gaps = [
            f"{what} look-up failed: {got.reason}"
            for what, got in (("version", ver), ("package", pkg))
            if got.status in ("error", "offline")
        ]
        return SourceStatus("deps.dev", "ok", "; ".join(gaps), date), fields

    async def _versions_and_projects(
        self, fetcher: Fetcher, by_key: dict[str, Target]
    ) -> tuple[dict[str, Fetched], dict[str, dict[str, object] | Exception], dict[str, Fetched]]:
        """The versions, then at once the projects they name (not waiting for the packages)."""
        ver_got = await self._batched(
            fetcher,
            "depsdev-version",
            {k: version_request(t) for k, t in by_key.items() if t.version},
            lambda k: version_url(self.base, by_key[k]),
            "/v3alpha/versionbatch",
            _version_request_key,
            _version_item,
        )
        parsed: dict[str, dict[str, object] | Exception] = {}
        for n, (key, got) in enumerate(ver_got.items()):
            await breathe(n)
            if got.status == "ok":
                try:
                    parsed[key] = parse_version(got.data)
                except Exception as exc:  # reported for its package in gather
                    parsed[key] = exc
        repos = sorted(
            {
                r
                for f in parsed.values()
                if isinstance(f, dict) and isinstance(r := f.get("repository"), str)
            }
        )
        projects = await self._batched(
            fetcher,
            "depsdev-project",
            {r: {"projectKey": {"id": r}} for r in repos},
            lambda r: project_url(self.base, r),
            "/v3alpha/projectbatch",
            _project_request_key,
            _project_item,
        )
        return ver_got, parsed, projects

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        todo = [t for t in targets if self.supports(t)]
        by_key = {t.key: t for t in todo}
        by_package = {t.package_key: t for t in todo}
        packages = {k: {"purl": k} for k in by_package}
        (ver_got, ver_parsed, projects), pkg_got = await asyncio.gather(
            self._versions_and_projects(fetcher, by_key),
            self._batched(
                fetcher,
                "depsdev-package",
                packages,
                lambda k: package_url(self.base, by_package[k]),
                "/v3alpha/purlbatch",
                _purl_request_key,
                _package_item,
            ),
        )
        no_version = Fetched("not-found", reason="no version in the purl")
        partial: dict[str, tuple[SourceStatus, dict[str, object]]] = {}
        for n, t in enumerate(todo):
            await breathe(n)
            try:
                parsed = ver_parsed.get(t.key)
                if isinstance(parsed, Exception):
                    raise parsed
                partial[t.key] = self._facts(
                    t, pkg_got[t.package_key], ver_got.get(t.key, no_version), parsed
                )
            except Exception as exc:  # one package's surprise never fails the run
                partial[t.key] = (SourceStatus("deps.dev", "error", internal_error(exc)), {})
        out: dict[str, SourceData] = {}
        for n, t in enumerate(todo):
            await breathe(n)
            status, fields = partial[t.key]
            repo = fields.get("repository")
            if status.status == "ok" and isinstance(repo, str):
                proj = projects[repo]
                reason, date = status.reason, status.date
                if proj.status == "ok":
                    try:
                        fields.update(parse_project(proj.data, repo, retrieved=proj.date))
                    except Exception as exc:  # an odd project answer only loses the project
                        reason = "; ".join(x for x in (reason, internal_error(exc)) if x)
                    date = _newest(date, proj.date)
                elif proj.status in ("error", "offline"):
                    reason = "; ".join(
                        x for x in (reason, f"project look-up failed: {proj.reason}") if x
                    )
                status = SourceStatus("deps.dev", "ok", reason, date)
            out[t.key] = SourceData(status, fields)
            fetcher.advance()
        return out
