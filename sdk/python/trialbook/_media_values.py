"""Histogram, Table and Text: rich values that are numbers or text rather than pictures."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

from ._media import Media, MediaError, MediaStore, _module
from ._values import encode, json_value

MAX_BINS = 512
MAX_TABLE_CELLS = 1_000_000
MAX_TABLE_BYTES = 16 * 1024 * 1024
MAX_COLUMNS = 1000
MAX_TEXT_BYTES = 1024 * 1024


def _is_numpy(value: Any) -> bool:
    return _module(value).startswith("numpy") and hasattr(value, "shape")


def _finite_list(values: Any, what: str) -> List[float]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise MediaError("holds %r in its %s: expected numbers" % (v, what))
        out.append(float(v))
    return out


class Histogram(Media):
    """A distribution: `Histogram(values, bins=64)` counts values into equal bins (non-finite
    values are counted apart); `Histogram(counts, edges=edges)` takes counts already made
    (len(edges) = len(counts) + 1), as does `Histogram(numpy.histogram(x))`."""

    kind = "histogram"

    def __init__(self, values_or_counts: Any, bins: int = 64, edges: Optional[Sequence[float]] = None) -> None:
        super().__init__()
        self._values: Any = None
        self._counts: Optional[List[int]] = None
        self._edges: Optional[List[float]] = None
        self.bins = bins
        try:
            self._take(values_or_counts, bins, edges)
        except MediaError as exc:
            self._fail(str(exc))

    def _take(self, data: Any, bins: Any, edges: Any) -> None:
        if edges is None and isinstance(data, tuple) and len(data) == 2 and all(
                hasattr(part, "__len__") for part in data) and len(data[1]) == len(data[0]) + 1:
            data, edges = data  # numpy.histogram(...) gives (counts, edges)
        if edges is not None:
            counts = [float(c) for c in (data.tolist() if hasattr(data, "tolist") else data)]
            limits = _finite_list(edges.tolist() if hasattr(edges, "tolist") else edges, "edges")
            if len(limits) != len(counts) + 1 or not counts:
                raise MediaError("has %d counts and %d edges: give one edge more than counts" % (len(counts), len(limits)))
            if any(b <= a for a, b in zip(limits, limits[1:])) or any(not math.isfinite(v) for v in limits):
                raise MediaError("has edges that are not finite and increasing")
            if any(c < 0 or c != c or c == math.inf for c in counts):
                raise MediaError("has counts that are not finite numbers ≥ 0")
            self._counts = [int(c) if c.is_integer() else c for c in counts]
            self._edges = limits
            return
        if isinstance(bins, bool) or not isinstance(bins, int) or not 1 <= bins <= MAX_BINS:
            raise MediaError("has bins=%r: expected an integer from 1 to %d" % (bins, MAX_BINS))
        if _is_numpy(data) or (_module(data).startswith("torch") and hasattr(data, "detach")):
            import numpy

            source = data.detach().cpu().numpy() if hasattr(data, "detach") else data
            if source.dtype.kind not in "buif":
                raise MediaError("has dtype %s: expected numbers" % source.dtype)
            self._values = numpy.array(source, dtype=numpy.float64, copy=True).ravel()
        else:
            try:
                self._values = _finite_list(data, "values")
            except TypeError:
                raise MediaError("cannot read a %s: give a list or array of numbers" % type(data).__name__)

    def queue_weight(self) -> int:
        values = self._values
        return int(getattr(values, "nbytes", 0) or 8 * len(values)) if values is not None else 1024

    def render_item(self, store: MediaStore) -> Dict[str, Any]:
        if self._counts is not None and self._edges is not None:
            return _compact(self._edges, self._counts, 0)
        values = self._values
        if _is_numpy(values):
            import numpy

            finite = values[numpy.isfinite(values)]
            dropped = int(values.size - finite.size)
            if not finite.size:
                raise MediaError("holds no finite values")
            low, high = float(finite.min()), float(finite.max())
            low, high = _span(low, high)
            counts = numpy.histogram(finite, bins=self.bins, range=(low, high))[0]
            return {"min": low, "max": high, "counts": counts.tolist(), **({"nonfinite": dropped} if dropped else {})}
        finite_values = [v for v in values if v - v == 0.0]
        dropped = len(values) - len(finite_values)
        if not finite_values:
            raise MediaError("holds no finite values")
        low, high = _span(min(finite_values), max(finite_values))
        counts = [0] * self.bins
        scale = self.bins / (high - low)
        last = self.bins - 1
        for v in finite_values:
            i = int((v - low) * scale)
            counts[i if i < last else last] += 1
        return {"min": low, "max": high, "counts": counts, **({"nonfinite": dropped} if dropped else {})}


def _span(low: float, high: float):
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def _compact(edges: List[float], counts: List[Any], dropped: int) -> Dict[str, Any]:
    """Equal bins as min and max only; other edges listed."""
    low, high = edges[0], edges[-1]
    width = (high - low) / len(counts)
    equal = all(abs(e - (low + i * width)) <= 1e-9 * max(1.0, abs(e)) for i, e in enumerate(edges))
    item: Dict[str, Any] = {"min": low, "max": high} if equal else {"edges": edges}
    item["counts"] = counts
    if dropped:
        item["nonfinite"] = dropped
    return item


class Table(Media):
    """Rows of values under named columns: `Table(columns, rows)` or `Table(dataframe)`. Stored as a
    JSON file in the run's `media/` folder; at most a million cells and 16 MiB."""

    kind = "table"

    def __init__(self, columns: Any = None, rows: Any = None, dataframe: Any = None) -> None:
        super().__init__()
        if dataframe is None and _module(columns).startswith("pandas") and hasattr(columns, "to_numpy"):
            dataframe, columns = columns, None
        self.columns: List[str] = []
        self._rows: List[List[Any]] = []
        try:
            if dataframe is not None:
                self.columns = [str(c) for c in dataframe.columns]
                self._check_size(len(dataframe), len(self.columns))
                self._rows = dataframe.to_numpy(dtype=object).tolist()  # a copy
            else:
                self._take(columns, rows)
        except MediaError as exc:
            self._fail(str(exc))

    def _take(self, columns: Any, rows: Any) -> None:
        if columns is None or isinstance(columns, str) or not hasattr(columns, "__iter__"):
            raise MediaError("needs a list of column names, e.g. Table([\"input\", \"label\"], rows)")
        self.columns = [str(c) for c in columns]
        if rows is None:
            rows = []
        if not hasattr(rows, "__iter__") or isinstance(rows, (str, bytes)):
            raise MediaError("needs its rows as a list of lists")
        copied = []
        for number, row in enumerate(rows):
            cells = list(row.values()) if isinstance(row, dict) else list(row)
            if len(cells) != len(self.columns):
                raise MediaError("row %d has %d values for %d columns" % (number, len(cells), len(self.columns)))
            copied.append(cells)
            if (number + 1) * len(self.columns) > MAX_TABLE_CELLS:
                self._check_size(number + 1, len(self.columns))
        self._check_size(len(copied), len(self.columns))
        self._rows = copied

    def _check_size(self, rows: int, columns: int) -> None:
        if columns > MAX_COLUMNS:
            raise MediaError("has %d columns: the limit is %d" % (columns, MAX_COLUMNS))
        if rows * columns > MAX_TABLE_CELLS:
            raise MediaError("has over %d cells (%d rows × %d columns): log a sample of the rows"
                             % (MAX_TABLE_CELLS, rows, columns))
        if len(set(self.columns)) != len(self.columns):
            raise MediaError("has repeated column names")

    def queue_weight(self) -> int:
        return 64 * len(self._rows) * max(1, len(self.columns))

    def render_item(self, store: MediaStore) -> Dict[str, Any]:
        rows = [[json_value(cell) for cell in row] for row in self._rows]
        data = encode({"columns": self.columns, "rows": rows}).encode("utf-8", "surrogatepass")
        if len(data) > MAX_TABLE_BYTES:
            raise MediaError("is %d MiB as JSON: the limit is %d MiB; log a sample of the rows"
                             % (len(data) >> 20, MAX_TABLE_BYTES >> 20))
        digest, path = store.save(data, "json")
        return {"path": path, "sha256": digest, "bytes": len(data), "rows": len(rows), "columns": self.columns}


class Text(Media):
    """Markdown text (shown sanitised: no HTML, links opened only after VS Code asks)."""

    kind = "text"

    def __init__(self, markdown: Any) -> None:
        super().__init__()
        self.markdown = ""
        if not isinstance(markdown, str):
            self._fail("takes a string of Markdown, not %s" % type(markdown).__name__)
        elif len(markdown.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
            self._fail("is over 1 MiB: log it as an artifact instead")
        else:
            self.markdown = markdown

    def render_item(self, store: MediaStore) -> Dict[str, Any]:
        return {"markdown": self.markdown}
