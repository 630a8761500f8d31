"""Settings of one metadata run: service base URLs, network limits, cache mode.

Tokens are read from the environment, kept out of ``repr`` and never written
anywhere; base URLs must be http(s) without credentials.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from osaudit import __version__
from osaudit.errors import ConfigError

DEFAULT_URLS: dict[str, str] = {
    "depsdev_url": "https://api.deps.dev",
    "ecosystems_url": "https://packages.ecosyste.ms",
    "osv_url": "https://api.osv.dev",
    "scorecard_url": "https://api.scorecard.dev",
}
ENV_URLS: dict[str, str] = {
    "depsdev_url": "OSAUDIT_DEPSDEV_URL",
    "ecosystems_url": "OSAUDIT_ECOSYSTEMS_URL",
    "osv_url": "OSAUDIT_OSV_URL",
    "scorecard_url": "OSAUDIT_SCORECARD_URL",
}


def _check_url(option: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--{option.replace('_', '-')}: not an http(s) URL: {url!r}")
    if parts.username or parts.password:
        raise ConfigError(f"--{option.replace('_', '-')}: credentials in the URL are not allowed")
    if parts.query or parts.fragment:
        raise ConfigError(f"--{option.replace('_', '-')}: a base URL takes no query or fragment")
    return url.rstrip("/")


@dataclass(frozen=True, slots=True)
class MetadataConfig:
    """Everything ``collect`` needs; build it with :meth:`from_options`."""

    depsdev_url: str = DEFAULT_URLS["depsdev_url"]
    ecosystems_url: str = DEFAULT_URLS["ecosystems_url"]
    osv_url: str = DEFAULT_URLS["osv_url"]
    scorecard_url: str = DEFAULT_URLS["scorecard_url"]
    offline: bool = False
    refresh: bool = False
    concurrency: int = 16
    timeout: float = 10.0
    quiet: bool = False
    cache_dir: Path | None = None  # None: $OSAUDIT_CACHE_DIR or the user cache dir
    use_cache: bool = True
    max_retries: int = 3  # retries after the first attempt
    backoff_base: float = 0.5  # seconds; delay = base * 2**attempt * jitter, capped
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0  # a longer Retry-After gives up instead of waiting
    rate_per_host: float = 250.0  # requests started per second per host (0 = no limit)
    breaker_threshold: int = 3  # consecutive connection failures that open a host's circuit
    max_vuln_details: int = 500  # bound on OSV /v1/vulns/{id} look-ups per run
    osv_batch: int = 1000  # queries per OSV querybatch request (OSV's own limit)
    max_body: int = 256 * 1024 * 1024  # decoded bytes per answer (largest real ones: ~10 MB)
    run_deadline: float = 900.0  # seconds for the whole metadata stage's network work
    retry_budget: float = 120.0  # seconds slept before retries, summed over the run
    # ecosyste.ms documents 5,000 requests per hour per IP: one run uses at most a fifth,
    # so a CI matrix of five audits in the same hour stays within it.
    ecosystems_budget: int = 1000
    jitter_seed: int | None = None  # fixed seed makes backoff delays reproducible
    progress: bool | None = None  # None: a bar only when stderr is a terminal
    heartbeat: float = 10.0  # seconds between progress lines when there is no bar
    user_agent: str = f"osaudit/{__version__} (SBOM audit; aiohttp)"
    github_token: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in DEFAULT_URLS:
            object.__setattr__(self, name, _check_url(name, getattr(self, name)))
        if self.concurrency < 1:
            raise ConfigError("--concurrency: must be at least 1")
        if self.timeout <= 0:
            raise ConfigError("--timeout: must be a positive number of seconds")
        if self.offline and self.refresh:
            raise ConfigError("--offline and --refresh cannot be used together")

    def url(self, source: str) -> str:
        """Base URL of a source by its report name."""
        return {
            "deps.dev": self.depsdev_url,
            "ecosyste.ms": self.ecosystems_url,
            "osv": self.osv_url,
            "scorecard": self.scorecard_url,
        }[source]

    @classmethod
    def from_options(cls, **kwargs: object) -> MetadataConfig:
        """Build from the click options of :func:`metadata_options` (extra keys ignored).

        URLs fall back to ``OSAUDIT_*_URL`` then the public services; the
        GitHub token comes from ``GITHUB_TOKEN`` only.
        """
        values: dict[str, object] = {}
        for name, default in DEFAULT_URLS.items():
            given = kwargs.get(name)
            values[name] = str(given) if given else os.environ.get(ENV_URLS[name]) or default
        for name in ("offline", "refresh", "quiet"):
            if kwargs.get(name) is not None:
                values[name] = bool(kwargs[name])
        if kwargs.get("concurrency") is not None:
            values["concurrency"] = int(str(kwargs["concurrency"]))
        if kwargs.get("timeout") is not None:
            values["timeout"] = float(str(kwargs["timeout"]))
        cache_dir = kwargs.get("cache_dir")
        if cache_dir:
            values["cache_dir"] = Path(str(cache_dir))
        values["github_token"] = os.environ.get("GITHUB_TOKEN") or None
        return cls(**values)  # type: ignore[arg-type]
