"""CycloneDX XML input written back byte for byte, with ``<properties>`` spliced in.

The document is parsed as the reader parses it (defusedxml: entity declarations and
external references refused) only to learn where each element starts and ends; the
output is the input's bytes with insertions at those offsets, so comments, prefixes,
whitespace and attribute order stay as they were. What changes:

* each ``<component>`` (nested ones, ``metadata/component`` and the components nested
  in it included) gets ``<property name="osaudit:…">`` elements: appended to its
  ``<properties>`` when it has one (earlier ``osaudit:`` properties are removed), else
  in a new ``<properties>`` at the schema's place (after ``externalReferences``,
  before ``components``, ``evidence``, … and extension elements);
* ``<metadata>`` gets its ``properties`` (a ``<metadata>`` is added as the first child
  of ``<bom>`` when there is none);
* a 1.0–1.2 document (no properties in those schemas) gets the 1.3 namespace, in the
  ``xmlns`` declarations only;
* a UTF-16/32 document is written as UTF-8 (its declaration says so).
Inserted text uses the document's own indentation and namespace prefix; non-ASCII
characters in it are written as character references, so any declared encoding holds.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from osaudit.errors import InputError
from osaudit.report.cyclonedx import (
    NO_PROPERTIES,
    PROPERTIES_SINCE,
    SIGNED,
    Enrichment,
    Prop,
    is_ours,
    metadata_properties,
    synthetic_ref,
)
from osaudit.report.model import Report
from osaudit.sbom.common import text
from osaudit.sbom.cyclonedx_xml import NS_PREFIX
from osaudit.sbom.cyclonedx_xml import _utf8_declaration as utf8_declaration
from osaudit.sbom.sniff import decode

#: Children that come after ``properties`` in the 1.3-1.7 schemas (extension
#: elements of other namespaces come last too).
AFTER = {
    "component": frozenset({"components", "evidence", "releaseNotes", "modelCard", "data",
                            "cryptoProperties", "tags"}),  # fmt: skip
    "metadata": frozenset({"distributionConstraints"}),
}
_DSIG = "http://www.w3.org/2000/09/xmldsig#}Signature"
_START_TAG = re.compile(
    rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>"""
)
_QNAME = re.compile(rb"<([^\s/>]+)")
_OLD_NS = re.compile(
    rb"""(xmlns(?::[^\s=/>]+)?\s*=\s*["'])http://cyclonedx\.org/schema/bom/1\.[012](["'])"""
)
_BAD_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(slots=True)
class _Node:
    """One element: its CycloneDX local name (None if foreign), offsets, children."""

    local: str | None
    start: int  # offset of its "<"
    close: int = -1  # offset just after its end tag (or its empty-element tag)
    end_tag: int = -1  # offset of its "</", -1 for an empty-element tag
    name: str | None = None  # a <property>'s name attribute
    bom_ref: str | None = None
    children: list[_Node] = field(default_factory=list)

    def kid(self, local: str) -> _Node | None:
        return next((c for c in self.children if c.local == local), None)

    def kids(self, local: str) -> list[_Node]:
        return [c for c in self.children if c.local == local]


class _Offsets:
    """Builds the :class:`_Node` tree with byte offsets from expat's element events.

    The parser is defusedxml's (its handlers refuse entity declarations and external
    references); element events go straight to :meth:`start`/:meth:`end`, without the
    ElementTree layer in between (half the time on a large document).
    """

    def __init__(self, data: bytes) -> None:
        self.buf = data
        self.parser = DefusedXMLParser(target=self)
        self.expat = self.parser.parser
        self.expat.ordered_attributes = False
        self.expat.StartElementHandler = self.start
        self.expat.EndElementHandler = self.end
        self.ns = ""  # "http://cyclonedx.org/schema/bom/1.x}" (expat's separator is "}")
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.signed = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.root is None and tag.startswith(NS_PREFIX):
            self.ns = tag[: tag.index("}") + 1]
        local = tag[len(self.ns) :] if self.ns and tag.startswith(self.ns) else None
        node = _Node(local, self.expat.CurrentByteIndex)
        if local == "property":
            node.name = attrib.get("name")
        elif local == "component":
            node.bom_ref = attrib.get("bom-ref")
        elif tag == _DSIG:
            self.signed = True
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        at = self.expat.CurrentByteIndex
        if self.buf.startswith(b"</", at):
            node.end_tag = at
            node.close = self.buf.index(b">", at) + 1
        else:  # an empty-element tag: expat reports its end just after it
            node.close = at

    def close(self) -> _Node | None:
        return self.root


