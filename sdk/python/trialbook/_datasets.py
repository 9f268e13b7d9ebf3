"""Datasets a run uses (`run.use_dataset`, `run.log_input`): a fingerprint recorded as `dataset` events.

A file's fingerprint is its SHA-256; a folder's is the SHA-256 of its manifest (sorted lines `<sha256>  <relative
path>\\n`, as for artifacts). Hashing runs on a thread of its own; `use_dataset` waits for it at most `wait` seconds
(default 10, TRIALBOOK_DATASET_WAIT), showing progress on stderr after two. When the time is up the run records a
`partial` event (files and bytes hashed so far) and training starts; hashing goes on in the background and a
later event with the same `key` carries the fingerprint. When the run ends first (or `cancel()` is called),
hashing stops and a `partial` event with `cancelled: true` is the last word; the hashes done so far stay in the
cache, so the next run picks up where this one stopped.
"""
import hashlib
import os
import re
import sys
import threading
import time
import uuid
import warnings

from . import _dataset_stats
from ._hash_cache import HashCache
from ._lineage import strip_credentials

DEFAULT_WAIT = 10.0
PROGRESS_AFTER = 2.0
MAX_UNREADABLE_LISTED = 20
_CHUNK = 1024 * 1024
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def default_wait():
    text = os.environ.get("TRIALBOOK_DATASET_WAIT")
    try:
        return max(0.0, float(text)) if text else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT


def source_of(dataset):
    """A path or URI from what log_input/use_dataset were given (a str, a PathLike, or an MLflow-like dataset)."""
    if isinstance(dataset, str):
        return dataset
    if hasattr(dataset, "__fspath__"):
        return os.fspath(dataset)
    source = getattr(dataset, "source", None)
    for candidate in (source, dataset):
        for attr in ("uri", "url", "path"):
            value = getattr(candidate, attr, None)
            if isinstance(value, str) and value:
                return value
    if isinstance(source, str) and source:
        return source
    raise TypeError("trialbook: a dataset is given as a path or URI string (or an object with a .source.uri), "
                    "not %s" % type(dataset).__name__)


def clean_uri(uri):
    """No credentials in the log: user:password@ and the query string (signed URLs carry tokens there) go."""
    return strip_credentials(uri.split("?", 1)[0].split("#", 1)[0])


