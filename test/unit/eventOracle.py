"""Independent judge for the fuzz test: which log lines are valid per schema/event.schema.json and the reader's
limits in docs/event-format.md. Reads the file named by argv[2] (lines split on b'\\n'), prints a JSON list of 0/1.
Numbers are parsed as JSON's doubles (as in JavaScript), so huge integers become infinities as they do there."""
import json
import math
import sys

import jsonschema

sys.setrecursionlimit(20000)
MAX_LINE = 16 * 1024 * 1024
MAX_PARAM_STRING = 64 * 1024
MAX_DEPTH = 64

with open(sys.argv[1], encoding="utf-8") as f:
    validator = jsonschema.Draft202012Validator(json.load(f))


def reject_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


def depth_ok(value, depth, max_string):
    if isinstance(value, str):
        return max_string is None or len(value) <= max_string
    if isinstance(value, (dict, list)):
        if depth >= MAX_DEPTH:
            return False
        children = value.values() if isinstance(value, dict) else value
        return all(depth_ok(child, depth + 1, max_string) for child in children)
    return True


def valid(raw):
    if len(raw) > MAX_LINE:
        return False
    try:
        text = raw.decode("utf-8")
        event = json.loads(text, parse_constant=reject_constant, parse_int=float)
    except (ValueError, RecursionError):
        return False
    try:
        if not validator.is_valid(event):
            return False
    except RecursionError:
        return False
    kind = event["t"]
    if not (0 <= event["ts"] <= 1e11):
        return False
    if kind == "metrics" and event["step"] > 2**53 - 1:
        return False
    # Python's re `$` also matches before a final newline; the format means the end of the string.
    if kind == "run_start" and event["run_id"].endswith("\n"):
        return False
    if kind == "artifact" and event["sha256"].endswith("\n"):
        return False
    maps = []
    if kind == "run_start" and "config" in event:
        maps.append((event["config"], MAX_PARAM_STRING))
    if kind == "params":
        maps.append((event["params"], MAX_PARAM_STRING))
    if kind == "summary":
        maps.append((event["summary"], None))
    if kind == "artifact" and "metadata" in event:
        maps.append((event["metadata"], None))
    for mapping, max_string in maps:
        if not all(depth_ok(v, 0, max_string) for v in mapping.values()):
            return False
    return True


with open(sys.argv[2], "rb") as f:
    data = f.read()
lines = data.split(b"\n")
if lines and lines[-1] == b"":
    lines.pop()
print(json.dumps([1 if valid(line) else 0 for line in lines]))
