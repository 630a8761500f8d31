"""Differential test: component identities equal those the reference libraries read.

Identity = canonical purl (both sides through ``normalise_purl``) or name@version.
cyclonedx-python-lib reads CycloneDX JSON/XML; spdx-tools reads SPDX 2 JSON and
tag-value. A file is skipped, with the library's error, when the library itself
cannot read it.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET  # noqa: N817 - trusted corpus files
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from osaudit.errors import InputError
from osaudit.identity import normalise_purl
from osaudit.sbom import read_sbom
from tests.conftest import CORPUS, SKIP_REASON, corpus_files, corpus_id

FILES = corpus_files("cyclonedx", "spdx", "large", "invalid")


def ident(purl: str | None, name: str | None, version: str | None) -> str:
    canonical = normalise_purl(purl)[0] if purl else None
    return canonical or f"{name or ''}@{version or ''}"


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def cyclonedx_lib(path: Path, text: str) -> set[str]:
    from cyclonedx.model.bom import Bom

    if text.lstrip().startswith("<"):
        bom = Bom.from_xml(ET.fromstring(text))  # type: ignore[attr-defined]
    else:
        bom = Bom.from_json(json.loads(text))  # type: ignore[attr-defined]
    out: set[str] = set()

    def walk(items):
        for c in items:
            out.add(ident(str(c.purl) if c.purl else None, c.name, c.version))
            walk(c.components)

    walk(bom.components)
    return out


def spdx_lib(path: Path, text: str) -> set[str]:
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        if text.lstrip().startswith("{"):
            from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

            doc = JsonLikeDictParser().parse(json.loads(text, strict=False))
        else:
            from spdx_tools.spdx.parser.tagvalue.parser import Parser

            doc = Parser().parse(text)
    out = set()
    for p in doc.packages:
        purls = [r.locator for r in p.external_references if r.reference_type == "purl"]
        out.add(ident(purls[0] if purls else None, p.name, p.version))
    return out


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_same_identities_as_reference_library(path: Path):
    text = _text(path)
    start = text.lstrip()[:1]
    if start == "{":
        top = json.loads(text, strict=False)
        if "@graph" in top:
            pytest.skip("no reference reader for SPDX 3 JSON-LD in the dependencies")
        is_spdx = "spdxVersion" in top
    else:
        is_spdx = start != "<"
    try:
        sbom = read_sbom(str(path))
    except InputError as exc:
        assert path.parent.name == "invalid", exc
        pytest.skip(f"osaudit refuses this invalid file on purpose: {exc}")
    try:
        expected = spdx_lib(path, text) if is_spdx else cyclonedx_lib(path, text)
    except Exception as exc:  # noqa: BLE001 - the library's failure is the skip reason
        pytest.skip(f"reference library cannot read it: {type(exc).__name__}: {str(exc)[:150]}")
    ours = {ident(c.purl, c.name, c.version) for c in sbom.components}
    assert ours == expected
