"""``read_sbom``: bytes from a path or stdin -> sniffed format -> the right reader."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from typing import BinaryIO

from osaudit.errors import InputError, note_input
from osaudit.gcpause import paused
from osaudit.model import Sbom
from osaudit.sbom import cyclonedx_json, cyclonedx_xml, spdx2_json, spdx2_tagvalue, spdx3
from osaudit.sbom.common import Builder, fold_warnings
from osaudit.sbom.sniff import decode, sniff

DEFAULT_MAX_BYTES = 512 * 1024 * 1024  # 512 MiB; raise with --max-size


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of ``path`` ("-" = stdin), refusing more than ``max_bytes``.

    The limit holds for what is read, not what ``stat`` claims: a FIFO, a pipe or a
    device such as ``/dev/zero`` is read in chunks and refused at ``max_bytes + 1``.
    """
    note_input(path)
    too_big = (
        f"{path}: larger than the size limit of {max_bytes} bytes (raise it with --max-size)"
    )
    try:
        if path == "-":
            data = _read_bounded(sys.stdin.buffer, max_bytes)
        else:
            if os.path.isdir(path):
                raise InputError(f"{path}: is a directory, not an SBOM file")
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
                    raise InputError(too_big)
                data = _read_bounded(fh, max_bytes)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(too_big)
    return data


def _read_bounded(fh: BinaryIO, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of ``fh``, in chunks (never one unbounded read)."""
    chunks: list[bytes] = []
    left = max_bytes + 1
    while left > 0:
        chunk = fh.read(min(left, 1 << 24))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_sbom(
    path: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    strict: bool = False,
    on_bytes: Callable[[bytes], None] | None = None,
) -> Sbom:
    """Read any supported SBOM; the format is chosen by content, never by file name.

    Raises InputError (one line naming the file and place) when the file cannot be
    read, and also on any warning when ``strict`` is true. ``on_bytes`` sees the raw
    bytes once (the audit hashes them: a pipe cannot be read twice).
    """
    with paused():  # reading allocates only acyclic data: cyclic GC passes are pure cost
        raw = read_bytes(path, max_bytes)
        if on_bytes is not None:
            on_bytes(raw)
        sbom = _read(path, raw)
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
