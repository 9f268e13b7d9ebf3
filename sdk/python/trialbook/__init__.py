"""trialbook: track ML runs into the workspace's `.trialbook/` folder.

W&B style::

    import trialbook
    run = trialbook.init(experiment="mnist", config={"lr": 0.01})
    for step in range(100):
        run.log({"loss": loss})
    run.finish()

MLflow style::

    trialbook.log_param("lr", 0.01)
    trialbook.log_metric("loss", 0.5, step=3)
"""
from __future__ import annotations

import os
from typing import Any, Dict, Iterable, Mapping, Optional, Union

from ._config import Config
from ._media import Image
from ._media_curves import ConfusionMatrix, Curve, pr_curve, roc_curve
from ._media_values import Histogram, Table, Text
from ._monitor import Monitor, monitor
from ._run import Run
from ._session import init
from ._summary import Summary
from ._types import MetricValue, Metrics, PathLike
from ._version import __version__
from ._writer import FORMAT_VERSION
from . import _session

__all__ = [
    "FORMAT_VERSION", "Config", "MetricValue", "Metrics", "Run", "Summary", "__version__", "define_metric", "finish", "init",
    "log", "log_artifact", "Monitor", "monitor", "log_metric", "log_metrics", "log_param", "log_params", "set_tags", "current_run",
    "Image", "Histogram", "Table", "ConfusionMatrix", "Curve", "Text", "pr_curve", "roc_curve",
]


def current_run() -> Optional[Run]:
    """The current run, or None."""
    return _session.current()


def __getattr__(name: str) -> Any:
    if name == "run":  # trialbook.run, like wandb.run
        return _session.current()
    raise AttributeError("module 'trialbook' has no attribute %r" % name)


def _require(what: str) -> Run:
    run = _session.current()
    if run is None:
        raise RuntimeError("trialbook: call trialbook.init() before trialbook.%s()" % what)
    return run


def _current_or_start() -> Run:
    # MLflow starts a run on the first log_param/log_metric; do the same for its users.
    run = _session.current()
    return run if run is not None else init()


def log(metrics: Metrics, step: Optional[int] = None, commit: bool = True) -> None:
    """Log metrics to the current run (see Run.log)."""
    _require("log").log(metrics, step=step, commit=commit)


def define_metric(name: str, goal: Optional[str] = None, summary: Optional[str] = None,
                  primary: Optional[bool] = None) -> None:
    """Declare a metric's goal, summary value or primary flag on the current run (see Run.define_metric)."""
    _require("define_metric").define_metric(name, goal=goal, summary=summary, primary=primary)


def finish(status: str = "finished", error: Optional[str] = None) -> None:
    """Finish the current run, if any."""
    run = _session.current()
    if run is not None:
        run.finish(status, error)


def log_metric(key: str, value: MetricValue, step: Optional[int] = None) -> None:
    """MLflow-style: log one metric to the current run (starting one if needed)."""
    _current_or_start().log({key: value}, step=step)


def log_metrics(metrics: Metrics, step: Optional[int] = None) -> None:
    """MLflow-style: log several metrics to the current run (starting one if needed)."""
    _current_or_start().log(metrics, step=step)


def log_param(key: str, value: Any) -> None:
    """MLflow-style: set one param on the current run (starting one if needed)."""
    _current_or_start().config.update({key: value})


def log_params(params: Mapping[str, Any]) -> None:
    """MLflow-style: set several params on the current run (starting one if needed)."""
    _current_or_start().config.update(params)


def set_tags(tags: Union[Iterable[str], Mapping[str, Any]]) -> None:
    """Replace the current run's tags (starting a run if needed); a dict gives key:value tags."""
    _current_or_start().set_tags(tags)


def log_artifact(path: PathLike, name: Optional[str] = None, type: str = "file",
                 metadata: Optional[Dict[str, Any]] = None, copy: bool = False) -> Dict[str, Any]:
    """Record a file or folder on the current run (see Run.log_artifact)."""
    return _require("log_artifact").log_artifact(path, name=name, type=type, metadata=metadata, copy=copy)
