"""The catalogue of vendor lock-ins and open-source alternatives: load, validate, resolve.

``load_catalog(overlays)`` returns a ``Catalog``; ``Catalog.resolve(component)``
returns a ``Resolution`` with the matched families and alternatives, best first.
"""

from osaudit.catalog.loader import Violation, check_layers, load_catalog, shipped_root
from osaudit.catalog.resolve import EMPTY, Catalog, Resolution

__all__ = [
    "EMPTY",
    "Catalog",
    "Resolution",
    "Violation",
    "check_layers",
    "load_catalog",
    "shipped_root",
]
