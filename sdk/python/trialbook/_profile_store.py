"""Profiles on disk: `runs/<run-id>/profiles/<name>.json`, written once by the run that made them, and the
`profile` event that records one in the run's log."""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from typing import Any, Dict, Mapping, Optional, Union

from ._profile import build_profile
from ._profile_table import read_table

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_profile_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError("trialbook: profile name %r must be 1 to 64 letters, digits, '.', '_' or '-' (it names a "
                         "file), e.g. \"train\"" % (name,))
    return name


def json_ready(value: Any) -> Any:
    """Non-finite floats become None (JSON has no NaN); containers are copied."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def make_profile(name: str, data: Any, columns: Any = None, model: Optional[str] = None,
                 version: Union[str, int, None] = None, baseline: Optional[Mapping[str, float]] = None) -> Dict[str, Any]:
    check_profile_name(name)
    profile = build_profile(name, read_table(data, "log_profile(%r)" % name, columns))
    if model is not None:
        profile["model"] = str(model)
    if version is not None:
        profile["version"] = str(version)
    if baseline:
        profile["baseline"] = {str(k): float(v) for k, v in baseline.items()}
    return profile


def save_profile(run_dir: str, profile: Dict[str, Any]) -> Dict[str, Any]:
    """Writes the profile file (atomically) and returns the fields of its `profile` event (path absolute)."""
    folder = os.path.join(run_dir, "profiles")
    os.makedirs(folder, exist_ok=True)
    text = json.dumps(json_ready(profile), separators=(",", ":"), allow_nan=False)
    path = os.path.join(folder, profile["name"] + ".json")
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)
    event: Dict[str, Any] = {"name": profile["name"], "path": path, "rows": profile["rows"],
                             "columns": len(profile["columns"]),
                             "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    for key in ("model", "version", "role", "source_run"):
        if key in profile:
            event[key] = profile[key]
    return event


def load_profile(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        profile = json.load(handle)
    if not isinstance(profile, dict) or not isinstance(profile.get("columns"), list):
        raise ValueError("trialbook: %s is not a Trialbook profile (no columns list)" % path)
    return profile
