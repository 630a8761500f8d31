"""Report writes, exit codes and process faults (issue 16, items 1, 4, 9 and exit codes).

Every special file is made here in a temporary directory: a FIFO, symlinks, a file
size limit standing in for a full device. No system path is ever written.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.errors import INTERNAL_ERROR_EXIT

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
NOW = "2026-11-23T00:00:00Z"
AUDIT = ["audit", str(EXAMPLE), "--offline", "--now", NOW, "--quiet"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(fifo, "rb") as fh:
            into.append(fh.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    return t


def test_output_to_fifo_is_written_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    t = _drain(fifo, got)
    assert main([*AUDIT, "-o", str(fifo)]) == 0
    t.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not a regular file
    assert json.loads(got[0])["summary"]["components"] == 104


def test_output_through_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert main([*AUDIT, "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["summary"]["components"] == 104


def test_planted_symlink_at_old_temporary_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "r.json"
    out.write_text("old")
    for name in (f"r.json.tmp{os.getpid()}", f"r.{os.getpid()}.tmp", "r.json.tmp"):
        (tmp_path / name).symlink_to(victim)
    assert main([*AUDIT, "-o", str(out)]) == 0
    assert victim.read_text() == "keep me"
    assert json.loads(out.read_text())["summary"]["components"] == 104
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".r.json.")]  # no leftovers


def test_regular_file_replaced_atomically_and_keeps_mode(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("old")
    out.chmod(0o640)
    before = os.stat(out).st_ino
    assert main([*AUDIT, "-o", str(out)]) == 0
    assert os.stat(out).st_ino != before  # a new inode renamed over the old one
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640
    assert json.loads(out.read_text())["summary"]["components"] == 104


def test_diff_output_to_fifo(tmp_path: Path) -> None:
    report = tmp_path / "a.json"
    assert main([*AUDIT, "-o", str(report)]) == 0
    fifo = tmp_path / "diff.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    t = _drain(fifo, got)
    assert main(["diff", str(report), str(report), "-o", str(fifo)]) == 0
    t.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and got[0]


def test_unexpected_exception_exits_70_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import osaudit.sbom.load as load

    def boom(path: str, raw: bytes) -> None:
        raise RuntimeError("simulated bug\nsecond line")

    monkeypatch.setattr(load, "_read", boom)
    rc = main(AUDIT)
    err = capsys.readouterr().err
    assert rc == INTERNAL_ERROR_EXIT and rc not in (0, 1, 2)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(EXAMPLE) in lines[0] and "RuntimeError: simulated bug" in lines[0]
    assert "report it" in lines[0] and "Traceback" not in err


def test_now_overflow_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main([*AUDIT[:-3], "--now", "0001-01-01T00:00:00+14:00"])
    assert rc == 2
    assert "--now" in capsys.readouterr().err


def test_max_size_with_5000_digits_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main([*AUDIT, "--max-size", "9" * 5000])
    assert rc == 2
    err = capsys.readouterr().err
    assert "--max-size" in err and len(err) < 400


def _fifo_writer(fifo: Path, chunks: int) -> threading.Thread:
    def writer() -> None:
        try:
            with open(fifo, "wb") as fh:
                for _ in range(chunks):
                    fh.write(b" " * 65536)
        except BrokenPipeError:
            pass

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    return t


def test_max_size_enforced_on_a_fifo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "sbom.json"
    os.mkfifo(fifo)
    t = _fifo_writer(fifo, 64)  # 4 MiB of blanks; the limit is 1 MiB
    rc = main(["audit", str(fifo), "--offline", "--now", NOW, "--max-size", "1M"])
    t.join(10)
    assert rc == 2
    assert "larger than the size limit of 1048576 bytes" in capsys.readouterr().err


def test_fifo_sbom_is_read_once(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    fifo = tmp_path / "sbom.json"
    os.mkfifo(fifo)
    data = EXAMPLE.read_bytes()

    def writer() -> None:
        with open(fifo, "wb") as fh:
            fh.write(data)

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    assert main(["audit", str(fifo), "--offline", "--now", NOW, "--quiet"]) == 0
    t.join(10)
    report = json.loads(capsysbinary.readouterr().out)
    assert report["summary"]["components"] == 104


def _cli(*args: str, **kw: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "osaudit.cli", *args], env=env, **kw
    )


def test_sigint_exits_130(tmp_path: Path) -> None:
    fifo = tmp_path / "never-written.json"
    os.mkfifo(fifo)  # the audit blocks reading it: busy when the signal comes
    proc = _cli("audit", str(fifo), "--offline", stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    writer = None
    while writer is None:  # opening the write end succeeds once the audit opened the read end
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "audit never read"
            time.sleep(0.05)
    try:
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(writer)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err


def test_stdout_on_a_full_device(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes stdout (a file here) refuse writes the way a full disk does."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    with open(tmp_path / "out", "wb") as out:
        proc = _cli(
            *AUDIT[:1], str(EXAMPLE), "--offline", "--now", NOW,
            stdout=out, stderr=subprocess.PIPE, preexec_fn=limit,
        )  # fmt: skip
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert err.decode().strip().splitlines()[-1].startswith("osaudit: error: stdout: cannot write")
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_inspect_stdout_on_a_full_device(tmp_path: Path) -> None:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # full from the first byte

    with open(tmp_path / "out", "wb") as out:
        proc = _cli("inspect", str(EXAMPLE), "--format", "json",
                    stdout=out, stderr=subprocess.PIPE, preexec_fn=limit)  # fmt: skip
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert err.decode().strip().startswith("osaudit: error: stdout: cannot write")
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_policy_key_with_newline_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "osaudit.toml"
    policy.write_text('"x\\n::error file=a::owned" = 1\n', encoding="utf-8")
    rc = main([*AUDIT, "--policy", str(policy)])
    err = capsys.readouterr().err
    assert rc == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "\\n::error" in err and not any(ln.startswith("::") for ln in err.splitlines())


@pytest.mark.parametrize(
    "text, expect",
    [
        ("fail-on = " + "9" * 5000 + "\n", "4300"),
        ("a = " + "[" * 20000 + "]" * 20000 + "\n", "nesting too deep"),
    ],
    ids=["5000-digit-integer", "deep-nesting"],
)
def test_hostile_toml_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expect: str
) -> None:
    policy = tmp_path / "osaudit.toml"
    policy.write_text(text, encoding="utf-8")
    rc = main([*AUDIT, "--policy", str(policy)])
    err = capsys.readouterr().err
    assert rc == 2 and expect in err and str(policy) in err, err
