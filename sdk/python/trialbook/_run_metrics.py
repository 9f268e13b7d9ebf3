"""Run's metric methods: log() (its fast path and full path), media values, steps, system metrics."""
from __future__ import annotations

import operator
import time
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _values
from ._encoding import DEVICE_UNITS, EVENT_UNITS
from ._media import Media, MediaError, MediaEvent, MediaStore, media_values
from ._metric_def import metric_event
from ._notebook import CellTracker
from ._types import Metrics
from ._values import DeviceScalar, check_key, metric_value, nonfinite_name, user_stacklevel
from ._writer import EventWriter, NullWriter


class RunMetrics:
    """The metric half of Run (whose __init__ sets these attributes)."""

    dir: str
    _writer: Union[EventWriter, NullWriter]
    _pending: List[Any]
    _cells: Optional[CellTracker]
    _step: int
    _acc: Optional[Dict[str, Any]]
    _acc_step: int
    _acc_devices: int
    _last: Dict[str, Any]
    _known: set
    _finished: bool
    _system_step: int
    _started: float
    _media_store: Optional[MediaStore]
    _emit: Callable[[str, Dict[str, Any]], None]
    _after_finish: Callable[[], None]

    def log(self, metrics: Metrics, step: Optional[int] = None, commit: bool = True) -> None:
        """Log numeric values at one step.

        `step` defaults to an auto-incrementing counter; all keys of one call share it.
        `commit=False` keeps the values open so the next call adds to the same step.
        """
        if type(metrics) is dict and step is None and commit and self._acc is None and not self._finished:
            # The fast path: known names, plain numbers and CPU tensors, the next step. Anything else
            # (a new name, a bad or non-finite value, media, a device tensor) leaves it having changed
            # nothing, and the full path below gives the same result or error as it always has.
            values = {}
            known = self._known
            tensor = _values.cpu_tensor_type
            for key, value in metrics.items():
                kind = type(value)
                if kind is float:
                    if value - value != 0.0:
                        break
                elif kind is tensor and value.is_cpu:
                    value = value.tolist()  # a CPU tensor: reading it waits for nothing (~0.2 us)
                    if type(value) is not float or value - value != 0.0:
                        break
                elif kind is not int:
                    break
                if key not in known:
                    break
                values[key] = value
            else:
                step = self._step
                self._step = step + 1
                self._last.update(values)
                cells = self._cells
                self._pending.append((time.time(), step, values, cells.current() if cells is not None else None))
                writer = self._writer
                writer.added += len(values) + 4  # EventWriter.enqueue() inlined (EVENT_UNITS is 4)
                if writer.added >= writer.check_at:
                    writer.over_limit()
                return
        if type(metrics) is not dict:
            metrics = _as_metrics(metrics)
        values = metrics.copy()  # the caller may reuse its dict; only odd values are rewritten
        known = self._known
        devices = 0
        media: Optional[List[Tuple[str, List[Media]]]] = None
        for key, value in metrics.items():
            if key not in known:
                check_key(key)
                known.add(key)
            kind = type(value)
            if kind is float:
                if value - value != 0.0:
                    values[key] = nonfinite_name(value)
            elif kind is not int:
                if isinstance(value, Media) or kind is list or kind is tuple:
                    try:
                        rich = media_values(key, value) if isinstance(value, Media) or value else None
                    except MediaError as exc:  # a list that mixes kinds
                        rich = []
                        self._warn_media(str(exc))
                    if rich is not None:
                        if media is None:
                            media = []
                        media.append((key, rich))
                        del values[key]
                        continue
                if kind is _values.cpu_tensor_type and value.is_cpu:
                    number = value.tolist()  # a CPU tensor: reading it waits for nothing (~0.2 us)
                    if type(number) is float and number - number == 0.0:
                        values[key] = number
                        continue
                value = values[key] = metric_value(key, value)
                if type(value) is DeviceScalar:
                    devices += 1
        if step is None:
            step = self._step
        elif type(step) is not int or step < 0:
            step = _check_step(step)
        if self._finished:
            self._after_finish()
            return
        if media is not None:
            self._log_media(media, step)
            if not values and self._acc is None:
                if commit and step >= self._step:
                    self._step = step + 1
                return
        self._last.update(values)
        if self._acc is not None:
            if step == self._acc_step:
                acc = self._acc
                acc.update(values)
                values = acc
                devices += self._acc_devices
            else:
                self._commit_acc()
        if commit:
            self._acc = None
            cells = self._cells
            writer = self._writer
            if devices:
                writer.enqueue((time.time(), step, values, cells.current() if cells is not None else None, devices),
                               len(values) + EVENT_UNITS + DEVICE_UNITS * devices)
            else:
                # EventWriter.enqueue() inlined (EVENT_UNITS is 4): this is the one call per training step
                self._pending.append((time.time(), step, values, cells.current() if cells is not None else None))
                writer.added += len(values) + 4
                if writer.added >= writer.check_at:
                    writer.over_limit()
            if step >= self._step:
                self._step = step + 1
        else:
            self._acc = values
            self._acc_step = step
            self._acc_devices = devices
            if step > self._step:
                self._step = step

    def _log_media(self, media: List[Tuple[str, List[Media]]], step: int) -> None:
        """Queue one `media` event per key; values with a problem are skipped with one warning each."""
        if self._media_store is None:
            self._media_store = MediaStore(self.dir)
        cell = self._cells.current() if self._cells is not None else None
        for key, rich in media:
            good = []
            for value in rich:
                if value.problem is None:
                    good.append(value)
                else:
                    self._warn_media("%s (key %r, step %d)" % (value.problem, key, step))
            if good:
                event = MediaEvent(step, key, good, cell, self._media_store)
                self._writer.enqueue(event, event.units)

    def _warn_media(self, message: str) -> None:
        warnings.warn(message, RuntimeWarning, stacklevel=user_stacklevel())
        self._emit("warning", {"message": message})

    def _commit_acc(self) -> None:
        acc, self._acc = self._acc, None
        if acc:
            cells = self._cells
            item: Tuple[Any, ...] = (time.time(), self._acc_step, acc, cells.current() if cells is not None else None)
            devices = self._acc_devices
            if devices:
                item += (devices,)
            self._writer.enqueue(item, len(acc) + EVENT_UNITS + DEVICE_UNITS * devices)
            if self._acc_step >= self._step:
                self._step = self._acc_step + 1

    def log_metric(self, key: str, value: Any, step: Optional[int] = None) -> None:
        """MLflow-style: one metric."""
        self.log({key: value}, step=step)

    def log_metrics(self, metrics: Metrics, step: Optional[int] = None) -> None:
        """MLflow-style alias of log()."""
        self.log(metrics, step=step)

    @property
    def step(self) -> int:
        """The step the next log() without `step` will use."""
        return self._acc_step if self._acc is not None else self._step

    def _log_system(self, values: Dict[str, Any]) -> None:
        """System metrics live on their own timeline (seconds since start) so they never
        move the user's step counter."""
        if self._finished:
            return
        step = max(int(time.time() - self._started), self._system_step + 1)
        self._system_step = step
        self._writer.enqueue((time.time(), step, values, None), len(values) + EVENT_UNITS)

    def define_metric(self, name: str, goal: Optional[str] = None, summary: Optional[str] = None,
                      primary: Optional[bool] = None) -> None:
        """Declare how to read a metric (W&B's name): `goal` "minimize" or "maximize" (which way is better),
        `summary` "min", "max", "last" or "best" (the value that stands for the run), `primary=True` (the run's
        key metric, shown beside it). A later call for the same name replaces the whole definition."""
        self._emit("metric", metric_event(name, goal, summary, primary))


def _as_metrics(metrics: Any) -> Dict[str, Any]:
    if hasattr(metrics, "items"):
        return dict(metrics.items())
    raise TypeError("trialbook: log() takes a dict of metric name → number, e.g. run.log({\"loss\": 0.1}), "
                    "not %s; for one value use trialbook.log_metric(key, value)" % type(metrics).__name__)


def _check_step(step: Any) -> int:
    if isinstance(step, bool):
        raise TypeError("trialbook: step must be an integer ≥ 0, not a bool")
    try:
        value = operator.index(step)  # NumPy integers
    except TypeError:
        if isinstance(step, float) and step.is_integer():
            value = int(step)
        else:
            raise TypeError("trialbook: step must be an integer ≥ 0, got %r (%s)" % (step, type(step).__name__)) from None
    if value < 0:
        raise ValueError("trialbook: step must be ≥ 0, got %d" % value)
    return value
