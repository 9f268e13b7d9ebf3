"""The dataset hash cache: `.trialbook/cache/fingerprints.jsonl`, one JSON object per line
`{"path", "size", "mtime_ns", "sha256", "stats"?}`, the later line for a path winning. A file whose size and
mtime are unchanged is not read again (the documented rule: a change that keeps both is not seen)."""
import json
import os
import tempfile
import threading

_COMPACT_MIN_LINES = 10000


class HashCache:
    def __init__(self, path):
        self.path = path
        self._entries = None
        self._lines = 0
        self._buffer = []
        self._lock = threading.Lock()

    def _load(self):
        entries = {}
        lines = 0
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    lines += 1
                    try:
                        item = json.loads(line)
                        entries[item["path"]] = (int(item["size"]), int(item["mtime_ns"]), str(item["sha256"]),
                                                 item.get("stats"))
                    except (ValueError, KeyError, TypeError):
                        continue  # a damaged line costs one re-hash, nothing else
        except OSError:
            pass
        self._entries, self._lines = entries, lines
        if lines >= _COMPACT_MIN_LINES and lines > 2 * len(entries):
            self._compact()

    def get(self, path, size, mtime_ns):
        """(sha256, stats) when the cache holds this path at this size and mtime, else None."""
        with self._lock:
            if self._entries is None:
                self._load()
            hit = self._entries.get(path)
        if hit is not None and hit[0] == size and hit[1] == mtime_ns:
            return hit[2], hit[3]
        return None

    def put(self, path, size, mtime_ns, sha256, stats=None):
        item = {"path": path, "size": size, "mtime_ns": mtime_ns, "sha256": sha256}
        if stats:
            item["stats"] = stats
        with self._lock:
            if self._entries is None:
                self._load()
            self._entries[path] = (size, mtime_ns, sha256, stats)
            self._buffer.append(json.dumps(item, ensure_ascii=False) + "\n")

    def flush(self):
        """Appends what was hashed since the last flush (one write: concurrent runs interleave whole lines)."""
        with self._lock:
            text, self._buffer = "".join(self._buffer), []
            if not text:
                return
            try:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                try:
                    os.write(fd, text.encode("utf-8", "surrogateescape"))
                finally:
                    os.close(fd)
                self._lines += text.count("\n")
            except OSError:
                pass  # a read-only workspace: the next run hashes again, nothing is lost

    def _compact(self):
        folder = os.path.dirname(self.path)
        try:
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                for path, (size, mtime_ns, sha, stats) in self._entries.items():
                    item = {"path": path, "size": size, "mtime_ns": mtime_ns, "sha256": sha}
                    if stats:
                        item["stats"] = stats
                    out.write(json.dumps(item, ensure_ascii=False) + "\n")
            os.replace(tmp, self.path)
            self._lines = len(self._entries)
        except OSError:
            pass
