"""Row and column counts of a tabular file when they are cheap: CSV/TSV and JSON lines up to CHEAP_BYTES are read
whole (larger ones give their columns only), Parquet from its footer when pyarrow is installed."""
import csv
import json
import os

CHEAP_BYTES = 64 * 1024 * 1024
_JSONL_KEY_LINES = 1000  # columns: the keys of the first lines, in order of appearance
FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def file_format(path):
    return FORMATS.get(os.path.splitext(path)[1].lower())


def stats(path, size):
    """{"format", "rows"?, "columns"?} or None for a format without stats; never raises."""
    fmt = file_format(path)
    if fmt is None:
        return None
    out = {"format": fmt}
    try:
        if fmt in ("csv", "tsv"):
            _csv(path, size, "\t" if fmt == "tsv" else ",", out)
        elif fmt == "jsonl":
            _jsonl(path, size, out)
        else:
            _parquet(path, out)
    except Exception:
        pass  # stats are a bonus: the fingerprint stands without them
    return out


def _csv(path, size, delimiter, out):
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            out["rows"], out["columns"] = 0, []
            return
        out["columns"] = header
        if size <= CHEAP_BYTES:
            out["rows"] = sum(1 for row in reader if row)


def _jsonl(path, size, out):
    columns = {}
    rows = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            rows += 1
            if rows <= _JSONL_KEY_LINES:
                try:
                    item = json.loads(line)
                except ValueError:
                    item = None
                if isinstance(item, dict):
                    for key in item:
                        columns.setdefault(str(key), None)
            elif size > CHEAP_BYTES:
                out["columns"] = list(columns)
                return  # too large to count cheaply
    out["rows"] = rows
    out["columns"] = list(columns)


def _parquet(path, out):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return
    meta = pq.ParquetFile(path).metadata
    out["rows"] = int(meta.num_rows)
    out["columns"] = [meta.schema.column(i).name for i in range(meta.num_columns)]
