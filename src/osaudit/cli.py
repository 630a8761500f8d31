"""The ``osaudit`` command line: parse options, call the pipeline, pick a formatter.

Exit codes: 0 success (audit verdict pass or justify), 1 audit verdict fail or a
failing gate, 2 input or usage error, 70 internal error (a bug in osaudit), 130
interrupted. Errors print one line, never a traceback. A closed stdout (``| head``)
is no error: the command stops writing and exits 0 (``audit``: its verdict's code).
"""

from __future__ import annotations

import errno
import sys
import traceback
from pathlib import Path

import click

from osaudit import __version__
from osaudit.commands._write import StdoutClosed, silence_stdout
from osaudit.commands.audit import audit
from osaudit.commands.cache import cache
from osaudit.commands.catalog import catalog
from osaudit.commands.diff import diff
from osaudit.commands.explain import explain
from osaudit.commands.inspect import inspect
from osaudit.commands.portfolio import portfolio
from osaudit.commands.schema import schema
from osaudit.errors import INTERNAL_ERROR_EXIT, REPORT_URL, OsauditError, current_input, one_line


class _Group(click.Group):
    """The command group; a write to a closed stdout ends the command as StdoutClosed."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # click would sys.exit(1): 1 means "verdict fail" here
            silence_stdout()
            raise StdoutClosed from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="osaudit")
def cli() -> None:
    """Audit an SBOM for vendor lock-in, licence openness and maintenance risk.

    \b
    Exit codes:
      0  success (audit verdict pass or justify)
      1  audit verdict fail, or a failing policy gate
      2  input or usage error (one line on stderr naming the file and place)
     70  internal error: a bug in osaudit (one line naming the input and the
         cause; please report it)
    130  interrupted (SIGINT)

    \b
    A closed stdout (osaudit inspect SBOM | head -1) is no error: osaudit stops
    writing and exits 0; audit still exits with its verdict's code (0 or 1).
    """


for _command in (inspect, audit, catalog, explain, schema, cache, diff, portfolio):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; every error ends in one line and its own exit code."""
    try:
        rv = cli.main(args=argv, prog_name="osaudit", standalone_mode=False)
    except OsauditError as exc:
        for message in exc.errors:  # a policy file lists all its errors, one line each
            click.echo(f"osaudit: error: {one_line(message)}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("osaudit: interrupted", err=True)
            return 130
        click.echo("osaudit: aborted", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("osaudit: interrupted", err=True)
        return 130
    except (BrokenPipeError, StdoutClosed):
        silence_stdout()
        return 0
    except OSError as exc:
        if exc.filename is None and exc.errno in _WRITE_ERRNOS:  # stdout on a full device
            silence_stdout()
            click.echo(f"osaudit: error: stdout: cannot write: {exc.strerror}", err=True)
            return 2
        return _internal_error(exc)
    except Exception as exc:  # a bug: one line, and an exit code no verdict uses
        return _internal_error(exc)
    return rv if isinstance(rv, int) else 0


_WRITE_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO)


def _internal_error(exc: BaseException) -> int:
    """Print one line naming the input, the cause and where it happened; exit 70."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "osaudit" in Path(f.filename).parts[:-1]] or frames
    where = ""
    if ours:
        where = f" at {'/'.join(Path(ours[-1].filename).parts[-2:])}:{ours[-1].lineno}"
    name = current_input()
    reading = f"{one_line(name, 300)}: " if name else ""
    cause = one_line(str(exc), 300)
    click.echo(
        f"osaudit: internal error: {reading}{type(exc).__name__}"
        f"{': ' + cause if cause else ''}{where}; this is a bug in osaudit {__version__}, "
        f"please report it with the input at {REPORT_URL}",
        err=True,
    )
    return INTERNAL_ERROR_EXIT


def run() -> None:  # pragma: no cover - console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
