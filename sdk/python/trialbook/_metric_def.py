"""define_metric's arguments checked and turned into a `metric` event (docs/event-format.md, "Metric direction")."""
from __future__ import annotations

from typing import Any, Dict, Optional

from ._values import check_key

GOALS = ("minimize", "maximize")
SUMMARIES = ("min", "max", "last", "best")


def metric_event(name: Any, goal: Optional[str], summary: Optional[str], primary: Optional[bool]) -> Dict[str, Any]:
    """The fields of a `metric` event, or a ValueError/TypeError that says what is accepted."""
    check_key(name)
    if "*" in name:
        raise ValueError("trialbook: define_metric takes an exact metric name, not a pattern like %r; "
                         "call it once per metric" % name)
    if goal is not None and goal not in GOALS:
        raise ValueError('trialbook: goal must be "minimize" or "maximize", not %r' % (goal,))
    if summary is not None and summary not in SUMMARIES:
        raise ValueError('trialbook: summary must be "min", "max", "last" or "best", not %r' % (summary,))
    if summary == "best":
        if goal is None:
            raise ValueError('trialbook: summary="best" needs a goal (goal="minimize" or goal="maximize") '
                             "to know which value is best")
        summary = "min" if goal == "minimize" else "max"
    if primary is not None and not isinstance(primary, bool):
        raise TypeError("trialbook: primary must be True or False, not %r" % (primary,))
    event: Dict[str, Any] = {"name": name}
    if goal is not None:
        event["goal"] = goal
    if summary is not None:
        event["summary"] = summary
    if primary is not None:
        event["primary"] = primary
    return event
