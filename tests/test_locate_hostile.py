"""The SARIF manifest walk against a hostile repository (issue 16, item 3).

Every special file is made here, in a temporary directory: a FIFO named like a
manifest, a symlink to a file outside the root, a symlink to a FIFO, an oversized file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from osaudit.report.locate import MAX_FILE_BYTES, build_index

REQ = "requests==2.31\n"


def _with_watchdog(fn, seconds: float = 20.0):  # type: ignore[no-untyped-def]
    """Run fn in a thread; a hang fails the test instead of hanging the suite."""
    out: list[object] = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "the walk hung"
    return out[0]


def test_fifo_named_like_a_manifest_is_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "requirements.txt")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "requirements.txt").write_text(REQ)
    index = _with_watchdog(lambda: build_index(tmp_path))
    assert index.files == 1
    assert index.find("pypi", "requests").path == "app/requirements.txt"


def test_symlink_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("leaked-package==1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").symlink_to(outside / "secret.txt")
    index = build_index(repo)
    assert index.files == 0 and index.find("pypi", "leaked-package") is None


def test_symlink_inside_the_root_is_read(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "reqs.in").write_text(REQ)
    (tmp_path / "requirements.txt").symlink_to(tmp_path / "real" / "reqs.in")
    index = build_index(tmp_path)
    assert index.find("pypi", "requests").path == "requirements.txt"


def test_symlink_to_a_fifo_inside_the_root_is_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "package.json").symlink_to(tmp_path / "pipe")
    index = _with_watchdog(lambda: build_index(tmp_path))
    assert index.files == 0


def test_oversized_manifest_is_skipped_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "requirements.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to write
    assert build_index(tmp_path).files == 0


def test_symlinked_directory_out_of_the_root_is_not_walked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "requirements.txt").write_text("leaked-package==1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "sub").symlink_to(outside, target_is_directory=True)
    assert build_index(repo).find("pypi", "leaked-package") is None
