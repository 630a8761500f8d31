"""``osaudit diff BASE.json HEAD.json``: what a change introduced or removed.

Exit codes: 0 when nothing got worse at ``--fail-on-new`` level or above (and the
verdict did not get worse), 1 when something did, 2 on bad input.
"""

from __future__ import annotations

import click

from osaudit.commands import _output
from osaudit.commands._write import is_special, write_output
from osaudit.errors import ConfigError, InputError, shown
from osaudit.report import diff as _diff
from osaudit.report.formats import format_for_path, format_name
from osaudit.report.model import Report

RENDERERS = {"text": _diff.to_text, "markdown": _diff.to_markdown, "json": _diff.to_json}


def _diff_format(name: str, where: str) -> str:
    fmt = format_name(name)
    if fmt not in RENDERERS:
        raise ConfigError(f"{where}: diff writes {', '.join(sorted(RENDERERS))}, not {shown(name)}")
    return fmt


def diff_targets(
    fmt: str | None, out: str | None, outputs: tuple[str, ...]
) -> list[tuple[str, str | None]]:
    """(format, path) of every diff output: ``-o`` and ``--output`` as ``audit`` reads them."""
    targets: list[tuple[str, str | None]] = []
    if fmt is not None or out is not None or not outputs:
        if fmt is not None:
            chosen = _diff_format(fmt, "--format")
            implied = format_for_path(out) if out not in (None, "-") else None
            if out is not None and implied is not None and implied != chosen:
                _output.warn(f"-o {out}: writing {chosen} as --format says, although the "
                             f"extension suggests {implied}")  # fmt: skip
        elif out in (None, "-") or (format_for_path(out) is None and is_special(out)):
            chosen = "text"  # stdout, a FIFO or a device: the diff's default
        else:
            implied = format_for_path(out)
            if implied is None:
                raise ConfigError(
                    f"-o {shown(out)}: cannot tell the format from the file name; give --format "
                    "(text, markdown, json) or end it in .txt, .md or .json"
                )
            chosen = _diff_format(implied, f"-o {out}")
        targets.append((chosen, out))
    for raw in outputs:
        name, sep, path = raw.partition("=")
        if sep and format_name(name) is not None:
            targets.append((_diff_format(name, f"--output {raw}"), path))
            continue
        implied = format_for_path(raw)
        if implied is None:
            raise ConfigError(f"--output {shown(raw)}: expected FORMAT=PATH (text, markdown, "
                              "json) or a file name ending in .txt, .md or .json")  # fmt: skip
        targets.append((_diff_format(implied, f"--output {raw}"), raw))
    return targets


def load(path: str) -> Report:
    """Read one report; an SBOM given instead says which command makes the report."""
    try:
        return _diff.load_report(path)
    except InputError as exc:
        kind = _sbom_kind(path)
        if kind is None:
            raise
        raise InputError(
            f"{path}: this is an SBOM ({kind}), not an osaudit report: audit each side first, "
            f"e.g. osaudit audit {path} -o base.json (and the other SBOM -o head.json), "
            "then osaudit diff base.json head.json"
        ) from exc


def _sbom_kind(path: str) -> str | None:
    """The SBOM format of ``path``, or None when it is not a readable SBOM."""
    from osaudit.sbom import DEFAULT_MAX_BYTES
    from osaudit.sbom.sniff import decode, sniff

    try:
        with open(path, "rb") as fh:
            raw = fh.read(DEFAULT_MAX_BYTES)
        found = sniff(path, decode(path, raw)[0])
    except (OSError, InputError):
        return None
    return {
        "cyclonedx-json": "CycloneDX JSON",
        "cyclonedx-xml": "CycloneDX XML",
        "spdx2-json": "SPDX 2 JSON",
        "spdx2-tv": "SPDX 2 tag-value",
        "spdx3": "SPDX 3",
    }.get(found.kind, found.kind)


@click.command("diff")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("head", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*sorted(RENDERERS), "md", "txt"], case_sensitive=False),
    default=None,
    help="Output format for -o/stdout (default: from -o's extension, else text).",
)
@click.option(
    "--fail-on-new",
    "fail_on",
    type=click.Choice(["low", "medium", "high", "critical"]),
    default="high",
    show_default=True,
    help="Exit 1 when a new or changed component reaches this level on any axis "
    "(lock-in, licence, maintenance) and is worse than before, or the verdict got worse.",
)
@click.option(
    "-o",
    "--out",
    "out",
    metavar="FILE",
    help="Write to FILE instead of stdout; the format follows the extension (.txt .md .json) "
    "unless --format names one (as in audit).",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write FORMAT to PATH, or PATH in the format its extension names (repeatable); "
    "alone, nothing goes to stdout (as in audit).",
)
@_output.verbosity_options()
def diff(
    base: str, head: str, fmt: str | None, fail_on: str, out: str | None, outputs: tuple[str, ...]
) -> int:
    """Compare two osaudit JSON reports (BASE before a change, HEAD after it).

    \b
    Lists new and removed components, version changes, new and removed lock-ins
    (catalogue families), licences and licence categories, worse and better levels
    per axis, and a change of the Art. 41 verdict. BASE and HEAD are reports
    (osaudit audit SBOM -o base.json), not SBOMs.

    \b
    Exit codes:
      0  nothing got worse at --fail-on-new level or above
      1  something did (new component or worse level at that level, new lock-in
         at that level, or a worse verdict)
      2  input or usage error
    """
    targets = diff_targets(fmt, out, outputs)
    old = load(base)
    new = load(head)
    changes = _diff.compare(old, new)
    failing = _diff.got_worse(changes, fail_on)
    for target_fmt, path in targets:
        text = RENDERERS[target_fmt](changes, failing, fail_on)
        write_output(path, text.encode("utf-8"))
    return 1 if failing else 0
