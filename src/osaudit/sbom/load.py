"""``read_sbom``: bytes from a path or stdin -> sniffed format -> the right reader."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from osaudit.errors import InputError
from osaudit.model import Sbom
from osaudit.sbom import cyclonedx_json, cyclonedx_xml, spdx2_json, spdx2_tagvalue, spdx3
from osaudit.sbom.common import Builder, fold_warnings
from osaudit.sbom.sniff import decode, sniff

DEFAULT_MAX_BYTES = 512 * 1024 * 1024  # 512 MiB; raise with --max-size


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of ``path`` ("-" = stdin), refusing files above ``max_bytes``."""
    too_big = (
        f"{path}: larger than the size limit of {max_bytes} bytes (raise it with --max-size)"
    )
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(too_big)
        return data
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not an SBOM file")
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.stat().st_size > max_bytes:
            raise InputError(too_big)
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_sbom(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, strict: bool = False) -> Sbom:
    """Read any supported SBOM; the format is chosen by content, never by file name.

    Raises InputError (one line naming the file and place) when the file cannot be
    read, and also on any warning when ``strict`` is true.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()  # reading allocates only acyclic data: cyclic GC passes are pure cost
    try:
        sbom = _read(path, read_bytes(path, max_bytes))
    finally:
        if gc_was_enabled:
            gc.enable()
    if strict and sbom.warnings:
        first = sbom.warnings[0]
        where = f"{first.location}: " if first.location else ""
        more = f" (and {len(sbom.warnings) - 1} more warnings)" if len(sbom.warnings) > 1 else ""
        raise InputError(f"{path}: {where}{first.message} [--strict]{more}")
    return sbom


def _read(path: str, raw: bytes) -> Sbom:
    data, enc_warnings = decode(path, raw)
    found = sniff(path, data)
    b = Builder(path)
    b.warnings.extend(enc_warnings)
    b.warnings.extend(found.warnings)
    try:
        if found.kind == "cyclonedx-json":
            sbom = cyclonedx_json.read(path, found.json, b)
        elif found.kind == "spdx2-json":
            sbom = spdx2_json.read(path, found.json, b)
        elif found.kind == "spdx3":
            sbom = spdx3.read(path, found.json, b)
        elif found.kind == "cyclonedx-xml":
            sbom = cyclonedx_xml.read(path, data, b)
        else:
            sbom = spdx2_tagvalue.read(path, data, b)
    except RecursionError:
        raise InputError(f"{path}: nesting too deep to read") from None
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # Last resort for shapes no reader rule anticipated: still one clear line.
        raise InputError(
            f"{path}: unexpected document structure ({type(exc).__name__}: {exc})"
        ) from None
    return sbom


__all__ = ["DEFAULT_MAX_BYTES", "fold_warnings", "read_bytes", "read_sbom"]
