"""The Run: what init() returns and what log(), config, summary, artifacts act on."""
from __future__ import annotations

import operator
import os
import time
import warnings
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, Union

from . import _artifacts, _datasets, _values
from ._config import Config
from ._media import Media, MediaError, MediaEvent, MediaStore, media_values
from ._metric_def import metric_event
from ._notebook import CellTracker
from ._profile_store import make_profile, save_profile
from ._summary import Summary
from ._system import SystemSampler
from ._types import Metrics, PathLike
from ._values import (DeviceScalar, _Fallbacks, cap_notes, check_key, json_value, metric_value, nonfinite_name,
                      tag_list, user_stacklevel)
from ._encoding import DEVICE_UNITS, EVENT_UNITS
from ._writer import EventWriter, NullWriter

STATUSES = ("finished", "failed", "killed")
_EXTENSION_KINDS = frozenset(("monitor_batch",))

_builtin_type = type


class Run:
    """One execution of training code. Create it with trialbook.init().

    The constructor takes the run's whole starting state (what init() already wrote in run_start,
    or read back to resume); it writes nothing itself.
    """

    def __init__(self, run_id: str, root: str, experiment: str, name: str, *,
                 writer: Optional[EventWriter] = None, config: Optional[Mapping[str, Any]] = None,
                 tags: Sequence[str] = (), notes: Optional[str] = None,
                 summary: Optional[Mapping[str, Any]] = None, last: Optional[Mapping[str, Any]] = None,
                 start_step: int = 0, cell_tracker: Optional[CellTracker] = None,
                 group: Optional[str] = None, rank: Optional[int] = None, disabled: bool = False,
                 system_metrics_interval: Optional[float] = None,
                 on_end: Optional[Callable[["Run"], None]] = None) -> None:
        self.id = run_id
        self.root = root  # the .trialbook folder
        self.dir = os.path.join(root, "runs", run_id)
        self.experiment = experiment
        self.name = name
        self.group = group
        self.rank = rank
        self.disabled = disabled
        self._writer: Union[EventWriter, NullWriter] = writer if writer is not None else NullWriter()
        self._pending = self._writer.pending
        self._cells = cell_tracker
        self._on_end = on_end
        self._step = start_step
        self._acc: Optional[Dict[str, Any]] = None  # values of an uncommitted step (commit=False)
        self._acc_step = 0
        self._acc_devices = 0
        self._last: Dict[str, Any] = dict(last or {})
        self._known: set = set()
        self._finished = False
        self._warned_finished = False
        self._pid = os.getpid()
        self._system_step = -1
        self._started = time.time()
        self._tags: List[str] = list(tags)
        self._notes = notes
        self.config = Config(self._emit, config)
        self.summary = Summary(self._emit, self._last, summary)
        self._datasets: List[_datasets.DatasetHandle] = []
        self._media_store: Optional[MediaStore] = None
        self._sampler: Optional[SystemSampler] = None
        if system_metrics_interval and writer is not None:
            self._sampler = SystemSampler(self._log_system, system_metrics_interval)
            self._sampler.start()

    # -- metrics: the hot path -----------------------------------------------------
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

    # -- params, tags, notes, summary -------------------------------------------------
    def log_params(self, params: Mapping[str, Any]) -> None:
        self.config.update(params)

    def log_param(self, key: str, value: Any) -> None:
        self.config.update({key: value})

    def set_tags(self, tags: Union[Iterable[str], Mapping[str, Any]]) -> None:
        """Replace the run's tags. Accepts strings, or an MLflow-style dict ({"k": "v"} → "k:v")."""
        if isinstance(tags, Mapping):
            tags = ["%s:%s" % (k, v) if v not in (None, "") else str(k) for k, v in tags.items()]
        self._tags = tag_list(tags)
        self._emit("tags", {"tags": list(self._tags)})

    def set_tag(self, key: str, value: Any = None) -> None:
        tag = "%s:%s" % (key, value) if value not in (None, "") else key
        if tag not in self._tags:
            self.set_tags(self._tags + [tag])

    def add_tags(self, *tags: Union[str, Iterable[str]]) -> None:
        new = tag_list([t for group in tags for t in ([group] if isinstance(group, str) else group)])
        self.set_tags(self._tags + [t for t in new if t not in self._tags])

    @property
    def tags(self) -> Tuple[str, ...]:
        return tuple(self._tags)

    @tags.setter
    def tags(self, tags: Iterable[str]) -> None:
        self.set_tags(tags)

    @property
    def notes(self) -> Optional[str]:
        return self._notes

    @notes.setter
    def notes(self, text: Optional[str]) -> None:
        self._notes = cap_notes(text if text is not None else "")
        self._emit("notes", {"notes": self._notes})

    # -- artifacts -------------------------------------------------------------------
    def log_artifact(self, path: PathLike, name: Optional[str] = None, type: str = "file",
                     metadata: Optional[Dict[str, Any]] = None, copy: bool = False) -> Dict[str, Any]:
        """Record a file or folder: path, size, SHA-256. The file stays where it is
        unless copy=True (then it is copied into the run's folder)."""
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(
                "trialbook: artifact %r does not exist; save the file first, then log it" % path)
        if name is None:
            name = os.path.basename(os.path.normpath(path)) or "artifact"
        if not isinstance(name, str) or not 1 <= len(name) <= 250:
            raise ValueError("trialbook: artifact name must be a string of 1 to 250 characters, got %r" % (name,))
        if not isinstance(type, str) or not 1 <= len(type) <= 64:
            raise ValueError('trialbook: artifact type must be a short string such as "file", "model" or "dataset"')
        if metadata is not None and not isinstance(metadata, dict):
            raise TypeError("trialbook: artifact metadata must be a dict, not %s" % _builtin_type(metadata).__name__)
        if self.disabled:
            # a non-zero rank's run records nothing, so skip reading a possibly huge model
            return {"name": name, "path": os.path.abspath(path), "type": type}
        size, sha256, files = _artifacts.describe(path)
        source = os.path.abspath(path)
        stored = source
        if copy:
            stored = _artifacts.copy_into(source, os.path.join(self.dir, "artifacts"), name)
        event: Dict[str, Any] = {"name": name, "path": self._relative(stored), "type": type, "size": size,
                                 "sha256": sha256}
        if files is not None:
            event["files"] = files
        if copy:
            event["copied"] = True
            event["source"] = source
        if metadata:
            fallbacks = _Fallbacks()
            event["metadata"] = json_value(metadata, "metadata", fallbacks)
            if fallbacks.names:
                warnings.warn("trialbook: artifact metadata %s recorded as text (repr)" % fallbacks.names,
                              stacklevel=user_stacklevel())
        self._emit("artifact", event)
        return dict(event)

    def log_model(self, path: PathLike, name: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None,
                  copy: bool = False) -> Dict[str, Any]:
        """log_artifact(type="model"): a model the extension can push to a registry."""
        return self.log_artifact(path, name=name, type="model", metadata=metadata, copy=copy)

    # -- profiles and monitoring (docs/monitoring.md) --------------------------------------
    def log_profile(self, name: str, data: Any, columns: Optional[Sequence[str]] = None, model: Optional[str] = None,
                    version: Union[str, int, None] = None,
                    baseline: Optional[Mapping[str, float]] = None) -> Dict[str, Any]:
        """Summarise a dataset as a reference profile named `name` (e.g. "train"): a pandas DataFrame, a NumPy
        structured array (or a 2-D array with `columns=`), a list of dicts, a dict of columns or a CSV path.
        `model`/`version` name the model version it is the reference of (trialbook.monitor finds it by them);
        `baseline` holds that version's validation metrics ({"accuracy": 0.91}) that monitoring compares with."""
        profile = make_profile(name, data, columns, model, version, baseline)
        if self.disabled:
            return profile
        self.store_profile(profile)
        return profile

    def store_profile(self, profile: Dict[str, Any]) -> Dict[str, Any]:
        """Write a built profile into the run's folder and its `profile` event (used by log_profile and monitor)."""
        fields = save_profile(self.dir, profile)
        fields["path"] = self._relative(fields["path"])
        self._emit("profile", fields)
        return fields

    def write_event(self, kind: str, fields: Dict[str, Any]) -> None:
        """Write one event of a kind another SDK module defines (`monitor_batch`); `fields` must be JSON-ready."""
        if kind not in _EXTENSION_KINDS:
            raise ValueError("trialbook: write_event writes only %s events" % ", ".join(sorted(_EXTENSION_KINDS)))
        self._emit(kind, fields)

    # -- inputs ----------------------------------------------------------------------
    def use_dataset(self, path_or_uri: Any, name: Optional[str] = None, context: Optional[str] = None,
                    wait: Optional[float] = None) -> "_datasets.DatasetHandle":
        """Record a dataset this run reads: a file or folder (content hash, size, rows and columns of CSV/JSONL/
        Parquet) or a remote URI. Waits at most `wait` seconds (default 10, TRIALBOOK_DATASET_WAIT) for the hash,
        then lets training start while hashing goes on in the background (see the README, "Datasets")."""
        if self.disabled:
            return _datasets.disabled_handle(path_or_uri, name, context)
        return _datasets.use_dataset(path_or_uri, name, context, wait, self._emit, self.root, self._datasets)

    def log_input(self, dataset: Any, context: Optional[str] = None, name: Optional[str] = None,
                  wait: Optional[float] = None) -> "_datasets.DatasetHandle":
        """MLflow's name for use_dataset(): a path, URI, or an MLflow-like dataset (its `.source.uri` and `.name`)."""
        if name is None and not isinstance(dataset, str) and not hasattr(dataset, "__fspath__"):
            given = getattr(dataset, "name", None)
            name = given if isinstance(given, str) and given else None
        return self.use_dataset(dataset, name=name, context=context, wait=wait)

    def _relative(self, path: str) -> str:
        workspace = os.path.dirname(os.path.abspath(self.root))
        try:
            rel = os.path.relpath(path, workspace)
        except ValueError:  # another drive on Windows
            return path
        return path if rel.startswith("..") else rel.replace(os.sep, "/")

    # -- lifecycle -------------------------------------------------------------------
    def warn(self, message: str) -> None:
        """Write a `warning` event the extension shows with the run."""
        self._emit("warning", {"message": str(message)})

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Write everything logged so far now (normally done every second). With `timeout`, wait
        at most that long for the writer thread; returns False when it could not write in time."""
        if self._acc is not None:
            self._commit_acc()
        return self._writer.flush(timeout=timeout)

    def finish(self, status: str = "finished", error: Optional[str] = None, timeout: Optional[float] = None) -> None:
        """End the run: write pending events and a run_end with `status` ("finished", "failed" or
        "killed"). With `timeout` (e.g. from a signal handler), wait at most that long to write."""
        if status not in STATUSES:
            raise ValueError("trialbook: status must be one of %s, not %r" % (", ".join(STATUSES), status))
        self._end(status, error, timeout)

    def _end(self, status: str, error: Optional[str] = None, timeout: Optional[float] = None) -> None:
        if self._finished or os.getpid() != self._pid:
            return
        for dataset in self._datasets:
            dataset.cancel()  # hashing never holds the run's end: the cache keeps what was done
        for dataset in self._datasets:
            dataset.wait(1.0)
        if self._acc is not None:
            self._commit_acc()
        self._finished = True
        if self._sampler is not None:
            self._sampler.stop()
        fields: Dict[str, Any] = {"status": status}
        if error:
            fields["error"] = str(error)[:65536]
        self._writer.put("run_end", fields)
        if timeout is None:
            self._writer.close()
        else:
            self._writer.flush(timeout=timeout)
        if self._on_end is not None:
            self._on_end(self)

    @property
    def finished(self) -> bool:
        return self._finished

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Any) -> bool:
        if exc_type is None or (issubclass(exc_type, SystemExit) and getattr(exc, "code", None) in (None, 0)):
            self.finish()
        elif issubclass(exc_type, KeyboardInterrupt):
            self._end("killed", "KeyboardInterrupt")
        else:
            self._end("failed", "%s: %s" % (exc_type.__name__, exc))
        return False

    def _emit(self, kind: str, fields: Dict[str, Any]) -> None:
        if self._finished:
            self._after_finish()
            return
        self._writer.put(kind, fields)

    def _after_finish(self) -> None:
        if not self._warned_finished:
            self._warned_finished = True
            warnings.warn("trialbook: run %s is finished; values logged after finish() are ignored. "
                          "Call trialbook.init() for a new run." % self.id, RuntimeWarning, stacklevel=user_stacklevel())

    def __repr__(self) -> str:
        return "<trialbook.Run %s %r%s>" % (self.id, self.name, " (disabled)" if self.disabled else "")


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
