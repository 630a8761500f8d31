"""The click options every command that collects metadata shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def metadata_options(func: F) -> F:
    """Add ``--offline --refresh --concurrency --timeout --*-url --quiet`` to a command.

    Pass the resulting keyword arguments to ``MetadataConfig.from_options``.
    """
    options = [
        click.option(
            "--offline",
            is_flag=True,
            default=False,
            help="Use only the cache and the catalogue; never open a network connection.",
        ),
        click.option(
            "--refresh", is_flag=True, default=False, help="Ignore cached metadata and fetch again."
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 256),
            default=16,
            show_default=True,
            help="Concurrent metadata requests per service.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0.1, 600),
            default=10.0,
            show_default=True,
            help="Per-request timeout in seconds, the whole answer included (an OSV batch gets 40).",
        ),
        click.option(
            "--depsdev-url",
            envvar="OSAUDIT_DEPSDEV_URL",
            default=None,
            metavar="URL",
            help="deps.dev API base URL (mirror or proxy) [env OSAUDIT_DEPSDEV_URL].",
        ),
        click.option(
            "--ecosystems-url",
            envvar="OSAUDIT_ECOSYSTEMS_URL",
            default=None,
            metavar="URL",
            help="ecosyste.ms packages API base URL [env OSAUDIT_ECOSYSTEMS_URL].",
        ),
        click.option(
            "--osv-url",
            envvar="OSAUDIT_OSV_URL",
            default=None,
            metavar="URL",
            help="OSV API base URL [env OSAUDIT_OSV_URL].",
        ),
        click.option(
            "--scorecard-url",
            envvar="OSAUDIT_SCORECARD_URL",
            default=None,
            metavar="URL",
            help="OpenSSF Scorecard API base URL [env OSAUDIT_SCORECARD_URL].",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            default=False,
            help="No progress bar and no summary line on stderr: warnings and errors only.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func
