"""Reading a run's log back to resume it: identity, params, tags, notes, summary, last step."""
from __future__ import annotations

import json
import os
from typing import Any, Dict


def resume_state(root: str, run_id: str) -> Dict[str, Any]:
    """What a resumed run continues from (config, tags, notes, next_step, last, summary, experiment,
    name, group, rank): the state of `<root>/runs/<run_id>/events.jsonl`, or a ValueError that says what to check."""
    path = os.path.join(root, "runs", run_id, "events.jsonl")
    if not os.path.isfile(path):
        raise ValueError(
            "trialbook: cannot resume run %r: %s does not exist. Check the run id (see the "
            "Trialbook sidebar or .trialbook/runs/) and the folder (dir= or TRIALBOOK_DIR)." % (run_id, path))
    return read_state(path)


def decode_value(value: Any) -> Any:
    """A param/summary value as the log holds it, back to Python ({"$float": "NaN"} → nan)."""
    if isinstance(value, dict):
        if set(value) == {"$float"}:
            return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(value["$float"], "nan"))
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def read_state(path: str) -> Dict[str, Any]:
    """Every complete line of a log, folded into what a resumed run continues from."""
    state: Dict[str, Any] = {"config": {}, "tags": [], "notes": None, "next_step": 0, "last": {}, "summary": {},
                             "experiment": None, "name": None, "group": None, "rank": None}
    with open(path, "rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                _apply(state, event)
    return state


def _apply(state: Dict[str, Any], event: Dict[str, Any]) -> None:
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


def drop_partial_line(path: str) -> None:
    """A writer killed mid-line leaves a tail without '\\n'; cut it before appending
    (the run's only writer is dead) so the next line does not glue onto it."""
    try:
        with open(path, "rb+") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            if size == 0:
                return
            pos = size
            chunk = 65536
            while pos > 0:
                start = max(0, pos - chunk)
                handle.seek(start)
                block = handle.read(pos - start)
                if pos == size and block.endswith(b"\n"):
                    return
                idx = block.rfind(b"\n")
                if idx >= 0:
                    handle.truncate(start + idx + 1)
                    return
                pos = start
            handle.truncate(0)
    except FileNotFoundError:
        pass
