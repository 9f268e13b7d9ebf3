"""The event writer: an in-memory queue drained in chunks by one background thread, with bounds.

run.log() appends a tuple to a list and adds the event's size in *units* (one per value, four per
event) to a counter. The writer thread wakes every `flush_interval` and whenever a few thousand
units are queued, and drains the queue oldest first, a chunk at a time: each chunk is encoded and
written with one write() of whole lines, so a crash leaves at most one partial trailing line and
data reaches the file while the thread works through a backlog.

Two bounds hold at any logging rate (README, "Speed and safety"):
- time: when the oldest queued event is older than `flush_interval`, or
- memory: when more than MAX_QUEUED_UNITS units are queued,
the thread that calls log() writes the oldest chunks itself before returning (it does the work
the writer thread could not keep up with; nothing is dropped). log() checks both every
CHECK_UNITS units, so the check costs nothing measurable. Encoding lines is _encoding's job.
"""
from __future__ import annotations

import errno
import os
import sys
import threading
import time
import warnings
from typing import Any, Callable, Dict, List, Optional

from ._encoding import DEVICE_UNITS, EVENT_UNITS, FORMAT_VERSION, PUT_UNITS, ChunkEncoder, warning_line
from ._resume import drop_partial_line
from ._writer_null import NullWriter

__all__ = ["DEVICE_UNITS", "EVENT_UNITS", "FORMAT_VERSION", "EventWriter", "NullWriter"]

# At most this many units queued (see _encoding: one per value, four per event): about 48 MiB at
# most (measured: +38 MiB of RSS with 432k units of 256-metric events queued, encoder buffers included).
MAX_QUEUED_UNITS = 1 << 19
CHECK_UNITS = 4096
# Events per chunk: one encode and one write() each. While the queue is short the writer thread
# takes small chunks: each write() releases the GIL, so the training thread, back from a PyTorch op
# (which runs without the GIL, e.g. the whole backward pass), waits at most one small chunk, and
# the writer's work mostly fits in those GIL-free windows on another core. Once the queue is
# long (a loop that seldom releases the GIL), chunks are large so the writer keeps up.
SMALL_CHUNK_EVENTS = 32
CHUNK_EVENTS = 512
LONG_QUEUE_UNITS = 4 * CHECK_UNITS
# Encoded lines kept while writing fails (disk full, read-only folder), retried at every flush;
# beyond this, new lines are dropped, counted, and reported once writing works again.
MAX_BACKLOG_BYTES = 32 * 1024 * 1024

_HEARTBEAT = '{"v":1,"t":"heartbeat","ts":%r}\n'


