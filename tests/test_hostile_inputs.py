"""Hostile SBOM, policy, overlay and cache inputs end in a report or one clear line (issue 16).

Items 4-8: lone UTF-16 surrogates, integers beyond Python's 4,300-digit limit, unknown
XML encodings, deep nesting, YAML alias bombs, quadratic inputs, a licensecheck cache
outside ours, a catalogue cache of the wrong shape. Inputs are real corpus files with
the hostile part inserted; CPU and memory caps are set on a child process here.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from osaudit.cli import main
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
NOW = "2026-11-23T00:00:00Z"
JSON_READERS = {
    "cyclonedx-json": EXAMPLE,
    "spdx2-json": CORPUS / "spdx" / "json",
    "spdx3": CORPUS / "spdx3" / "spdx_spdx-examples__software_example12_spdx3.0_hello-src.spdx3.json",
}
FORMATS = ("json", "sarif", "markdown", "html", "csv", "cyclonedx")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)


def _source(kind: str) -> Path:
    path = JSON_READERS[kind]
    if path.is_dir():
        path = sorted(p for p in path.glob("*.json") if 2_000 < p.stat().st_size < 200_000)[0]
    if not path.is_file():
        pytest.skip(f"{path} not found (CI provides ../shared/corpus)")
    return path


def _with_surrogate(kind: str, tmp_path: Path) -> Path:
    text = _source(kind).read_text(encoding="utf-8")
    at = text.index('"name"')
    at = text.index('"', text.index(":", at)) + 1
    out = tmp_path / f"surrogate.{kind}.json"
    out.write_text(text[:at] + "\\ud800" + text[at:], encoding="utf-8")
    return out


def _with_huge_int(kind: str, tmp_path: Path) -> Path:
    text = _source(kind).read_text(encoding="utf-8")
    at = text.index("{") + 1
    out = tmp_path / f"bigint.{kind}.json"
    out.write_text(text[:at] + '"x-osaudit-test": ' + "7" * 5000 + "," + text[at:], encoding="utf-8")
    return out


@pytest.mark.parametrize("kind", sorted(JSON_READERS))
def test_lone_surrogate_every_renderer(kind: str, tmp_path: Path) -> None:
    sbom = _with_surrogate(kind, tmp_path)
    outs = [f"--output={fmt}={tmp_path / ('r.' + fmt)}" for fmt in FORMATS]
    assert main(["audit", str(sbom), "--offline", "--now", NOW, "--quiet", *outs]) in (0, 1)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    warn = [w for w in report["warnings"] if w["code"] == "json-lone-surrogate"]
    assert warn and warn[0]["location"].startswith("$"), report["warnings"]
    for fmt in FORMATS:
        data = (tmp_path / f"r.{fmt}").read_bytes()
        assert data.decode("utf-8")  # strict UTF-8: no surrogate escaped into any format
    assert "\ufffd" in (tmp_path / "r.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(JSON_READERS))
def test_lone_surrogate_inspect_json(
    kind: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["inspect", str(_with_surrogate(kind, tmp_path)), "--format", "json"]) == 0
    summary = json.loads(capsysbinary.readouterr().out)
    assert summary["components"]["total"] >= 1


@pytest.mark.parametrize("kind", sorted(JSON_READERS))
def test_huge_integer_is_read_and_reported(kind: str, tmp_path: Path) -> None:
    sbom = _with_huge_int(kind, tmp_path)
    out = tmp_path / "r.json"
    assert main(["audit", str(sbom), "--offline", "--now", NOW, "--quiet", "-o", str(out)]) in (0, 1)
    codes = {w["code"] for w in json.loads(out.read_text())["warnings"]}
    assert "json-huge-integer" in codes


def _xml(encoding: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>'
        '<component type="library"><name>left-pad</name><version>1.3.0</version>'
        "</component></components></bom>\n"
    ).encode("ascii")


@pytest.mark.parametrize(
    "encoding, expect",
    [("utf-6", "unknown encoding 'utf-6'"), ("utf-7", "encoding 'utf-7', which osaudit does not"),
     ("x-no-such", "unknown encoding"), ("shift_jis", "does not read")],
)  # fmt: skip
def test_xml_encoding_declarations(
    encoding: str, expect: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.xml"
    path.write_bytes(_xml(encoding))
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert expect in err and str(path) in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("encoding", ["UTF-8", "ISO-8859-1", "windows-1252", "US-ASCII"])
def test_xml_single_byte_encodings_still_read(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "bom.xml"
    path.write_bytes(_xml(encoding))
    assert main(["inspect", str(path)]) == 0


def test_utf16_xml_with_bom_and_declaration(tmp_path: Path) -> None:
    path = tmp_path / "bom.xml"
    path.write_bytes(b"\xff\xfe" + _xml("UTF-16").decode("ascii").encode("utf-16-le"))
    assert main(["inspect", str(path)]) == 0


def test_diff_on_deep_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["diff", str(deep), str(deep)]) == 2
    assert "nesting too deep" in capsys.readouterr().err


def test_diff_on_report_with_lone_surrogate(tmp_path: Path) -> None:
    base = tmp_path / "a.json"
    assert main(["audit", str(EXAMPLE), "--offline", "--now", NOW, "--quiet", "-o", str(base)]) == 0
    text = base.read_text(encoding="utf-8")
    at = text.index('"name": "') + len('"name": "')
    head = tmp_path / "b.json"
    head.write_text(text[:at] + "\\udc00" + text[at:], encoding="utf-8")
    out = tmp_path / "d.md"
    assert main(["diff", str(base), str(head), "--format", "markdown", "-o", str(out)]) in (0, 1)
    out.read_bytes().decode("utf-8")


# ------------------------------------------------------------------ capped child processes

CHILD_PRELUDE = "import sys; sys.path.insert(0, {src!r})\n"


def _capped(code: str, tmp_path: Path, cpu_s: int = 20, mem: int = 2 << 30) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child limited to ``cpu_s`` CPU seconds and ``mem`` bytes."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

    env = {**os.environ, "OSAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-c", CHILD_PRELUDE.format(src=str(ROOT / "src")) + code],
        capture_output=True, text=True, preexec_fn=limit, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip


def test_tagvalue_text_block_of_200k_lines_is_linear(tmp_path: Path) -> None:
    code = (
        "from osaudit.sbom.load import _read\n"
        "head = ('SPDXVersion: SPDX-2.3\\nDataLicense: CC0-1.0\\nSPDXID: SPDXRef-DOCUMENT\\n'\n"
        "        'DocumentName: x\\nDocumentNamespace: https://example.org/x\\n'\n"
        "        'Creator: Tool: t\\nCreated: 2024-01-01T00:00:00Z\\n\\nPackageName: a\\n'\n"
        "        'SPDXID: SPDXRef-a\\nPackageDownloadLocation: NOASSERTION\\n')\n"
        "body = 'PackageComment: <text>' + 'a line of comment text\\n' * 200000 + '</text>\\n'\n"
        "s = _read('x.spdx', (head + body).encode())\n"
        "print(len(s.components))\n"
    )
    proc = _capped(code, tmp_path, cpu_s=20)
    assert proc.returncode == 0 and proc.stdout.strip() == "1", proc.stderr[-500:]


def test_20k_components_sharing_one_bom_ref(tmp_path: Path) -> None:
    code = (
        "import json\nfrom osaudit.sbom.load import _read\n"
        "comps = [{'type': 'library', 'bom-ref': 'same', 'name': f'n{i}', 'version': '1'}\n"
        "         for i in range(20000)]\n"
        "doc = {'bomFormat': 'CycloneDX', 'specVersion': '1.6', 'components': comps}\n"
        "s = _read('x.json', json.dumps(doc).encode())\n"
        "refs = {c.ref for c in s.components}\n"
        "print(len(s.components), len(refs), 'same#20000' in refs)\n"
    )
    proc = _capped(code, tmp_path, cpu_s=10)
    assert proc.returncode == 0 and proc.stdout.split() == ["20000", "20000", "True"], proc.stderr[-500:]


def _overlay_audit(tmp_path: Path, overlay: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "overlay.yaml").write_text(overlay, encoding="utf-8")
    code = (
        "import sys\nfrom osaudit.cli import main\n"
        f"sys.exit(main(['audit', {str(EXAMPLE)!r}, '--offline', '--quiet', '--catalog',"
        f" 'overlay.yaml', '-o', 'r.json']))\n"
    )
    return _capped(code, tmp_path, cpu_s=30, mem=2 << 30)


def test_yaml_alias_bomb_is_refused_before_validation(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = "\n".join(lines) + "\nfamilies: *a8\n"
    assert len(bomb) < 700
    proc = _overlay_audit(tmp_path, bomb)
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "too many YAML aliases" in proc.stderr and "overlay.yaml" in proc.stderr


def test_yaml_shared_5000_name_list_is_refused(tmp_path: Path) -> None:
    names = "\n".join(f"    - name-{i}" for i in range(5000))
    fams = "\n".join(
        f"  - id: fam-{i}\n    name: F{i}\n    names: *names" for i in range(40)
    )
    overlay = f"x-shared:\n  names: &names\n{names}\nfamilies:\n{fams}\n"
    proc = _overlay_audit(tmp_path, overlay)
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "too many YAML aliases" in proc.stderr


def test_yaml_overlay_huge_integer(tmp_path: Path) -> None:
    proc = _overlay_audit(tmp_path, "families:\n  - id: x\n    review: " + "9" * 5000 + "\n")
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "integer of more than 4000 digits" in proc.stderr and "Traceback" not in proc.stderr


def test_unwritable_home_and_no_writes_outside_the_cache(tmp_path: Path) -> None:
    """HOME is a plain file here: nothing can be created under it (not even by root)."""
    home = tmp_path / "home"
    home.write_text("not a directory")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), OSAUDIT_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=str(ROOT / "src"))  # fmt: skip
    args = [sys.executable, "-m", "osaudit.cli", "audit", str(EXAMPLE), "--offline", "--quiet",
            "-o", str(tmp_path / "r.json")]  # fmt: skip
    proc = subprocess.run(args, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-800:]
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"home", "cache", "r.json"}
    env.pop("OSAUDIT_CACHE_DIR")  # the default cache is under the unwritable home: degrade
    proc = subprocess.run(args, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-800:]


def test_wrong_shape_catalogue_cache_is_rebuilt(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["audit", str(EXAMPLE), "--offline", "--now", NOW, "--quiet", "-o", str(out)]
    assert main(args) == 0
    good = out.read_bytes()
    caches = list((tmp_path / "cache" / "catalog").glob("*.json"))
    assert caches
    for shape in ({"version": "1", "entries": {"a": 1}}, {"version": "1", "entries": [[1, 2, 3]]},
                  {"version": "1", "entries": [["families", {"id": 3}]]}, [1, 2]):  # fmt: skip
        for c in caches:
            c.write_text(json.dumps(shape))
        assert main(args) == 0
        assert out.read_bytes() == good
    healed = json.loads(caches[0].read_text())
    assert healed["version"] == "1" and len(healed["entries"]) > 10
