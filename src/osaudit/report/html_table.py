"""The HTML component table: rows grouped by vendor product, then by package.

One row per package (the versions of one package together); one ``<tbody>`` per
vendor product (its clients and plumbing), then one for the packages outside any
product. Each row carries the levels of its versions per axis (``data-lockin``,
``data-licence``, ``data-maintenance``) for the page's filters; the table is complete
without JavaScript. Every SBOM string goes through
:func:`osaudit.report.escape.html_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from packageurl import PackageURL

from osaudit.naming import display_name
from osaudit.report.escape import html_text as h
from osaudit.report.escape import safe_url
from osaudit.report.model import (
    AlternativeOption,
    ComponentResult,
    JustificationAlternative,
    LicenceAxis,
    LockinAxis,
    MaintenanceAxis,
    Report,
    VendorProduct,
)
from osaudit.vocabulary import LEVEL_RANK, LEVELS, depth_word

#: Columns of the component table: (label, sorts as a number).
COLUMNS: tuple[tuple[str, bool], ...] = (
    ("Package", False),
    ("Ecosystem", False),
    ("Depth", False),
    ("Lock-in", True),
    ("Vendor", False),
    ("Licence", True),
    ("Maintenance", True),
    ("Alternatives", False),
)
FINDING_LEVELS = ("medium", "high", "critical")


@dataclass
class PackageRow:
    """The versions of one package (same ecosystem, group and name) in one group."""

    name: str
    ecosystem: str | None
    versions: list[ComponentResult] = field(default_factory=list)


@dataclass
class RowGroup:
    """A vendor product with its packages, or (``product`` None) the other packages."""

    product: VendorProduct | None
    rows: list[PackageRow] = field(default_factory=list)

    def components(self) -> int:
        return sum(len(r.versions) for r in self.rows)


def group_rows(report: Report) -> list[RowGroup]:
    """Vendor products in the report's order, then the rest; packages in component order."""
    products = report.summary.vendor_products
    product_of: dict[str, int] = {}
    for i, p in enumerate(products):
        for ref in [c.ref for c in p.clients] + [pl.ref for pl in p.plumbing]:
            product_of.setdefault(ref, i)
    groups = [RowGroup(p) for p in products] + [RowGroup(None)]
    index: dict[tuple[int, str, str, str], PackageRow] = {}
    for c in report.components:
        g = product_of.get(c.ref, len(products))
        name = display_name(c.group, c.name or c.ref or "?", c.ecosystem)
        key = (g, c.ecosystem or "", c.group or "", c.name or c.ref or "?")
        row = index.get(key)
        if row is None:
            row = index[key] = PackageRow(name, c.ecosystem)
            groups[g].rows.append(row)
        row.versions.append(c)
    return [g for g in groups if g.rows]


def badge(level: str, score: int | None = None) -> str:
    """A level badge (text says the level; the colour only repeats it)."""
    lv = level if level in LEVEL_RANK else "unknown"
    text = lv + (f" {score}" if isinstance(score, int) else "")
    return f'<span class="badge l-{lv}">{h(text)}</span>'


def link(name: object, url: object) -> str:
    """An anchor for an absolute http(s) URL, else the escaped name."""
    safe = safe_url(url)
    if safe is None:
        return h(name, 80)
    return f'<a href="{h(safe, None)}" rel="noopener noreferrer">{h(name, 80)}</a>'


def alternatives(
    options: Sequence[AlternativeOption | JustificationAlternative],
    limit: int = 4,
    homepages: Mapping[str, str | None] | None = None,
) -> str:
    """A short list of open alternatives with swap type, licence and jurisdiction.

    ``homepages`` (alternative id -> URL) links alternatives that carry no homepage.
    """
    if not options:
        return '<span class="sub">-</span>'
    items = []
    for a in options[:limit]:
        full = a if isinstance(a, AlternativeOption) else None
        facts = (a.swap, full.licence if full else None, full.jurisdiction if full else None)
        extra = ", ".join(h(x, 40) for x in facts if x)
        items.append(
            f"<li>{link(a.name, full.homepage if full else (homepages or {}).get(a.id))}"
            + (f' <span class="sub">({extra})</span>' if extra else "")
            + "</li>"
        )
    if len(options) > limit:
        items.append(f'<li class="sub">+{len(options) - limit} more</li>')
    return '<ul class="alts">' + "".join(items) + "</ul>"


