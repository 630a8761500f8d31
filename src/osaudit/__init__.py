"""osaudit: audit an SBOM for vendor lock-in, licence openness and maintenance risk.

The public Python API (stable within a major version, see README "Python API")::

    import osaudit
    report = osaudit.audit("sbom.cdx.json", osaudit.AuditOptions(offline=True))
    report.verdict.art41, report.components[0].lockin.level
    report.to_json()  # the canonical JSON bytes; osaudit.Report.from_json reads them back
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from osaudit.errors import ConfigError, InputError, OsauditError

if TYPE_CHECKING:  # imported on first use at run time (see __getattr__): keeps the CLI start fast
    from osaudit.pipeline import AuditOptions, AuditResult, audit, build, parse_now
    from osaudit.report.model import (
        ComponentResult,
        LicenceAxis,
        LockinAxis,
        MaintenanceAxis,
        Report,
        Sovereignty,
        Summary,
        Verdict,
    )

_LAZY = {
    **dict.fromkeys(("AuditOptions", "AuditResult", "audit", "build", "parse_now"), "pipeline"),
    **dict.fromkeys(
        (
            "ComponentResult",
            "LicenceAxis",
            "LockinAxis",
            "MaintenanceAxis",
            "Report",
            "Sovereignty",
            "Summary",
            "Verdict",
        ),
        "report.model",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'osaudit' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"osaudit.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AuditOptions",
    "AuditResult",
    "ComponentResult",
    "ConfigError",
    "InputError",
    "LicenceAxis",
    "LockinAxis",
    "MaintenanceAxis",
    "OsauditError",
    "Report",
    "Sovereignty",
    "Summary",
    "Verdict",
    "__version__",
    "audit",
    "build",
    "parse_now",
]
