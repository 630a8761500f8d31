"""The shipped alternatives: open-source software or honestly-labelled services, and
every endorsement from the documented vocabulary with a source from its programme."""

from __future__ import annotations

import re

import pytest

from osaudit.catalog import shipped_root
from osaudit.catalog.loader import vocabulary
from osaudit.catalog.yamlio import parse_yaml
from osaudit.licence.categories import expression_facts

#: Where each programme publishes what it lists (mirrors the table in catalog/README.md).
PROGRAMME_SOURCES: dict[str, tuple[str, ...]] = {
    "SILL": ("https://code.gouv.fr/", "https://github.com/codegouvfr/"),
    "openDesk": (
        "https://www.opendesk.eu/",
        "https://opendesk.eu/",
        "https://gitlab.opencode.de/bmi/opendesk/",
        "https://git.athq.de/sheppy/opendesk/",
    ),
    "La-Suite": (
        "https://lasuite.numerique.gouv.fr/",
        "https://github.com/suitenumerique/",
        "https://www.commentcamarche.net/applis-sites/bureautique/34085-la-suite-numerique/",
        "https://itsocial.fr/cybersecurite/cybersecurite-actualites/letat-lance-lasuite-",
    ),
    "openCoDE": ("https://gitlab.opencode.de/", "https://opencode.de/"),
    "Developers-Italia": ("https://developers.italia.it/", "https://github.com/italia/"),
    "Sovereign-Cloud-Stack": (
        "https://scs.community/",
        "https://github.com/SovereignCloudStack/",
        "https://docs.scs.community/",
    ),
    "NGI": ("https://ngi.eu/", "https://www.ngi.eu/", "https://nlnet.nl/"),
    "EU-Commission": (
        "https://ec.europa.eu/",
        "https://commission.europa.eu/",
        "https://github.com/eu-digital-identity-wallet",
    ),
}
SERVICE_LICENCE = "LicenseRef-service-terms"


def _alternatives() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((shipped_root() / "alternatives").glob("*.yaml")):
        for entry in parse_yaml(path.read_bytes()).get("alternatives") or ():
            out.append((path.name, entry))
    return out


ALTERNATIVES = _alternatives()


def test_endorsement_vocabulary_is_documented_and_has_source_rules():
    values = set(vocabulary("endorsement"))
    assert values == set(PROGRAMME_SOURCES)
    readme = (shipped_root() / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Za-z-]+)` \| ", readme, flags=re.M))
    assert values <= documented, f"endorsements missing from catalog/README.md: {values - documented}"


def test_every_endorsement_has_a_source_from_its_programme():
    problems = []
    endorsed = 0
    for fname, alt in ALTERNATIVES:
        for value in alt.get("endorsements") or ():
            endorsed += 1
            prefixes = PROGRAMME_SOURCES.get(value)
            if prefixes is None:
                problems.append(f"{fname}: {alt['id']}: unknown endorsement {value!r}")
            elif not any(src.startswith(prefixes) for src in alt["sources"]):
                problems.append(f"{fname}: {alt['id']}: {value} without a source from {prefixes}")
    assert not problems, "\n".join(problems)
    assert endorsed >= 50  # the SILL, SCS, La Suite, ... endorsements recorded in issue 12


def test_services_are_labelled_and_software_is_open_source():
    problems = []
    for fname, alt in ALTERNATIVES:
        where = f"{fname}: {alt['id']}"
        licence = alt.get("licence")
        if alt.get("offering") == "service":
            if licence != SERVICE_LICENCE:
                problems.append(f"{where}: a service must carry licence {SERVICE_LICENCE}")
            if not (alt.get("notes") or "").strip():
                problems.append(f"{where}: a service needs notes saying what it is")
            continue
        if licence == SERVICE_LICENCE:
            problems.append(f"{where}: {SERVICE_LICENCE} on software; mark it offering: service")
        elif licence is not None and expression_facts(licence).open_source is not True:
            problems.append(f"{where}: {licence} is not an open-source licence")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("source_available", ["bugsink", "directus"])
def test_source_available_products_are_not_alternatives(source_available):
    """Bugsink (paid subscription for production) and Directus (BSL 1.1) are not open source."""
    assert source_available not in {alt["id"] for _f, alt in ALTERNATIVES}


def _unknown(alt: dict, field: str, value: object) -> bool:
    """Unknown as scoring sees it: null, or recorded but listed in ``unverified``."""
    return value is None or field in (alt.get("unverified") or ())


def test_coverage_targets_for_alternatives():
    n = len(ALTERNATIVES)
    no_juris = sum(
        _unknown(a, "steward.jurisdiction", a["steward"].get("jurisdiction"))
        for _f, a in ALTERNATIVES
    )
    no_licence = sum(_unknown(a, "licence", a.get("licence")) for _f, a in ALTERNATIVES)
    assert n >= 300
    assert no_juris <= 0.20 * n, f"jurisdiction unknown for {no_juris} of {n}"
    assert no_licence <= 0.05 * n, f"licence unknown for {no_licence} of {n}"