def _derivable(c: ComponentResult) -> bool:
    """True when the purl says nothing beyond ecosystem, group, name and version."""
    if not c.purl:
        return False
    try:
        p = PackageURL.from_string(c.purl)
    except ValueError:
        return False
    return (
        p.type == c.ecosystem
        and (p.namespace or None) == (c.group or None)
        and p.name == c.name
        and (p.version or None) == (c.version or None)
        and not p.qualifiers
        and not p.subpath
    )


def _sort_key(axis: LockinAxis | LicenceAxis | MaintenanceAxis) -> int:
    score = axis.score if isinstance(axis.score, int) else 0
    return LEVEL_RANK.get(axis.level, -1) * 1000 + score


def _per_version(row: PackageRow, cell: Callable[[ComponentResult], str]) -> str:
    """The cell once when all versions agree, else one line per version."""
    cells = [cell(c) for c in row.versions]
    if len(set(cells)) == 1:
        return cells[0]
    return "".join(
        f'<div><span class="sub">{h(c.version or "?", 40)}:</span> {text}</div>'
        for c, text in zip(row.versions, cells, strict=True)
    )


def _levels(row: PackageRow, get: Callable[[ComponentResult], str]) -> str:
    found = {get(c) for c in row.versions}
    return " ".join(lv for lv in LEVELS if lv in found)


def _vendor(c: ComponentResult) -> str:
    vendor = c.lockin.vendor
    text = h((vendor.name if vendor else None) or "-", 80)
    if vendor and vendor.jurisdiction:
        text += f' <span class="sub">{h(vendor.jurisdiction, 10)}</span>'
    return text


def _licence(c: ComponentResult) -> str:
    lic = c.licence
    text = lic.expression or ", ".join(lic.raw)
    if not text and lic.category == "Unknown":
        return f'<span class="nw">none given {badge(lic.level)}</span>'
    return (
        f'{h(text or "none given", 120)} '
        f'<span class="nw"><span class="sub">{h(lic.category, 40)}</span> {badge(lic.level)}</span>'
    )


def _package_cell(row: PackageRow, plumbing_via: dict[str, tuple[str, ...]]) -> str:
    versions = [c.version for c in row.versions if c.version]
    out = h(row.name, 120)
    if versions:
        out += f' <span class="sub">{", ".join(h(v, 60) for v in versions)}</span>'
    odd = [c.purl or c.ref for c in row.versions if not _derivable(c)]
    if odd:
        out += f'<div class="sub purl">{" · ".join(h(p, 200) for p in odd)}</div>'
    via = sorted({v for c in row.versions for v in plumbing_via.get(c.ref, ())})
    if via:
        out += f'<div class="sub">plumbing, via {", ".join(h(v, 80) for v in via)}</div>'
    return out


