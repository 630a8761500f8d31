"""Which direct dependencies of the subject bring a catalogue hit in (transitive reach)."""

from __future__ import annotations

from collections.abc import Iterable

from osaudit.model import Sbom
from osaudit.sbom.graph import introduced_by


def reaching_direct_deps(sbom: Sbom, refs: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each ref, the sorted direct dependencies of the subject it is reached through.

    A direct dependency maps to itself; a ref unreachable from the subject, or an
    SBOM without a dependency graph from its subject, maps to ``()``. Delegates
    to ``osaudit.sbom.graph.introduced_by`` so the report and the catalogue agree.
    """
    return introduced_by(sbom, refs)
