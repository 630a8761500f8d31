"""``osaudit diff``: introduced/removed components, lock-ins, licences, levels; exit codes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import msgspec
import pytest

from osaudit.cli import main
from osaudit.report.diff import compare, got_worse, identity, load_report
from osaudit.report.model import Report
from tests.test_report_support import sample_report, sample_report_dict


def _write(tmp_path: Path, name: str, report: Report) -> str:
    path = tmp_path / name
    path.write_bytes(report.to_json())
    return str(path)


def _head() -> Report:
    return Report.from_dict(_head_dict())


def _head_dict() -> dict:
    """The sample after a change: react removed, boto3 bumped, minio worse, new SDK."""
    report = sample_report_dict()
    comps = [c for c in report["components"] if c["name"] != "react"]
    for c in comps:
        if c["name"] == "boto3":
            c["version"], c["purl"] = "1.35.0", "pkg:pypi/boto3@1.35.0"
        if c["name"] == "minio":
            c["maintenance"]["level"], c["maintenance"]["score"] = "high", 70
        if c["name"] == "psycopg2":
            c["licence"]["level"] = "none"
    stripe = copy.deepcopy(next(c for c in comps if c["name"] == "google-cloud-storage"))
    stripe.update(ref="pkg:pypi/stripe@8.0.0", purl="pkg:pypi/stripe@8.0.0", name="stripe",
                  version="8.0.0")
    stripe["lockin"]["family"] = dict(stripe["lockin"]["family"], id="stripe-payments",
                                      name="Stripe")
    stripe["licence"]["expression"] = "MIT"
    stripe["licence"]["category"] = "Permissive Plus"
    comps.append(stripe)
    report["components"] = comps
    report["verdict"]["art41"] = "fail"
    return report


def test_compare_lists_every_kind_of_change():
    changes = compare(sample_report(), _head())
    kinds = {(c.kind, c.subject) for c in changes}
    assert ("component-added", "stripe@8.0.0") in kinds
    assert ("component-removed", "react@18.2.0") in kinds
    assert ("version-changed", "boto3") in kinds
    assert ("level-worse", "minio@7.2.3") in kinds
    assert ("level-better", "psycopg2@2.9.9") in kinds
    assert ("lockin-added", "stripe-payments") in kinds
    assert ("category-added", "Permissive Plus") in kinds
    assert ("verdict", "art41") in kinds
    # boto3 was bumped, not removed and re-added.
    assert not any(c.subject.startswith("boto3") and c.kind.startswith("component")
                   for c in changes)


def test_gate_levels():
    base = sample_report()
    head = _head_dict()
    head["verdict"]["art41"] = base.verdict.art41
    changes = compare(base, Report.from_dict(head))
    high = {c.subject for c in got_worse(changes, "high")}
    assert high == {"stripe@8.0.0", "minio@7.2.3", "stripe-payments"}
    assert got_worse(changes, "critical") == []
    # A worse verdict always fails the gate.
    assert got_worse(compare(base, _head()), "critical")[0].kind == "verdict"


def test_identity_ignores_version_and_qualifiers():
    row = sample_report().components[0]

    def with_(**kw):
        return msgspec.structs.replace(row, **kw)

    assert identity(with_(purl="pkg:npm/%40azure/msal-browser@3.7.1?x=1#sub")) == \
        "npm/@azure/msal-browser"
    assert identity(with_(purl="pkg:npm/@scope/name")) == "npm/@scope/name"
    assert identity(with_(purl="pkg:pypi/Django@4.2")) == identity(with_(purl="pkg:pypi/django@5"))
    assert identity(with_(purl="pkg:maven/Org.X/y@1")) != identity(with_(purl="pkg:maven/org.x/y@1"))
    assert identity(with_(purl=None, ecosystem="pypi", group=None, name="x")) == "pypi//x"


def test_labels_use_the_display_name():
    """``@sentry/react`` is not ``react``: diff names components as the report does."""
    base = sample_report_dict()
    head = copy.deepcopy(base)
    row = next(c for c in head["components"] if c["group"])
    row["version"] = "99.0.0"
    changes = compare(Report.from_dict(base), Report.from_dict(head))
    subjects = {c.subject for c in changes if c.kind == "version-changed"}
    sep = ":" if row["ecosystem"] == "maven" else "/"
    assert subjects == {f"{row['group']}{sep}{row['name']}"}


def test_cli_exit_codes_and_formats(tmp_path, capsys):
    base = _write(tmp_path, "base.json", sample_report())
    head = _write(tmp_path, "head.json", _head())
    assert main(["diff", base, base]) == 0
    assert "No differences" in capsys.readouterr().out
    assert main(["diff", base, head]) == 1
    out = capsys.readouterr().out
    assert "New lock-ins (catalogue families) (1):" in out and "! stripe-payments" in out
    assert out.strip().endswith("(exit 1).")
    assert main(["diff", head, base, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["worse"] is False and any(c["kind"] == "lockin-removed" for c in doc["changes"])
    assert main(["diff", base, head, "--format", "markdown", "--fail-on-new", "critical"]) == 1
    md = capsys.readouterr().out
    assert md.startswith("## osaudit diff") and "**worse:**" in md
    out_file = tmp_path / "diff.md"
    assert main(["diff", base, head, "--format", "markdown", "-o", str(out_file)]) == 1
    assert out_file.read_text(encoding="utf-8").startswith("## osaudit diff")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "line 1 column 2"),
        ("[]", "expected a JSON object"),
        ('{"schema_version": "2.0", "components": []}', "$.schema_version"),
        ('{"schema_version": "1.0", "components": {}}', "Expected `array`, got `object` - at "
         "`$.components`"),
        ('{"schema_version": "1.0", "components": [1]}', "at `$.components[0]`"),
        ('{"schema_version": "1.0", "components": [{"name": "x", "lockin": 3}]}',
         "at `$.components[0].lockin`"),
        ('{"schema_version": "1.0"}', "missing required field `tool`"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    good = _write(tmp_path, "good.json", sample_report())
    assert main(["diff", str(bad), good]) == 2
    err = capsys.readouterr().err
    assert err.startswith("osaudit: error: ") and str(bad) in err and message in err
    assert err.count("\n") == 1


def test_missing_file(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "none.json"), str(tmp_path / "none.json")]) == 2
    assert "cannot read report" in capsys.readouterr().err


def test_load_report_reads_the_sample():
    from tests.test_report_support import FIXTURES

    assert load_report(str(FIXTURES / "sample-report.json")) == sample_report()