def _tree(path: str, data: bytes) -> tuple[_Node, str, bool]:
    target = _Offsets(data)
    try:
        target.parser.feed(data)
        root = target.parser.close()
    except DefusedXmlException as exc:
        raise InputError(f"{path}: XML declares entities or external references, refused "
                         f"(possible XML bomb or XXE): {type(exc).__name__}") from None  # fmt: skip
    except ParseError as exc:
        raise InputError(f"{path}: cannot write the document back: {exc}") from None
    if root is None or root.local != "bom":
        raise InputError(f"{path}: not a CycloneDX <bom> document")
    return root, target.ns, target.signed


def _esc(value: str, attribute: bool) -> str:
    value = _BAD_XML_CHAR.sub("\ufffd", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        value = value.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    value = value.replace("\r", "&#13;")
    return value.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _element(p: str, prop: Prop) -> str:
    name, value = _esc(prop["name"], True), _esc(prop["value"], False)
    return f'<{p}property name="{name}">{value}</{p}property>'


class _Elements(dict[tuple[str, int], str]):
    """``<property>`` elements by (prefix, id of the property), written once: the
    property dicts are shared between components (cyclonedx.finding_properties)."""

    def of(self, p: str, prop: Prop) -> str:
        key = (p, id(prop))
        found = self.get(key)
        if found is None:
            found = self[key] = _element(p, prop)
        return found


class _Splicer:
    """Collects edits (offset ranges and their replacement) and applies them at once."""

    def __init__(self, data: bytes, unit: str) -> None:
        self.data = data
        self.unit = unit
        self.edits: list[tuple[int, int, bytes]] = []
        self.elements = _Elements()

    def ws_start(self, pos: int) -> int:
        """Where the whitespace run ending at ``pos`` begins."""
        i = pos
        while i > 0 and self.data[i - 1] in b" \t\r\n":
            i -= 1
        return i

    def indent(self, pos: int) -> str | None:
        """The indentation of the line ``pos`` is on, if only whitespace precedes it."""
        i = self.ws_start(pos)
        run = self.data[i:pos]
        nl = run.rfind(b"\n")
        return None if nl < 0 else run[nl + 1 :].decode("ascii").replace("\r", "")

    def prefix(self, node: _Node) -> str:
        m = _QNAME.match(self.data, node.start)
        qname = m.group(1).decode("utf-8") if m else ""
        return qname.rpartition(":")[0] + ":" if ":" in qname else ""

    def properties(self, p: str, indent: str | None, props: list[Prop]) -> str:
        items = [self.elements.of(p, prop) for prop in props]
        if indent is None:
            return f"<{p}properties>{''.join(items)}</{p}properties>"
        inner = "".join(f"\n{indent}{self.unit}{item}" for item in items)
        return f"<{p}properties>{inner}\n{indent}</{p}properties>"

    def insert(self, at: int, text_: str) -> None:
        self.edits.append((at, at, text_.encode("ascii")))

    def child_indent(self, node: _Node) -> str | None:
        if node.children:
            return self.indent(node.children[0].start)
        own = self.indent(node.start)
        return None if own is None else own + self.unit

    def add_last(self, node: _Node, content: str, indent: str | None) -> None:
        """Put ``content`` as ``node``'s last child (opening an empty-element tag)."""
        p = self.prefix(node)
        lead = "" if indent is None else "\n" + indent
        if node.end_tag < 0:
            m = _QNAME.match(self.data, node.start)
            qname = m.group(1).decode("utf-8") if m else p + (node.local or "")
            head = self.data[node.start : node.close - 2].rstrip()
            tail = "" if indent is None else "\n" + (self.indent(node.start) or "")
            self.edits.append((node.start, node.close,
                               head + f">{lead}{content}{tail}</{qname}>".encode("ascii")))  # fmt: skip
            return
        self.insert(self.ws_start(node.end_tag), lead + content)

    def set_properties(self, node: _Node, pairs: list[Prop], kind: str) -> None:
        """Give ``node`` (a component or metadata) these osaudit properties."""
        p = self.prefix(node)
        existing = node.kid("properties")
        if existing is not None:
            self._merge(existing, pairs, p)
            return
        after = AFTER[kind]
        anchor = next((c for c in node.children if c.local is None or c.local in after), None)
        if anchor is not None:
            indent = self.indent(anchor.start)
            lead = "" if indent is None else "\n" + indent
            self.insert(self.ws_start(anchor.start), lead + self.properties(p, indent, pairs))
            return
        indent = self.child_indent(node)
        self.add_last(node, self.properties(p, indent, pairs), indent)

    def _merge(self, props: _Node, pairs: list[Prop], p: str) -> None:
        for q in props.children:
            if q.local == "property" and is_ours(q.name):
                self.edits.append((self.ws_start(q.start), q.close, b""))
        indent = self.child_indent(props)
        lead = "" if indent is None else "\n" + indent
        items = "".join(lead + self.elements.of(p, prop) for prop in pairs)
        if props.end_tag < 0:
            self.add_last(props, items.lstrip("\n" + (indent or "")), indent)
        else:
            self.insert(self.ws_start(props.end_tag), items)

    def apply(self) -> bytes:
        out: list[bytes] = []
        pos = 0
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < pos:
                continue  # inside a range already replaced (an empty-element <bom/>)
            out.append(self.data[pos:start])
            out.append(new)
            pos = max(pos, end)
        out.append(self.data[pos:])
        return b"".join(out)


def _walk(
    comps: list[_Node],
    loc: str,
    plan: Enrichment,
    placed: list[str] | None,
    sp: _Splicer,
    role: str | None = None,
) -> None:
    """Enrich components the way the XML reader walks them (the last <components> wins)."""
    for i, c in enumerate(comps):
        here = f"{loc}[{i}]"
        ref = placed.pop() if placed is not None else text(c.bom_ref) or synthetic_ref(here)
        sp.set_properties(c, plan.for_ref(ref, role or plan.nested_role(ref)), "component")
        nested = [k for k in c.children if k.local == "components"]
        if nested:
            _walk(nested[-1].kids("component"), f"{here}.components", plan, placed, sp, role)


def _count(comps: list[_Node]) -> int:
    total = 0
    for c in comps:
        nested = [k for k in c.children if k.local == "components"]
        total += 1 + (_count(nested[-1].kids("component")) if nested else 0)
    return total


def _upgrade_namespace(data: bytes, nodes_start: list[int]) -> list[tuple[int, int, bytes]]:
    """Edits giving 1.0-1.2 namespace declarations (in start tags only) the 1.3 URI."""
    edits = []
    for m in _OLD_NS.finditer(data):
        i = bisect.bisect_right(nodes_start, m.start()) - 1
        if i < 0:
            continue
        tag = _START_TAG.match(data, nodes_start[i])
        if tag is not None and m.end() <= tag.end():
            new = m.group(1) + NS_PREFIX.encode() + PROPERTIES_SINCE.encode() + m.group(2)
            edits.append((m.start(), m.end(), new))
    return edits


def _starts(node: _Node, out: list[int]) -> list[int]:
    stack = [node]
    while stack:
        n = stack.pop()
        out.append(n.start)
        stack.extend(reversed(n.children))
    return out


def enrich(source: bytes, report: Report, plan: Enrichment, path: str) -> bytes:
    """The CycloneDX XML ``source`` with osaudit's properties spliced in."""
    data, _ = decode(path, source)
    data = utf8_declaration(path, data)
    root, ns, signed = _tree(path, data)
    version = ns[len(NS_PREFIX) : -1]
    first = root.children[0] if root.children else None
    unit = "  "
    if first is not None:  # the document's indentation step
        probe = _Splicer(data, unit)
        unit = (probe.indent(first.start) or "")[len(probe.indent(root.start) or "") :] or unit
    sp = _Splicer(data, unit)
    notes: list[str] = []
    if version in NO_PROPERTIES:
        sp.edits += _upgrade_namespace(data, sorted(_starts(root, [])))
        notes.append(
            f"CycloneDX {version} has no properties: written in the {PROPERTIES_SINCE} "
            "namespace, the smallest version that has them; nothing else changed"
        )
    if signed:
        notes.append(SIGNED)

    comps_el = root.kid("components")
    comps = comps_el.kids("component") if comps_el is not None else []
    placed = list(reversed(plan.placement)) if plan.use_placement(_count(comps)) else None
    _walk(comps, "$.components", plan, placed, sp)

    meta = root.kid("metadata")
    pairs = metadata_properties(report, "enriched", notes)
    if meta is None:
        anchor = root.children[0] if root.children else None
        p = sp.prefix(root)
        indent = sp.indent(anchor.start) if anchor is not None else sp.child_indent(root)
        inner = "" if indent is None else "\n" + indent + unit
        tail = "" if indent is None else "\n" + indent
        element = (f"<{p}metadata>{inner}{sp.properties(p, None if indent is None else indent + unit, pairs)}"
                   f"{tail}</{p}metadata>")  # fmt: skip
        if anchor is not None:
            sp.insert(sp.ws_start(anchor.start), ("" if indent is None else "\n" + indent) + element)
        else:
            sp.add_last(root, element, indent)
    else:
        subject = meta.kid("component")
        if subject is not None:
            loc = "$.metadata.component"
            ref = plan.subject or text(subject.bom_ref) or synthetic_ref(loc)
            sp.set_properties(subject, plan.for_ref(ref, "subject"), "component")
            nested = [k for k in subject.children if k.local == "components"]
            if nested:
                _walk(nested[-1].kids("component"), f"{loc}.components", plan, None, sp,
                      role="subproject")  # fmt: skip
        sp.set_properties(meta, pairs, "metadata")
    return sp.apply()