class DatasetHandle:
    """What use_dataset() returns: the latest `fingerprint` recorded, `wait()` for the hash, `cancel()` it."""

    def __init__(self, key, name, source, emit, cache, context=None):
        self.key = key
        self.name = name
        self.source = source
        self.fingerprint = {}
        self._emit = emit
        self._cache = cache
        self._context = context
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._reported = threading.Lock()
        self._returned = False  # use_dataset() returned before the hash was done: the thread records the end
        self._lock = threading.Lock()
        self._state = {"files_hashed": 0, "bytes_hashed": 0, "files_cached": 0}
        self._started = time.time()

    @property
    def status(self):
        return self.fingerprint.get("status")

    @property
    def done(self):
        return self._done.is_set()

    def progress(self):
        """{"files", "files_hashed", "files_cached", "bytes_hashed", "size"}: how far hashing got (files and size
        once the folder is listed)."""
        with self._lock:
            return {k: v for k, v in self._state.items() if k != "kind"}

    def wait(self, timeout=None):
        """True when hashing has ended (fingerprint recorded, or cancelled) within `timeout` seconds."""
        return self._done.wait(timeout)

    def cancel(self):
        """Stops hashing; what was hashed stays in the cache. The run records a `partial` event, `cancelled: true`."""
        if not self._done.is_set():
            self._cancel.set()

    # -- recording ----------------------------------------------------------------------
    def _event(self, fields):
        event = {"key": self.key, "name": self.name, "source": self.source}
        if self._context is not None:
            event["context"] = self._context
        event.update(fields)
        event["seconds"] = round(time.time() - self._started, 3)
        self.fingerprint = dict(event)
        self._emit("dataset", event)

    def record_now(self, fields):
        self._event(fields)
        self._done.set()

    def start(self, path, wait):
        thread = threading.Thread(target=self._hash, args=(path,), name="trialbook-dataset", daemon=True)
        thread.start()
        deadline = time.time() + wait
        next_progress = time.time() + PROGRESS_AFTER
        try:
            while not self._done.wait(max(0.0, min(deadline, next_progress) - time.time())):
                now = time.time()
                if now >= deadline:
                    break
                if now >= next_progress:
                    self._say("hashing dataset %r: %s (Ctrl-C stops it; training starts in at most %.0f s)"
                              % (self.name, self._progress(), deadline - now))
                    next_progress = now + PROGRESS_AFTER
        except KeyboardInterrupt:
            with self._reported:
                self._returned = True  # the hashing thread records how far it got (partial, cancelled)
            self.cancel()
            self._done.wait(5.0)
            raise
        with self._reported:
            if self._done.is_set():
                return
            self._returned = True
            snapshot = self._partial()
        self._event(snapshot)
        self._say("dataset %r is still being hashed after %.1f s (%s); training starts now, hashing continues in the "
                  "background and the run records the fingerprint when it is done" % (self.name, wait, self._progress()))

    def _partial(self, cancelled=False):
        with self._lock:
            fields = {"kind": self._state.get("kind", "folder"), "status": "partial"}
            for key in ("files", "size", "files_hashed", "bytes_hashed", "files_cached"):
                if key in self._state:
                    fields[key] = self._state[key]
        if cancelled:
            fields["cancelled"] = True
        return fields

    def _progress(self):
        with self._lock:
            s = dict(self._state)
        total = " of %d" % s["files"] if "files" in s else " (still listing)"
        return "%d%s files, %s hashed, %d from the cache" % (s["files_hashed"] + s["files_cached"], total,
                                                              _bytes(s["bytes_hashed"]), s["files_cached"])

    def _say(self, text):
        try:
            sys.stderr.write("trialbook: %s\n" % text)
            sys.stderr.flush()
        except Exception:
            pass

    # -- the hashing thread -------------------------------------------------------------
    def _hash(self, path):
        try:
            fields = self._fingerprint(path)
        except Exception as exc:  # never let a dataset stop the run
            fields = {"kind": "missing", "status": "unreadable", "unreadable": [{"path": path, "error": str(exc)}]}
        finally:
            self._cache.flush()
        with self._reported:
            if fields is None:
                if self._returned:
                    self._event(self._partial(cancelled=True))
                else:
                    self.fingerprint = self._partial(cancelled=True)
                self._done.set()
                return
            self._event(fields)
            self._done.set()
        if fields.get("unreadable"):
            shown = ", ".join("%s (%s)" % (u["path"], u["error"]) for u in fields["unreadable"][:3])
            self._say("dataset %r: %d file(s) could not be read: %s; the fingerprint covers the other files"
                      % (self.name, fields.get("unreadable_count", len(fields["unreadable"])), shown))

    def _fingerprint(self, path):
        if os.path.isfile(path):
            kind, entries = "file", [(os.path.basename(path), path)]
        else:
            kind, entries = "folder", None
        with self._lock:
            self._state["kind"] = kind
        if entries is None:
            entries = []
            prefix = len(path.rstrip(os.sep)) + 1  # `path` is absolute: relative names by slicing (relpath is slow)
            for folder, dirs, names in os.walk(path):
                if self._cancel.is_set():
                    return None
                dirs.sort()
                for name in names:
                    full = os.path.join(folder, name)
                    rel = full[prefix:]
                    entries.append((rel if os.sep == "/" else rel.replace(os.sep, "/"), full))
            entries.sort()
        unreadable = []
        hashed = []
        total = 0
        stats = None
        last_flush = time.time()
        with self._lock:
            self._state["files"] = len(entries)
        for rel, full in entries:
            if self._cancel.is_set():
                return None
            try:
                st = os.stat(full)
            except OSError as exc:
                unreadable.append({"path": rel, "error": "broken link" if os.path.islink(full) else exc.strerror or str(exc)})
                continue
            if not _is_regular(st):
                continue  # sockets, pipes: not data
            total += st.st_size
            hit = self._cache.get(full, st.st_size, st.st_mtime_ns)
            if hit is not None:
                digest, stats = hit
                with self._lock:
                    self._state["files_cached"] += 1
            else:
                try:
                    digest = self._hash_file(full)
                except OSError as exc:
                    unreadable.append({"path": rel, "error": exc.strerror or str(exc)})
                    continue
                if digest is None:
                    return None
                stats = _dataset_stats.stats(full, st.st_size) if kind == "file" else None
                self._cache.put(full, st.st_size, st.st_mtime_ns, digest, stats)
                with self._lock:
                    self._state["files_hashed"] += 1
            hashed.append((rel, digest))
            if time.time() - last_flush > 1.0:
                self._cache.flush()  # cancelled or killed later, this work is kept
                last_flush = time.time()
        with self._lock:
            self._state["size"] = total
            state = dict(self._state)
        fields = {"kind": kind, "status": "unreadable" if unreadable else "complete", "size": total}
        if kind == "file" and hashed:
            fields["sha256"] = hashed[0][1]
            if stats:
                fields.update(stats)
        elif kind == "folder":
            manifest = "".join(sorted("%s  %s\n" % (digest, rel) for rel, digest in hashed))
            fields["sha256"] = hashlib.sha256(manifest.encode("utf-8", "surrogateescape")).hexdigest()
            fields["files"] = len(hashed)
        fields["bytes_hashed"] = state["bytes_hashed"]
        fields["files_cached"] = state["files_cached"]
        if unreadable:
            fields["unreadable"] = unreadable[:MAX_UNREADABLE_LISTED]
            fields["unreadable_count"] = len(unreadable)
        return fields

    def _hash_file(self, full):
        digest = hashlib.sha256()
        with open(full, "rb") as handle:
            while True:
                if self._cancel.is_set():
                    return None
                block = handle.read(_CHUNK)
                if not block:
                    break
                digest.update(block)
                with self._lock:
                    self._state["bytes_hashed"] += len(block)
        return digest.hexdigest()


