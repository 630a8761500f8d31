"""The report's header parts: what was read (SBOM), with which catalogue and policy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec

from osaudit.catalog import Catalog
from osaudit.errors import ConfigError
from osaudit.model import Sbom
from osaudit.report.model import CatalogInfo, PolicyInfo, SbomInfo, SbomSubject
from osaudit.scoring.policy import Policy

ProjectLicence = tuple[str | None, str | None]  # (SPDX expression, "option" | "policy" | "sbom")


def sbom_info(sbom: Sbom, digest: str | None) -> SbomInfo:
    """The report's ``sbom`` part."""
    doc = sbom.document
    subj = doc.subject
    return SbomInfo(
        path=sbom.path,
        sha256=digest,
        format=doc.format,
        spec_version=doc.spec_version,
        encoding=doc.encoding,
        serial=doc.serial,
        name=doc.name,
        created=doc.created,
        tools=doc.tools,
        subject=(
            SbomSubject(name=subj.name, version=subj.version, purl=subj.purl) if subj else None
        ),
    )


def catalog_info(catalog: Catalog, overlays: Sequence[str]) -> CatalogInfo:
    """The report's ``catalog`` part: digest, entry counts and machine-independent sources."""
    digest = catalog.digest if catalog.digest.startswith("sha256:") else f"sha256:{catalog.digest}"
    roots = [Path(o).resolve() for o in overlays]
    shipped = any(
        not any(p == r or r in p.parents for r in roots)
        for p in (Path(f).resolve() for f in catalog.sources)
    )
    sources = (["catalog (shipped)"] if shipped else []) + [f"overlay: {o}" for o in overlays]
    return CatalogInfo(
        digest=digest,
        families=len(catalog.families),
        alternatives=len(catalog.alternatives),
        sources=tuple(sources),
    )


def policy_info(policy: Policy, project_licence: ProjectLicence) -> PolicyInfo:
    """The report's ``policy`` part."""
    return msgspec.convert(
        {
            **policy.to_json(),
            "project_licence": project_licence[0],
            "project_licence_source": project_licence[1],
            "exceptions": len(policy.exceptions),
        },
        PolicyInfo,
    )


def project_licence(option: str | None, policy: Policy, sbom: Sbom) -> ProjectLicence:
    """The project's licence: the option, else the policy, else the SBOM's subject."""
    if option:
        _check_spdx(option)
        return option, "option"
    if policy.project_licence:
        return policy.project_licence, "policy"
    subject = sbom.document.subject
    if subject is not None:
        exprs = [
            lic.expression
            for lic in (subject.licences_concluded or subject.licences_declared)
            if lic.expression and lic.expression not in ("NOASSERTION", "NONE")
        ]
        if len(exprs) == 1:
            return exprs[0], "sbom"
        if exprs:
            return " AND ".join(f"({e})" if " " in e else e for e in exprs), "sbom"
    return None, None


def _check_spdx(expr: str) -> None:
    from license_expression import get_spdx_licensing

    info = get_spdx_licensing().validate(expr)
    if info.errors:
        raise ConfigError(f"--project-licence {expr!r}: invalid SPDX expression: {info.errors[0]}")
