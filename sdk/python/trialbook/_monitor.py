"""Monitoring runs: `trialbook.monitor(model=, version=)` and `Monitor.log_batch()`.

A monitoring run is a run whose `run_start` has `kind: "monitoring"` and a `monitor` object (model, version,
training run, thresholds, baseline). It holds a copy of its reference profile (`profiles/reference.json`) and one
`monitor_batch` event per batch; performance metrics are also logged as ordinary metrics keyed by the batch time.
"""
from __future__ import annotations

import datetime
import time
import warnings
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _paths, _session
from ._monitor_link import find_reference
from ._monitor_metrics import GOALS, MetricChoice, compute, resolve
from ._monitor_rules import feature_findings, performance_findings, worst
from ._monitor_rules import thresholds as make_thresholds
from ._monitor_stats import compare_column
from ._profile_store import json_ready
from ._profile_table import read_table
from ._run import Run
from ._values import check_key, user_stacklevel

NO_REFERENCE = ("trialbook: no reference profile for model %r version %r, so this monitoring run checks "
                "performance only (no drift). Log one when training: run.log_profile(\"train\", X_train, "
                "model=%r, version=%r), or pass reference= (a run id or a profile file) to trialbook.monitor().")


class Monitor:
    """A monitoring run for one model version. Create it with trialbook.monitor()."""

    def __init__(self, run: Run, model: str, version: str, reference: Optional[Dict[str, Any]],
                 rules: Dict[str, Any], baseline: Dict[str, float], chosen: Any) -> None:
        self.run = run
        self.model = model
        self.version = version
        self.reference = reference
        self.thresholds = rules
        self.baseline = baseline
        self._chosen = chosen
        self._index = 0
        self._last_ts: Optional[float] = None
        self._steps: Dict[int, int] = {}
        self.status = "ok"

    def log_batch(self, features: Any = None, predictions: Any = None, labels: Any = None,
                  timestamp: Any = None, columns: Any = None) -> Dict[str, Any]:
        """Compare one batch with the reference profile and, given labels and predictions, score the model.

        Returns {"status", "reliable", "alerts", "features", "metrics", …} as written to the log."""
        ts = batch_time(timestamp)
        event: Dict[str, Any] = {"index": self._index, "timestamp": ts}
        notes: List[str] = []
        if self._last_ts is not None and ts < self._last_ts:
            event["out_of_order"] = True
            notes.append("batch %d's timestamp is earlier than the previous batch's; it is kept in time order"
                         % self._index)
        self._last_ts = ts if self._last_ts is None else max(ts, self._last_ts)
        findings: List[Dict[str, Any]] = []
        rows = None
        if features is not None:
            table = read_table(features, "log_batch(features)", columns)
            rows = table.rows
            compared, missing, extra, found = self._drift(table)
            event.update({"features": compared, "missing_columns": missing, "extra_columns": extra})
            findings.extend(found)
        metrics: Dict[str, float] = {}
        if labels is not None or predictions is not None:
            if labels is None or predictions is None:
                raise ValueError("trialbook: log_batch needs both labels= and predictions= to score the model "
                                 "(got only %s)" % ("labels" if labels is not None else "predictions"))
            metrics = compute(labels, predictions, self._chosen)
            rows = rows if rows is not None else len(list(labels))
            findings.extend(performance_findings(metrics, self.baseline, GOALS, self.thresholds))
        event["rows"] = rows or 0
        reliable = event["rows"] >= self.thresholds["min_rows"]
        event["reliable"] = reliable
        if not reliable:
            notes.append("batch %d has %d rows (fewer than min_rows=%d): its statistics are unreliable and raise "
                         "no alert" % (self._index, event["rows"], self.thresholds["min_rows"]))
            for feature in event.get("features", []):
                feature["status"] = "ok"
            findings = []
        event["metrics"] = metrics
        event["alerts"] = findings
        event["status"] = worst([f["level"] for f in findings])
        if notes:
            event["notes"] = notes
        self.status = event["status"]
        self.run.write_event("monitor_batch", json_ready(event))
        self._log_series(ts, metrics, event)
        self._index += 1
        for note in notes:
            warnings.warn("trialbook: " + note, RuntimeWarning, stacklevel=user_stacklevel())
        return event

    def _drift(self, table: Any) -> Any:
        if self.reference is None:
            return [], [], list(table.names), []
        compared = []
        findings: List[Dict[str, Any]] = []
        reference_names = []
        for column in self.reference["columns"]:
            name = column["name"]
            reference_names.append(name)
            if name not in table.values:
                continue
            feature = compare_column(column, table.values[name], table.rows)
            findings.extend(feature_findings(feature, self.thresholds))
            compared.append(feature)
        missing = [name for name in reference_names if name not in table.values]
        for name in missing:
            findings.append({"level": "warning", "kind": "schema", "feature": name, "statistic": "missing_column",
                             "value": 1, "threshold": 0})
        known = set(reference_names)
        extra = [name for name in table.names if name not in known]
        return compared, missing, extra, findings

    def _log_series(self, ts: float, metrics: Dict[str, float], event: Dict[str, Any]) -> None:
        """Performance and each feature's PSI as metrics, with the batch time (whole seconds) as the step."""
        values: Dict[str, Any] = {}
        for name, value in metrics.items():
            values["perf/" + name] = value
        for feature in event.get("features", []):
            if "psi" in feature:
                values["drift/%s/psi" % feature["name"]] = feature["psi"]
        ok = {}
        for key, value in values.items():
            try:
                check_key(key)
            except (TypeError, ValueError):
                continue  # a feature name too long for a metric name: its PSI stays in the batch event
            ok[key] = value
        if ok:
            self.run.log(ok, step=int(ts))

    def finish(self, status: str = "finished", error: Optional[str] = None) -> None:
        self.run.finish(status, error)

    def __enter__(self) -> "Monitor":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        return self.run.__exit__(exc_type, exc, tb)


