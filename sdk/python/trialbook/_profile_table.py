"""Tabular input for profiles and monitoring batches: a pandas DataFrame, a NumPy structured array (or a 2-D
array with `columns=`), a list of dicts, a dict of columns or a CSV path, turned into named columns.

A numeric column becomes a list of floats (NaN for missing) or, with NumPy, a float64 array; a categorical one
a list of strings (None for missing). Standard library only; NumPy and pandas are used when the data is theirs.
"""
from __future__ import annotations

import csv
import math
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

try:  # optional: faster paths when present
    import numpy as np
except ImportError:  # pragma: no cover - the standard-library path is tested by forcing it
    np = None  # type: ignore[assignment]

NUMERIC = "numeric"
CATEGORICAL = "categorical"
_MISSING_TEXT = frozenset(("", "na", "nan", "n/a", "null", "none", "nat"))


class Columns:
    """Named columns in input order, with the row count."""

    def __init__(self, names: List[str], values: Dict[str, Any], rows: int) -> None:
        self.names = names
        self.values = values
        self.rows = rows


def use_numpy() -> bool:
    return np is not None and os.environ.get("TRIALBOOK_PURE_PYTHON") != "1"


def read_table(data: Any, what: str, columns: Optional[Sequence[str]] = None) -> Columns:
    """Columns of `data`; raises a TypeError/ValueError that says which shapes are accepted."""
    if isinstance(data, (str, os.PathLike)):
        return _from_csv(os.fspath(data), what)
    module = type(data).__module__ or ""
    if module.startswith("pandas") and hasattr(data, "columns") and hasattr(data, "__getitem__"):
        names = [_column_name(name, what) for name in data.columns]
        values = {}
        for original, name in zip(data.columns, names):
            values[name] = _from_series(data[original])
        return _checked(names, values, len(data), what)
    if np is not None and isinstance(data, np.ndarray):
        return _from_ndarray(data, columns, what)
    if isinstance(data, dict):
        names = [_column_name(name, what) for name in data]
        values = {name: _sequence(data[original]) for original, name in zip(data, names)}
        lengths = {len(v) for v in values.values()}
        if len(lengths) > 1:
            raise ValueError("trialbook: %s: the columns have different lengths (%s); give every column one value "
                             "per row" % (what, ", ".join(str(n) for n in sorted(lengths))))
        return _checked(names, values, lengths.pop() if lengths else 0, what)
    if isinstance(data, (list, tuple)) and all(isinstance(row, dict) for row in data):
        names_seen: Dict[str, None] = {}
        for row in data:
            for key in row:
                if key not in names_seen:
                    names_seen[_column_name(key, what)] = None
        names = list(names_seen)
        values = {name: [row.get(name) for row in data] for name in names}
        return _checked(names, values, len(data), what)
    raise TypeError("trialbook: %s takes a pandas DataFrame, a NumPy structured array (or a 2-D array with "
                    "columns=[...]), a list of dicts, a dict of columns or a CSV path, not %s"
                    % (what, type(data).__name__))


def _checked(names: List[str], values: Dict[str, Any], rows: int, what: str) -> Columns:
    if len(set(names)) != len(names):
        raise ValueError("trialbook: %s: two columns have the same name" % what)
    return Columns(names, values, rows)


def _column_name(name: Any, what: str) -> str:
    text = str(name)
    if not 1 <= len(text) <= 250:
        raise ValueError("trialbook: %s: column name %r must be 1 to 250 characters" % (what, text[:40]))
    return text


def _sequence(column: Any) -> Any:
    if np is not None and isinstance(column, np.ndarray):
        return column
    if type(column).__module__.startswith("pandas"):
        return _from_series(column)
    return list(column)


def _from_series(series: Any) -> Any:
    kind = getattr(series.dtype, "kind", "O")
    if kind in "iuf":
        return series.to_numpy(dtype="float64", na_value=float("nan"))
    return [None if _pandas_missing(v) else v for v in series.tolist()]


def _pandas_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


