"""The JSON report written a batch of components at a time is the model's bytes exactly.

``osaudit audit`` writes JSON through ``report.json.render_chunks`` (so a 1M-component
report is never held whole); ``Report.to_json`` stays the reference. Checked on real
corpus SBOMs, on a report without components, at every small batch size, through
``-o FILE`` and stdout, and for what a failure half-way leaves behind.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from osaudit.cli import main
from osaudit.commands._write import write_output
from osaudit.pipeline import AuditOptions, audit, parse_now
from osaudit.report import json as json_report
from osaudit.report.model import Report

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
NOW = "2026-11-23T00:00:00Z"
SBOMS = [
    ROOT / "examples" / "citizen-portal.cdx.json",
    CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json",
    CORPUS / "large" / "interlynk-io_sbomqs__samples_blogifier-dotnet-SBOM.json",
    CORPUS / "spdx" / "tv" / "interlynk-io_sbomqs__samples_sbomqs.syft-spdx.tv",
    CORPUS / "spdx3" / "interlynk-io_sbomqs__spdx3_perl-Mojolicious.spdx.json",
]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)


def _present(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"corpus file absent: {path}")
    return path


def _report(path: Path) -> Report:
    return audit(_present(path), AuditOptions(offline=True, now=parse_now(NOW)))


@pytest.mark.parametrize("path", SBOMS, ids=lambda p: p.name)
def test_chunks_equal_the_model_bytes(path: Path) -> None:
    report = _report(path)
    want = report.to_json()
    assert len(report.components) > 0
    assert b"".join(json_report.render_chunks(report)) == want
    for batch in (1, 2, 3, 7):
        assert b"".join(json_report.render_chunks(report, batch=batch)) == want, batch
    pieces = list(json_report.render_chunks(report, batch=2))
    assert len(pieces) == (len(report.components) + 1) // 2 + 2  # head, batches, tail


def test_chunks_of_a_report_without_components() -> None:
    report = msgspec.structs.replace(_report(SBOMS[0]), components=())
    assert b"".join(json_report.render_chunks(report)) == report.to_json()


def test_a_component_string_cannot_fake_the_splice_point() -> None:
    """The splice point is a top-level line; a value holding its text is escaped JSON."""
    report = _report(SBOMS[0])
    fake = '\n  "components": [],\n'
    first = msgspec.structs.replace(report.components[0], name=fake)
    report = msgspec.structs.replace(report, components=(first, *report.components[1:]))
    assert b"".join(json_report.render_chunks(report, batch=5)) == report.to_json()


@pytest.mark.parametrize("to_stdout", [False, True], ids=["-o FILE", "stdout"])
def test_cli_writes_the_chunks_and_they_are_the_model_bytes(
    to_stdout: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    path = _present(SBOMS[1])
    used: list[int] = []
    real = json_report.render_chunks

    def spy(report: Report, **kw: int):  # type: ignore[no-untyped-def]
        used.append(len(report.components))
        yield from real(report, batch=64)

    monkeypatch.setattr(json_report, "render_chunks", spy)
    out = tmp_path / "report.json"
    target = [] if to_stdout else ["-o", str(out)]
    rc = main(["audit", str(path), "--offline", "--quiet", "--now", NOW, *target])
    assert rc in (0, 1)
    written = capsysbinary.readouterr().out if to_stdout else out.read_bytes()
    model = _report(path)
    assert used == [len(model.components)], "the command line writes JSON through the chunks"
    assert written == model.to_json()


def test_failure_while_streaming_leaves_no_temporary(tmp_path: Path) -> None:
    """A piece that cannot be made aborts the write: the old file stays, nothing else."""
    target = tmp_path / "report.json"
    target.write_bytes(b"old\n")

    def pieces():  # type: ignore[no-untyped-def]
        yield b"{\n"
        raise RuntimeError("encoder failed")

    with pytest.raises(RuntimeError):
        write_output(str(target), pieces())
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
