"""MetadataConfig and the shared click options."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from osaudit.errors import ConfigError
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.options import metadata_options


@click.command()
@metadata_options
def probe(**kwargs):
    cfg = MetadataConfig.from_options(**kwargs)
    click.echo(repr(cfg))
    click.echo(f"{cfg.depsdev_url} {cfg.osv_url} {cfg.concurrency} {cfg.timeout} {cfg.offline}")


def test_defaults_are_the_public_services(monkeypatch):
    for var in (
        "OSAUDIT_DEPSDEV_URL",
        "OSAUDIT_ECOSYSTEMS_URL",
        "OSAUDIT_OSV_URL",
        "OSAUDIT_SCORECARD_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    cfg = MetadataConfig.from_options()
    assert cfg.depsdev_url == "https://api.deps.dev"
    assert cfg.ecosystems_url == "https://packages.ecosyste.ms"
    assert cfg.osv_url == "https://api.osv.dev"
    assert cfg.scorecard_url == "https://api.scorecard.dev"
    assert cfg.concurrency == 16


def test_options_and_environment(monkeypatch):
    monkeypatch.setenv("OSAUDIT_OSV_URL", "http://127.0.0.1:9/osv/")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secretsecretsecret")
    res = CliRunner().invoke(
        probe,
        [
            "--depsdev-url",
            "https://mirror.example.eu/depsdev",
            "--concurrency",
            "4",
            "--timeout",
            "2.5",
            "--offline",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "https://mirror.example.eu/depsdev http://127.0.0.1:9/osv 4 2.5 True" in res.output
    assert "ghp_" not in res.output  # the token never appears in repr


def test_token_is_read_but_hidden(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secretsecretsecret")
    cfg = MetadataConfig.from_options()
    assert cfg.github_token == "ghp_secretsecretsecret"
    assert "secret" not in repr(cfg) and "secret" not in str(cfg)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"osv_url": "ftp://example.org"}, "--osv-url: not an http(s) URL"),
        ({"depsdev_url": "https://user:pw@example.org"}, "credentials in the URL"),
        ({"scorecard_url": "https://example.org/?x=1"}, "takes no query"),
        ({"offline": True, "refresh": True}, "cannot be used together"),
    ],
)
def test_bad_settings_are_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        MetadataConfig.from_options(**kwargs)


def test_concurrency_must_be_positive():
    with pytest.raises(ConfigError):
        MetadataConfig(concurrency=0)
