"""Component scope as the readers give it (CycloneDX ``scope``, SPDX relationships).

Real files: Trackdéchets (cdxgen 12.8.4, npm lockfile v3: scope ``optional`` for
optional/peer-optional and devDependencies, ``excluded`` for ``@types/*``), the
Juice Shop SBOM in CycloneDX JSON and XML (76 ``optional`` entries, 70 distinct
purls), the SPDX examples' Maven project whose JUnit is a TEST_DEPENDENCY_OF.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from osaudit.sbom import read_sbom
from tests.conftest import CORPUS, SKIP_REASON

TRACKDECHETS = CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json"
JUICE_JSON = CORPUS / "large" / "CycloneDX_bom-examples__SBOM_juice-shop_via_npm_bare_bom.1.4.json"
JUICE_XML = CORPUS / "large" / "CycloneDX_bom-examples__SBOM_juice-shop_via_npm_flat_bom.1.4.xml"
SPDX_MAVEN = [
    CORPUS / "spdx" / "json" / "spdx_spdx-examples__software_example14_spdx2.3_examplemaven-0.0.1-enriched.spdx.json",
    CORPUS / "spdx3" / "spdx_spdx-examples__software_example14_spdx3.0_examplemaven-0.0.1-enriched.spdx3.json",
]
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)


def test_cdxgen_scopes_are_read_as_written() -> None:
    raw = json.loads(TRACKDECHETS.read_text(encoding="utf-8"))
    given = {c["bom-ref"]: c.get("scope") for c in raw["components"]}
    sbom = read_sbom(str(TRACKDECHETS))
    read = {c.ref: c.scope for c in sbom.components}
    assert read == given
    counts = collections.Counter(read.values())
    assert (counts["optional"], counts["excluded"]) == (1146, 152)
    # mongodb's optional peer dependency, a devDependency, and type definitions
    assert read["pkg:npm/@aws-sdk/credential-providers@3.864.0"] == "optional"
    assert read["pkg:npm/@chromatic-com/storybook@1.9.0"] == "optional"
    assert read["pkg:npm/mongodb@4.17.2"] is None
    assert all(s == "excluded" for r, s in read.items() if r.startswith("pkg:npm/@types/"))


def test_json_and_xml_readers_agree_on_scope() -> None:
    def scopes(path: Path) -> dict[str | None, str | None]:
        return {c.purl: c.scope for c in read_sbom(str(path)).components}

    from_json, from_xml = scopes(JUICE_JSON), scopes(JUICE_XML)
    assert from_json == from_xml
    assert sum(s == "optional" for s in from_json.values()) == 70


@pytest.mark.parametrize("path", SPDX_MAVEN, ids=["spdx-2.3", "spdx-3.0"])
def test_spdx_test_dependency_is_excluded(path: Path) -> None:
    comps = read_sbom(str(path)).components
    scoped = {c.name: c.scope for c in comps if c.scope is not None}
    assert scoped == {"JUnit": "excluded"}


def test_spdx_optional_dependency_and_one_required_edge(tmp_path: Path) -> None:
    doc = {
        "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x",
        "dataLicense": "CC0-1.0", "documentNamespace": "https://example.org/x",
        "creationInfo": {"created": "2026-12-01T00:00:00Z", "creators": ["Tool: hand"]},
        "packages": [
            {"SPDXID": f"SPDXRef-{n}", "name": n, "downloadLocation": "NOASSERTION"}
            for n in ("app", "opt", "both", "dev")
        ],
        "relationships": [
            {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
             "relatedSpdxElement": "SPDXRef-app"},
            {"spdxElementId": "SPDXRef-opt", "relationshipType": "OPTIONAL_DEPENDENCY_OF",
             "relatedSpdxElement": "SPDXRef-app"},
            {"spdxElementId": "SPDXRef-both", "relationshipType": "OPTIONAL_DEPENDENCY_OF",
             "relatedSpdxElement": "SPDXRef-app"},
            {"spdxElementId": "SPDXRef-opt", "relationshipType": "DEPENDS_ON",
             "relatedSpdxElement": "SPDXRef-dev"},
            {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON",
             "relatedSpdxElement": "SPDXRef-both"},
            {"spdxElementId": "SPDXRef-dev", "relationshipType": "DEV_DEPENDENCY_OF",
             "relatedSpdxElement": "SPDXRef-app"},
        ],
    }
    path = tmp_path / "x.spdx.json"
    path.write_text(json.dumps(doc))
    scopes = {c.name: c.scope for c in read_sbom(str(path)).components}
    # dev has a DEPENDS_ON edge into it as well: one required relationship keeps it required
    assert scopes == {"app": None, "opt": "optional", "both": None, "dev": None}


def test_unknown_cyclonedx_scope_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_text(json.dumps({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": [
            {"type": "library", "name": "a", "bom-ref": "a", "scope": "Optional"},
            {"type": "library", "name": "b", "bom-ref": "b", "scope": "runtime"},
        ],
    }))
    sbom = read_sbom(str(path))
    assert {c.ref: c.scope for c in sbom.components} == {"a": "optional", "b": "runtime"}
    (warn,) = [w for w in sbom.warnings if w.code == "scope-unknown"]
    assert "'runtime'" in warn.message and warn.location == "$.components[1].scope"


@pytest.mark.parametrize(
    ("rtype", "lifecycle", "scope"),
    [
        ("dependsOn", None, "required"),
        ("dependsOn", "runtime", "required"),
        ("dependsOn", "development", "excluded"),
        ("dependsOn", "https://spdx.org/rdf/3.0.1/terms/Core/LifecycleScopeType/test", "excluded"),
        ("hasOptionalDependency", None, "optional"),
        ("OPTIONAL_DEPENDENCY_OF", None, "optional"),
        ("BUILD_DEPENDENCY_OF", None, "required"),  # a build input may be compiled in
        ("DEV_TOOL_OF", None, "excluded"),
    ],
)
def test_relationship_scope(rtype: str, lifecycle: str | None, scope: str) -> None:
    from osaudit.sbom.spdx2_json import relationship_scope

    assert relationship_scope(rtype, lifecycle) == scope
