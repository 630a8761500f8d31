"""CycloneDX XML 1.0-1.7 -> model.Sbom.

Parsed with defusedxml (entity expansion and external entities refused), turned
into the JSON shape and handed to the JSON reader so both follow one set of rules.
"""

from __future__ import annotations

import codecs
import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from osaudit.errors import InputError
from osaudit.model import Sbom
from osaudit.sbom import cyclonedx_json
from osaudit.sbom.common import Builder

NS_PREFIX = "http://cyclonedx.org/schema/bom/"
_SCALARS = ("author", "publisher", "group", "name", "version", "description", "scope", "cpe",
            "purl")  # fmt: skip
_SCALARS_SET = frozenset(_SCALARS)


_DECL_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*["'])([^"']*)(["'])""")


def _utf8_declaration(path: str, data: bytes) -> bytes:
    """``data`` (already UTF-8, see sniff.decode) with an encoding declaration it can honour.

    A UTF-16/32 declaration came with a byte-order mark the bytes were decoded from:
    it is rewritten to UTF-8. An unknown or multi-byte encoding is one clear error.
    """
    m = _DECL_ENCODING.match(data[:512])
    if not m:
        return data
    declared = m.group(2).decode("ascii", "replace")
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise InputError(
            f"{path}: line 1: XML declares unknown encoding {declared[:40]!r}; use UTF-8"
        ) from None
    if name.startswith(("utf-16", "utf-32")):
        return m.group(1) + b"UTF-8" + m.group(3) + data[m.end() :]
    if name not in ("utf-8", "ascii") and not _single_byte(name):
        raise InputError(
            f"{path}: line 1: XML declares encoding {declared[:40]!r}, which osaudit does "
            "not read; use UTF-8"
        )
    return data


def _single_byte(codec: str) -> bool:
    """Codecs pyexpat accepts (its own test: 256 bytes decode to 256 characters)."""
    try:
        return len(bytes(range(256)).decode(codec, errors="replace")) == 256
    except (UnicodeDecodeError, LookupError):
        return False


def parse(path: str, data: bytes) -> Element:
    """Parse XML safely; one clear InputError for bombs, external entities and syntax errors."""
    data = _utf8_declaration(path, data)
    try:
        root: Element = fromstring(data)
    except DefusedXmlException as exc:
        raise InputError(
            f"{path}: XML declares entities or external references, refused "
            f"(possible XML bomb or XXE): {type(exc).__name__}"
        ) from None
    except (LookupError, ValueError) as exc:  # an encoding expat cannot use after all
        raise InputError(f"{path}: line 1: XML encoding not readable ({exc}); use UTF-8") from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise InputError(f"{path}: line {line} column {col + 1}: invalid XML: {_msg(exc)}") from None
    return root


def _msg(exc: ParseError) -> str:
    return str(exc).split(":")[0]


def read(path: str, data: bytes, b: Builder) -> Sbom:
    """Read CycloneDX XML bytes."""
    root = parse(path, data)
    ns, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local != "bom":
        if "spdx" in ns.lower() or local == "RDF":
            raise InputError(f"{path}: SPDX RDF/XML is not supported; convert it to SPDX JSON")
        raise InputError(f"{path}: line 1: not an SBOM (XML root <{local}>, expected CycloneDX <bom>)")
    if not ns.startswith(NS_PREFIX):
        raise InputError(f"{path}: <bom> is not in a CycloneDX namespace ({ns or 'none'})")
    version = ns[len(NS_PREFIX) :]
    doc = _Conv(ns, b).bom(root, version)
    return cyclonedx_json.read(path, doc, b)


class _Conv:
    """Element tree -> the dict shape of CycloneDX JSON."""

    def __init__(self, ns: str, b: Builder) -> None:
        self.ns = "{" + ns + "}"
        self.b = b

    def kids(self, el: Element | None, name: str) -> list[Element]:
        return [] if el is None else el.findall(self.ns + name)

    def kid(self, el: Element | None, name: str) -> Element | None:
        return None if el is None else el.find(self.ns + name)

    def txt(self, el: Element | None, name: str) -> str | None:
        k = self.kid(el, name)
        return k.text if k is not None else None

    def bom(self, root: Element, version: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "bomFormat": "CycloneDX",
            "specVersion": version,
            "serialNumber": root.get("serialNumber"),
        }
        meta = self.kid(root, "metadata")
        if meta is not None:
            m: dict[str, Any] = {"timestamp": self.txt(meta, "timestamp")}
            tools_el = self.kid(meta, "tools")
            if tools_el is not None:
                legacy = [{"name": self.txt(t, "name"), "version": self.txt(t, "version")}
                          for t in self.kids(tools_el, "tool")]  # fmt: skip
                newer = [self.component(c) for c in self.kids(self.kid(tools_el, "components"),
                                                              "component")]  # fmt: skip
                m["tools"] = legacy + newer
            comp = self.kid(meta, "component")
            if comp is not None:
                m["component"] = self.component(comp)
            doc["metadata"] = m
        comps = self.kid(root, "components")
        if comps is not None:
            doc["components"] = [self.component(c) for c in self.kids(comps, "component")]
        deps = self.kid(root, "dependencies")
        if deps is not None:
            doc["dependencies"] = [
                {"ref": d.get("ref"), "dependsOn": [x.get("ref") for x in self.kids(d, "dependency")]}
                for d in self.kids(deps, "dependency")
            ]
        return doc

    def component(self, el: Element) -> dict[str, Any]:
        """One <component>, its children visited once (this is the hot loop)."""
        c: dict[str, Any] = {"type": el.get("type"), "bom-ref": el.get("bom-ref")}
        ns, n = self.ns, len(self.ns)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or not tag.startswith(ns):
                continue  # comments, foreign namespaces
            local = tag[n:]
            if local in _SCALARS_SET:
                c[local] = child.text
            elif local == "licenses":
                c["licenses"] = self.licences(child)
            elif local == "hashes":
                c["hashes"] = [{"alg": h.get("alg"), "content": (h.text or "").strip()}
                               for h in self.kids(child, "hash")]  # fmt: skip
            elif local == "supplier":
                c["supplier"] = {"name": self.txt(child, "name")}
            elif local == "authors":
                c["authors"] = [{"name": self.txt(a, "name")} for a in self.kids(child, "author")]
            elif local == "externalReferences":
                c["externalReferences"] = [{"type": r.get("type"), "url": self.txt(r, "url")}
                                           for r in self.kids(child, "reference")]  # fmt: skip
            elif local == "components":
                c["components"] = [self.component(x) for x in self.kids(child, "component")]
        return c

    def licences(self, el: Element) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for child in el:
            local = child.tag.rpartition("}")[2]
            ack = child.get("acknowledgement")
            if local == "expression":
                out.append({"expression": child.text, "acknowledgement": ack})
            elif local == "license":
                ids = self.kids(child, "id")
                if len(ids) > 1:
                    self.b.warn("licence-id-count", "licence with more than one <id>", "licenses")
                body = self.kid(child, "text")
                lic: dict[str, Any] = {
                    "id": ids[0].text if ids else None,
                    "name": self.txt(child, "name"),
                    "acknowledgement": ack,
                }
                if body is not None:
                    lic["text"] = {"content": body.text, "encoding": body.get("encoding")}
                out.append({"license": lic})
        return out
