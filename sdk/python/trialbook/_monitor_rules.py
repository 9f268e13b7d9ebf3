"""Thresholds and the status they give a batch (ok / warning / alert).

Defaults (docs/monitoring.md): PSI 0.1 warning, 0.2 alert (the usual "significant shift"); KS and JS 0.1 / 0.2;
missing-rate change 0.05 / 0.10 (absolute); performance 5 % / 10 % worse than the baseline (relative: for a
metric that should be high, value < baseline × (1 − 0.10); for one that should be low, value > baseline × 1.10);
a batch of fewer than `min_rows` rows (30) is marked unreliable and raises no alert.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

DEFAULTS: Dict[str, Any] = {
    "psi": [0.1, 0.2],
    "ks": [0.1, 0.2],
    "js": [0.1, 0.2],
    "missing": [0.05, 0.10],
    "performance": [0.05, 0.10],
    "min_rows": 30,
}
_LEVELS = ("ok", "warning", "alert")


def thresholds(overrides: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """Defaults with the user's overrides: {"psi": 0.25} (alert only) or {"psi": [0.1, 0.25]} (warning, alert);
    {"features": {"age": {"psi": 0.3}}} per feature."""
    out = {key: (list(value) if isinstance(value, list) else value) for key, value in DEFAULTS.items()}
    features: Dict[str, Dict[str, List[float]]] = {}
    for key, value in (overrides or {}).items():
        if key == "features":
            if not isinstance(value, Mapping):
                raise TypeError('trialbook: thresholds["features"] must map a feature name to its thresholds')
            for feature, rules in value.items():
                features[str(feature)] = {k: _pair(k, v, out) for k, v in dict(rules).items()}
        elif key == "min_rows":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError("trialbook: thresholds min_rows must be a positive integer, got %r" % (value,))
            out[key] = value
        else:
            out[key] = _pair(key, value, out)
    if features:
        out["features"] = features
    return out


def _pair(key: str, value: Any, current: Dict[str, Any]) -> List[float]:
    if key not in DEFAULTS or key == "min_rows":
        raise ValueError("trialbook: unknown threshold %r; use %s" % (key, ", ".join(sorted(DEFAULTS))))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        warning = min(float(current[key][0]), float(value))
        return [warning, float(value)]
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        if value[0] > value[1]:
            raise ValueError("trialbook: threshold %r is [warning, alert]; the warning must not exceed the alert, "
                             "got %r" % (key, list(value)))
        return [float(value[0]), float(value[1])]
    raise ValueError("trialbook: threshold %r must be a number (the alert level) or [warning, alert], got %r"
                     % (key, value))


def level(value: Optional[float], pair: List[float]) -> str:
    if value is None or value != value:
        return "ok"
    if value > pair[1]:
        return "alert"
    if value > pair[0]:
        return "warning"
    return "ok"


def worst(levels: List[str]) -> str:
    return max(levels, key=_LEVELS.index) if levels else "ok"


def feature_findings(feature: Dict[str, Any], rules: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The warnings and alerts of one feature's statistics (sets feature["status"])."""
    own = rules.get("features", {}).get(feature["name"], {})
    findings = []
    checks: List[Tuple[str, str, Optional[float]]] = [
        ("drift", "psi", feature.get("psi")), ("drift", "ks", feature.get("ks")), ("drift", "js", feature.get("js")),
        ("missing", "missing", feature.get("missing_change"))]
    for kind, statistic, value in checks:
        pair = own.get(statistic, rules[statistic])
        found = level(value, pair)
        if found != "ok":
            findings.append({"level": found, "kind": kind, "feature": feature["name"], "statistic": statistic,
                             "value": value, "threshold": pair[1] if found == "alert" else pair[0]})
    feature["status"] = worst([f["level"] for f in findings])
    return findings


def performance_findings(metrics: Dict[str, float], baseline: Mapping[str, float], goals: Mapping[str, str],
                         rules: Dict[str, Any]) -> List[Dict[str, Any]]:
    """A metric worse than its baseline by more than the relative performance thresholds."""
    findings = []
    pair = rules["performance"]
    for name, value in metrics.items():
        base = baseline.get(name)
        goal = goals.get(name)
        if base is None or goal is None or value != value or base == 0:
            continue
        worse = (base - value) / abs(base) if goal == "maximize" else (value - base) / abs(base)
        found = level(worse, pair)
        if found != "ok":
            findings.append({"level": found, "kind": "performance", "metric": name, "statistic": "relative_drop",
                             "value": worse, "threshold": pair[1] if found == "alert" else pair[0],
                             "baseline": base, "observed": value})
    return findings
