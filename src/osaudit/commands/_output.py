"""How loud a command is (``-q/--quiet``, ``-v/--verbose``) and its stderr lines.

Every command takes both options. ``-q`` keeps stderr to warnings and errors;
``-v`` adds detail where a command has more to say (``audit``: every gate on
stderr and the ``[[exception]]`` blocks in the text report). The level lives in
the click context of the invocation, so two calls of ``main()`` never share it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

from osaudit.errors import ConfigError, one_line

F = TypeVar("F", bound=Callable[..., Any])
_KEY = "osaudit.verbosity"


def _set(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if not value:
        return
    level = -1 if param.name == "quiet" else 1
    root = ctx.find_root()
    current = root.meta.get(_KEY, 0)
    if current and current != level:
        raise ConfigError("-q/--quiet and -v/--verbose exclude each other: choose one")
    root.meta[_KEY] = level


def verbosity_options(*, quiet: bool = True) -> Callable[[F], F]:
    """Add ``-q/--quiet`` (unless the command has its own) and ``-v/--verbose``."""

    def flag(short: str, long: str, text: str) -> Callable[[F], F]:
        return click.option(short, long, is_flag=True, expose_value=False, callback=_set,
                            is_eager=True, help=text)  # fmt: skip

    def decorate(func: F) -> F:
        func = flag("-v", "--verbose",
                    "More detail where there is any (audit: every gate, the [[exception]] blocks).",
                    )(func)  # fmt: skip
        if quiet:
            func = flag("-q", "--quiet", "Print warnings and errors only.")(func)
        return func

    return decorate


def set_quiet(flag: bool) -> None:
    """Record a command's own ``--quiet`` value (the audit's, from the metadata options)."""
    if flag:
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            root = ctx.find_root()
            if root.meta.get(_KEY, 0) > 0:
                raise ConfigError("-q/--quiet and -v/--verbose exclude each other: choose one")
            root.meta[_KEY] = -1


def level() -> int:
    """-1 quiet, 0 normal, 1 verbose."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.find_root().meta.get(_KEY, 0)) if ctx is not None else 0


def quiet() -> bool:
    return level() < 0


def verbose() -> bool:
    return level() > 0


def info(message: str) -> None:
    """An informational line on stderr (not with ``-q``)."""
    if not quiet():
        click.echo(message, err=True)


def warn(message: str) -> None:
    """``osaudit: warning: ...`` on stderr, one line (also with ``-q``)."""
    click.echo(f"osaudit: warning: {one_line(message)}", err=True)


def use_color(stream: IO[Any] | None = None) -> bool:
    """Colour for ``stream`` (stdout): a terminal, ``NO_COLOR`` unset or empty, not TERM=dumb."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def stdout_is_tty() -> bool:
    """Whether stdout is a terminal (the text report is then the default)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return False