def _row(row: PackageRow, index: int, plumbing_via: dict[str, tuple[str, ...]]) -> str:
    vs = row.versions
    finding = any(
        ax.level in FINDING_LEVELS for c in vs for ax in (c.lockin, c.licence, c.maintenance)
    )
    search = " ".join(h(c.purl or c.ref) for c in vs)
    return (
        f'<tr data-index="{index}" data-finding="{1 if finding else 0}" '
        f'data-components="{len(vs)}" data-search="{search}" '
        f'data-lockin="{_levels(row, lambda c: c.lockin.level)}" '
        f'data-licence="{_levels(row, lambda c: c.licence.level)}" '
        f'data-maintenance="{_levels(row, lambda c: c.maintenance.level)}">'
        f"<td>{_package_cell(row, plumbing_via)}</td>"
        f"<td class=\"nw\">{h(row.ecosystem or '-', 30)}</td>"
        f'<td class="nw">{_per_version(row, lambda c: depth_word(c.direct))}</td>'
        f'<td class="nw" data-sort="{max(_sort_key(c.lockin) for c in vs)}">'
        f"{_per_version(row, lambda c: badge(c.lockin.level, c.lockin.score))}</td>"
        f"<td>{_per_version(row, _vendor)}</td>"
        f'<td data-sort="{max(_sort_key(c.licence) for c in vs)}">'
        f"{_per_version(row, _licence)}</td>"
        f'<td class="nw" data-sort="{max(_sort_key(c.maintenance) for c in vs)}">'
        f"{_per_version(row, lambda c: badge(c.maintenance.level, c.maintenance.score))}</td>"
        f"<td>{_per_version(row, lambda c: alternatives(c.lockin.alternatives, 3))}</td></tr>"
    )


def _group_head(group: RowGroup, packages: int) -> str:
    p = group.product
    count = f"{group.components()} component(s) in {packages} package(s)"
    if p is None:
        title = "Packages outside any vendor product"
        detail = count
    else:
        title = f"Vendor product: {h(p.name, 120)} {badge(p.level, p.score)}"
        detail = (
            f"{h(p.vendor, 80)}; {len(p.clients)} client and {len(p.plumbing)} plumbing "
            f"package(s); {count}"
        )
    return (
        f'<tr class="group"><th scope="rowgroup" colspan="{len(COLUMNS)}">{title} '
        f'<span class="sub">{detail}</span></th></tr>'
    )


def component_table(report: Report) -> str:
    """The grouped component table with its (script-enabled) filter controls."""
    groups = group_rows(report)
    plumbing_via = {
        pl.ref: pl.via for p in report.summary.vendor_products for pl in p.plumbing
    }
    bodies = []
    index = 0
    packages = 0
    for g in groups:
        rows = []
        for row in g.rows:
            rows.append(_row(row, index, plumbing_via))
            index += 1
        packages += len(g.rows)
        bodies.append("<tbody>" + _group_head(g, len(g.rows)) + "".join(rows) + "</tbody>")
    head = "".join(
        f'<th scope="col" data-label="{label}"{" data-type=num" if num else ""}>'
        f'<button type="button">{label}</button></th>'
        for label, num in COLUMNS
    )
    selects = "".join(
        f'<label>{label} <select id="f-{axis}" data-axis="{axis}">'
        '<option value="">any level</option>'
        '<option value="finding">medium or worse</option>'
        + "".join(
            f'<option value="{lv}">{lv}'
            + (" (licence unknown)" if axis == "licence" and lv == "unknown" else "")
            + "</option>"
            for lv in ("critical", "high", "medium", "low", "none", "unknown")
        )
        + "</select></label>"
        for axis, label in (
            ("lockin", "Lock-in"),
            ("licence", "Licence"),
            ("maintenance", "Maintenance"),
        )
    )
    components = len(report.components)
    return (
        f'<section id="components-section"><h2>Components ({components} in {packages} '
        "package(s))</h2>"
        '<div class="controls" id="controls" hidden>'
        '<input type="search" id="filter" placeholder="Filter components..." '
        'aria-label="Filter components">'
        + selects
        + '<label><input type="checkbox" id="findings"> Only findings (medium or worse)'
        '</label><span class="sub" id="count" role="status"></span></div>'
        '<div class="scroll"><table id="components"><caption>Components grouped by vendor '
        "product, then by package (the versions of one package share a row); a level per "
        "version where versions differ.</caption><thead><tr>"
        + head
        + "</tr></thead>"
        + "".join(bodies)
        + "</table></div></section>"
    )
