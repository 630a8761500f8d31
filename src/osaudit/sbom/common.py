"""Shared building blocks for the readers: component builder, duplicate merging, licences."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from osaudit.identity import normalise_cpe, normalise_purl
from osaudit.licence.normalise import derive_expression
from osaudit.model import Component, Document, ExternalRef, Licence, Sbom, Warning

_MERGE_TUPLES = ("cpes", "licences_declared", "licences_concluded", "hashes", "external_refs")
_MERGE_SCALARS = (
    "version",
    "group",
    "type",
    "purl",
    "purl_raw",
    "ecosystem",
    "supplier",
    "author",
    "scope",
    "parent",
    "description",
)


def text(value: Any) -> str | None:
    """A stripped non-empty string, or None (numbers are turned into text)."""
    if value.__class__ is str:
        return value.strip() or None
    if value is None or isinstance(value, dict | list | bool):
        return None
    s = str(value).strip()
    return s or None


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else [] (wrong shapes are skipped, not fatal)."""
    return value if isinstance(value, list) else []


def licence(raw: str, given_as: str) -> Licence:
    """A Licence keeping ``raw``; the expression is derived except for licence texts."""
    expression = None if given_as == "text" else derive_expression(raw)
    return Licence(raw=raw, expression=expression, given_as=given_as)


