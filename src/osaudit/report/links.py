"""Published documentation URLs: one per docs page, per SARIF rule and per reason code.

Links point at the docs as released, pinned to the tag of this version
(``https://github.com/osaudit/osaudit/blob/v<version>/docs/<page>#<anchor>``), so the
anchor a report links to exists in the text the reader sees, whatever ``main`` says
later. Anchors are GitHub's heading slugs; ``tests/test_report_links.py`` checks that
every rule id and reason code osaudit emits maps to a heading that exists in the page
and that the section under it names the code.

Markdown, HTML and SARIF all take their links from here.
"""

from __future__ import annotations

from osaudit import __version__

PROJECT_URL = "https://github.com/osaudit/osaudit"

#: Docs pages by short name -> path in the repository.
DOC_PAGES: dict[str, str] = {
    "scoring": "docs/scoring.md",
    "report-formats": "docs/report-formats.md",
    "portfolio": "docs/portfolio.md",
    "readme": "README.md",
}

#: SARIF rule id -> (page, anchor) of the section that explains the rule.
RULE_DOCS: dict[str, tuple[str, str]] = {
    "osaudit/lockin": ("scoring", "lock-in"),
    "osaudit/licence": ("scoring", "licence-openness"),
    "osaudit/licence-unknown": ("scoring", "reasons-and-points"),
    "osaudit/maintenance": ("scoring", "maintenance-risk"),
    "osaudit/art41": ("scoring", "the-art-41-open-source-first-verdict"),
}

#: Reason codes (``reasons[].code`` and warning codes) documented outside their
#: family's rule table, by exact code -> (page, anchor).
_CODE_DOCS: dict[str, tuple[str, str]] = {
    "MT-NOT-COLLECTED": ("scoring", "unknown-is-a-value"),
    "MT-NO-PURL": ("scoring", "unknown-is-a-value"),
    "MT-UNSUPPORTED": ("scoring", "unknown-is-a-value"),
    "MT-OFFLINE": ("scoring", "unknown-is-a-value"),
    "MT-UNREACHABLE": ("scoring", "unknown-is-a-value"),
    "MT-NOT-FOUND": ("scoring", "unknown-is-a-value"),
    "MT-NO-DATA": ("scoring", "unknown-is-a-value"),
    "MT-UNREACHABLE-ALL": ("scoring", "network-and-cache-policy"),
    "MT-COLLECT": ("scoring", "network-and-cache-policy"),
}

#: Reason-code prefix -> (page, anchor) of the family's rule table. The lock-in and
#: maintenance tables are both headed "Rules"; GitHub numbers the second "rules-1".
_PREFIX_DOCS: dict[str, tuple[str, str]] = {
    "LI": ("scoring", "rules"),
    "LIC": ("scoring", "reasons-and-points"),
    "MT": ("scoring", "rules-1"),
}


def release_ref(version: str = __version__) -> str:
    """The git tag a release of ``version`` is published under."""
    return f"v{version}"


def doc_url(page: str, anchor: str | None = None, version: str = __version__) -> str:
    """URL of a docs page (``DOC_PAGES`` key) at the release, optionally at an anchor."""
    url = f"{PROJECT_URL}/blob/{release_ref(version)}/{DOC_PAGES[page]}"
    return f"{url}#{anchor}" if anchor else url


def rule_url(rule_id: str, version: str = __version__) -> str:
    """Docs URL for a SARIF rule id (``osaudit/...``) or a reason code (``LI-KIND``...).

    An unknown id gets the scoring page itself, never a dangling anchor.
    """
    target = RULE_DOCS.get(rule_id) or _CODE_DOCS.get(rule_id)
    if target is None:
        prefix = rule_id.split("-", 1)[0]
        target = _PREFIX_DOCS.get(prefix) if "-" in rule_id else None
    if target is None:
        return doc_url("scoring", version=version)
    page, anchor = target
    return doc_url(page, anchor, version)


__all__ = ["DOC_PAGES", "PROJECT_URL", "RULE_DOCS", "doc_url", "release_ref", "rule_url"]
