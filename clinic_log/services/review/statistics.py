"""Small statistics for rates shown to the owner: the Wilson score interval of a proportion."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # two-sided 95 %


@dataclass(frozen=True)
class Rate:
    """`events` out of `total`, with its 95 % Wilson interval (0–1). A rate from 3 sessions has a wide one."""

    events: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.events / self.total if self.total else 0.0


def wilson_interval(events: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for `events` successes in `total` trials ((0, 1) when there are none):
    unlike p ± z·SE it stays inside [0, 1] and is honest for small counts and rates near 0."""
    if total <= 0:
        return 0.0, 1.0
    if not 0 <= events <= total:
        raise ValueError(f"events must be between 0 and total ({total}), got {events}")
    p = events / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    # at 0 or all events the bound is exactly 0 or 1; floating point would leave a 1e-18 that reads as > 0
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == total else min(1.0, centre + half)
    return low, high


def rate(events: int, total: int) -> Rate:
    low, high = wilson_interval(events, total)
    return Rate(events, total, low, high)