def batch_time(timestamp: Any) -> float:
    """Seconds since the epoch from None (now), a number, a datetime/date, an ISO string or a pandas Timestamp."""
    if timestamp is None:
        return time.time()
    if isinstance(timestamp, bool):
        raise TypeError("trialbook: timestamp must be a time, not a bool")
    if isinstance(timestamp, (int, float)):
        value = float(timestamp)
    elif isinstance(timestamp, datetime.datetime) or hasattr(timestamp, "timestamp"):
        value = float(timestamp.timestamp())
    elif isinstance(timestamp, datetime.date):
        value = datetime.datetime(timestamp.year, timestamp.month, timestamp.day,
                                  tzinfo=datetime.timezone.utc).timestamp()
    elif isinstance(timestamp, str):
        try:
            parsed = datetime.datetime.fromisoformat(timestamp)
        except ValueError:
            raise ValueError("trialbook: timestamp %r is not an ISO date/time such as \"2026-11-30\" or "
                             "\"2026-11-30T12:00:00+00:00\"" % timestamp) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        value = parsed.timestamp()
    else:
        raise TypeError("trialbook: timestamp must be seconds since the epoch, a datetime, a date or an ISO "
                        "string, not %s" % type(timestamp).__name__)
    if not 0 <= value <= 1e11:
        raise ValueError("trialbook: timestamp %r is outside 1970 to year 5138 (seconds since the epoch)" % timestamp)
    return value


def monitor(model: str, version: Union[str, int], reference: Any = None, training_run: Optional[str] = None,
            thresholds: Optional[Mapping[str, Any]] = None, baseline: Optional[Mapping[str, float]] = None,
            metrics: MetricChoice = None, experiment: Optional[str] = None, name: Optional[str] = None,
            dir: Any = None) -> Monitor:
    """Open a monitoring run for `model` at `version` (finishing the current run, as init() does)."""
    if not isinstance(model, str) or not 1 <= len(model) <= 250:
        raise ValueError("trialbook: model must be a model name of 1 to 250 characters, got %r" % (model,))
    if isinstance(version, bool) or not isinstance(version, (str, int)) or not 1 <= len(str(version)) <= 64:
        raise ValueError("trialbook: version must be a string or integer such as 3 or \"v3\", got %r" % (version,))
    version = str(version)
    rules = make_thresholds(thresholds)
    chosen = resolve(metrics)
    root = _paths.find_trialbook_dir(dir)
    profile, source_run = find_reference(root, model, version, reference, training_run)
    base = {str(k): float(v) for k, v in (baseline or (profile or {}).get("baseline") or {}).items()}
    info: Dict[str, Any] = {"model": model, "version": version, "thresholds": rules, "baseline": base,
                            "reference": profile is not None}
    if source_run:
        info["training_run"] = source_run
    run = _session.init(experiment=experiment or "monitoring", name=name or ("%s v%s" % (model, version))[:250],
                        config={"model": model, "version": version}, tags=["monitoring"], dir=dir,
                        system_metrics=False, _start_fields={"kind": "monitoring", "monitor": json_ready(info)})
    if profile is not None:
        copy = dict(profile, name="reference", role="reference")
        if source_run:
            copy["source_run"] = source_run
        run.store_profile(copy)
    else:
        message = NO_REFERENCE % (model, version, model, version)
        run.warn(message)
        warnings.warn(message, UserWarning, stacklevel=user_stacklevel())
    return Monitor(run, model, version, profile, rules, base, chosen)

