"""The event writer: an in-memory queue drained by one background thread.

run.log() only appends a tuple to a list; serialising to JSON and writing happens on
the flush thread in batches, one write() of whole lines per batch, so a crash leaves
at most one partial trailing line. The same thread writes heartbeats.
"""
import errno
import os
import sys
import threading
import time
import warnings

from ._values import encode

FORMAT_VERSION = 1
# Beyond this much unwritten data (disk full, read-only folder) new events are dropped
# rather than growing memory without bound in a long training job.
MAX_BACKLOG_BYTES = 64 * 1024 * 1024

_HEARTBEAT = '{"v":1,"t":"heartbeat","ts":%r}\n'


class EventWriter:
    def __init__(self, run_dir, flush_interval=1.0, heartbeat_interval=5.0, opener=None):
        self.run_dir = run_dir
        self.path = os.path.join(run_dir, "events.jsonl")
        self.pending = []  # appended by any thread; only the flusher removes (under _lock)
        self._flush_interval = max(0.01, float(flush_interval))
        self._heartbeat_interval = float(heartbeat_interval) if heartbeat_interval else 0.0
        self._opener = opener or _open_append
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self._file = None
        self._backlog = b""
        self._dropped = 0
        self._warned = set()
        self._last_write = time.time()
        self._thread = None
        self._pid = os.getpid()

    # -- lifecycle ---------------------------------------------------------------
    def open(self, truncate_partial=False):
        """Open the log now so that a read-only folder is reported at init()."""
        with self._lock:
            self._ensure_file(truncate_partial)

    def start(self):
        self._thread = threading.Thread(target=self._loop, name="trialbook-writer", daemon=True)
        self._thread.start()

    def close(self, timeout=5.0):
        self._stop = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread() and thread.is_alive():
            thread.join(timeout)
        self.flush(timeout=timeout)
        with self._lock:
            if self._file is not None:
                try:
                    self._file.close()
                except OSError:
                    pass
                self._file = None

    def put(self, kind, fields):
        """Queue one non-metrics event; `fields` must already hold JSON-ready values."""
        event = {"v": FORMAT_VERSION, "t": kind, "ts": time.time()}
        event.update(fields)
        self.pending.append(event)

    def wake(self):
        self._wake.set()

    # -- flushing -----------------------------------------------------------------
    def _loop(self):
        next_beat = time.time() + self._heartbeat_interval if self._heartbeat_interval else None
        while not self._stop:
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            if self._stop:
                break
            beat = False
            if next_beat is not None and time.time() >= next_beat:
                beat = True
                next_beat = time.time() + self._heartbeat_interval
            try:
                self.flush(heartbeat=beat)
            except Exception as exc:  # never let the thread die silently
                self._warn_once("flush", "trialbook: writing the run log failed (%s); training continues" % exc)

    def flush(self, heartbeat=False, timeout=None):
        """Serialise and write everything queued. Safe from any thread; returns False
        when the lock could not be taken in time (e.g. from a signal handler)."""
        if timeout is None:
            self._lock.acquire()
        elif not self._lock.acquire(timeout=timeout):
            return False
        try:
            pending = self.pending
            n = len(pending)
            if n == 0 and not heartbeat and not self._backlog:
                return True
            items = pending[:n]
            del pending[:n]  # atomic under the GIL: items appended meanwhile stay queued
            data = self._serialise(items)
            if heartbeat:
                data += _HEARTBEAT % time.time()
            self._write(data.encode("utf-8", "surrogatepass"))
            return True
        finally:
            self._lock.release()

    def _serialise(self, items):
        parts = []
        add = parts.append
        for item in items:
            if type(item) is tuple:
                ts, step, values, cell = item
                if cell is None:
                    add('{"v":1,"t":"metrics","ts":%r,"step":%d,"values":%s}\n' % (ts, step, encode(values)))
                else:
                    add('{"v":1,"t":"metrics","ts":%r,"step":%d,"values":%s,"cell":%s}\n'
                        % (ts, step, encode(values), encode(cell)))
            else:
                try:
                    add(encode(item) + "\n")
                except (TypeError, ValueError) as exc:
                    # Values are encoded before queueing; this is a last line of defence.
                    self._warn_once("encode", "trialbook: an event could not be encoded and was dropped: %s" % exc)
        return "".join(parts)

    def _write(self, data):
        if self._backlog:
            if len(self._backlog) + len(data) > MAX_BACKLOG_BYTES:
                self._dropped += 1
                data = b""
            data = self._backlog + data
            self._backlog = b""
        if not data:
            return
        if os.getpid() != self._pid:
            return  # a forked child (e.g. a DataLoader worker) must not write the parent's log
        if not self._ensure_file():
            self._backlog = data
            return
        view = memoryview(data)
        written = 0
        try:
            while written < len(data):
                n = self._file.write(view[written:])
                if not n:
                    raise OSError(errno.EIO, "write returned %r" % (n,))
                written += n
            self._last_write = time.time()
        except OSError as exc:
            # Keep the unwritten tail (it continues a partial line, if any) and retry
            # on the next flush: the log stays a sequence of whole lines.
            self._backlog = bytes(view[written:])
            self._warn_once(
                "write",
                "trialbook: cannot write the run log %s (%s). Training continues; events are "
                "kept in memory (up to 64 MiB) and written when writing works again. Free disk "
                "space or fix the folder's permissions." % (self.path, exc.strerror or exc))

    def _ensure_file(self, truncate_partial=False):
        if self._file is not None:
            return True
        try:
            os.makedirs(self.run_dir, exist_ok=True)
            if truncate_partial:
                _drop_partial_line(self.path)
            self._file = self._opener(self.path)
            return True
        except OSError as exc:
            self._warn_once(
                "open",
                "trialbook: cannot create the run log %s (%s). Training continues but this run "
                "is not being recorded; set TRIALBOOK_DIR or init(dir=...) to a writable folder."
                % (self.path, exc.strerror or exc))
            return False

    def _warn_once(self, kind, message):
        if kind in self._warned:
            return
        self._warned.add(kind)
        try:
            warnings.warn(message, RuntimeWarning, stacklevel=2)
        except Exception:
            pass
        if threading.current_thread() is not threading.main_thread():
            # warnings from a background thread are easy to miss: say it on stderr too
            try:
                sys.stderr.write(message + "\n")
            except Exception:
                pass

    @property
    def healthy(self):
        return self._file is not None and not self._backlog

    @property
    def dropped(self):
        return self._dropped


def _open_append(path):
    return open(path, "ab", buffering=0)


def _drop_partial_line(path):
    """A writer killed mid-line leaves a tail without '\\n'; cut it before appending
    (the run's only writer is dead) so the next line does not glue onto it."""
    try:
        with open(path, "rb+") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            if size == 0:
                return
            pos = size
            chunk = 65536
            while pos > 0:
                start = max(0, pos - chunk)
                handle.seek(start)
                block = handle.read(pos - start)
                if pos == size and block.endswith(b"\n"):
                    return
                idx = block.rfind(b"\n")
                if idx >= 0:
                    handle.truncate(start + idx + 1)
                    return
                pos = start
            handle.truncate(0)
    except FileNotFoundError:
        pass