def _is_regular(st):
    import stat as _stat
    return _stat.S_ISREG(st.st_mode)


def _bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0


_caches = {}
_caches_lock = threading.Lock()


def shared_cache(path):
    """One cache per file and process: a second dataset (or run) does not read the cache file again."""
    with _caches_lock:
        cache = _caches.get(path)
        if cache is None:
            cache = _caches[path] = HashCache(path)
        return cache


def disabled_handle(path_or_uri, name, context):
    """A non-zero rank records nothing: no hashing either (rank 0 hashes the same data)."""
    source = source_of(path_or_uri)
    handle = DatasetHandle("disabled", name or str(source), str(source), lambda kind, fields: None, None, context)
    handle.record_now({"kind": "missing", "status": "missing"})
    return handle


def use_dataset(path_or_uri, name, context, wait, emit, trialbook_dir, handles):
    """The use case behind Run.use_dataset/log_input: returns a DatasetHandle (already recorded when it is done)."""
    source = source_of(path_or_uri)
    if not isinstance(source, str) or not source:
        raise ValueError("trialbook: use_dataset needs a path or URI, got %r" % (path_or_uri,))
    if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 250):
        raise ValueError("trialbook: dataset name must be a string of 1 to 250 characters, got %r" % (name,))
    if context is not None and (not isinstance(context, str) or not 1 <= len(context) <= 250):
        raise ValueError("trialbook: dataset context must be a string of 1 to 250 characters, got %r" % (context,))
    wait = default_wait() if wait is None else max(0.0, float(wait))
    cache = shared_cache(os.path.join(trialbook_dir, "cache", "fingerprints.jsonl"))
    key = uuid.uuid4().hex[:12]
    if source.startswith("file://"):
        source = source[len("file://"):]
    if _URI.match(source):
        uri = clean_uri(source)
        handle = DatasetHandle(key, name or uri.rstrip("/").rsplit("/", 1)[-1] or uri, uri, emit, cache, context)
        handle.record_now({"kind": "remote", "status": "remote"})
        return handle
    path = os.path.abspath(os.path.expanduser(source))
    label = name or os.path.basename(path.rstrip(os.sep)) or path
    handle = DatasetHandle(key, label, path, emit, cache, context)
    if not os.path.exists(path):
        warnings.warn("trialbook: dataset %r: %s does not exist (relative paths are read from %s); it is recorded as "
                      "missing and the run goes on: check the path" % (label, source, os.getcwd()), UserWarning, stacklevel=3)
        handle.record_now({"kind": "missing", "status": "missing"})
        return handle
    handles.append(handle)
    handle.start(path, wait)
    return handle
