"""The ``osaudit`` command line: parse options, call the pipeline, pick a formatter.

Exit codes: 0 success (audit verdict pass or justify), 1 audit verdict fail or a
failing gate, 2 input or usage error. Errors print one line, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from osaudit import __version__
from osaudit.errors import OsauditError

# (module under osaudit.commands, attribute): registered when the module exists.
_COMMANDS: tuple[tuple[str, str], ...] = (
    ("inspect", "inspect"),
    ("audit", "audit"),
    ("catalog", "catalog"),
    ("explain", "explain"),
    ("schema", "schema"),
    ("cache", "cache"),
    ("diff", "diff"),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="osaudit")
def cli() -> None:
    """Audit an SBOM for vendor lock-in, licence openness and maintenance risk.

    \b
    Exit codes:
      0  success (audit verdict pass or justify)
      1  audit verdict fail, or a failing policy gate
      2  input or usage error (one line on stderr naming the file and place)
    """


for _module, _attr in _COMMANDS:
    try:
        _mod = importlib.import_module(f"osaudit.commands.{_module}")
    except ModuleNotFoundError as exc:  # command not built into this checkout
        if exc.name != f"osaudit.commands.{_module}":
            raise
        continue
    cli.add_command(getattr(_mod, _attr))


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn every OsauditError into one line and exit 2."""
    try:
        rv = cli.main(args=argv, prog_name="osaudit", standalone_mode=False)
    except OsauditError as exc:
        click.echo(f"osaudit: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("osaudit: aborted", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("osaudit: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    return rv if isinstance(rv, int) else 0


def run() -> None:  # pragma: no cover - console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
