"""Writing a report to ``-o``/``--output`` targets without clobbering what is not ours.

A regular file (or a path that does not exist yet) is replaced atomically: the bytes go
to a temporary created with ``O_EXCL`` under an unpredictable name beside the target,
then renamed over it. Anything else the user names — a FIFO, ``/dev/stdout``, a device,
``>(cmd)``, a symlink — is opened and written in place, the way a shell redirect does;
it is never replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterable

from osaudit.errors import InputError

_STDOUT_ERRORS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO)

#: a report as bytes, or as pieces written one after the other (report.json.render_chunks)
Data = bytes | Iterable[bytes]


class StdoutClosed(Exception):
    """The reader of stdout went away (``osaudit inspect SBOM | head -1``).

    Not an OSError, so click does not turn it into exit 1 (its own EPIPE handling);
    ``cli.main`` ends the command quietly with exit 0, and ``audit`` keeps its
    verdict's exit code.
    """


def _pieces(data: Data) -> Iterable[bytes]:
    return (data,) if isinstance(data, bytes) else data


def write_stdout(data: Data) -> None:
    """Write ``data`` to stdout; a full device is an InputError, a closed pipe StdoutClosed."""
    try:
        sys.stdout.flush()
        out = sys.stdout.buffer
        for piece in _pieces(data):
            view = memoryview(piece)
            while view:  # a write near a size limit can be short: write the rest, or fail
                n = out.write(view)
                out.flush()
                if not n:
                    raise OSError(errno.EIO, "short write")
                view = view[n:]
    except BrokenPipeError:
        silence_stdout()
        raise StdoutClosed from None
    except OSError as exc:
        silence_stdout()
        raise InputError(f"stdout: cannot write report: {exc.strerror or exc}") from None


def is_special(path: str) -> bool:
    """An existing target that is not a regular file (a FIFO, a device, /dev/fd/N)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path)
    except OSError:
        return False


def silence_stdout() -> None:
    """Point fd 1 at the null device so the interpreter's exit flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def write_output(path: str | None, data: Data) -> None:
    """Write ``data`` to ``path`` (None or "-" = stdout)."""
    if path is None or path == "-":
        write_stdout(data)
        return
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"{path}: cannot write report: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: cannot write report: is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_in_place(path, data)
    else:
        _replace(path, data, st)


def _write_in_place(path: str, data: Data) -> None:
    """A FIFO, device, pipe or symlink: open it (following links) and write, never replace."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOCTTY, 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(_pieces(data))
    except OSError as exc:
        raise InputError(f"{path}: cannot write report: {exc.strerror or exc}") from None


def _replace(path: str, data: Data, st: os.stat_result | None) -> None:
    """Atomic replace of a regular file through an O_EXCL temporary beside it."""
    head, name = os.path.split(path)
    tmp = ""
    for _ in range(100):
        candidate = os.path.join(head, f".{name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(f"{path}: cannot write report: {exc.strerror or exc}") from None
        tmp = candidate
        break
    else:  # pragma: no cover - 100 collisions of 64 random bits
        raise InputError(f"{path}: cannot write report: no free temporary name")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(_pieces(data))
            if st is not None:
                os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
        os.replace(tmp, path)
    except BaseException as exc:  # also a failure while making the pieces: no stray temporary
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write report: {exc.strerror or exc}") from None
        raise
