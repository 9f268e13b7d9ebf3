"""Curve (PR, ROC or any x/y line, computed from scores on the writer thread) and ConfusionMatrix."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from ._media import Media, MediaError, MediaStore
from ._media_values import _finite_list

MAX_POINTS = 2000
MAX_LABELS = 256
KINDS = ("pr", "roc", "custom")


def _plain(values: Any) -> List[Any]:
    if hasattr(values, "detach"):
        values = values.detach().cpu()
    return list(values.tolist() if hasattr(values, "tolist") else values)


class Curve(Media):
    """An x/y curve: `Curve(x, y, kind="pr"|"roc"|"custom")`; from scores with `Curve.pr(y_true,
    scores)` / `Curve.roc(y_true, scores)` (also `trialbook.pr_curve`, `trialbook.roc_curve`), which
    add the area (average precision for PR, AUC for ROC). At most 2,000 points are stored."""

    kind = "curve"

    def __init__(self, x: Any = None, y: Any = None, kind: str = "custom", auc: Optional[float] = None,
                 x_label: Optional[str] = None, y_label: Optional[str] = None, *, y_true: Any = None,
                 scores: Any = None, pos_label: Any = 1) -> None:
        super().__init__()
        self.curve_kind = kind
        self.auc = auc
        self._x: List[float] = []
        self._y: List[float] = []
        self._scores: Optional[Tuple[List[bool], List[float]]] = None
        default_labels = {"pr": ("recall", "precision"), "roc": ("false positive rate", "true positive rate")}
        self.x_label, self.y_label = default_labels.get(kind, ("x", "y"))
        self.x_label = str(x_label) if x_label is not None else self.x_label
        self.y_label = str(y_label) if y_label is not None else self.y_label
        try:
            if kind not in KINDS:
                raise MediaError("has kind=%r: expected one of %s" % (kind, ", ".join(KINDS)))
            if x is not None or y is not None:
                self._x = _finite_list(_plain(x), "x")
                self._y = _finite_list(_plain(y), "y")
                if len(self._x) != len(self._y) or not self._x:
                    raise MediaError("has %d x and %d y values: give the same non-zero number" % (len(self._x), len(self._y)))
                if any(not math.isfinite(v) for v in self._x + self._y):
                    raise MediaError("holds NaN or infinite values")
            if y_true is not None or scores is not None:
                self._scores = _scores_of(kind, y_true, scores, pos_label)
            if auc is not None and not (isinstance(auc, (int, float)) and math.isfinite(auc)):
                raise MediaError("has auc=%r: expected a finite number" % (auc,))
        except MediaError as exc:
            self._fail(str(exc))

    @classmethod
    def pr(cls, y_true: Any, scores: Any, pos_label: Any = 1) -> "Curve":
        return cls(kind="pr", y_true=y_true, scores=scores, pos_label=pos_label)

    @classmethod
    def roc(cls, y_true: Any, scores: Any, pos_label: Any = 1) -> "Curve":
        return cls(kind="roc", y_true=y_true, scores=scores, pos_label=pos_label)

    def queue_weight(self) -> int:
        return 16 * (len(self._x) + (len(self._scores[1]) if self._scores else 0)) + 256

    def render_item(self, store: MediaStore) -> Dict[str, Any]:
        x, y, auc = self._x, self._y, self.auc
        if self._scores is not None:
            x, y, auc = _from_scores(self.curve_kind, *self._scores)
        if len(x) > MAX_POINTS:
            picks = [round(i * (len(x) - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)]
            x, y = [x[i] for i in picks], [y[i] for i in picks]
        item: Dict[str, Any] = {"kind": self.curve_kind, "x": x, "y": y, "x_label": self.x_label,
                                "y_label": self.y_label}
        if auc is not None:
            item["auc"] = float(auc)
        return item


def _scores_of(kind: str, y_true: Any, scores: Any, pos_label: Any) -> Tuple[List[bool], List[float]]:
    if kind == "custom" or y_true is None or scores is None:
        raise MediaError("computes only PR or ROC curves from y_true and scores (kind=\"pr\" or \"roc\", both given)")
    labels = [v == pos_label or v is True for v in _plain(y_true)]
    values = _finite_list(_plain(scores), "scores")
    if len(labels) != len(values) or not labels:
        raise MediaError("has %d labels and %d scores: give one score per label" % (len(labels), len(values)))
    if any(not math.isfinite(v) for v in values):
        raise MediaError("has NaN or infinite scores")
    return labels, values


def _sweep(labels: List[bool], scores: List[float]) -> List[Tuple[int, int]]:
    """(true positives, false positives) at each distinct threshold, highest score first."""
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    tp = fp = 0
    out = []
    for i, index in enumerate(order):
        if labels[index]:
            tp += 1
        else:
            fp += 1
        if i + 1 == len(order) or scores[order[i + 1]] != scores[index]:
            out.append((tp, fp))
    return out


def _from_scores(kind: str, labels: List[bool], scores: List[float]) -> Tuple[List[float], List[float], float]:
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0:
        raise MediaError("has no positive labels: a %s curve needs both classes" % kind.upper())
    points = _sweep(labels, scores)
    if kind == "roc":
        if negatives == 0:
            raise MediaError("has no negative labels: a ROC curve needs both classes")
        x = [0.0] + [fp / negatives for _, fp in points]
        y = [0.0] + [tp / positives for tp, _ in points]
        auc = sum((x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2 for i in range(1, len(x)))
        return x, y, auc
    recall = [0.0] + [tp / positives for tp, _ in points]
    precision = [1.0] + [tp / (tp + fp) for tp, fp in points]
    ap = sum((recall[i] - recall[i - 1]) * precision[i] for i in range(1, len(recall)))  # average precision
    return recall, precision, ap


def pr_curve(y_true: Any, scores: Any, pos_label: Any = 1) -> Curve:
    """The precision-recall curve of binary labels and scores, with average precision as its area."""
    return Curve.pr(y_true, scores, pos_label)


def roc_curve(y_true: Any, scores: Any, pos_label: Any = 1) -> Curve:
    """The ROC curve of binary labels and scores, with its AUC."""
    return Curve.roc(y_true, scores, pos_label)


class ConfusionMatrix(Media):
    """Counts of true label (rows) × predicted label (columns): `ConfusionMatrix(y_true, y_pred,
    labels=None)` (labels default to the sorted values seen), or `ConfusionMatrix(matrix=...,
    labels=...)` for counts already made. At most 256 labels."""

    kind = "confusion_matrix"

    def __init__(self, y_true: Any = None, y_pred: Any = None, labels: Any = None, matrix: Any = None) -> None:
        super().__init__()
        self.labels: List[Any] = []
        self._pairs: Optional[Tuple[List[Any], List[Any]]] = None
        self._matrix: Optional[List[List[int]]] = None
        try:
            self._take(y_true, y_pred, labels, matrix)
        except MediaError as exc:
            self._fail(str(exc))

    def _take(self, y_true: Any, y_pred: Any, labels: Any, matrix: Any) -> None:
        if labels is not None:
            self.labels = _plain(labels)
            if len(set(map(str, self.labels))) != len(self.labels):
                raise MediaError("has repeated labels")
        if matrix is not None:
            rows = [[_count(v) for v in _plain(row)] for row in _plain(matrix)]
            if not rows or any(len(r) != len(rows) for r in rows):
                raise MediaError("needs a square matrix of counts")
            if not self.labels:
                self.labels = list(range(len(rows)))
            if len(self.labels) != len(rows):
                raise MediaError("has %d labels for a %d×%d matrix" % (len(self.labels), len(rows), len(rows)))
            self._matrix = rows
        else:
            if y_true is None or y_pred is None:
                raise MediaError("needs y_true and y_pred (or matrix=)")
            true, pred = _plain(y_true), _plain(y_pred)
            if len(true) != len(pred):
                raise MediaError("has %d true and %d predicted labels: give one prediction per label"
                                 % (len(true), len(pred)))
            self._pairs = (true, pred)
        if len(self.labels) > MAX_LABELS:
            raise MediaError("has %d labels: the limit is %d" % (len(self.labels), MAX_LABELS))

    def queue_weight(self) -> int:
        return 16 * len(self._pairs[0]) + 256 if self._pairs else 1024

    def render_item(self, store: MediaStore) -> Dict[str, Any]:
        labels = list(self.labels)
        matrix = self._matrix
        if matrix is None and self._pairs is not None:
            true, pred = self._pairs
            if not labels:
                try:
                    labels = sorted(set(true) | set(pred))
                except TypeError:
                    labels = sorted(set(true) | set(pred), key=str)
                if len(labels) > MAX_LABELS:
                    raise MediaError("has %d labels: the limit is %d" % (len(labels), MAX_LABELS))
            where = {label: i for i, label in enumerate(labels)}
            matrix = [[0] * len(labels) for _ in labels]
            outside = 0
            for t, p in zip(true, pred):
                row, col = where.get(t), where.get(p)
                if row is None or col is None:
                    outside += 1
                else:
                    matrix[row][col] += 1
            if outside == len(true) and true:
                raise MediaError("has no pair whose labels are both among labels=%r" % (labels[:5],))
        return {"labels": [str(label) for label in labels], "matrix": matrix or []}


def _count(value: Any) -> int:
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0
            or value != int(value)):
        raise MediaError("holds %r: counts must be whole numbers ≥ 0" % (value,))
    return int(value)
