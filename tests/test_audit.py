"""`osaudit audit` end to end: exit codes, determinism, outputs, time, Python API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.errors import ConfigError
from osaudit.pipeline import parse_now
from osaudit.report.json import validate
from tests.test_report_support import audit_dict

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
NOW = "2026-11-23T00:00:00Z"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty metadata cache, no policy discovered from the repo, no network."""
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)


def audit_cli(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    rc = main(["audit", *args])
    out, err = capsysbinary.readouterr()
    return rc, out, err.decode()


def test_json_report_exit_0(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rc, out, err = audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--now", NOW)
    assert rc == 0, err
    report = json.loads(out)
    assert validate(report) == []
    assert report["generated_at"] == NOW
    assert report["schema_version"] == "1.0"
    assert report["sbom"]["format"] == "cyclonedx" and report["sbom"]["spec_version"] == "1.6"
    assert report["sbom"]["subject"]["name"] == "citizen-portal"
    assert report["summary"]["components"] == len(report["components"]) == 104
    assert report["verdict"]["art41"] in ("pass", "justify")
    assert "Art. 41 verdict" in err.strip().splitlines()[-1]
    assert out.endswith(b"}\n") and b'\n  "catalog": {' in out  # sorted keys, 2-space indent


def test_deterministic_bytes(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    runs = [audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--now", NOW)[1] for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) > 10_000


def test_source_date_epoch(
    capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    rc, out, _ = audit_cli(capsysbinary, str(EXAMPLE), "--offline")
    assert rc == 0
    assert json.loads(out)["generated_at"] == "2026-11-23T00:00:00Z"


def test_components_sorted_and_scores_consistent(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    report = json.loads(audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--now", NOW)[1])
    rows = report["components"]
    keys = [(c["purl"] or "", c["name"], c["version"] or "", c["ref"]) for c in rows]
    assert keys == sorted(keys)
    for c in rows:
        lock = c["lockin"]
        if lock["level"] != "unknown":
            assert lock["score"] == max(0, min(100, sum(r["points"] for r in lock["reasons"])))
    counts = report["summary"]["lockin"]
    assert sum(counts.values()) == len(rows)


def test_exit_1_on_failing_gate_reason_printed_last(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    rc, out, err = audit_cli(
        capsysbinary, str(EXAMPLE), "--offline", "--now", NOW, "--fail-on", "lockin=high"
    )
    assert rc == 1
    report = json.loads(out)
    assert report["verdict"]["art41"] == "fail"
    assert report["policy"]["fail_on"] == {"lockin": "high"}
    last = err.strip().splitlines()[-1]
    assert last.startswith("osaudit: gate lockin>=high failed: ")


def test_exit_1_from_policy_file_expired_exception(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    (tmp_path / "osaudit.toml").write_text(
        'project-licence = "EUPL-1.2"\n[[exception]]\ncomponent = "pkg:pypi/twilio"\n'
        'reason = "SMS reminders"\napprover = "IT board"\nexpires = 2026-06-30\n',
        encoding="utf-8",
    )
    rc, out, err = audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--now", NOW)
    report = json.loads(out)
    assert report["policy"]["path"] == "osaudit.toml"
    assert report["policy"]["project_licence"] == "EUPL-1.2"
    assert report["policy"]["project_licence_source"] == "policy"
    assert report["verdict"]["exceptions"][0]["status"] == "expired"
    assert rc == 1
    assert "gate exceptions-not-expired failed" in err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.cdx.json"], "missing.cdx.json"),
        ([str(EXAMPLE), "--now", "yesterday"], "--now 'yesterday'"),
        ([str(EXAMPLE), "--fail-on", "speed=high"], "--fail-on 'speed=high'"),
        ([str(EXAMPLE), "--policy", "nope.toml"], "nope.toml: policy file not found"),
        ([str(EXAMPLE), "--project-licence", "NOT-A-LICENCE x"], "--project-licence"),
        ([str(EXAMPLE), "--output", "pdf=x.pdf"], "unknown format 'pdf'"),
        ([str(EXAMPLE), "--max-size", "lots"], "--max-size 'lots'"),
        ([str(EXAMPLE), "-o", "/nonexistent-dir/r.json"], "cannot write report"),
    ],
)
def test_exit_2_one_line(
    capsysbinary: pytest.CaptureFixture[bytes], args: list[str], message: str
) -> None:
    rc, out, err = audit_cli(capsysbinary, "--offline", "--now", NOW, *args)
    assert rc == 2
    assert out == b""
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_usage_error_exit_2(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """click's own usage errors (cli.py shows them with the usage line): exit 2."""
    rc, out, err = audit_cli(capsysbinary, str(EXAMPLE), "--format", "yaml")
    assert rc == 2 and out == b""
    assert "'yaml' is not one of" in err.strip().splitlines()[-1]


def test_max_size_too_small(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rc, _, err = audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--max-size", "1K")
    assert rc == 2 and "Traceback" not in err


def test_project_licence_option_and_sbom(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rc, out, _ = audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--now", NOW)
    pol = json.loads(out)["policy"]
    assert (pol["project_licence"], pol["project_licence_source"]) == ("EUPL-1.2", "sbom")
    rc, out, _ = audit_cli(
        capsysbinary, str(EXAMPLE), "--offline", "--now", NOW, "--project-licence", "MIT"
    )
    pol = json.loads(out)["policy"]
    assert (pol["project_licence"], pol["project_licence_source"]) == ("MIT", "option")


def test_several_outputs_one_build(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    rc, out, err = audit_cli(
        capsysbinary,
        str(EXAMPLE),
        "--offline",
        "--now",
        NOW,
        "--output",
        f"json={tmp_path / 'r.json'}",
        "--output",
        f"json={tmp_path / 'copy.json'}",
    )
    assert rc == 0 and out == b"", err
    assert (tmp_path / "r.json").read_bytes() == (tmp_path / "copy.json").read_bytes()
    rc, out, _ = audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--now", NOW)
    assert out == (tmp_path / "r.json").read_bytes()


def test_other_formats_through_registry(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    from osaudit import report as formats

    available = list(formats.FORMATS)
    args = [f"--output={f}={tmp_path / ('out.' + f)}" for f in available]
    rc, _, err = audit_cli(capsysbinary, str(EXAMPLE), "--offline", "--now", NOW, *args)
    assert rc == 0, err
    for f in available:
        assert (tmp_path / ("out." + f)).stat().st_size > 0


def test_python_api() -> None:
    """``osaudit.audit(path, options) -> Report``: typed, frozen, JSON identical to the CLI's."""
    import dataclasses

    import msgspec

    import osaudit

    options = osaudit.AuditOptions(offline=True, now=parse_now(NOW))
    report = osaudit.audit(EXAMPLE, options)  # a PathLike is accepted
    assert isinstance(report, osaudit.Report)
    assert report.generated_at == NOW and validate(report) == []
    assert report.components[0].lockin.level in ("none", "low", "medium", "high", "critical",
                                                 "unknown")
    assert osaudit.Report.from_json(report.to_json()) == report
    with pytest.raises(AttributeError):
        report.components[0].lockin.level = "none"  # type: ignore[misc]
    failing = osaudit.audit(str(EXAMPLE), dataclasses.replace(options, fail_on=("lockin=high",)))
    assert failing.verdict.art41 == "fail"
    with pytest.raises(TypeError):
        osaudit.AuditOptions(colour="red")  # type: ignore[call-arg]
    assert set(osaudit.__all__) >= {"audit", "AuditOptions", "Report", "ComponentResult"}
    assert msgspec.structs.asdict(report)["schema_version"] == "1.0"


def test_parse_now() -> None:
    assert parse_now("2026-11-23").isoformat() == "2026-11-23T00:00:00+00:00"
    assert parse_now("2026-11-23T01:00:00+01:00").isoformat() == "2026-11-23T00:00:00+00:00"
    assert parse_now(None, {"SOURCE_DATE_EPOCH": "0"}).year == 1970
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        parse_now(None, {"SOURCE_DATE_EPOCH": "soon"})


def test_schema_command(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsysbinary.readouterr().out)
    assert schema["$id"] == "urn:osaudit:schema:report:1.0"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


OVERLAY = """\
families:
  - id: musterstadt-task-cloud
    name: Example task cloud (test overlay)
    category: messaging-queue
    vendor: {name: "Example Vendor SAS", jurisdiction: FR}
    kind: proprietary-service-sdk
    lock: [proprietary-api]
    open_standards: [AMQP]
    purls: [pkg:pypi/celery]
    csf: [SOV-4]
    sources: [https://example.org/]
    reviewed: "2026-11-23"
"""


def test_catalog_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "local.yaml"
    overlay.write_text(OVERLAY, encoding="utf-8")
    report = audit_dict(str(EXAMPLE), offline=True, now=NOW, catalog=str(overlay))
    assert report["catalog"]["sources"] == ["catalog (shipped)", f"overlay: {overlay}"]
    assert report["catalog"]["digest"].startswith("sha256:")
    celery = next(c for c in report["components"] if c["name"] == "celery")
    lock = celery["lockin"]
    # +60 kind, +8 proprietary-api, -10 AMQP, +10 no alternative, -5 FR vendor = 63
    assert lock["family"]["id"] == "musterstadt-task-cloud"
    assert (lock["score"], lock["level"]) == (63, "high")
    assert report["sovereignty"]["by_jurisdiction"]["FR"] == 1
    assert "pkg:pypi/celery@5.4.0" in next(
        c["components"] for c in report["sovereignty"]["csf"] if c["objective"] == "SOV-4"
    )
