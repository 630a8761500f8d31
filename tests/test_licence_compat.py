"""Licence compatibility facts that matter to the public sector, each with its source."""

from __future__ import annotations

import pytest
from licensecheck.types import License

from osaudit.licence import compat
from osaudit.licence.compat import is_compatible

# EUPL v1.2, Appendix "Compatible Licences" (Commission Implementing Decision (EU)
# 2017/863, OJ L 128, 19.5.2017): GPL v2, v3; AGPL v3; OSL v2.1, v3.0; EPL v1.0;
# CeCILL v2.0, v2.1; MPL v2; LGPL v2.1, v3; CC BY-SA 3.0 (for works other than
# software); EUPL v1.1, v1.2; LiLiQ-R and LiLiQ-R+.
EUPL_APPENDIX = [
    "GPL-2.0-only",
    "GPL-3.0-only",
    "AGPL-3.0-only",
    "OSL-2.1",
    "OSL-3.0",
    "EPL-1.0",
    "CECILL-2.0",
    "CECILL-2.1",
    "MPL-2.0",
    "LGPL-2.1-only",
    "LGPL-3.0-only",
    "CC-BY-SA-3.0",
    "EUPL-1.1",
    "LiLiQ-R-1.1",
    "LiLiQ-Rplus-1.1",
]


@pytest.mark.parametrize("project", EUPL_APPENDIX)
def test_eupl_appendix(project: str) -> None:
    ok, why = is_compatible("EUPL-1.2", project)
    assert ok is True, why


def test_eupl_is_not_compatible_with_licences_outside_the_appendix() -> None:
    # EPL-2.0 is not in the EUPL-1.2 appendix (only EPL v1.0 is)
    assert is_compatible("EUPL-1.2", "EPL-2.0")[0] is False


# FSF, "Various Licenses and Comments about Them"
# (https://www.gnu.org/licenses/license-list.html) and GPL FAQ.
FSF_FACTS = [
    # Apache-2.0: compatible with GPLv3, not with GPLv2-only (FSF list, "Apache License, Version 2.0")
    ("Apache-2.0", "GPL-3.0-only", True),
    ("Apache-2.0", "GPL-3.0-or-later", True),
    ("Apache-2.0", "GPL-2.0-only", False),
    # GPLv2+ code may be combined under GPLv3 (ASF, "Apache License v2.0 and GPL Compatibility")
    ("Apache-2.0", "GPL-2.0-or-later", True),
    # MPL-2.0: GPL-compatible through its Secondary Licenses clause (MPL 2.0 FAQ Q14)
    ("MPL-2.0", "GPL-2.0-only", True),
    ("MPL-2.0", "GPL-3.0-only", True),
    ("MPL-2.0", "LGPL-2.1-only", True),
    # MPL-1.1: GPL-incompatible (FSF list, "Mozilla Public License (MPL) version 1.1")
    ("MPL-1.1", "GPL-2.0-only", False),
    # EPL-1.0 / EPL-2.0: GPL-incompatible (FSF list, "Eclipse Public License")
    ("EPL-1.0", "GPL-2.0-only", False),
    ("EPL-1.0", "GPL-3.0-only", False),
    ("EPL-2.0", "GPL-3.0-only", False),
    # CDDL-1.0: GPL-incompatible (FSF list, "Common Development and Distribution License")
    ("CDDL-1.0", "GPL-2.0-only", False),
    # Original 4-clause BSD and OpenSSL: advertising clause, GPL-incompatible (FSF list)
    ("BSD-4-Clause", "GPL-2.0-only", False),
    ("OpenSSL", "GPL-3.0-only", False),
    # lax permissive licences are compatible with every copyleft licence (FSF list: Expat, BSD, ISC, zlib)
    ("MIT", "GPL-2.0-only", True),
    ("MIT", "GPL-3.0-only", True),
    ("MIT", "AGPL-3.0-only", True),
    ("MIT", "LGPL-2.1-only", True),
    ("MIT", "EUPL-1.2", True),
    ("BSD-2-Clause", "GPL-2.0-only", True),
    ("BSD-3-Clause", "GPL-3.0-only", True),
    ("ISC", "GPL-2.0-only", True),
    ("Zlib", "GPL-2.0-only", True),
    # GPLv2-only and GPLv3 cannot be combined (GPL FAQ "Is GPLv3 compatible with GPLv2?")
    ("GPL-2.0-only", "GPL-3.0-only", False),
    ("GPL-3.0-only", "GPL-2.0-only", False),
    ("GPL-2.0-or-later", "GPL-3.0-only", True),
    # LGPLv3 is not compatible with GPLv2-only (FSF list, LGPLv3)
    ("LGPL-3.0-only", "GPL-2.0-only", False),
    # AGPLv3 and GPLv3 may be combined (GPLv3 section 13; GPL FAQ)
    ("AGPL-3.0-only", "GPL-3.0-only", True),
    # copyleft code cannot go into a permissive project
    ("GPL-3.0-only", "MIT", False),
    ("GPL-2.0-only", "Apache-2.0", False),
    # the LLVM exception exists to allow GPLv2 combinations (llvm.org/foundation/relicensing)
    ("Apache-2.0 WITH LLVM-exception", "GPL-2.0-only", True),
]