def _union(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    if not b or a == b:
        return a
    seen = set(a)
    return a + tuple(x for x in b if x not in seen and not seen.add(x))  # type: ignore[func-returns-value]


def merge(a: Component, b: Component) -> Component:
    """``a`` completed with what ``b`` knows and ``a`` does not."""
    changes: dict[str, Any] = {}
    for name in _MERGE_SCALARS:
        if getattr(a, name) is None and getattr(b, name) is not None:
            changes[name] = getattr(b, name)
    for name in _MERGE_TUPLES:
        merged = _union(getattr(a, name), getattr(b, name))
        if merged is not getattr(a, name):
            changes[name] = merged
    return dataclasses.replace(a, **changes) if changes else a


def identity(c: Component) -> str | None:
    """Canonical purl, else name@version; None for an entry with neither."""
    if c.purl:
        return c.purl
    if c.name:
        return f"{c.name}@{c.version or ''}"
    return None


class Builder:
    """Collects components, edges and warnings while a reader walks a document."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.components: dict[str, Component] = {}
        self.alias: dict[str, str] = {}  # merged-away ref -> kept ref
        self.by_purl: dict[str, str] = {}
        self.edges: dict[str, list[str]] = {}
        self.warnings: list[Warning] = []
        self.extra_refs: set[str] = set()  # refs allowed in the graph besides components
        self.ignored_refs: set[str] = set()  # known non-components (files, documents): dropped
        self._next_suffix: dict[str, int] = {}  # ref -> next free "#n" for a clashing ref
        self._scopes: dict[str, set[str]] = {}  # ref -> scopes its relationships give it
        self.placed: list[str] = []  # kept ref of each CycloneDX components[] entry, in order

    # ------------------------------------------------------------------ warnings
    def warn(self, code: str, message: str, location: str | None = None) -> None:
        self.warnings.append(Warning(code, message, location))

    def synthetic_ref(self, hint: str) -> str:
        """A stable ref for a component that has none (``hint`` is its place)."""
        return f"osaudit:{hint}"

    # ------------------------------------------------------------------ components
    def make(
        self,
        *,
        ref: str,
        name: str | None,
        location: str,
        purl: str | None = None,
        cpes: Iterable[str] = (),
        **fields: Any,
    ) -> Component:
        """A Component with purl and CPEs normalised (warnings recorded), not yet added."""
        if not name:
            self.warn("component-no-name", "component without a name", location)
            name = ""
        canonical = ecosystem = purl_raw = None
        if purl:
            canonical, ecosystem, pw = normalise_purl(purl)
            for w in pw:
                self.warnings.append(Warning(w.code, w.message, f"{location}.purl"))
            if canonical is None or canonical != purl:
                purl_raw = purl
        cpe_list: list[str] = []
        for raw in cpes:
            cpe, cw = normalise_cpe(raw)
            self.warnings.extend(Warning(w.code, w.message, location) for w in cw)
            if cpe and cpe not in cpe_list:
                cpe_list.append(cpe)
        return Component(
            ref=ref,
            name=name,
            purl=canonical,
            purl_raw=purl_raw,
            ecosystem=ecosystem,
            cpes=tuple(cpe_list),
            **fields,
        )

    def add(self, *, location: str, **fields: Any) -> str:
        """Make and add a component; merge duplicates. Returns the ref it is kept under."""
        return self.register(self.make(location=location, **fields), location)

    def register(self, comp: Component, location: str) -> str:
        """Add a made component, merging it into an earlier one with the same ref or purl."""
        ref, canonical = comp.ref, comp.purl
        if ref in self.components:
            first = self.components[ref]
            if identity(first) == identity(comp) or identity(comp) is None:
                self.warn("duplicate-ref", f"duplicate ref {ref!r}: entries merged", location)
                self.components[ref] = merge(first, comp)
                return ref
            n = self._next_suffix.get(ref, 2)
            while f"{ref}#{n}" in self.components:
                n += 1
            self._next_suffix[ref] = n + 1  # 20,000 entries sharing a ref stay linear
            new_ref = f"{ref}#{n}"
            self.warn("duplicate-ref", f"ref {ref!r} names two different components; the "
                      f"second is kept as {new_ref!r}", location)  # fmt: skip
            comp = dataclasses.replace(comp, ref=new_ref)
            ref = new_ref
            if canonical is None or canonical not in self.by_purl:
                self.components[ref] = comp
                if canonical is not None:
                    self.by_purl[canonical] = ref
                return ref
        if canonical is not None and canonical in self.by_purl:
            kept = self.by_purl[canonical]
            self.warn(
                "duplicate-purl", f"purl {canonical} repeated under another ref: entry merged"
            )
            self.components[kept] = merge(self.components[kept], comp)
            self.alias[ref] = kept
            return kept
        self.components[ref] = comp
        if canonical is not None:
            self.by_purl[canonical] = ref
        return ref

    def edge(self, src: str, dst: str) -> None:
        self.edges.setdefault(src, []).append(dst)

    def scope_hint(self, ref: str, scope: str) -> None:
        """Record the scope one relationship gives ``ref`` (SPDX: optional dependency...)."""
        self._scopes.setdefault(ref, set()).add(scope)

    def _apply_scopes(self) -> None:
        """A component without a scope whose every dependency relationship is optional
        (or dev/test) gets that scope; one required relationship keeps it required."""
        merged: dict[str, set[str]] = {}
        for ref, scopes in self._scopes.items():
            merged.setdefault(self.resolve(ref), set()).update(scopes)
        for ref, scopes in merged.items():
            comp = self.components.get(ref)
            if comp is None or comp.scope is not None or "required" in scopes:
                continue
            scope = "optional" if "optional" in scopes else "excluded"
            self.components[ref] = dataclasses.replace(comp, scope=scope)

    # ------------------------------------------------------------------ result
    def resolve(self, ref: str) -> str:
        return self.alias.get(ref, ref)

    def finish(self, document: Document) -> Sbom:
        """Build the Sbom: resolve aliases, keep edges between known refs, fold warnings."""
        if self._scopes:
            self._apply_scopes()
        known = set(self.components) | self.extra_refs
        if document.subject is not None:
            known.add(document.subject.ref)
        deps: dict[str, tuple[str, ...]] = {}
        unknown: set[str] = set()
        ignored = self.ignored_refs

        def is_ignored(ref: str) -> bool:
            return ref in ignored or ref.startswith("DocumentRef-")

        for src_raw, dsts in self.edges.items():
            src = self.resolve(src_raw)
            if src not in known:
                if not is_ignored(src_raw):
                    unknown.add(src_raw)
                continue
            out = list(deps.get(src, ()))
            seen = set(out)
            for d_raw in dsts:
                d = self.resolve(d_raw)
                if d not in known:
                    if not is_ignored(d_raw):
                        unknown.add(d_raw)
                elif d != src and d not in seen:
                    seen.add(d)
                    out.append(d)
            if out or src not in deps:
                deps[src] = tuple(out)
        for ref in sorted(unknown):
            self.warn("dependency-unknown-ref", f"dependency graph names unknown ref {ref!r}")
        return Sbom(
            path=self.path,
            document=document,
            components=tuple(self.components.values()),
            dependencies=deps,
            warnings=fold_warnings(self.warnings),
            placement=tuple(self.placed),
        )


def fold_warnings(warnings: Iterable[Warning]) -> tuple[Warning, ...]:
    """Repeated identical warnings become one, with a count and the first location."""
    counts: dict[tuple[str, str], list[Any]] = {}
    for w in warnings:
        entry = counts.get((w.code, w.message))
        if entry is None:
            counts[(w.code, w.message)] = [1, w.location]
        else:
            entry[0] += 1
    out: list[Warning] = []
    for (code, message), (n, location) in counts.items():
        msg = message if n == 1 else f"{message} ({n} times)"
        out.append(Warning(code, msg, location))
    return tuple(out)


def external_ref(kind: str | None, url: str | None) -> ExternalRef | None:
    """An ExternalRef when both parts are present."""
    if kind and url:
        return ExternalRef(type=kind, url=url)
    return None
