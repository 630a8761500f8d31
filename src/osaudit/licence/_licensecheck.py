"""licensecheck's compatibility matrix, imported without licensecheck's package ``__init__``.

That ``__init__`` imports its CLI, whose module-level ``requests_cache.CachedSession``
creates an SQLite file in ``~/.cache/licensecheck`` at import: every audit wrote
outside osaudit's cache directory, and crashed when the home directory was not
writable. Only the matrix and the licence enum are needed, and neither touches a file
beyond the CSV shipped in the package.
"""

from __future__ import annotations

import importlib.util
import sys
import types


def _bare_package() -> types.ModuleType | None:
    """Put an empty ``licensecheck`` package in sys.modules (None when already imported)."""
    if "licensecheck" in sys.modules:
        return None
    spec = importlib.util.find_spec("licensecheck")  # locates, does not execute
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError("No module named 'licensecheck'", name="licensecheck")
    bare = types.ModuleType("licensecheck")
    bare.__path__ = list(spec.submodule_search_locations)
    sys.modules["licensecheck"] = bare
    return bare


_bare = _bare_package()
try:
    from licensecheck.license_matrix import liceCompat  # noqa: E402
    from licensecheck.types import License  # noqa: E402
finally:
    if _bare is not None and sys.modules.get("licensecheck") is _bare:
        del sys.modules["licensecheck"]

__all__ = ["License", "liceCompat"]
