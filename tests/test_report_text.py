"""``--format text`` and "what to do next" on real SBOMs: content, escaping, TTY default.

Trackdéchets and La Suite Docs (``../shared/corpus/generated``) are audited
``--offline`` once per module; the text report must say what the JSON report says
(verdict, evidence, one line per justification with its best exit, three actions).
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.report.model import Report
from osaudit.report.next_steps import next_steps
from osaudit.report.text import render_text
from osaudit.scoring.policy import parse_policy
from osaudit.vocabulary import LEVEL_RANK
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
TRACKDECHETS = CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json"
DOCS = CORPUS / "generated" / "suitenumerique_docs.cdxgen.cdx.json"
NOW = "2026-12-01T00:00:00Z"
SGR = re.compile(r"\x1b\[[0-9;]*m")
CLI = [sys.executable, "-c", "from osaudit.cli import run; run()"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)


def _audit_json(tmp_path_factory: pytest.TempPathFactory, sbom: Path) -> Report:
    if not sbom.is_file():
        pytest.skip(f"corpus SBOM {sbom} not present")
    out = tmp_path_factory.mktemp("text") / "r.json"
    old = os.environ.get("OSAUDIT_CACHE_DIR")
    os.environ["OSAUDIT_CACHE_DIR"] = str(out.parent / "cache")
    try:
        assert main(["audit", str(sbom), "--offline", "-q", "--now", NOW, "-o", str(out)]) == 0
    finally:
        if old is None:
            os.environ.pop("OSAUDIT_CACHE_DIR", None)
        else:
            os.environ["OSAUDIT_CACHE_DIR"] = old
    return Report.from_json(out.read_bytes())


@pytest.fixture(scope="module")
def trackdechets(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return _audit_json(tmp_path_factory, TRACKDECHETS)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return _audit_json(tmp_path_factory, DOCS)


@pytest.mark.parametrize("which", ["trackdechets", "docs"])
def test_text_says_what_the_json_says(which: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(which)
    text = render_text(report)
    lines = text.splitlines()
    v = report.verdict
    assert f"Art. 41 verdict: {v.art41.upper()}" in text
    ev = v.evidence
    assert ev is not None and not isinstance(ev, bool)
    assert f"licence     {ev.licence.known} of {ev.components} known" in text
    assert f"catalogue   {ev.catalogue.catalogued} catalogued, {ev.catalogue.not_catalogued} not" in text
    assert f"maintenance data for {ev.metadata.known} of {ev.components}" in text
    # one line per justification, each followed by its best exit (the first alternative);
    # Trackdéchets 5, Docs 6 since optional and dormant vendor products need none
    # (docs/scoring.md, "Conditional lock-in")
    assert len(v.justifications_required) >= 5
    assert f"Needs a written justification ({len(v.justifications_required)})" in text
    for j in v.justifications_required:
        row = next(i for i, line in enumerate(lines) if line.startswith("  ") and f" {j.name}" in line
                   and "packages" in line or f" {j.name}," in line)
        best = j.alternatives[0].name if j.alternatives else "none in the catalogue"
        assert best in lines[row + 1] and "best exit:" in lines[row + 1]
    actions = [line for line in lines if re.match(r"  [0-9]\. ", line)]
    assert [a[:5] for a in actions] == ["  1. ", "  2. ", "  3. "]
    assert len(lines) < 60  # short: the JSON of Trackdéchets is 10 MB


def test_trackdechets_text_excerpt(trackdechets: Report) -> None:
    """The worked example, worst first then by name: the S3 product with Garage as its exit;
    the AWS catch-all (mongodb's optional @aws-sdk/credential-providers) needs no justification."""
    text = render_text(trackdechets)
    steps = next_steps(trackdechets).justifications
    n = len(trackdechets.verdict.justifications_required)
    assert "high      Amazon S3 (AWS SDK clients), Amazon Web Services, Inc.: 35 packages\n" \
           "            best exit: Garage (api-compatible)\n" in text  # fmt: skip
    assert "AWS SDKs (service-agnostic core and catch-all)" not in text
    assert "high      Sentry (sentry.io and self-hosted Sentry)" in text and "GlitchTip (api-compatible)" in text
    assert f"1. Justify or exit {n} vendor product(s), worst first: {steps[0].justification.name}" in text
    ranks = [LEVEL_RANK[s.level] for s in steps]
    assert ranks == sorted(ranks, reverse=True)


def test_easier_exit_only_when_it_needs_less_work() -> None:
    """AWS's catch-all SDK: the best exit is a rewrite, Garage (if it is only S3) a drop-in."""
    from osaudit.report.model import JustificationAlternative as Alt
    from osaudit.report.next_steps import best_exit, easier_exit

    cloud = Alt(id="openstack", name="OpenStack", swap="rewrite", basis="catalogue")
    garage = Alt(id="garage", name="Garage", swap="api-compatible", basis="possible",
                 note="if it is only Amazon S3")  # fmt: skip
    swift = Alt(id="swift", name="OpenStack Swift", swap="adapter", basis="catalogue")
    assert best_exit([cloud, swift, garage]) == cloud
    assert easier_exit([cloud, swift, garage]) == garage
    assert easier_exit([garage, cloud]) is None and easier_exit([]) is None
    assert easier_exit([swift, Alt(id="x", name="X", swap="adapter", basis="catalogue")]) is None


# --------------------------------------------------------------------------- next steps


@pytest.mark.parametrize("which", ["trackdechets", "docs"])
def test_exception_blocks_parse_and_cover_exactly_their_justification(
    which: str, request: pytest.FixtureRequest
) -> None:
    report: Report = request.getfixturevalue(which)
    steps = next_steps(report)
    by_ref = report.by_ref()
    for step in steps.justifications:
        assert step.exception_toml is not None
        policy = parse_policy(tomllib.loads(step.exception_toml), path="block.toml",
                              text=step.exception_toml)  # fmt: skip
        assert [e.pattern for e in policy.exceptions] == list(step.patterns)
        from osaudit.scoring.policy import matches

        covered = {c.ref for c in report.components for e in policy.exceptions
                   if matches(e.pattern, c.purl)}  # fmt: skip
        own = set(step.justification.refs())
        assert own <= covered  # every package, plumbing included
        # the vendor's other products, those needing no justification too (optional or dormant)
        kin = {r for p in report.summary.vendor_products if p.vendor == step.justification.vendor
               for r in [*(m.ref for m in p.clients), *(m.ref for m in p.plumbing)]}  # fmt: skip
        assert covered <= own | kin, covered - own - kin  # nothing outside the vendor's products
        for ref in covered - own:
            assert by_ref[ref].lockin.family is not None


def test_all_blocks_as_a_policy_clear_every_justification(
    trackdechets: Report, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Paste every block into osaudit.toml: no justification left and the lock-in gate passes."""
    steps = next_steps(trackdechets)
    policy = tmp_path / "osaudit.toml"
    policy.write_text("[fail-on]\nlockin = \"high\"\n\n" + "\n".join(
        s.exception_toml or "" for s in steps.justifications), encoding="utf-8")  # fmt: skip
    out = tmp_path / "after.json"
    rc = main(["audit", str(TRACKDECHETS), "--offline", "-q", "--now", NOW, "--policy",
               str(policy), "-o", str(out)])  # fmt: skip
    after = Report.from_json(out.read_bytes())
    assert rc == 0, capsysbinary.readouterr().err
    assert after.verdict.justifications_required == ()
    assert all(g.passed for g in after.verdict.gates)
    assert {e.status for e in after.verdict.exceptions} == {"active"}


def test_one_block_clears_its_own_justification_only(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """The example SBOM: Sentry's block removes Sentry's justification, the others stay."""
    first = tmp_path / "before.json"
    assert main(["audit", str(EXAMPLE), "--offline", "-q", "--now", NOW, "-o", str(first)]) == 0
    before = Report.from_json(first.read_bytes())
    step = next(s for s in next_steps(before).justifications if s.justification.family == "sentry")
    assert step.also_covers == ()
    policy = tmp_path / "osaudit.toml"
    policy.write_text(step.exception_toml or "", encoding="utf-8")
    second = tmp_path / "after.json"
    assert main(["audit", str(EXAMPLE), "--offline", "-q", "--now", NOW, "--policy", str(policy),
                 "-o", str(second)]) == 0  # fmt: skip
    after = Report.from_json(second.read_bytes())
    names = {j.name for j in after.verdict.justifications_required}
    assert names == {j.name for j in before.verdict.justifications_required} - {step.justification.name}
    assert {e.status for e in after.verdict.exceptions} == {"active"}
    covered = {r for e in after.verdict.exceptions for r in e.components}
    assert covered == set(step.justification.refs())


def test_blocks_escape_sbom_strings(tmp_path: Path) -> None:
    """A purl or name with quotes, newlines or ESC cannot break out of the TOML block."""
    from osaudit.report.next_steps import toml_string

    nasty = 'pkg:npm/evil"\n[[exception]]\x1b[31m\u202e'
    value = tomllib.loads(f"x = {toml_string(nasty)}\n")["x"]
    assert value == nasty
    assert "\n" not in toml_string(nasty) and "\x1b" not in toml_string(nasty)


def test_expiring_exception_warned_and_an_action(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    policy = tmp_path / "osaudit.toml"
    policy.write_text(
        '[[exception]]\ncomponent = "pkg:pypi/twilio"\nreason = "SMS until the SIP move"\n'
        'approver = "CIO office"\nexpires = 2026-12-11\n\n'
        '[[exception]]\ncomponent = "pkg:pypi/openai"\nreason = "LLM pilot"\n'
        'approver = "CIO office"\nexpires = 2027-01-15\n',
        encoding="utf-8",
    )
    rc = main(["audit", str(EXAMPLE), "--offline", "--now", NOW, "--policy", str(policy),
               "--format", "text"])  # fmt: skip
    out, err = capsysbinary.readouterr()
    assert rc == 0
    assert "osaudit: warning: exception pkg:pypi/twilio expires in 10 day(s) (2026-12-11)" in err.decode()
    assert "pkg:pypi/openai" not in err.decode()  # 45 days: outside the 30-day window
    text = out.decode()
    assert "expiring pkg:pypi/twilio in 10 day(s), on 2026-12-11" in text


# --------------------------------------------------------------------------- escaping, colour, TTY


def _hostile_sbom(tmp_path: Path) -> Path:
    """The example SBOM with terminal escapes in the subject, a tool and a licence-less name."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["metadata"]["component"]["name"] = "portal\x1b[2J\x1b]0;pwned\x07"
    comp = {"type": "library", "bom-ref": "evil", "name": "evil\x1b[31m\x9b1m\u202e",
            "version": "1.0", "purl": "pkg:npm/evil-esc@1.0"}
    data["components"].append(comp)
    path = tmp_path / "esc.cdx.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _run_in_pty(args: list[str], env: dict[str, str]) -> bytes:
    """Run the CLI with stdout on a pseudo-terminal (stderr, with its progress bar, not read)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdout=follower, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env, cwd=ROOT)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError("no output from the CLI in 60 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(60) == 0
    return b"".join(chunks)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update(OSAUDIT_CACHE_DIR=str(tmp_path / "cache"), TERM="xterm", **extra)
    return env


def test_text_is_the_default_on_a_terminal_with_colour(tmp_path: Path) -> None:
    sbom = _hostile_sbom(tmp_path)
    out = _run_in_pty([*CLI, "audit", str(sbom), "--offline", "--now", NOW], _env(tmp_path))
    text = out.decode("utf-8")
    assert "Art. 41 verdict: \x1b[33mJUSTIFY\x1b[0m" in text
    assert "\x1b[1;31mcritical\x1b[0m" in text
    assert '"schema_version"' not in text
    assert "Next actions" in text
    plain = SGR.sub("", text)
    assert "\x1b" not in plain, "an SBOM escape reached the terminal raw"
    assert "\x9b" not in plain and "\u202e" not in plain and "\x07" not in plain
    assert "portal<U+001B>[2J<U+001B>]0;pwned<U+0007>" in plain
    assert "evil<U+001B>[31m<U+009B>1m<U+202E>" in plain  # in "find the licences of ..."


def test_no_color_on_a_terminal(tmp_path: Path) -> None:
    out = _run_in_pty([*CLI, "audit", str(EXAMPLE), "--offline", "--now", NOW, "-q"],
                      _env(tmp_path, NO_COLOR="1"))  # fmt: skip
    text = out.decode("utf-8")
    assert "Art. 41 verdict: JUSTIFY" in text and "\x1b" not in text


def test_json_is_the_default_when_piped(tmp_path: Path) -> None:
    proc = subprocess.run([*CLI, "audit", str(EXAMPLE), "--offline", "--now", NOW],
                          capture_output=True, env=_env(tmp_path), cwd=ROOT, check=False)  # fmt: skip
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["schema_version"] == "1.0"
    assert "Art. 41 verdict: justify" in proc.stderr.decode()  # the summary line stays


def test_text_to_a_file_has_no_colour_and_no_written_list(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    sbom = _hostile_sbom(tmp_path)
    rc = main(["audit", str(sbom), "--offline", "--now", NOW, "-o", "r.txt", "--output", "r.sarif"])
    assert rc == 0
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "\x1b" not in text and "Written" not in text
    assert json.loads((tmp_path / "r.sarif").read_bytes())["version"] == "2.1.0"


def test_text_on_stdout_lists_the_paths_written(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    rc = main(["audit", str(EXAMPLE), "--offline", "--now", NOW, "--format", "text",
               "--output", "sarif=out.sarif", "--output", "report.html"])  # fmt: skip
    out, err = capsysbinary.readouterr()
    assert rc == 0
    text = out.decode()
    assert text.rstrip().endswith("Written\n  out.sarif (sarif)\n  report.html (html)")
    assert "Art. 41 verdict" not in err.decode()  # no duplicate summary line on stderr


def test_verbose_text_adds_the_exception_blocks(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rc = main(["audit", str(EXAMPLE), "--offline", "--now", NOW, "--format", "text", "-v"])
    out, err = capsysbinary.readouterr()
    assert rc == 0
    text = out.decode()
    blocks = text.split("Exception blocks (paste into osaudit.toml", 1)[1].split("\n", 1)[1]
    policy = tomllib.loads(blocks)
    assert len(policy["exception"]) >= 8
    assert "osaudit: gate deny-list passed" in err.decode()
