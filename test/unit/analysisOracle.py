"""Independent oracle for the analysis unit tests: Pearson and Spearman correlation with Python's statistics.

Reads JSON cases from stdin: [{"x": [...], "y": [...]}], values a number, null (missing) or the strings
"NaN"/"Infinity"/"-Infinity". Pairs where either side is missing or not finite are dropped (as the extension does).
Spearman is Pearson on average ranks (ties share the mean of their positions), computed here by counting:
rank(v) = #(values < v) + (#(values == v) + 1) / 2. Writes [{"pearson": r|null, "spearman": r|null, "n": n}].
"""
import json
import math
import statistics
import sys


def number(v):
    if v is None:
        return None
    if isinstance(v, str):
        return float(v.replace("Infinity", "inf"))
    return float(v)


def ranks(values):
    return [sum(1 for w in values if w < v) + (sum(1 for w in values if w == v) + 1) / 2 for v in values]


def corr(xs, ys):
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return None


out = []
for case in json.load(sys.stdin):
    pairs = [(number(a), number(b)) for a, b in zip(case["x"], case["y"])]
    pairs = [(a, b) for a, b in pairs if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)]
    xs = [a for a, _ in pairs]
    ys = [b for _, b in pairs]
    if len(xs) < 2:
        out.append({"pearson": None, "spearman": None, "n": len(xs)})
        continue
    out.append({"pearson": corr(xs, ys), "spearman": corr(ranks(xs), ranks(ys)), "n": len(xs)})
json.dump(out, sys.stdout)