@pytest.mark.parametrize(("dep", "project", "expected"), FSF_FACTS)
def test_fsf_gpl_compatibility(dep: str, project: str, expected: bool) -> None:
    ok, why = is_compatible(dep, project)
    assert ok is expected, why


@pytest.mark.parametrize(
    "dep",
    [
        "BUSL-1.1",
        "SSPL-1.0",
        "Elastic-2.0",
        "CC-BY-NC-4.0",
        "LicenseRef-scancode-commercial-license",
    ],
)
@pytest.mark.parametrize("project", ["MIT", "EUPL-1.2", "GPL-3.0-only"])
def test_proprietary_and_source_available_are_never_compatible(dep: str, project: str) -> None:
    ok, why = is_compatible(dep, project)
    assert ok is False
    assert "not an open-source licence" in why


@pytest.mark.parametrize("dep", ["NOASSERTION", "NONE", "LicenseRef-1", "BSD", "LICENSE.txt", ""])
def test_unknown_is_never_compatible(dep: str) -> None:
    ok, _ = is_compatible(dep, "EUPL-1.2")
    assert ok is None


def test_unknown_project_licence() -> None:
    assert is_compatible("MIT", "Some random license")[0] is None


def test_and_is_all_of_and_or_is_any_of() -> None:
    # licensecheck on its own treats AND like OR
    assert is_compatible("MIT AND GPL-3.0-only", "MIT")[0] is False
    assert is_compatible("MIT OR GPL-3.0-only", "MIT")[0] is True
    assert is_compatible("GPL-2.0-only OR GPL-3.0-only", "GPL-3.0-only")[0] is True
    assert is_compatible("Apache-2.0 AND EPL-1.0", "GPL-3.0-only")[0] is False


def test_compound_project_licence_must_satisfy_every_licence() -> None:
    assert is_compatible("Apache-2.0", "GPL-2.0-only OR GPL-3.0-only")[0] is False
    assert is_compatible("MIT", "MIT OR Apache-2.0")[0] is True


def test_explanation_names_the_source() -> None:
    _, why = is_compatible("EUPL-1.2", "LGPL-3.0-only")
    assert "2017/863" in why
    _, why = is_compatible("Apache-2.0", "GPL-3.0-only")
    assert "licensecheck matrix" in why


def test_licensecheck_never_sees_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[License, License]] = []
    real = compat.liceCompat

    def spy(mine: License, dep: License, *rest: list[License]) -> bool:
        seen.append((mine, dep))
        return bool(real(mine, dep, *rest))

    monkeypatch.setattr(compat, "liceCompat", spy)
    compat.is_compatible.cache_clear()
    for dep in ("MIT", "NOASSERTION", "LicenseRef-1", "Sleepycat", "Apache-2.0 OR LicenseRef-x"):
        for project in ("GPL-3.0-only", "EUPL-1.2", "Sleepycat"):
            compat.is_compatible(dep, project)
    compat.is_compatible.cache_clear()
    assert seen
    bad = {License.UNKNOWN, License.NO_LICENSE, License.PROPRIETARY}
    assert not [pair for pair in seen if set(pair) & bad]


def test_licensecheck_logger_is_silent(capfd: pytest.CaptureFixture[str]) -> None:
    from licensecheck.license_matrix import licenseLookup
    from licensecheck.types import ucstr

    licenseLookup(ucstr("SOMETHING UNHEARD OF"))  # logs a warning when enabled
    assert capfd.readouterr().err == ""


def test_every_mapped_spdx_id_is_real() -> None:
    from osaudit.licence.normalise import derive_expression

    assert all(derive_expression(key) == key for key in compat.LICENSECHECK)
