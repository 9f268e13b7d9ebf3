"""The Run: what init() returns and what log(), config, summary, artifacts act on."""
import json
import os
import time
import warnings

from . import _artifacts
from ._values import (check_key, user_stacklevel, metric_value, nonfinite_name, value_map, json_value,
                      cap_notes, tag_list, _Fallbacks)

STATUSES = ("finished", "failed", "killed")


class _Discard(list):
    """The queue of a no-op run (non-zero ranks): accepts events and keeps none."""

    def append(self, item):
        pass


class Config(dict):
    """The run's params. A dict; every change is logged as a `params` event.

    Also readable as attributes (`run.config.lr`) as W&B users expect.
    """

    def __init__(self, run, initial=None):
        dict.__init__(self, initial or {})
        object.__setattr__(self, "_run", run)

    def __setitem__(self, key, value):
        self.update({key: value})

    def update(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and not isinstance(args[0], dict) and not hasattr(args[0], "keys"):
            from ._values import _to_mapping
            changes = dict(_to_mapping(args[0], "config"))
        else:
            changes = dict(*args, **kwargs)
        if not changes:
            return
        encoded = value_map(changes, "param")
        dict.update(self, changes)
        self._run._emit("params", {"params": encoded})

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def __delitem__(self, key):
        raise TypeError("trialbook: param %r cannot be removed once logged; set it to None instead" % (key,))

    def pop(self, *args):
        raise TypeError("trialbook: params cannot be removed once logged; set them to None instead")

    popitem = clear = pop

    def __reduce__(self):
        # copies and pickles (deepcopy, multiprocessing) become plain dicts, not the live run
        return (dict, (dict(self),))

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError("run.config has no param %r" % name) from None

    def __setattr__(self, name, value):
        self[name] = value


class Summary:
    """Dict-like final values of a run. Reads fall back to each metric's last logged
    value; writes are logged as `summary` events."""

    def __init__(self, run, initial=None):
        self._run = run
        self._values = dict(initial or {})

    def __getitem__(self, key):
        if key in self._values:
            return self._values[key]
        return self._run._last[key]

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key, value):
        self.update({key: value})

    def update(self, *args, **kwargs):
        changes = dict(*args, **kwargs)
        if not changes:
            return
        encoded = value_map(changes, "summary")
        self._values.update(changes)
        self._run._emit("summary", {"summary": encoded})

    def __contains__(self, key):
        return key in self._values or key in self._run._last

    def keys(self):
        keys = list(self._run._last)
        keys.extend(k for k in self._values if k not in self._run._last)
        return keys

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def values(self):
        return [self[k] for k in self.keys()]

    def as_dict(self):
        return dict(self.items())

    def __repr__(self):
        return "Summary(%r)" % self.as_dict()


