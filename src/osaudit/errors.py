"""Errors that end a command with one clear line and exit code 2."""

from __future__ import annotations


class OsauditError(Exception):
    """A user-facing error: bad input, bad usage or bad configuration.

    The CLI prints ``osaudit: error: <message>`` on one line and exits with 2.
    Messages name the file and, where known, the place (line, JSON path).
    """

    exit_code = 2


class InputError(OsauditError):
    """The SBOM (or another input file) cannot be read."""


class ConfigError(OsauditError):
    """A policy file, catalogue overlay or option is invalid."""
