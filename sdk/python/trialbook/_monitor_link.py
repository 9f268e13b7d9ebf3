"""Which reference profile a monitored model version is compared with.

The model registry is built separately; until a version there names its training run, the link is by the
(model, version) strings a training run gave `log_profile(..., model=, version=)`, or an explicit training run id
or profile. Everything that knows how the link is made is in this module.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional, Tuple

from ._profile_store import load_profile

Found = Tuple[Optional[Dict[str, Any]], Optional[str]]  # (profile, the run it came from)


def find_reference(root: str, model: str, version: str, reference: Any, training_run: Optional[str]) -> Found:
    """The reference profile: `reference` (a profile dict, a profile file path, or a run id), else the
    `training_run`'s profile, else the newest profile any run logged for this (model, version)."""
    if isinstance(reference, dict):
        return reference, reference.get("source_run")
    if isinstance(reference, (str, os.PathLike)) and os.path.isfile(os.fspath(reference)):
        return load_profile(os.fspath(reference)), None
    run_id = getattr(reference, "id", None) or (reference if isinstance(reference, str) else None) or training_run
    if run_id is not None:
        found = _run_profile(root, str(run_id), model, version)
        if found is None:
            raise ValueError("trialbook: run %s has no profile; log one there with run.log_profile(\"train\", data)"
                             % run_id)
        return found, str(run_id)
    return _newest_for(root, model, version)


def _profiles_of(root: str, run_id: str) -> Dict[str, str]:
    folder = os.path.join(root, "runs", run_id, "profiles")
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return {}
    return {name[:-5]: os.path.join(folder, name) for name in names if name.endswith(".json")}


def _run_profile(root: str, run_id: str, model: str, version: str) -> Optional[Dict[str, Any]]:
    profiles = _profiles_of(root, run_id)
    for path in profiles.values():  # the one made for this model version first, then "train", then any
        profile = load_profile(path)
        if profile.get("model") == model and profile.get("version") == version:
            return profile
    path = profiles.get("train") or next(iter(profiles.values()), None)
    return load_profile(path) if path else None


def _newest_for(root: str, model: str, version: str) -> Found:
    runs = os.path.join(root, "runs")
    try:
        run_ids = sorted(os.listdir(runs), reverse=True)  # run ids sort by start time
    except OSError:
        return None, None
    for run_id in run_ids:
        for path in _profiles_of(root, run_id).values():
            try:
                profile = load_profile(path)
            except (OSError, ValueError):
                continue
            if profile.get("model") == model and profile.get("version") == version and profile.get("role") != "reference":
                return profile, run_id
    return None, None
