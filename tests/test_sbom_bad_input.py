"""Crafted bad input: every case ends in one clear line and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.errors import InputError
from osaudit.sbom import read_sbom

CDX = b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [%s]}'
ONE = b'{"type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0"}'

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library">
<name>&lol4;</name></component></components></bom>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library">
<name>&xxe;</name></component></components></bom>
"""

BAD: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "empty file"),
    "blank": (b"  \n\t\n", "empty file"),
    "not-sbom-text": (b"hello world\n", "not an SBOM"),
    "not-sbom-json": (b'{"hello": "world"}', "not an SBOM"),
    "json-array": (b"[1, 2]", "not an SBOM"),
    "truncated": (CDX.replace(b"]}", b"") % ONE, "line 1 column"),
    "trailing-junk": ((CDX % ONE) + b"\n}garbage", "line 2 column"),
    "bomformat-cdx": (b'{"bomFormat": "CDX", "specVersion": "1.4"}', "$.bomFormat"),
    "spdxversion-number": (b'{"spdxVersion": 2, "packages": []}', "$.spdxVersion"),
    "no-bomformat": (b'{"specVersion": "1.6", "components": []}', "$.bomFormat"),
    "billion-laughs": (BILLION_LAUGHS, "XML bomb"),
    "xxe": (XXE, "XXE"),
    "xml-declaration-only": (b'<?xml version="1.0"?>\n', "invalid XML"),
    "xml-not-bom": (b"<html><body/></html>", "not an SBOM"),
    "xml-wrong-namespace": (b'<bom xmlns="urn:other"/>', "not in a CycloneDX namespace"),
    "latin1": (b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": "caf\xe9"}', "not UTF-8"),
    "utf16-no-bom": ('{"bomFormat": "CycloneDX"}'.encode("utf-16-le"), "UTF-16"),
    "spdx3-no-graph": (b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}', "@graph"),
    "tv-without-version": (b"DocumentName: x\nSPDXVersion:\n", "SPDX"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_clear_line(case: str, tmp_path: Path, capsys):
    data, fragment = BAD[case]
    path = tmp_path / f"{case}.json"  # the extension is meaningless on purpose
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_sbom(str(path))
    assert str(path) in str(info.value)
    assert fragment in str(info.value)
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"osaudit: error: {path}")


def test_missing_file_and_directory(tmp_path: Path, capsys):
    assert main(["inspect", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["inspect", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_size_limit_and_flag(tmp_path: Path, capsys):
    path = tmp_path / "sbom.json"
    path.write_bytes(CDX % ONE)
    assert main(["inspect", str(path), "--max-size", "10"]) == 2
    assert "--max-size" in capsys.readouterr().err
    assert main(["inspect", str(path), "--max-size", "1K"]) == 0
    assert main(["inspect", str(path), "--max-size", "lots"]) == 2


def test_readable_oddities_warn(tmp_path: Path):
    utf16 = tmp_path / "a"
    utf16.write_bytes((CDX % ONE).decode().encode("utf-16"))
    assert {w.code for w in read_sbom(str(utf16)).warnings} == {"encoding"}
    bom8 = tmp_path / "b"
    bom8.write_bytes(b"\xef\xbb\xbf" + (CDX % ONE).replace(b"\n", b"\r\n"))
    assert read_sbom(str(bom8)).warnings == ()
    ctrl = tmp_path / "c"
    ctrl.write_bytes(CDX % ONE.replace(b"left-pad", b"left\x01pad"))
    sbom = read_sbom(str(ctrl))
    assert sbom.components[0].name == "left\x01pad"
    assert [w.code for w in sbom.warnings] == ["json-control-characters"]
    with pytest.raises(InputError, match=r"\[--strict\]"):
        read_sbom(str(ctrl), strict=True)


def test_duplicates_are_merged_not_fatal(tmp_path: Path):
    two = b'{"type": "library", "bom-ref": "x", "name": "a", "version": "1"}'
    other = b'{"type": "library", "bom-ref": "y", "name": "a", "version": "1", "purl": "pkg:npm/a@1"}'
    other2 = b'{"type": "library", "bom-ref": "z", "name": "a", "purl": "pkg:npm/a@1",' \
             b' "licenses": [{"license": {"id": "MIT"}}]}'
    path = tmp_path / "dup"
    path.write_bytes(CDX % b",".join([two, two, other, other2]))
    sbom = read_sbom(str(path))
    assert [c.ref for c in sbom.components] == ["x", "y"]
    y = sbom.components[1]
    assert y.licences_declared[0].expression == "MIT"  # merged from z
    assert {w.code for w in sbom.warnings} == {"duplicate-ref", "duplicate-purl"}


RUN = [sys.executable, "-c", "import sys; from osaudit.cli import main; sys.exit(main())"]


def test_stdin_via_subprocess():
    proc = subprocess.run([*RUN, "inspect", "-", "--format", "json"], input=CDX % ONE,
                          capture_output=True, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert b'"total": 1' in proc.stdout
    bad = subprocess.run([*RUN, "inspect", "-"], input=BILLION_LAUGHS, capture_output=True,
                         check=False)  # fmt: skip
    assert bad.returncode == 2
    assert b"Traceback" not in bad.stderr
    assert bad.stderr.decode().startswith("osaudit: error: -: XML declares entities")


def test_duplicate_ref_for_different_components_keeps_both(tmp_path: Path):
    a = b'{"type": "library", "bom-ref": "123", "name": "acme-library", "version": "1.0.0"}'
    b = b'{"type": "library", "bom-ref": "123", "name": "acme-library2", "version": "1.0.0"}'
    path = tmp_path / "dupref"
    path.write_bytes(CDX % b",".join([a, b]))
    sbom = read_sbom(str(path))
    assert [(c.ref, c.name) for c in sbom.components] == [
        ("123", "acme-library"), ("123#2", "acme-library2"),
    ]
    assert [w.code for w in sbom.warnings] == ["duplicate-ref"]


def _mutate(value, rng):
    """Replace random values of a parsed document by values of the wrong type."""
    wrong = [None, 1, "x", [], {}, [1], {"a": 1}, True]
    if isinstance(value, dict):
        for k in list(value):
            r = rng.random()
            value[k] = rng.choice(wrong) if r < 0.05 else _mutate(value[k], rng) if r < 0.5 else value[k]
    elif isinstance(value, list):
        for i in range(len(value)):
            r = rng.random()
            value[i] = rng.choice(wrong) if r < 0.05 else _mutate(value[i], rng) if r < 0.5 else value[i]
    return value


def test_wrong_shapes_never_crash(corpus, tmp_path: Path):
    """Seeded structural fuzzing of real JSON SBOMs (all three JSON families), plus byte
    damage of XML and tag-value: only a read or a clear InputError, never another
    exception and never the last-resort 'unexpected document structure' error."""
    import json
    import random

    rng = random.Random(20251123)
    names = [
        "cyclonedx/json/CycloneDX_specification__tools_src_test_resources_1.6_valid-bom-1.6.json",
        "cyclonedx/json/CycloneDX_bom-examples__SBOM_cern-lhc-vdm-editor-e564943_bom.json",
        "spdx/json/spdx_tools-python__tests_spdx_data_SPDXJSONExample-v2.3.spdx.json",
        "spdx3/spdx_spdx-examples__software_example9_spdx3.0_appbomination.spdx3.json",
        "cyclonedx/xml/CycloneDX_specification__tools_src_test_resources_1.6_valid-bom-1.6.xml",
        "spdx/tv/spdx_tools-python__tests_spdx_data_SPDXTagExample-v2.3.spdx",
    ]
    target = tmp_path / "fuzzed"
    for i in range(240):
        raw = (corpus / names[i % len(names)]).read_bytes()
        if raw[:1] == b"{":
            data = json.dumps(_mutate(json.loads(raw), rng)).encode()
        else:
            b = bytearray(raw)
            for _ in range(rng.randint(1, 10)):
                at = rng.randrange(len(b))
                if rng.random() < 0.5:
                    del b[at]
                else:
                    b.insert(at, rng.choice(b"<>&/:\n\"{} \x00\xff"))
            data = bytes(b)
        target.write_bytes(data)
        try:
            read_sbom(str(target))
        except InputError as exc:
            assert "unexpected document structure" not in str(exc)