def _from_ndarray(array: Any, columns: Optional[Sequence[str]], what: str) -> Columns:
    if array.dtype.names:
        names = [_column_name(name, what) for name in array.dtype.names]
        return _checked(names, {name: array[original] for name, original in zip(names, array.dtype.names)},
                        len(array), what)
    if array.ndim != 2 or columns is None or len(columns) != array.shape[1]:
        raise ValueError("trialbook: %s: a plain NumPy array needs column names: pass a 2-D array with "
                         "columns=[...] (one name per column), a structured array, or a DataFrame" % what)
    names = [_column_name(name, what) for name in columns]
    return _checked(names, {name: array[:, i] for i, name in enumerate(names)}, array.shape[0], what)


def _from_csv(path: str, what: str) -> Columns:
    if not os.path.isfile(path):
        raise FileNotFoundError("trialbook: %s: no CSV file at %r" % (what, path))
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise ValueError("trialbook: %s: %r is empty; a CSV needs a header line with the column names" % (what, path))
        names = [_column_name(name.strip(), what) for name in header]
        cells: List[List[Optional[str]]] = [[] for _ in names]
        rows = 0
        for row in reader:
            if not row:
                continue
            rows += 1
            for i, column in enumerate(cells):
                cell = row[i] if i < len(row) else None
                column.append(None if cell is None or cell.strip().lower() in _MISSING_TEXT else cell)
    values: Dict[str, Any] = {}
    for name, column in zip(names, cells):
        numbers = _all_numbers(column)
        values[name] = numbers if numbers is not None else column
    return _checked(names, values, rows, what)


def _all_numbers(column: List[Optional[str]]) -> Optional[List[float]]:
    out = []
    for cell in column:
        if cell is None:
            out.append(math.nan)
            continue
        try:
            out.append(float(cell))
        except ValueError:
            return None
    return out


# -- column kinds --------------------------------------------------------------------------
def infer_kind(values: Any) -> str:
    """NUMERIC when every present value is a number (bools are categories), else CATEGORICAL."""
    if np is not None and isinstance(values, np.ndarray):
        return NUMERIC if values.dtype.kind in "iuf" else (CATEGORICAL if values.dtype.kind != "O"
                                                          else infer_kind(values.tolist()))
    for value in values:
        if value is None or (type(value) is float and value != value):
            continue
        if isinstance(value, bool) or type(value).__name__ == "bool_":
            return CATEGORICAL
        if not (isinstance(value, (int, float)) or getattr(getattr(value, "dtype", None), "kind", "") in ("i", "u", "f")):
            return CATEGORICAL
    return NUMERIC  # numbers only, or no value at all (an all-missing column)


def numeric(values: Any) -> Tuple[Any, int]:
    """(floats with NaN for missing, count of values that were not numbers and so count as missing)."""
    if use_numpy():
        if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
            return values.astype("float64", copy=False), 0
        out = np.empty(len(values), dtype="float64")
        bad = 0
        for i, value in enumerate(values.tolist() if isinstance(values, np.ndarray) else values):
            number, wrong = _as_float(value)
            out[i] = number
            bad += wrong
        return out, bad
    if np is not None and isinstance(values, np.ndarray):
        values = values.tolist()
    result = []
    bad = 0
    for value in values:
        number, wrong = _as_float(value)
        result.append(number)
        bad += wrong
    return result, bad


def _as_float(value: Any) -> Tuple[float, int]:
    if value is None:
        return math.nan, 0
    if type(value) is float:
        return value, 0
    if isinstance(value, bool):
        return math.nan, 1
    try:
        number = float(value)
    except (TypeError, ValueError):
        if isinstance(value, str) and value.strip().lower() in _MISSING_TEXT:
            return math.nan, 0
        return math.nan, 1
    return (number if not math.isinf(number) else math.nan), (1 if math.isinf(number) else 0)


def categorical(values: Any) -> List[Optional[str]]:
    """Strings, None for missing (None, NaN, pandas' NA)."""
    if np is not None and isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, list) and set(map(type, values)) <= {str}:
        return values  # already strings, nothing missing: the common case, checked in C
    out: List[Optional[str]] = []
    for value in values:
        if value is None or (isinstance(value, float) and value != value) or _pandas_missing(value):
            out.append(None)
        else:
            out.append(value if type(value) is str else str(value))
    return out
