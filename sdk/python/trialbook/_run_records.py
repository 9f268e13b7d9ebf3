"""Run's records of things beside metrics: artifacts and models, dataset profiles, inputs (datasets)."""
from __future__ import annotations

import os
import warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from . import _artifacts, _datasets
from ._profile_store import make_profile, save_profile
from ._types import PathLike
from ._values import _Fallbacks, json_value, user_stacklevel

_EXTENSION_KINDS = frozenset(("monitor_batch",))

_builtin_type = type


class RunRecords:
    """Artifacts, profiles and inputs of a Run (whose __init__ sets these attributes)."""

    root: str
    dir: str
    disabled: bool
    _datasets: List[_datasets.DatasetHandle]
    _emit: Callable[[str, Dict[str, Any]], None]

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
