"""The words every stage shares: risk levels and their order, the three axes, verdicts.

Scoring, policy, the report model, the renderers and ``diff`` import these; none
defines its own copy.
"""

from __future__ import annotations

from typing import Literal

Level = Literal["none", "low", "medium", "high", "critical", "unknown"]
#: Every level, best first; ``unknown`` last (it is not ordered).
LEVELS: tuple[Level, ...] = ("none", "low", "medium", "high", "critical", "unknown")
#: Order of the known levels; ``unknown`` ranks -1 (below everything, never "worse").
LEVEL_RANK: dict[str, int] = {
    "none": 0,
    "low": 1,
    "medium": 2,
    "high": 3,
    "critical": 4,
    "unknown": -1,
}
Threshold = Literal["low", "medium", "high", "critical"]
#: Levels a policy gate may use ("off" disables an axis on the command line).
THRESHOLDS: tuple[Threshold, ...] = ("low", "medium", "high", "critical")

Axis = Literal["lockin", "licence", "maintenance"]
AXES: tuple[Axis, ...] = ("lockin", "licence", "maintenance")
AXIS_LABELS: dict[Axis, str] = {"lockin": "Lock-in", "licence": "Licence", "maintenance": "Maintenance"}

Art41 = Literal["pass", "justify", "fail"]
#: Verdicts from best to worst.
VERDICT_RANK: dict[str, int] = {"pass": 0, "justify": 1, "fail": 2}


def is_ordered(level: str) -> bool:
    """True for the levels that can be compared (everything but ``unknown``)."""
    return LEVEL_RANK.get(level, -1) >= 0