class EventWriter:
    """Appends a run's events to `<run_dir>/events.jsonl`. Producers (any thread) append to
    `pending` and add to `added`; whoever drains (the writer thread, or a producer over a bound)
    holds `_lock` from taking a chunk to writing it, so lines stay in the order they were logged."""

    def __init__(self, run_dir: str, flush_interval: float = 1.0, heartbeat_interval: float = 5.0,
                 opener: Optional[Callable[[str], Any]] = None) -> None:
        self.run_dir = run_dir
        self.path = os.path.join(run_dir, "events.jsonl")
        self.pending: List[Any] = []
        self.added = 0  # units queued so far (producers only)
        self.taken = 0  # units drained so far (drainers only, under _lock)
        self.check_at = CHECK_UNITS  # producers call over_limit() when `added` reaches it
        self.peak_units = 0  # the most units seen queued at a check (for tests and benchmarks)
        self.inline_chunks = 0  # chunks written by logging threads because the writer fell behind
        self._flush_interval = max(0.01, float(flush_interval))
        self._wake_interval = self._flush_interval  # the drain loop's timer
        self._wake_units = 0  # over_limit() wakes the drain loop once this many units are queued
        self._heartbeat_interval = float(heartbeat_interval) if heartbeat_interval else 0.0
        self._opener = opener or _open_append
        self._lock = threading.Lock()
        self._owner: Optional[int] = None  # thread holding _lock while it drains
        self._after_release: Optional[Callable[[], None]] = None
        self._wake = threading.Event()
        self._stop = False
        self._ending = False
        self._file: Any = None
        self._backlog = b""
        self._dropped = 0
        self._failure = ""  # why the last write failed
        self._warned: set = set()
        self._thread: Optional[threading.Thread] = None
        self._pid = os.getpid()
        self._encoder = ChunkEncoder()

    # -- lifecycle ---------------------------------------------------------------
    def open(self, truncate_partial: bool = False) -> None:
        """Open the log now so that a read-only folder is reported at init()."""
        with self._lock:
            self._ensure_file(truncate_partial)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="trialbook-writer", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        self._stop = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread() and thread.is_alive():
            thread.join(timeout)
        self.flush(timeout=timeout)
        self.report_lost()
        with self._lock:
            if self._file is not None:
                try:
                    self._file.close()
                except OSError:
                    pass
                self._file = None

    # -- producers ---------------------------------------------------------------
    def put(self, kind: str, fields: Dict[str, Any]) -> None:
        """Queue one non-metrics event; `fields` must already hold JSON-ready values."""
        event = {"v": FORMAT_VERSION, "t": kind, "ts": time.time()}
        event.update(fields)
        if kind == "run_end":
            self._ending = True  # no heartbeat may follow it
        self.enqueue(event, PUT_UNITS)

    def enqueue(self, item: Any, units: int) -> None:
        """Queue a metrics tuple or an event dict (run.log() inlines the same three lines)."""
        self.pending.append(item)
        self.added += units
        if self.added >= self.check_at:
            self.over_limit()

    def over_limit(self) -> None:
        """Called by producers every CHECK_UNITS units: wake the writer thread, or write the
        oldest events from this thread when the queue is over its time or memory bound."""
        queued = self.added - self.taken
        self.check_at = self.added + CHECK_UNITS
        if queued > self.peak_units:
            self.peak_units = queued
        if queued >= MAX_QUEUED_UNITS or self._oldest_age() > self._flush_interval:
            self._catch_up()
        elif queued >= self._wake_units:
            self._wake.set()

    def _oldest_age(self) -> float:
        try:
            oldest = self.pending[0]
        except IndexError:
            return 0.0
        ts = oldest[0] if type(oldest) is tuple else oldest.get("ts", 0.0)
        return time.time() - ts

    def _catch_up(self) -> None:
        """The writer thread fell behind: write from this thread until the queue is back under
        half its memory bound and its oldest event is younger than half the flush interval."""
        if os.getpid() != self._pid:
            self._discard_in_fork()
            return
        if not self._acquire(None):
            return
        try:
            while self.pending and (self.added - self.taken > MAX_QUEUED_UNITS // 2
                                    or self._oldest_age() > self._flush_interval / 2):
                self._drain_chunk()
                self.inline_chunks += 1
        finally:
            self._release()

    def wake(self) -> None:
        self._wake.set()

    # -- draining -----------------------------------------------------------------
    def _loop(self) -> None:
        next_beat = time.time() + self._heartbeat_interval if self._heartbeat_interval else None
        while not self._stop:
            self._wake.wait(self._wake_interval)
            self._wake.clear()
            if self._stop:
                break
            beat = False
            if next_beat is not None and time.time() >= next_beat:
                beat = True
                next_beat = time.time() + self._heartbeat_interval
            try:
                self._drain_all(heartbeat=beat)
            except Exception as exc:  # never let the thread die silently
                self._warn_once("flush", "trialbook: writing the run log failed (%s); training continues" % exc)

    def _drain_all(self, heartbeat: bool = False) -> None:
        """Drain what is queued now, one chunk per lock hold so logging threads that must catch
        up can take their turn in between. The heartbeat goes first: written after the chunks it
        could follow a run_end among them."""
        remaining = len(self.pending)
        while True:
            self._acquire(None)
            try:
                if os.getpid() != self._pid:
                    self._discard_in_fork()
                    return
                if (heartbeat and not self._ending) or self._backlog:
                    self._write(_HEARTBEAT % time.time() if heartbeat and not self._ending else "")
                heartbeat = False
                if remaining <= 0 or not self.pending:
                    return
                remaining -= self._drain_chunk(self._chunk_size())
            finally:
                self._release()

    def _chunk_size(self) -> int:
        """Events per chunk for the drain loop: small while the queue is short (above)."""
        return CHUNK_EVENTS if self.added - self.taken >= LONG_QUEUE_UNITS else SMALL_CHUNK_EVENTS

    def flush(self, heartbeat: bool = False, timeout: Optional[float] = None) -> bool:
        """Encode and write everything queued so far. Safe from any thread; returns False when the
        lock could not be taken in time (e.g. from a signal handler while another thread writes)."""
        if not self._acquire(timeout):
            return False
        try:
            if os.getpid() != self._pid:
                self._discard_in_fork()
                return True
            if (heartbeat and not self._ending) or self._backlog:
                self._write(_HEARTBEAT % time.time() if heartbeat and not self._ending else "")
            remaining = len(self.pending)
            while remaining > 0 and self.pending:
                remaining -= self._drain_chunk()
            return True
        finally:
            self._release()

    def _acquire(self, timeout: Optional[float]) -> bool:
        if self._owner == threading.get_ident():
            return False  # a signal handler interrupted this thread while it was writing
        if timeout is None:
            self._lock.acquire()
        elif not self._lock.acquire(timeout=timeout):
            return False
        self._owner = threading.get_ident()
        return True

    def _release(self) -> None:
        self._owner = None
        self._lock.release()
        after, self._after_release = self._after_release, None
        if after is not None:
            after()

    def busy_in_current_thread(self) -> bool:
        """True while the calling thread is inside a drain (a signal handler that runs then
        must not write: use call_after_release)."""
        return self._owner == threading.get_ident()

    def call_after_release(self, func: Callable[[], None]) -> None:
        self._after_release = func

    def _drain_chunk(self, size: int = CHUNK_EVENTS) -> int:
        """Take, encode and write up to `size` of the oldest events (caller holds _lock).
        An exception (e.g. KeyboardInterrupt while encoding) puts the chunk back."""
        pending = self.pending
        items = pending[:size]
        del pending[:len(items)]  # atomic under the GIL: events appended meanwhile stay queued
        try:
            data, units, problems = self._encoder.encode(items)
        except BaseException:
            pending[0:0] = items
            raise
        self.taken += units
        if not pending:
            self.taken = self.added  # resynchronise the estimate whenever the queue is empty
        for problem in problems:
            data += warning_line(problem)  # in the log, right after the events it concerns
        self._write(data)
        return len(items)

    def _discard_in_fork(self) -> None:
        # a forked child (e.g. a DataLoader worker) must not write the parent's log
        del self.pending[:]
        self.taken = self.added

    def _write(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        if self._backlog:
            if len(self._backlog) + len(data) > MAX_BACKLOG_BYTES:
                self._dropped += data.count(b"\n")
                self._warn_once(
                    "dropped",
                    "trialbook: the run log %s still cannot be written and %d MiB of events are waiting; "
                    "newer events are being dropped (their number is recorded once writing works again)"
                    % (self.path, MAX_BACKLOG_BYTES >> 20))
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
        except OSError as exc:
            # Keep the unwritten tail (it continues a partial line, if any) and retry
            # on the next flush: the log stays a sequence of whole lines.
            self._backlog = bytes(view[written:])
            self._failure = exc.strerror or str(exc)
            self._warn_once(
                "write",
                "trialbook: cannot write the run log %s (%s). Training continues; events are "
                "kept in memory (up to %d MiB) and written when writing works again. Free disk "
                "space or fix the folder's permissions." % (self.path, exc.strerror or exc, MAX_BACKLOG_BYTES >> 20))
            return
        if self._dropped:
            dropped, self._dropped = self._dropped, 0
            self._write(warning_line(
                "trialbook: %d events were dropped because the run log could not be written and "
                "%d MiB of events were already waiting" % (dropped, MAX_BACKLOG_BYTES >> 20)))

    def _ensure_file(self, truncate_partial: bool = False) -> bool:
        if self._file is not None:
            return True
        try:
            os.makedirs(self.run_dir, exist_ok=True)
            if truncate_partial:
                drop_partial_line(self.path)
            self._file = self._opener(self.path)
            return True
        except OSError as exc:
            self._warn_once(
                "open",
                "trialbook: cannot create the run log %s (%s). Training continues but this run "
                "is not being recorded; set TRIALBOOK_DIR or init(dir=...) to a writable folder."
                % (self.path, exc.strerror or exc))
            return False

    def _warn_once(self, kind: str, message: str) -> None:
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

    def report_lost(self) -> None:
        """At the end: say how many events a failing disk kept out of the log for good."""
        lost = self._backlog.count(b"\n") + self._dropped
        if lost:
            self._warn_once(
                "lost", "trialbook: the last %d events of the run log %s could not be written and are lost (%s); "
                "the events before them are in the log. Free disk space or fix the folder's permissions "
                "before the next run." % (lost, self.path, self._failure or "the log could not be opened"))

    @property
    def healthy(self) -> bool:
        return self._file is not None and not self._backlog

    @property
    def dropped(self) -> int:
        return self._dropped


def _open_append(path: str) -> Any:
    return open(path, "ab", buffering=0)
