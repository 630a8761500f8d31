"""SBOM readers: CycloneDX JSON/XML, SPDX 2 JSON/tag-value, SPDX 3 JSON-LD -> model.Sbom."""

from __future__ import annotations

from osaudit.sbom.load import DEFAULT_MAX_BYTES, read_sbom
from osaudit.sbom.validate import validate_schema

__all__ = ["DEFAULT_MAX_BYTES", "read_sbom", "validate_schema"]
