"""The Run: what init() returns and what log(), config, summary, artifacts act on.

Its methods live by what they hold: metrics in _run_metrics (log() and its fast path), artifacts,
profiles and inputs in _run_records; here the run's state, params, tags, notes and lifecycle.
"""
from __future__ import annotations

import os
import time
import warnings
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, Union

from . import _datasets
from ._config import Config
from ._media import MediaStore
from ._notebook import CellTracker
from ._run_metrics import RunMetrics
from ._run_records import RunRecords
from ._summary import Summary
from ._system import SystemSampler
from ._values import cap_notes, tag_list, user_stacklevel
from ._writer import EventWriter, NullWriter

STATUSES = ("finished", "failed", "killed")


class Run(RunMetrics, RunRecords):
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
