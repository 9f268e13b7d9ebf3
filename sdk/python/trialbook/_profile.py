"""Reference profiles: a dataset summarised per column so that later batches can be compared with it.

Numeric column: count, missing rate, mean, std (population), min, max, a quantile sketch of QUANTILES + 1
exact quantiles (linear interpolation, NumPy's default), the counts in the PSI bins (cut at the deciles) and a
fixed-edge display histogram (HIST_BINS equal bins from the 0.5th to the 99.5th percentile, plus one bin below
and one above). Categorical column: count, missing rate, the TOP_K most frequent categories with their counts,
the count of all others, and the number of distinct categories. The format is in docs/event-format.md.
"""
from __future__ import annotations

import bisect
import math
import time
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence

from ._profile_table import CATEGORICAL, NUMERIC, Columns, categorical, infer_kind, numeric, np, use_numpy

PROFILE_FORMAT = 1
QUANTILES = 200  # sketch resolution: the reference CDF is known to within 1/200 between its knots
HIST_BINS = 20
TOP_K = 50


def build_profile(name: str, table: Columns, kinds: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    columns = []
    for column_name in table.names:
        values = table.values[column_name]
        kind = (kinds or {}).get(column_name) or infer_kind(values)
        if kind == NUMERIC:
            floats, bad = numeric(values)
            columns.append(numeric_profile(column_name, floats, table.rows, bad))
        else:
            columns.append(categorical_profile(column_name, categorical(values), table.rows))
    return {"format": PROFILE_FORMAT, "name": name, "rows": table.rows, "created": time.time(), "columns": columns}


# -- numeric -------------------------------------------------------------------------------
def present_sorted(floats: Any) -> Any:
    """The values that are not NaN, sorted (a NumPy array or a list)."""
    if use_numpy() and isinstance(floats, np.ndarray):
        values = floats[~np.isnan(floats)]
        values.sort()
        return values
    return sorted(x for x in floats if x == x)


def quantile(values: Sequence[float], p: float) -> float:
    """The p-quantile of sorted values, interpolating linearly between order statistics."""
    position = p * (len(values) - 1)
    low = int(math.floor(position))
    high = min(low + 1, len(values) - 1)
    fraction = position - low
    return float(values[low]) + (float(values[high]) - float(values[low])) * fraction


def numeric_profile(name: str, floats: Any, rows: int, invalid: int = 0) -> Dict[str, Any]:
    values = present_sorted(floats)
    count = len(values)
    column: Dict[str, Any] = {"name": name, "type": NUMERIC, "count": count, "missing": rows - count,
                              "missing_rate": (rows - count) / rows if rows else 0.0}
    if invalid:
        column["invalid"] = invalid
    if count == 0:
        return column
    if isinstance(values, list):
        mean = math.fsum(values) / count
        std = math.sqrt(math.fsum((x - mean) ** 2 for x in values) / count)
        quantiles = [quantile(values, i / QUANTILES) for i in range(QUANTILES + 1)]
    else:
        mean = float(values.mean())
        std = float(values.std())
        position = np.linspace(0.0, 1.0, QUANTILES + 1) * (count - 1)  # already sorted: no np.quantile partition
        low = np.floor(position).astype("int64")
        high = np.minimum(low + 1, count - 1)
        quantiles = (values[low] + (values[high] - values[low]) * (position - low)).tolist()
    edges = psi_edges(quantiles)
    hist = hist_edges(quantiles)
    column.update({"mean": mean, "std": std, "min": float(values[0]), "max": float(values[-1]),
                   "quantiles": quantiles, "psi_edges": edges, "psi_counts": psi_counts(values, edges),
                   "hist_edges": hist, "hist_counts": hist_counts(values, hist)})
    return column


def psi_edges(quantiles: Sequence[float]) -> List[float]:
    """The deciles, each once (a column with many ties has fewer bins; a constant one has two)."""
    step = QUANTILES // 10
    edges: List[float] = []
    for i in range(1, 10):
        edge = quantiles[i * step]
        if not edges or edge > edges[-1]:
            edges.append(edge)
    return edges


def hist_edges(quantiles: Sequence[float]) -> List[float]:
    low, high = quantiles[1], quantiles[-2]
    if not high > low:
        low, high = quantiles[0], quantiles[-1]
    if not high > low:
        low, high = low - 0.5, high + 0.5
    width = (high - low) / HIST_BINS
    return [low + i * width for i in range(HIST_BINS)] + [high]


def _count_le(values: Any, edge: float) -> int:
    if isinstance(values, list):
        return bisect.bisect_right(values, edge)
    return int(np.searchsorted(values, edge, side="right"))


def _count_lt(values: Any, edge: float) -> int:
    if isinstance(values, list):
        return bisect.bisect_left(values, edge)
    return int(np.searchsorted(values, edge, side="left"))


def psi_counts(values: Any, edges: Sequence[float]) -> List[int]:
    """Counts in the bins (-inf, e1], (e1, e2], …, (ek, inf) of sorted values."""
    cumulative = [0] + [_count_le(values, edge) for edge in edges] + [len(values)]
    return [cumulative[i + 1] - cumulative[i] for i in range(len(cumulative) - 1)]


def hist_counts(values: Any, edges: Sequence[float]) -> List[int]:
    """[below e0, [e0, e1), …, [e(n-1), en], above en] for sorted values."""
    below = [_count_lt(values, edge) for edge in edges[:-1]]
    top = _count_le(values, edges[-1])
    bounds = below + [top]
    return [bounds[0]] + [bounds[i + 1] - bounds[i] for i in range(len(bounds) - 1)] + [len(values) - top]


# -- categorical -----------------------------------------------------------------------------
def categorical_profile(name: str, values: List[Optional[str]], rows: int) -> Dict[str, Any]:
    counts = Counter(values)
    missing = counts.pop(None, 0)
    count = rows - missing
    top = counts.most_common(TOP_K)
    shown = sum(n for _, n in top)
    return {"name": name, "type": CATEGORICAL, "count": count, "missing": missing,
            "missing_rate": missing / rows if rows else 0.0,
            "top": [[category, n] for category, n in top], "other": count - shown, "distinct": len(counts)}
