"""Encoding queued events as log lines, a chunk at a time (the writer's CPU-heavy part).

Metrics lines come from a %-template per tuple of metric names, applied to the whole chunk with
one % operation: every metric value's repr() is its JSON text (float, int, NonFinite,
DeviceScalar), so encoding costs little more than repr() of the numbers.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Tuple

from ._media import MediaEvent
from ._values import DeviceScalar, encode, resolve_device_scalars

FORMAT_VERSION = 1
# Weight of queued events, in units: one per metric value plus EVENT_UNITS per event, DEVICE_UNITS
# more per device tensor snapshot; other events PUT_UNITS. A unit is 60-90 bytes of Python objects.
EVENT_UNITS = 4
DEVICE_UNITS = 8
PUT_UNITS = 16
_TEMPLATES_MAX = 1024


class ChunkEncoder:
    """Turns queue items (metrics tuples `(ts, step, values, cell[, devices])`, event dicts, and
    finished lines as text) into whole lines. Used under the writer's lock only."""

    def __init__(self) -> None:
        self._templates: Dict[Tuple[str, ...], str] = {}

    def encode(self, items: List[Any]) -> Tuple[str, int, List[str]]:
        """(lines, weight of `items` in units, problems to report as warning events)."""
        formats: List[str] = []
        args: List[Any] = []
        add_format, add_args = formats.append, args.extend
        units = 0
        problems: List[str] = []
        templates = self._templates
        last_keys: Optional[Tuple[str, ...]] = None
        template = ""
        if any(type(item) is tuple and len(item) == 5 for item in items):
            resolve_device_scalars([v for item in items if type(item) is tuple and len(item) == 5
                                    for v in item[2].values() if type(v) is DeviceScalar])
        for item in items:
            if type(item) is tuple:
                values = item[2]
                units += len(values) + EVENT_UNITS
                if len(item) == 5:
                    units += DEVICE_UNITS * item[4]
                    values = _readable(values, problems)
                keys = tuple(values)
                if keys != last_keys:
                    template = templates.get(keys) or self._template(keys)
                    last_keys = keys
                add_format(template)
                cell = item[3]
                add_args((item[0], item[1], *values.values(), "" if cell is None else ',"cell":' + encode(cell)))
            elif type(item) is str:  # a line finished in the training process (_writer_process)
                add_format("%s")
                args.append(item)
            elif type(item) is MediaEvent:
                units += item.units
                rendered = item.render(problems)  # PNG encoding and media files: here, on the writer thread
                if rendered is not None:
                    add_format("%s")
                    args.append(rendered)
            else:
                units += PUT_UNITS
                try:
                    line = encode(item)
                except (TypeError, ValueError) as exc:
                    # Values are encoded before queueing; this is a last line of defence.
                    problems.append("trialbook: an event could not be encoded and was dropped: %s" % exc)
                    continue
                add_format("%s\n")
                args.append(line)
        return "".join(formats) % tuple(args), units, problems

    def _template(self, keys: Tuple[str, ...]) -> str:
        if len(self._templates) >= _TEMPLATES_MAX:
            self._templates.clear()  # names that change every call: keep the cache small
        names = [encode(k).replace("%", "%%") for k in keys]
        template = ('{"v":1,"t":"metrics","ts":%r,"step":%d,"values":{'
                    + ",".join(name + ":%r" for name in names) + "}%s}\n")
        self._templates[keys] = template
        return template


def _readable(values: Dict[str, Any], problems: List[str]) -> Dict[str, Any]:
    """`values` without the device values that could not be read (each noted in `problems`)."""
    lost = [k for k, v in values.items() if type(v) is DeviceScalar and v.value is None]
    if not lost:
        return values
    problems.append("trialbook: the device tensor(s) logged as %s could not be read and were left out"
                    % ", ".join(repr(k) for k in lost[:10]))
    return {k: v for k, v in values.items() if k not in lost}


def warning_line(message: str) -> str:
    return encode({"v": FORMAT_VERSION, "t": "warning", "ts": time.time(), "message": message}) + "\n"
