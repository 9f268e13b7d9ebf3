"""Drift statistics of a batch column against its reference profile column.

- PSI (population stability index): sum over bins of (c - r) * ln(c / r), with proportions below PSI_FLOOR
  raised to it (an empty bin would make the logarithm infinite). Numeric bins are the reference's deciles,
  categorical bins its top categories plus "other".
- KS (Kolmogorov–Smirnov statistic, numeric): the largest distance between the batch's empirical CDF and the
  reference CDF, which the profile's quantile sketch gives to within 1/QUANTILES (linear between knots).
- JS (Jensen–Shannon distance, categorical): the square root of the JS divergence in base 2, in [0, 1].
- Missing-rate change: the batch's missing rate minus the reference's.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._profile import hist_counts, present_sorted, psi_counts
from ._profile_table import NUMERIC, categorical, numeric, np

PSI_FLOOR = 1e-4
_MAX_NEW_CATEGORIES = 5


def psi(reference: Sequence[float], current: Sequence[float]) -> float:
    """PSI of two count (or proportion) vectors over the same bins."""
    total_r = float(sum(reference))
    total_c = float(sum(current))
    if total_r <= 0 or total_c <= 0:
        return 0.0
    value = 0.0
    for r, c in zip(reference, current):
        pr = max(r / total_r, PSI_FLOOR)
        pc = max(c / total_c, PSI_FLOOR)
        value += (pc - pr) * math.log(pc / pr)
    return value


def js_distance(reference: Sequence[float], current: Sequence[float]) -> float:
    """Jensen–Shannon distance (base 2) of two count vectors over the same categories."""
    total_r = float(sum(reference))
    total_c = float(sum(current))
    if total_r <= 0 or total_c <= 0:
        return 0.0
    divergence = 0.0
    for r, c in zip(reference, current):
        p, q = r / total_r, c / total_c
        m = (p + q) / 2
        if p > 0:
            divergence += p * math.log2(p / m) / 2
        if q > 0:
            divergence += q * math.log2(q / m) / 2
    return math.sqrt(max(divergence, 0.0))


def _reference_cdf(quantiles: Sequence[float], x: float, right: bool) -> float:
    """The reference CDF at x (its right limit, or its left limit), linear between the sketch's knots."""
    k = len(quantiles) - 1
    i = bisect.bisect_right(quantiles, x) if right else bisect.bisect_left(quantiles, x)
    if i == 0:
        return 0.0
    if i > k:
        return 1.0
    low, high = quantiles[i - 1], quantiles[i]
    return (i - 1 + (x - low) / (high - low)) / k


def ks_statistic(quantiles: Sequence[float], values: Any) -> float:
    """KS distance between sorted batch values and the reference given by its quantile sketch."""
    n = len(values)
    if n == 0 or not quantiles:
        return 0.0
    if not isinstance(values, list):
        return _ks_numpy(quantiles, values)
    worst = 0.0
    start = 0
    while start < n:
        x = values[start]
        end = start + 1
        while end < n and values[end] == x:
            end += 1
        worst = max(worst, abs(start / n - _reference_cdf(quantiles, x, False)),
                    abs(end / n - _reference_cdf(quantiles, x, True)))
        start = end
    return worst


def _ks_numpy(quantiles: Sequence[float], values: Any) -> float:
    q = np.asarray(quantiles, dtype="float64")
    k = len(q) - 1
    n = len(values)
    ties = n > 1 and bool(np.any(values[1:] == values[:-1]))
    if not ties and bool(np.all(q[1:] > q[:-1])):
        # The common case, continuous data: one CDF value per point, empirical steps i/n and (i+1)/n.
        cdf = np.interp(values, q, np.linspace(0.0, 1.0, k + 1), left=0.0, right=1.0)
        steps = np.arange(n + 1, dtype="float64") / n
        return float(max(np.max(np.abs(steps[1:] - cdf)), np.max(np.abs(steps[:-1] - cdf))))
    worst = 0.0
    for side in ("left", "right"):
        i = np.searchsorted(q, values, side=side)
        inner = (i > 0) & (i <= k)
        cdf = np.where(i > k, 1.0, 0.0)
        j = i[inner]
        low, high = q[j - 1], q[j]
        cdf[inner] = (j - 1 + (values[inner] - low) / (high - low)) / k
        empirical = np.searchsorted(values, values, side=side) / n
        worst = max(worst, float(np.max(np.abs(empirical - cdf))))
    return worst


def compare_column(reference: Dict[str, Any], values: Any, rows: int) -> Dict[str, Any]:
    """One feature's statistics: {name, type, count, missing_rate, missing_change, psi, ks | js, …}."""
    kind = reference.get("type")
    out: Dict[str, Any] = {"name": reference["name"], "type": kind}
    if kind == NUMERIC:
        floats, invalid = numeric(values)
        present = present_sorted(floats)
        out.update(_numeric_stats(reference, present))
        if invalid:
            out["invalid"] = invalid
    else:
        out.update(_categorical_stats(reference, categorical(values)))
    count = out["count"]
    out["missing_rate"] = (rows - count) / rows if rows else 0.0
    out["missing_change"] = out["missing_rate"] - float(reference.get("missing_rate", 0.0))
    return out


def _numeric_stats(reference: Dict[str, Any], present: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {"count": len(present)}
    if not len(present) or not reference.get("count"):
        return out  # nothing to compare: an all-missing batch or reference column
    out["psi"] = psi(reference["psi_counts"], psi_counts(present, reference["psi_edges"]))
    out["ks"] = ks_statistic(reference["quantiles"], present)
    out["mean"] = float(sum(present) / len(present)) if isinstance(present, list) else float(present.mean())
    out["hist_counts"] = hist_counts(present, reference["hist_edges"])
    return out


def _categorical_stats(reference: Dict[str, Any], values: List[Optional[str]]) -> Dict[str, Any]:
    counts = Counter(values)
    counts.pop(None, None)
    count = sum(counts.values())
    out: Dict[str, Any] = {"count": count}
    if not count or not reference.get("count"):
        return out
    top: List[Tuple[str, int]] = [(str(c), int(n)) for c, n in reference["top"]]
    known = {c for c, _ in top}
    current = [counts.get(c, 0) for c, _ in top]
    other = count - sum(current)
    ref_vector = [n for _, n in top] + [int(reference.get("other", 0))]
    cur_vector = current + [other]
    out["psi"] = psi(ref_vector, cur_vector)
    out["js"] = js_distance(ref_vector, cur_vector)
    out["top_counts"] = current
    out["other"] = other
    if int(reference.get("other", 0)) == 0:  # every reference category is in `top`: the rest were never seen
        unseen = [(c, n) for c, n in counts.most_common() if c not in known]
        if unseen:
            out["unseen"] = sum(n for _, n in unseen)
            out["unseen_categories"] = [[c, n] for c, n in unseen[:_MAX_NEW_CATEGORIES]]
    return out

