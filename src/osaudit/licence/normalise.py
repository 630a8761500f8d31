"""Derive an SPDX expression from licence text as SBOMs carry it.

The raw text is always kept by the caller; this module only says which SPDX
expression the text stands for when that is unambiguous, else ``None``.

Order of attempts for one string (first hit wins):

1. ``NOASSERTION`` / ``NONE`` (any case) are returned as such.
2. The whole string as one licence: SPDX id or alias (any case, deprecated ids
   updated), ``LicenseRef-``/``DocumentRef-``, licence page URL
   (``data/urls.yaml``), documented alias (``data/aliases.yaml``), SPDX licence
   list full name, GNU name with a version (``GNU Lesser General Public License,
   Version 2.1``), an id written with a space or a Debian-style short version
   (``MPL 2.0``, ``GPL-2+``, ``Apache-2``), ScanCode LicenseDB key.
3. The string as an SPDX expression (``AND``/``OR``/``WITH``, parentheses, any
   case), each operand resolved as in 2.
4. A list: parts split on ``,`` ``;`` `` and `` (joined with ``AND``) or on
   `` or `` (joined with ``OR``); every part must resolve as in 2 or 3.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml
from license_expression import (
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
    get_spdx_licensing,
)

from osaudit.licence import spdxdata


def _alias_ok(alias: str) -> bool:
    """Keep aliases with a version; drop "GPL" (ambiguous) and user LicenseRef reinterpretations."""
    low = alias.lower()
    return bool(re.search(r"\d", low)) and (
        not low.startswith("licenseref-") or low.startswith("licenseref-scancode-")
    )


@cache
def licensing() -> Licensing:
    """The license-expression parser used here (SPDX symbols, ambiguous aliases removed)."""
    symbols = [
        LicenseSymbol(
            key,
            aliases=tuple(a for a in (sym.aliases or ()) if _alias_ok(a)),
            is_exception=bool(getattr(sym, "is_exception", False)),
        )
        for key, sym in get_spdx_licensing().known_symbols.items()
    ]
    return Licensing(symbols)


_DATA = Path(__file__).with_name("data")
_SPECIAL = {"NOASSERTION": "NOASSERTION", "NONE": "NONE"}
_REF_RE = re.compile(r"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")
_OPERATORS = {"AND", "OR", "WITH"}
_TOKEN_RE = re.compile(r"\(|\)|[^\s()]+")
_DEBIAN_RE = re.compile(
    r"^(?P<name>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*)-(?P<ver>\d+(?:\.\d+)?)(?P<plus>\+)?$"
)
_GNU_RE = re.compile(
    r"^(?:gnu )?(?P<fam>lesser general public license|library general public license"
    r"|affero general public license|general public license|lgpl|agpl|gpl)"
    r" (?P<ver>[123](?:\.[01])?)(?P<suf>\+| only| or later| or greater| or any later| or above)?$"
)
_GNU_FAMILY = {
    "lesser general public license": "LGPL",
    "library general public license": "LGPL",
    "lgpl": "LGPL",
    "affero general public license": "AGPL",
    "agpl": "AGPL",
    "general public license": "GPL",
    "gpl": "GPL",
}


# --------------------------------------------------------------------------- tables


@cache
def _ids() -> dict[str, str]:
    """Lower-cased SPDX id or license-expression alias -> canonical SPDX key."""
    table: dict[str, str] = {}
    for key, symbol in licensing().known_symbols.items():
        table[key.lower()] = key
        for alias in getattr(symbol, "aliases", ()) or ():
            table.setdefault(alias.lower(), key)
    for key in spdxdata.spdx_licences():
        table.setdefault(key.lower(), key)
    return table


@cache
def _deprecated() -> dict[str, str]:
    raw = yaml.safe_load((_DATA / "deprecated.yaml").read_text(encoding="utf-8"))["deprecated"]
    return {str(k).lower(): str(v) for k, v in raw.items()}


@cache
def _aliases() -> dict[str, str]:
    rows = yaml.safe_load((_DATA / "aliases.yaml").read_text(encoding="utf-8"))["aliases"]
    table: dict[str, str] = {}
    for row in rows:
        for name in row["names"]:
            table[_name_key(name)] = row["spdx"]
    return table


@cache
def _urls() -> tuple[tuple[re.Pattern[str], str], ...]:
    rows = yaml.safe_load((_DATA / "urls.yaml").read_text(encoding="utf-8"))["urls"]
    return tuple((re.compile(r["pattern"], re.IGNORECASE), r["spdx"]) for r in rows)


@cache
def _names() -> dict[str, str]:
    """Normalised SPDX full name -> id; names shared by two current ids are dropped."""
    found: dict[str, set[tuple[bool, str]]] = {}
    for entry in spdxdata.spdx_licences().values():
        if not entry.deprecated:
            found.setdefault(_name_key(entry.name), set()).add(("(" in entry.name, entry.id))
    table: dict[str, str] = {}
    for key, ids in found.items():
        # "Mozilla Public License 2.0" beats "... 2.0 (no copyleft exception)"
        plain = (
            [i for has_paren, i in ids if not has_paren] if len(ids) > 1 else [i for _, i in ids]
        )
        if key and len(plain) == 1:
            table[key] = plain[0]
    return table


def _name_key(text: str) -> str:
    """Normalise a licence name for matching: case, punctuation, version spelling."""
    s = text.lower().replace("licence", "license")
    s = re.sub(
        r"\(([^()]*)\)",
        lambda m: m.group(1) if re.fullmatch(r"\s*v?\.?\s*[\d.]+\s*", m.group(1)) else " ",
        s,
    )
    s = re.sub(r"\b(a?gpl|lgpl)v(\d)", r"\1 \2", s)
    s = re.sub(r"[^a-z0-9.+]+", " ", s)
    s = re.sub(r"\b(version|the|ver)\b", " ", s)
    s = re.sub(r"\bv\.?\s*(?=\d)", "", s)
    s = re.sub(r"(\d)\.0\b", r"\1", s)
    s = re.sub(r"\.(?=\s|$)|(?<=\s)\.", " ", s)
    return " ".join(s.split())


# --------------------------------------------------------------------------- one licence


def _id(token: str) -> str | None:
    """Resolve a single token that is (nearly) an SPDX id."""
    low = token.lower()
    if low in _deprecated():
        return f"({_deprecated()[low]})"
    if low in _ids():
        key = _ids()[low]
        return f"({_deprecated()[key.lower()]})" if key.lower() in _deprecated() else key
    if low.endswith("+") and low[:-1] in _ids():
        base = _ids()[low[:-1]]
        later = base.removesuffix("-only") + "-or-later"
        return _ids().get(later.lower(), base + "+")
    if _REF_RE.match(token):
        return token
    m = _DEBIAN_RE.match(token)
    if m:
        for ver in (m["ver"] + ".0", m["ver"]):
            found = _ids().get(f"{m['name']}-{ver}".lower())
            if found is None or found.lower() in _deprecated():
                continue
            if m["plus"]:
                later = found.removesuffix("-only") + "-or-later"
                return _ids().get(later.lower(), found + "+")
            return found
    return None


def _scancode(token: str) -> str | None:
    entry = spdxdata.scancode_index()[0].get(token.lower())
    if entry is None or entry.deprecated or not entry.spdx_key:
        return None
    return _ids().get(entry.spdx_key.lower(), entry.spdx_key)


def _url(text: str) -> str | None:
    bare = re.sub(r"^(https?://)?(www\.)?", "", text.strip(), flags=re.IGNORECASE)
    for pattern, target in _urls():
        m = pattern.fullmatch(bare)
        if m:
            spdx = target
            for i, group in enumerate(m.groups(), start=1):
                spdx = spdx.replace(f"{{{i}}}", group or "")
            return _id(spdx)
    return None


def _gnu(key: str) -> str | None:
    m = _GNU_RE.match(key)
    if not m:
        return None
    ver = m["ver"] if "." in m["ver"] else m["ver"] + ".0"
    later = m["suf"] not in (None, " only")
    ident = f"{_GNU_FAMILY[m['fam']]}-{ver}-{'or-later' if later else 'only'}"
    return _ids().get(ident.lower())


@lru_cache(maxsize=8192)
def _single(text: str) -> str | None:
    """Resolve a whole string that names one licence (or a documented alias)."""
    if not re.search(r"\s", text):
        hit = _id(text)
        if hit:
            return hit
    if "/" in text and "." in text:
        hit = _url(text)
        if hit:
            return hit
    key = _name_key(text)
    if not key:
        return None
    for table in (_aliases(), _names()):
        if key in table:
            return table[key]
    hit = _gnu(key)
    if hit:
        return hit
    spaced = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*)\s+v?\.?\s*(\d+(?:\.\d+)*\+?)", text)
    if spaced:
        hit = _id(f"{spaced[1]}-{spaced[2]}")
        if hit:
            return hit
    if not re.search(r"\s", text):
        return _scancode(text)
    return None


# --------------------------------------------------------------------------- expressions


def _expression(text: str) -> str | None:
    """Resolve ``text`` as an SPDX expression whose operands are each resolvable."""
    out: list[str] = []
    for token in _TOKEN_RE.findall(text):
        if token in ("(", ")") or token.upper() in _OPERATORS:
            out.append(token.upper())
            continue
        hit = _single(token)
        if hit is None or hit in _SPECIAL:
            return None
        out.append(hit)
    return _render(" ".join(out))


def _render(text: str) -> str | None:
    try:
        parsed = licensing().parse(text, validate=False, strict=False)
    except (ExpressionError, TypeError, ValueError, AttributeError):
        return None
    if parsed is None or not _well_formed(parsed):
        return None
    return str(licensing().dedup(parsed))


def _is_exception(key: str) -> bool:
    symbol = licensing().known_symbols.get(key)
    return bool(symbol is not None and getattr(symbol, "is_exception", False))


def _well_formed(parsed: object) -> bool:
    """``WITH`` must join a licence and an exception; exceptions never stand alone."""
    for sym in licensing().license_symbols(parsed, decompose=False):
        if isinstance(sym, LicenseWithExceptionSymbol):
            if _is_exception(sym.license_symbol.key) or not _is_exception(sym.exception_symbol.key):
                return False
        elif _is_exception(sym.key):
            return False
    return True


_AND_WORD = re.compile(r"\s*;\s*|\s+and\s+|\s*&\s*", re.IGNORECASE)
_AND_SPLIT = re.compile(r"\s*[,;]\s*|\s+and\s+|\s*&\s*", re.IGNORECASE)
_OR_SPLIT = re.compile(r"\s+or\s+(?!later|greater|any|above|\(at)", re.IGNORECASE)


def _listed(text: str) -> str | None:
    """Resolve an ``and`` list, then a comma list (AND), or an ``or`` list (OR)."""
    if _OR_SPLIT.search(text):
        if _AND_SPLIT.search(text):
            return None
        return _join(_OR_SPLIT.split(text), " OR ")
    if _AND_WORD.search(text):
        hit = _join(_AND_WORD.split(text), " AND ")
        if hit is not None:
            return hit
        # "... Development And Distribution License ... and ...": try each "and" alone
        for m in _AND_WORD.finditer(text):
            hit = _join([text[: m.start()], text[m.end() :]], " AND ")
            if hit is not None:
                return hit
    return _join(_AND_SPLIT.split(text), " AND ")


def _join(parts: list[str], joiner: str) -> str | None:
    resolved: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        hit = _single(part) or _expression(part)
        if hit is None or hit in _SPECIAL:
            return None
        resolved.append(f"({hit})" if " " in hit else hit)
    if len(resolved) < 2:
        return None
    return _render(joiner.join(resolved))


def _clean(raw: str) -> str:
    text = " ".join(raw.replace("\ufeff", "").split())
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    # "MIT (http://mootools.net/license.txt)", "GPL 3 (see COPYING.txt)"
    text = re.sub(r"\s*\((?:see\s[^)]*|https?://[^)]*)\)$", "", text, flags=re.IGNORECASE)
    return text


@lru_cache(maxsize=65536)
def derive_expression(raw: str) -> str | None:
    """Return the SPDX expression ``raw`` denotes, or None when it is not one."""
    text = _clean(raw)
    if not text:
        return None
    if text.upper() in _SPECIAL:
        return _SPECIAL[text.upper()]
    if len(text) > 2000:
        return None
    hit = _single(text)
    if hit is not None:
        return _render(hit)
    return _expression(text) or _listed(text)
