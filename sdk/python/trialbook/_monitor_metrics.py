"""Model metrics of a monitored batch, from its labels and predictions (standard library only).

Which metrics, when the user does not say: regression (labels numeric with more than two values) → rmse, mae;
classification with scores in [0, 1] and two classes → accuracy (score ≥ 0.5 is the positive class), f1, auc;
other classification → accuracy, f1 (binary: of the positive class; more classes: macro average).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

MetricFunction = Callable[[Sequence[Any], Sequence[Any]], float]
MetricChoice = Union[Sequence[str], Mapping[str, Union[str, MetricFunction]], None]
# Which way each built-in metric improves: a higher accuracy is better, a higher rmse is worse.
GOALS = {"accuracy": "maximize", "f1": "maximize", "auc": "maximize", "rmse": "minimize", "mae": "minimize"}


def as_list(values: Any) -> List[Any]:
    if hasattr(values, "tolist"):
        return list(values.tolist())
    return list(values)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _positive(labels: Sequence[Any]) -> Any:
    classes = sorted({label for label in labels}, key=lambda c: (str(type(c)), c))
    return True if True in classes else (1 if 1 in classes else classes[-1])


def _scores(predictions: Sequence[Any]) -> bool:
    return all(_is_number(p) and 0.0 <= p <= 1.0 for p in predictions) and any(p not in (0, 1) for p in predictions)


def default_metrics(labels: Sequence[Any], predictions: Sequence[Any]) -> List[str]:
    classes = {label for label in labels}
    if all(_is_number(label) for label in labels) and len(classes) > 2:
        return ["rmse", "mae"]
    if len(classes) <= 2 and _scores(predictions):
        return ["accuracy", "f1", "auc"]
    return ["accuracy", "f1"]


def _hard(labels: Sequence[Any], predictions: Sequence[Any]) -> List[Any]:
    if not _scores(predictions):
        return list(predictions)
    positive = _positive(labels)
    classes = sorted({label for label in labels} | {positive}, key=lambda c: (str(type(c)), c))
    negative = next((c for c in classes if c != positive), 0 if positive in (1, True) else None)
    return [positive if p >= 0.5 else negative for p in predictions]


def accuracy(labels: Sequence[Any], predictions: Sequence[Any]) -> float:
    hard = _hard(labels, predictions)
    return sum(1 for y, p in zip(labels, hard) if y == p) / len(labels)


def f1(labels: Sequence[Any], predictions: Sequence[Any]) -> float:
    hard = _hard(labels, predictions)
    classes = {label for label in labels} | {p for p in hard}
    chosen = [_positive(labels)] if len(classes) <= 2 else sorted(classes, key=lambda c: (str(type(c)), c))
    scores = []
    for positive in chosen:
        tp = sum(1 for y, p in zip(labels, hard) if y == positive and p == positive)
        fp = sum(1 for y, p in zip(labels, hard) if y != positive and p == positive)
        fn = sum(1 for y, p in zip(labels, hard) if y == positive and p != positive)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def auc(labels: Sequence[Any], predictions: Sequence[Any]) -> float:
    """Area under the ROC curve (Mann–Whitney, ties counted half); NaN with one class only."""
    positive = _positive(labels)
    pairs = sorted(zip((float(p) for p in predictions), (y == positive for y in labels)))
    ranks = [0.0] * len(pairs)
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    n_pos = sum(1 for _, is_pos in pairs if is_pos)
    n_neg = len(pairs) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    rank_sum = sum(rank for rank, (_, is_pos) in zip(ranks, pairs) if is_pos)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def rmse(labels: Sequence[Any], predictions: Sequence[Any]) -> float:
    return math.sqrt(math.fsum((float(y) - float(p)) ** 2 for y, p in zip(labels, predictions)) / len(labels))


def mae(labels: Sequence[Any], predictions: Sequence[Any]) -> float:
    return math.fsum(abs(float(y) - float(p)) for y, p in zip(labels, predictions)) / len(labels)


BUILT_IN: Dict[str, MetricFunction] = {"accuracy": accuracy, "f1": f1, "auc": auc, "rmse": rmse, "mae": mae}


def resolve(choice: MetricChoice) -> Optional[List[Tuple[str, MetricFunction]]]:
    """The chosen metrics as (name, function); None means "pick by the data". Unknown names are refused."""
    if choice is None:
        return None
    items = list(choice.items()) if isinstance(choice, Mapping) else [(name, name) for name in choice]
    out = []
    for name, how in items:
        if callable(how):
            out.append((str(name), how))
        elif isinstance(how, str) and how in BUILT_IN:
            out.append((str(name), BUILT_IN[how]))
        else:
            raise ValueError("trialbook: unknown metric %r; use one of %s, or pass {name: function(labels, "
                             "predictions) -> float}" % (how, ", ".join(sorted(BUILT_IN))))
    return out


def compute(labels: Any, predictions: Any, chosen: Optional[List[Tuple[str, MetricFunction]]]) -> Dict[str, float]:
    y = as_list(labels)
    p = as_list(predictions)
    if len(y) != len(p):
        raise ValueError("trialbook: log_batch got %d labels but %d predictions; give one of each per row"
                         % (len(y), len(p)))
    present = [(a, b) for a, b in zip(y, p) if a is not None and b is not None
               and not (isinstance(a, float) and a != a) and not (isinstance(b, float) and b != b)]
    if not present:
        return {}
    y = [a for a, _ in present]
    p = [b for _, b in present]
    metrics = chosen if chosen is not None else [(name, BUILT_IN[name]) for name in default_metrics(y, p)]
    return {name: float(function(y, p)) for name, function in metrics}