class Run:
    """One execution of training code. Create it with trialbook.init()."""

    def __init__(self, run_id, root, experiment, name, writer=None, cell_tracker=None,
                 start_step=0, last=None, disabled=False, group=None, rank=None):
        self.id = run_id
        self.root = root  # the .trialbook folder
        self.dir = os.path.join(root, "runs", run_id)
        self.experiment = experiment
        self.name = name
        self.group = group
        self.rank = rank
        self.disabled = disabled
        self._writer = writer
        self._pending = writer.pending if writer is not None else _Discard()
        self._cells = cell_tracker
        self._step = start_step
        self._acc = None  # values of an uncommitted step (commit=False)
        self._acc_step = 0
        self._last = dict(last or {})
        self._known = set()
        self._finished = False
        self._warned_finished = False
        self._pid = os.getpid()
        self._sampler = None
        self._system_step = -1
        self._started = time.time()
        self._tags = []
        self._notes = None
        self.config = Config(self)
        self.summary = Summary(self)

    # -- metrics: the hot path -----------------------------------------------------
    def log(self, metrics, step=None, commit=True):
        """Log numeric values at one step.

        `step` defaults to an auto-incrementing counter; all keys of one call share it.
        `commit=False` keeps the values open so the next call adds to the same step.
        """
        if type(metrics) is not dict:
            metrics = _as_metrics(metrics)
        values = metrics.copy()  # the caller may reuse its dict; only odd values are rewritten
        known = self._known
        for key, value in metrics.items():
            if key not in known:
                check_key(key)
                known.add(key)
            kind = type(value)
            if kind is float:
                if value - value != 0.0:
                    values[key] = nonfinite_name(value)
            elif kind is not int:
                values[key] = metric_value(key, value)
        if step is None:
            step = self._step
        elif type(step) is not int or step < 0:
            step = _check_step(step)
        if self._finished:
            self._after_finish()
            return
        self._last.update(values)
        if self._acc is not None:
            if step == self._acc_step:
                acc = self._acc
                acc.update(values)
                values = acc
            else:
                self._commit_acc()
        if commit:
            self._acc = None
            cells = self._cells
            self._pending.append((time.time(), step, values, cells.current() if cells is not None else None))
            if step >= self._step:
                self._step = step + 1
        else:
            self._acc = values
            self._acc_step = step
            if step > self._step:
                self._step = step

    def _commit_acc(self):
        acc, self._acc = self._acc, None
        if acc:
            cells = self._cells
            self._pending.append((time.time(), self._acc_step, acc,
                                  cells.current() if cells is not None else None))
            if self._acc_step >= self._step:
                self._step = self._acc_step + 1

    def log_metric(self, key, value, step=None):
        """MLflow-style: one metric."""
        self.log({key: value}, step=step)

    def log_metrics(self, metrics, step=None):
        """MLflow-style alias of log()."""
        self.log(metrics, step=step)

    @property
    def step(self):
        """The step the next log() without `step` will use."""
        return self._acc_step if self._acc is not None else self._step

    def _log_system(self, values):
        """System metrics live on their own timeline (seconds since start) so they never
        move the user's step counter."""
        if self._finished:
            return
        step = max(int(time.time() - self._started), self._system_step + 1)
        self._system_step = step
        self._pending.append((time.time(), step, values, None))

    # -- params, tags, notes, summary -------------------------------------------------
    def log_params(self, params):
        self.config.update(params)

    def log_param(self, key, value):
        self.config.update({key: value})

    def set_tags(self, tags):
        """Replace the run's tags. Accepts strings, or an MLflow-style dict ({"k": "v"} → "k:v")."""
        if isinstance(tags, dict):
            tags = ["%s:%s" % (k, v) if v not in (None, "") else str(k) for k, v in tags.items()]
        self._tags = tag_list(tags)
        self._emit("tags", {"tags": list(self._tags)})

    def set_tag(self, key, value=None):
        tag = "%s:%s" % (key, value) if value not in (None, "") else key
        if tag not in self._tags:
            self.set_tags(self._tags + [tag])

    def add_tags(self, *tags):
        new = tag_list([t for group in tags for t in ([group] if isinstance(group, str) else group)])
        self.set_tags(self._tags + [t for t in new if t not in self._tags])

    @property
    def tags(self):
        return tuple(self._tags)

    @tags.setter
    def tags(self, tags):
        self.set_tags(tags)

    @property
    def notes(self):
        return self._notes

    @notes.setter
    def notes(self, text):
        self._notes = cap_notes(text if text is not None else "")
        self._emit("notes", {"notes": self._notes})

    # -- artifacts -------------------------------------------------------------------
    def log_artifact(self, path, name=None, type="file", metadata=None, copy=False):
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
            raise TypeError("trialbook: artifact metadata must be a dict, not %s" % builtin_type(metadata).__name__)
        if self.disabled:
            # a non-zero rank's run records nothing, so skip reading a possibly huge model
            return {"name": name, "path": os.path.abspath(path), "type": type}
        size, sha256, files = _artifacts.describe(path)
        source = os.path.abspath(path)
        stored = source
        if copy and not self.disabled:
            stored = _artifacts.copy_into(source, os.path.join(self.dir, "artifacts"), name)
        event = {"name": name, "path": self._relative(stored), "type": type, "size": size, "sha256": sha256}
        if files is not None:
            event["files"] = files
        if copy:
            event["copied"] = True
            event["source"] = source
        if metadata:
            fallbacks = _Fallbacks()
            event["metadata"] = json_value(metadata, "metadata", fallbacks)
            if fallbacks.names:
                warnings.warn("trialbook: artifact metadata %s recorded as text (repr)" % fallbacks.names, stacklevel=user_stacklevel())
        self._emit("artifact", event)
        return dict(event)

    def log_model(self, path, name=None, metadata=None, copy=False):
        """log_artifact(type="model"): a model the extension can push to a registry."""
        return self.log_artifact(path, name=name, type="model", metadata=metadata, copy=copy)

    def _relative(self, path):
        workspace = os.path.dirname(os.path.abspath(self.root))
        try:
            rel = os.path.relpath(path, workspace)
        except ValueError:  # another drive on Windows
            return path
        return path if rel.startswith("..") else rel.replace(os.sep, "/")

    # -- lifecycle -------------------------------------------------------------------
    def warn(self, message):
        """Write a `warning` event the extension shows with the run."""
        self._emit("warning", {"message": str(message)})

    def flush(self):
        """Write everything logged so far now (normally done every second)."""
        if self._acc is not None:
            self._commit_acc()
        if self._writer is not None:
            self._writer.flush()

    def finish(self, status="finished", error=None):
        """End the run: write pending events and a run_end with `status`."""
        if status not in STATUSES:
            raise ValueError("trialbook: status must be one of %s, not %r" % (", ".join(STATUSES), status))
        self._end(status, error)

    def _end(self, status, error=None, lock_timeout=None):
        if self._finished or os.getpid() != self._pid:
            return
        if self._acc is not None:
            self._commit_acc()
        self._finished = True
        if self._sampler is not None:
            self._sampler.stop()
        fields = {"status": status}
        if error:
            fields["error"] = str(error)[:65536]
        if self._writer is not None:
            self._writer.put("run_end", fields)
            if lock_timeout is None:
                self._writer.close()
            else:
                self._writer.flush(timeout=lock_timeout)
        from . import _session
        _session.forget(self)

    @property
    def finished(self):
        return self._finished

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or (issubclass(exc_type, SystemExit) and exc.code in (None, 0)):
            self.finish()
        elif issubclass(exc_type, KeyboardInterrupt):
            self._end("killed", "KeyboardInterrupt")
        else:
            self._end("failed", "%s: %s" % (exc_type.__name__, exc))
        return False

    def _emit(self, kind, fields):
        if self._finished:
            self._after_finish()
            return
        if self._writer is not None:
            self._writer.put(kind, fields)

    def _after_finish(self):
        if not self._warned_finished:
            self._warned_finished = True
            warnings.warn("trialbook: run %s is finished; values logged after finish() are ignored. "
                          "Call trialbook.init() for a new run." % self.id, RuntimeWarning, stacklevel=user_stacklevel())

    def __repr__(self):
        return "<trialbook.Run %s %r%s>" % (self.id, self.name, " (disabled)" if self.disabled else "")


