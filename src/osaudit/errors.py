"""Errors that end a command with one clear line and exit code 2."""

from __future__ import annotations


class OsauditError(Exception):
    """A user-facing error: bad input, bad usage or bad configuration.

    The CLI prints ``osaudit: error: <message>`` on one line and exits with 2.
    Messages name the file and, where known, the place (line, JSON path).
    """

    exit_code = 2

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.errors: tuple[str, ...] = (str(args[0]),) if args else ("",)

    @classmethod
    def many(cls, messages: list[str]) -> OsauditError:
        """One error carrying several (``errors``); its text joins them with "; "."""
        exc = cls("; ".join(messages))
        exc.errors = tuple(messages)
        return exc


class InputError(OsauditError):
    """The SBOM (or another input file) cannot be read."""


class ConfigError(OsauditError):
    """A policy file, catalogue overlay or option is invalid."""


INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE (sysexits.h): a bug in osaudit, never a verdict
REPORT_URL = "https://github.com/osaudit/osaudit/issues"

_current_input: list[str] = []


def note_input(path: str) -> None:
    """Remember the input file being read, so an unexpected crash can name it."""
    _current_input[:] = [path]


def current_input() -> str | None:
    """The input file read last (None before any)."""
    return _current_input[0] if _current_input else None


def one_line(text: str, limit: int = 2000) -> str:
    """``text`` safe to print as one line: control characters escaped, length capped.

    A newline in an SBOM- or policy-provided string would otherwise start a second line
    that a CI runner may read as a workflow command (``::error``).
    """
    out = "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape", "backslashreplace")
        .decode("ascii")
        for ch in text
    )
    return out if len(out) <= limit else out[: limit - 1] + "…"


def shown(value: str, limit: int = 80) -> str:
    """A user-given value quoted for an error message, escaped and cut to ``limit``."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)
