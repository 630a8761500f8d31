"""The audit pipeline for one SBOM: sbom -> catalogue -> metadata -> scoring -> :class:`Report`.

Stages, each a typed function: :func:`~osaudit.pipeline.components.depth` (graph),
:func:`~osaudit.pipeline.components.collect_metadata`,
:func:`~osaudit.pipeline.components.score_components`,
:func:`~osaudit.pipeline.summary.summarise`; :func:`build` runs them all.
"""

from osaudit.pipeline.options import AuditOptions, parse_now
from osaudit.pipeline.run import AuditResult, audit, build

__all__ = ["AuditOptions", "AuditResult", "audit", "build", "parse_now"]