builtin_type = type


def _as_metrics(metrics):
    if hasattr(metrics, "items"):
        return dict(metrics.items())
    raise TypeError("trialbook: log() takes a dict of metric name → number, e.g. run.log({\"loss\": 0.1}), "
                    "not %s; for one value use trialbook.log_metric(key, value)" % type(metrics).__name__)


def _check_step(step):
    if isinstance(step, bool):
        raise TypeError("trialbook: step must be an integer ≥ 0, not a bool")
    try:
        import operator
        value = operator.index(step)  # NumPy integers
    except TypeError:
        if isinstance(step, float) and step.is_integer():
            value = int(step)
        else:
            raise TypeError("trialbook: step must be an integer ≥ 0, got %r (%s)" % (step, type(step).__name__)) from None
    if value < 0:
        raise ValueError("trialbook: step must be ≥ 0, got %d" % value)
    return value


def decode_value(value):
    if isinstance(value, dict):
        if set(value) == {"$float"}:
            return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(value["$float"], "nan"))
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def read_state(path):
    """What a resumed run continues from: identity, params, tags, notes, last step."""
    state = {"config": {}, "tags": [], "notes": None, "next_step": 0, "last": {}, "summary": {},
             "experiment": None, "name": None, "group": None, "rank": None}
    with open(path, "rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            kind = event.get("t")
            if kind == "run_start":
                for field in ("experiment", "name", "group", "rank"):
                    if event.get(field) is not None:
                        state[field] = event[field]
                state["config"].update(decode_value(event.get("config") or {}))
                if "tags" in event:
                    state["tags"] = list(event["tags"])
                if "notes" in event:
                    state["notes"] = event["notes"]
            elif kind == "params":
                state["config"].update(decode_value(event.get("params") or {}))
            elif kind == "tags":
                state["tags"] = list(event.get("tags") or [])
            elif kind == "notes":
                state["notes"] = event.get("notes")
            elif kind == "summary":
                state["summary"].update(decode_value(event.get("summary") or {}))
            elif kind == "metrics":
                values = event.get("values") or {}
                if any(not k.startswith("system/") for k in values):
                    step = event.get("step", 0)
                    if isinstance(step, int) and step + 1 > state["next_step"]:
                        state["next_step"] = step + 1
                for k, v in values.items():
                    state["last"][k] = float(v.replace("Infinity", "inf")) if isinstance(v, str) else v
    return state
