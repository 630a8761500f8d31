"""Licence normalisation on licence strings collected from the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from osaudit.licence.normalise import derive_expression

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

# raw string exactly as a corpus SBOM carries it -> expected SPDX expression (None =
# ambiguous or not a licence). Collected with a script over every corpus file
# (CycloneDX license.id/name/expression, SPDX licenseDeclared/Concluded, tag-value).
REAL = [
    # SPDX ids, deprecated ids and "+"
    ("Apache-2.0", "Apache-2.0"),
    ("GPL-2.0", "GPL-2.0-only"),
    ("GPL-3.0", "GPL-3.0-only"),
    ("LGPL-2.1", "LGPL-2.1-only"),
    ("LGPL-2.1+", "LGPL-2.1-or-later"),
    ("LGPL-3.0+", "LGPL-3.0-or-later"),
    ("GFDL-1.3", "GFDL-1.3-only"),
    ("GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("BSD-2-Clause-FreeBSD", "BSD-2-Clause-Views"),
    ("zlib", "Zlib"),
    # expressions, also inside CycloneDX license.name
    ("(MIT OR GPL-3.0)", "MIT OR GPL-3.0-only"),
    ("(0BSD OR MIT)", "0BSD OR MIT"),
    ("MIT OR (GPL-3.0 OR GPL-2.0)", "MIT OR (GPL-3.0-only OR GPL-2.0-only)"),
    (
        "EPL-2.0 OR GPL-2.0-with-classpath-exception",
        "EPL-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0",
    ),
    (
        "EPL-2.0 OR GPL-2.0 WITH Classpath-exception-2.0",
        "EPL-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0",
    ),
    ("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"),
    ("(Apache-2.0 AND LicenseRef-1)", "Apache-2.0 AND LicenseRef-1"),
    (
        "(GPL-3.0-or-later AND LicenseRef-Golang-BSD-plus-Patents)",
        "GPL-3.0-or-later AND LicenseRef-Golang-BSD-plus-Patents",
    ),
    (
        "BSD-3-Clause AND BSD-3-Clause AND FSFUL AND FSFULLR AND GPL-2.0-only AND GPL-2.0-or-later",
        "BSD-3-Clause AND FSFUL AND FSFULLR AND GPL-2.0-only AND GPL-2.0-or-later",
    ),
    ("WTFPL OR ISC", "WTFPL OR ISC"),
    # Maven POM names
    ("Apache Software License 2.0", "Apache-2.0"),
    ("Apache License 2.0", "Apache-2.0"),
    ("Apache License (2.0)", "Apache-2.0"),
    ("ASL, version 2", "Apache-2.0"),
    ("ALv2", "Apache-2.0"),
    ("Eclipse Distribution License - v 1.0", "BSD-3-Clause"),
    ("Eclipse Distribution License (EDL), Version 1.0", "BSD-3-Clause"),
    ("EDL 1.0", "BSD-3-Clause"),
    ("Eclipse Public License v2.0", "EPL-2.0"),
    ("Common Development and Distribution License (CDDL) v1.0", "CDDL-1.0"),
    ("COMMON DEVELOPMENT AND DISTRIBUTION LICENSE (CDDL) Version 1.0", "CDDL-1.0"),
    (
        "GNU General Public License, version 2 with the GNU Classpath Exception",
        "GPL-2.0-only WITH Classpath-exception-2.0",
    ),
    (
        "GNU General Public License (GPL), version 2, with the Classpath exception",
        "GPL-2.0-only WITH Classpath-exception-2.0",
    ),
    ("GNU Lesser General Public License, Version 2.1", "LGPL-2.1-only"),
    ("Lesser General Public License, version 3 or greater", "LGPL-3.0-or-later"),
    (
        "Apache License, Version 2.0 and Common Development And Distribution License (CDDL) Version 1.0",
        "Apache-2.0 AND CDDL-1.0",
    ),
    ("MPL 2.0 or EPL 1.0", "MPL-2.0 OR EPL-1.0"),
    ("ZPL 2.1", "ZPL-2.1"),
    ("LGPL v3", "LGPL-3.0-only"),
    ("GPL v2", "GPL-2.0-only"),
    # PyPI / npm free text and classifiers
    ("New BSD", "BSD-3-Clause"),
    ("GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"),
    ("GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"),
    ("CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"),
    ("The Unlicense (Unlicense)", "Unlicense"),
    ("ISC License", "ISC"),
    ("MIT (http://mootools.net/license.txt)", "MIT"),
    ("Public Domain", "LicenseRef-scancode-public-domain"),
    # Debian short names and comma lists (all licences of a package apply: AND)
    ("GPL-2.0, LGPL-2.1", "GPL-2.0-only AND LGPL-2.1-only"),
    ("BSD-3-Clause, GPL-2.0, Zlib, Expat", "BSD-3-Clause AND GPL-2.0-only AND Zlib AND MIT"),
    ("Apache-2.0, Zlib", "Apache-2.0 AND Zlib"),
    ("MIT, LicenseRef-C-Ares", "MIT AND LicenseRef-C-Ares"),
    ("2-clause BSDL", "BSD-2-Clause"),
    ("Ruby, MIT", "Ruby AND MIT"),
    # ambiguous or not a licence: stay unmapped
    ("BSD", None),
    ("BSD License", None),
    ("The BSD License", None),
    ("Apache Software License", None),
    ("CDDL", None),
    ("CDDL+GPL", None),
    ("gpl", None),
    ("lgpl", None),
    ("GNU Lesser General Public License", None),
    ("GNU General Public License (GPL)", None),
    ("Artistic License", None),
    ("OSI Approved", None),
    ("LICENSE.txt", None),
    ("Some random license", None),
    ("Dual License", None),
    ("MIT/X11", None),
    ("GPL-2.0, All-permissive, configure, installsh", None),
    # the SBOM's own words
    ("NOASSERTION", "NOASSERTION"),
    ("NONE", "NONE"),
]


@pytest.fixture(scope="module")
def corpus_text() -> str:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    parts = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.name not in ("README.md", "SOURCES.tsv"):
            data = path.read_bytes()
            enc = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
            parts.append(data.decode(enc, errors="replace"))
    return "\n".join(parts)


def test_table_strings_are_real(corpus_text: str) -> None:
    missing = [raw for raw, _ in REAL if raw not in corpus_text]
    assert missing == []


@pytest.mark.parametrize(("raw", "expected"), REAL)
def test_real_strings(raw: str, expected: str | None) -> None:
    assert derive_expression(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.apache.org/licenses/LICENSE-2.0.txt", "Apache-2.0"),
        ("http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
        ("https://opensource.org/licenses/MIT", "MIT"),
        ("https://opensource.org/licenses/BSD-3-Clause", "BSD-3-Clause"),
        ("https://spdx.org/licenses/EUPL-1.2.html", "EUPL-1.2"),
        ("http://www.gnu.org/licenses/lgpl-2.1.html", "LGPL-2.1-only"),
        ("https://www.eclipse.org/legal/epl-v20.html", "EPL-2.0"),
        ("https://github.com/example/project/blob/main/LICENSE", None),
    ],
)
def test_licence_page_urls(raw: str, expected: str | None) -> None:
    assert derive_expression(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MIT AND", None),
        ("(MIT", None),
        ("MIT OR OR Apache-2.0", None),
        ("MIT WITH Apache-2.0", None),  # WITH needs an exception
        ("Classpath-exception-2.0", None),  # an exception alone is no licence
        ("", None),
        ("   ", None),
        ("LicenseRef-GPL", "LicenseRef-GPL"),  # a user's LicenseRef is never reinterpreted
        ("mit or apache-2.0", "MIT OR Apache-2.0"),
        ("The Apache Software License, Version 2.0", "Apache-2.0"),  # Maven Central template
        ("Apache License, Version 2.0", "Apache-2.0"),
        ('"MIT"', "MIT"),
        ("GPL-2+", "GPL-2.0-or-later"),
        ("Apache-2", "Apache-2.0"),
        ("Mozilla Public License, Version 2.0", "MPL-2.0"),
        ("European Union Public Licence 1.2", "EUPL-1.2"),
    ],
)
def test_edge_cases(raw: str, expected: str | None) -> None:
    assert derive_expression(raw) == expected


def test_outputs_are_fixed_points() -> None:
    for raw, expected in REAL:
        if expected is not None:
            assert derive_expression(expected) == expected, raw


def test_cache_is_hit() -> None:
    derive_expression("The Apache Software License, Version 2.0")
    before = derive_expression.cache_info().hits
    for _ in range(50):
        derive_expression("The Apache Software License, Version 2.0")
    assert derive_expression.cache_info().hits == before + 50


def test_every_corpus_component_normalises(corpus_text: str) -> None:
    from osaudit.sbom import read_sbom

    seen = 0
    mapped = 0
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or "invalid" in path.parts or path.suffix in (".md", ".tsv"):
            continue
        sbom = read_sbom(str(path))
        for comp in sbom.components:
            for lic in (*comp.licences_declared, *comp.licences_concluded):
                seen += 1
                expr = derive_expression(lic.raw)
                if expr is not None:
                    mapped += 1
                    assert derive_expression(expr) == expr, (path.name, lic.raw)
    assert seen > 5000
    assert mapped / seen > 0.9
