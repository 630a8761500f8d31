"""Decode raw bytes and tell the SBOM format from content, never from the file name."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from osaudit import jsontext
from osaudit.errors import InputError
from osaudit.model import Warning

Kind = Literal["cyclonedx-json", "cyclonedx-xml", "spdx2-json", "spdx2-tv", "spdx3"]

_TV = re.compile(r"^\s*SPDXVersion\s*:", re.MULTILINE)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(slots=True)
class Sniffed:
    """What the content is: its kind, the parsed JSON (if JSON), or the bytes/text."""

    kind: Kind
    data: bytes  # UTF-8 bytes of the document
    json: Any = None
    warnings: tuple[Warning, ...] = ()


def _line_col(data: bytes, pos: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, pos) + 1
    col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
    return line, col


def decode(path: str, data: bytes) -> tuple[bytes, list[Warning]]:
    """Return the document as UTF-8 bytes, decoding a BOM-marked UTF-16/32 file with a warning."""
    warnings: list[Warning] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                decoded = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}: not valid {codec.upper()} despite its byte-order mark "
                    f"(byte offset {exc.start})"
                ) from None
            if codec != "utf-8-sig":
                warnings.append(
                    Warning("encoding", f"file is {codec.upper()} (with BOM), decoded; use UTF-8")
                )
            return decoded.lstrip("\ufeff").encode("utf-8"), warnings
    if data[:4].count(b"\x00") >= 2:
        raise InputError(f"{path}: looks like UTF-16/32 without a byte-order mark; use UTF-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise InputError(
            f"{path}: line {line} column {col}: not UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None
    return data, warnings


def parse_json(path: str, data: bytes) -> tuple[Any, list[Warning]]:
    """Parse JSON with orjson; fall back to a tolerant parse (raw control characters,
    lone UTF-16 surrogates, integers beyond 4,000 digits), each with a warning."""
    try:
        return orjson.loads(data), []
    except orjson.JSONDecodeError as exc:
        err = exc
    try:
        value, repairs = jsontext.loads(data.decode("utf-8"), strict=False)
    except (json.JSONDecodeError, RecursionError):
        raise InputError(
            f"{path}: line {err.lineno} column {err.colno}: invalid JSON: {_short(err.msg)}"
        ) from None
    warnings: list[Warning] = []
    if repairs.surrogates:
        warnings.append(Warning(
            "json-lone-surrogate",
            f"{repairs.surrogates} string(s) hold a lone UTF-16 surrogate (\\ud800-\\udfff), "
            "which is not text: each replaced by U+FFFD",
            repairs.surrogate_at,
        ))  # fmt: skip
    if repairs.big_ints:
        warnings.append(Warning(
            "json-huge-integer",
            f"{len(repairs.big_ints)} integer(s) of more than {jsontext.MAX_INT_DIGITS} digits "
            f"(longest {max(repairs.big_ints)}): kept as text",
            None,
        ))  # fmt: skip
    if not warnings or ("surrogate" not in err.msg and "number" not in err.msg):
        warnings.append(
            Warning(
                "json-control-characters",
                f"not strict JSON ({_short(err.msg)}, e.g. raw control characters in strings); "
                "read tolerantly",
                f"line {err.lineno}",
            )
        )
    return value, warnings


def _short(msg: str) -> str:
    return msg.split(": line ")[0].rstrip(".")


def sniff(path: str, data: bytes) -> Sniffed:
    """Classify decoded UTF-8 bytes; raise InputError when the content is not an SBOM."""
    head = data[:4096].lstrip()
    if not head and not data.strip():
        raise InputError(f"{path}: empty file")
    first = head[:1]
    if first in (b"{", b"["):
        value, warnings = parse_json(path, data)
        return Sniffed(_classify_json(path, value), data, value, tuple(warnings))
    if first == b"<":
        return Sniffed("cyclonedx-xml", data)
    text = data[:65536].decode("utf-8", errors="replace")
    if _TV.search(text):
        return Sniffed("spdx2-tv", data)
    raise InputError(f"{path}: not an SBOM (neither JSON, XML nor SPDX tag-value)")


def _classify_json(path: str, value: Any) -> Kind:
    if not isinstance(value, dict):
        raise InputError(f"{path}: $: not an SBOM (JSON {type(value).__name__}, expected object)")
    if "bomFormat" in value:
        fmt = value["bomFormat"]
        if fmt != "CycloneDX":
            raise InputError(f"{path}: $.bomFormat: {fmt!r} is not 'CycloneDX'")
        return "cyclonedx-json"
    if "spdxVersion" in value:
        ver = value["spdxVersion"]
        if not isinstance(ver, str) or not ver.startswith("SPDX-2"):
            raise InputError(
                f"{path}: $.spdxVersion: {ver!r} is not an SPDX 2 version string such as 'SPDX-2.3'"
            )
        return "spdx2-json"
    if "@graph" in value or "spdx" in str(value.get("@context", "")).lower():
        return "spdx3"
    if "specVersion" in value and ("components" in value or "metadata" in value):
        raise InputError(f"{path}: $.bomFormat: missing (required 'CycloneDX')")
    raise InputError(
        f"{path}: $: not an SBOM (no bomFormat, spdxVersion or @graph at the top level)"
    )
