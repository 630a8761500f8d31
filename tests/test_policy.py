"""Policy files: parsing, discovery, one-line errors, --fail-on overrides, purl globs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.errors import ConfigError
from osaudit.scoring.policy import (
    Policy,
    load_policy,
    matches,
    parse_fail_on,
    with_fail_on,
)

GOOD = """\
project-licence = "EUPL-1.2"

[fail-on]
lockin = "high"
maintenance = "critical"
licence = "high"
licence-categories = ["Source-available", "Commercial"]
unknown-licence = true

[allow]
purls = ["pkg:pypi/internal-*"]
reason = "our own packages"

[deny]
purls = ["pkg:npm/@googlemaps/*"]
reason = "no Google services"

[[exception]]
component = "pkg:pypi/boto3"
reason = "S3 uploads until the Garage migration"
approver = "CIO office"
expires = 2027-06-30

[[exception]]
component = "pkg:pypi/stripe"
reason = "payments"
approver = "Treasury"
expires = "2026-01-31"
"""


def write(tmp_path: Path, text: str, name: str = "osaudit.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_full_policy(tmp_path: Path) -> None:
    pol = load_policy(str(write(tmp_path, GOOD)))
    assert pol.project_licence == "EUPL-1.2"
    assert dict(pol.fail_on) == {"lockin": "high", "maintenance": "critical", "licence": "high"}
    assert pol.fail_on_unknown == {"licence"}
    assert pol.licence_categories == ("Commercial", "Source-available")
    assert [r.pattern for r in pol.allow] == ["pkg:pypi/internal-*"]
    assert pol.deny[0].reason == "no Google services"
    assert [e.expires for e in pol.exceptions] == [date(2027, 6, 30), date(2026, 1, 31)]
    assert pol.exceptions[1].expired(date(2026, 11, 23))
    assert not pol.exceptions[0].expired(date(2027, 6, 30))  # valid through its expiry day
    assert pol.source == "osaudit.toml"


def test_discovery_prefers_osaudit_toml(tmp_path: Path) -> None:
    write(tmp_path, '[tool.osaudit]\nproject-licence = "MIT"\n', "pyproject.toml")
    pol = load_policy(None, cwd=tmp_path)
    assert pol.project_licence == "MIT" and pol.source == "pyproject.toml [tool.osaudit]"
    write(tmp_path, 'project-licence = "EUPL-1.2"\n')
    pol = load_policy(None, cwd=tmp_path)
    assert pol.project_licence == "EUPL-1.2" and pol.path == "osaudit.toml"


def test_pyproject_without_table_is_no_policy(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    assert load_policy(None, cwd=tmp_path) == Policy()
    with pytest.raises(ConfigError, match=r"no \[tool.osaudit\] table"):
        load_policy(str(tmp_path / "pyproject.toml"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fail_on = 1\n", r"osaudit.toml:1: unknown key 'fail_on' .*did you mean 'fail-on'"),
        ('[fail-on]\nlockin = "hihg"\n', r"osaudit.toml:2: fail-on.lockin: must be one of"),
        ('[fail-on]\nlockn = "high"\n', r"osaudit.toml:2: unknown key 'lockn' in \[fail-on\].*'lockin'"),
        (
            '[fail-on]\nlicence-categories = ["Source available"]\n',
            r":2: fail-on.licence-categories: unknown licence category .*'Source-available'",
        ),
        ("[fail-on]\nunknown-licence = 1\n", r":2: fail-on.unknown-licence: must be true or false"),
        ('project-licence = "NOT A LICENCE"\n', r":1: project-licence: invalid SPDX expression"),
        ("[allow]\npurls = \"pkg:pypi/x\"\n", r":2: allow.purls: must be a list"),
        ('[deny]\npurls = ["boto3"]\n', r":2: deny.purls: 'boto3' is not a purl pattern"),
        (
            '[[exception]]\ncomponent = "pkg:pypi/a"\nreason = "r"\napprover = "a"\n',
            r"osaudit.toml:1: exception.expires: exception\[0\] is missing 'expires'",
        ),
        (
            '[[exception]]\ncomponent = "pkg:pypi/a"\nreason = "r"\napprover = "a"\n'
            'expires = "next year"\n',
            r":5: exception.expires: exception\[0\].expires must be a date",
        ),
        (
            '[[exception]]\ncomponent = "pkg:pypi/a"\nreason = "r"\napprover = "a"\n'
            "expires = 2027-01-01\n\n[[exception]]\ncomponent = \"pkg:pypi/b\"\n"
            'reason = ""\napprover = "a"\nexpires = 2027-01-01\n',
            r":9: exception.reason: exception\[1\].reason must be a non-empty string",
        ),
        ("[[exception]]\ncomponent = 'pkg:pypi/a'\nwho = 'x'\n", r":3: unknown key 'who'"),
        ("[fail-on\nlockin = 1\n", r"osaudit.toml: invalid TOML: .*line 1"),
    ],
)
def test_errors_are_one_line_with_place(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as info:
        load_policy(str(write(tmp_path, text)))
    assert "\n" not in str(info.value)


def test_pyproject_error_names_table(tmp_path: Path) -> None:
    p = write(tmp_path, '[project]\nname = "x"\n\n[tool.osaudit.fail-on]\nlockin = "x"\n',
              "pyproject.toml")
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: tool.osaudit.fail-on.lockin"):
        load_policy(str(p))


def test_missing_policy_file() -> None:
    with pytest.raises(ConfigError, match="nope.toml: policy file not found"):
        load_policy("nope.toml")


def test_cli_policy_error_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "fail_on = 1\n")
    sbom = Path(__file__).resolve().parents[1] / "examples" / "citizen-portal.cdx.json"
    rc = main(["audit", str(sbom), "--offline", "--policy", str(bad), "--now", "2026-11-23"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip().splitlines()[-1].startswith("osaudit: error: ")
    assert "unknown key 'fail_on'" in err and "Traceback" not in err


def test_fail_on_parsing() -> None:
    th, unk = parse_fail_on(["lockin=high", "licence=unknown", "maintenance=off", "license=low"])
    assert th == {"lockin": "high", "licence": "low", "maintenance": None}
    assert unk == {"licence": True, "maintenance": False}
    for bad in ("lockin", "speed=high", "lockin=severe"):
        with pytest.raises(ConfigError, match="--fail-on"):
            parse_fail_on([bad])


def test_fail_on_overrides_file_per_axis(tmp_path: Path) -> None:
    pol = load_policy(str(write(tmp_path, GOOD)))
    out = with_fail_on(pol, ["lockin=critical", "maintenance=off", "licence=unknown"])
    assert dict(out.fail_on) == {"lockin": "critical", "licence": "high"}
    assert out.fail_on_unknown == {"licence"}
    assert with_fail_on(pol, []) is pol


@pytest.mark.parametrize(
    ("pattern", "purl", "hit"),
    [
        ("pkg:pypi/boto3", "pkg:pypi/boto3@1.34.0", True),
        ("pkg:pypi/boto3", "pkg:pypi/boto3-stubs@1.34.0", False),
        ("pkg:pypi/boto*", "pkg:pypi/botocore@1.34.0", True),
        ("pkg:pypi/Python_Keycloak", "pkg:pypi/python-keycloak@3.9.0", True),
        ("pkg:npm/@googlemaps/*", "pkg:npm/%40googlemaps/js-api-loader@1.16.6", True),
        ("pkg:npm/@auth0/auth0-spa-js", "pkg:npm/@auth0/auth0-spa-js", True),
        ("pkg:pypi/django@4.*", "pkg:pypi/django@4.2.16", True),
        ("pkg:pypi/django@4.*", "pkg:pypi/django@5.1.0", False),
        ("pkg:nuget/awssdk.s3", "pkg:nuget/AWSSDK.S3@3.7.0", True),
        ("pkg:maven/com.stripe/*", "pkg:maven/com.stripe/stripe-java@24.0.0?type=jar", True),
        ("pkg:pypi/boto3", None, False),
    ],
)
def test_purl_glob(pattern: str, purl: str | None, hit: bool) -> None:
    assert matches(pattern, purl) is hit

