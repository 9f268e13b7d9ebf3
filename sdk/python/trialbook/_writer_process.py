"""The writer process: encodes and writes a run's log on another core, outside the training process.

ProcessWriter keeps EventWriter's queue, bounds and drain loop in the training process, but its
background thread only marshals each chunk (about 0.1 us an event) and writes it to a pipe; a child
Python process (started with `-I -S` from _writer_child.py, importing only the writer's modules) encodes
the lines with ChunkEncoder and writes them, without the training process's GIL. Whatever reached the
pipe is written even if the training process is then SIGKILLed: the child drains the pipe to its end.

What stays in the training process: media rendering and device-scalar reads (anything marshal cannot
carry, e.g. NonFinite values, is encoded here into its finished line and sent as text), heartbeats
(a dead or hung training process must stop them), and the queue's time and memory bounds. flush()
returns once the child has written everything sent before it (the child acknowledges on a second
pipe, which also carries its warnings back). If the child cannot be started or dies, the writer says
so once and goes on writing from its thread in this process (EventWriter's own path), starting with
what the child was handed and had not confirmed writing (_writer_retained). The pipe protocol and the
child's loop are in _writer_serve.
"""
from __future__ import annotations

import marshal
import os
import select
import subprocess
import sys
import threading
import time
import weakref
from typing import Any, List, Optional

from ._encoding import warning_line
from ._values import DeviceScalar, resolve_device_scalars
from ._writer import CHUNK_EVENTS, EventWriter
from ._writer_retained import Retained
from ._writer_serve import LENGTH as _LENGTH

_CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_writer_child.py")
# The thread here only marshals (about 0.1 us an event), so it sends the whole queue as one frame
# and wakes rarely: twice per flush interval, or once WAKE_UNITS are queued (a tight loop). Each
# wake and each frame costs a thread switch here and a wake-up, read, write and answer in the
# writer process whatever its size (measured in a PyTorch loop logging every step: 32-event
# frames, sent every ~600 steps, cost the writer process ~3x the CPU of one frame per half second).
FRAME_EVENTS = 8192
WAKE_UNITS = 1 << 16
_START_TIMEOUT = 30.0  # a flush waits at most this long for a child that has not yet said it is ready
_live: "weakref.WeakSet[ProcessWriter]" = weakref.WeakSet()


class ProcessWriter(EventWriter):
    """EventWriter whose chunks go to a writer process (module docstring)."""

    def __init__(self, run_dir: str, flush_interval: float = 1.0, heartbeat_interval: float = 5.0) -> None:
        EventWriter.__init__(self, run_dir, flush_interval, heartbeat_interval)
        self._proc: Optional[subprocess.Popen] = None
        self._out = -1  # the data pipe (write end)
        self._acks = -1  # the child's answers (read end)
        self._ack_lock = threading.Lock()
        self._ack_buffer = b""
        self._sent = 0  # flush tokens sent
        self._acked = 0  # flush tokens the child answered
        self._ready = False
        self._retained = Retained(0)
        self._orphaned = False  # the child died: what it was handed and did not write is still to write
        self._frame_out = False  # the frame being sent is all in the pipe
        self.frames_sent = 0  # frames handed to the writer process (for tests and benchmarks)
        self._wake_units = WAKE_UNITS
        self._wake_interval = self._flush_interval / 2

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        try:
            self._spawn()
        except Exception as exc:  # no interpreter to start, no pipes (Windows), a process limit...
            self._fall_back("could not be started (%s)" % exc)
        super().start()

    def _spawn(self) -> None:
        executable = sys.executable
        if not executable:
            raise OSError("sys.executable is empty")
        data_r, data_w = os.pipe()
        ack_r, ack_w = os.pipe()
        try:
            package = os.path.dirname(os.path.abspath(__file__))
            self._proc = subprocess.Popen(
                [executable, "-I", "-S", _CHILD, package, self.run_dir, str(data_r), str(ack_w)],
                pass_fds=(data_r, ack_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, close_fds=True)
        except BaseException:
            for fd in (data_r, data_w, ack_r, ack_w):
                os.close(fd)
            raise
        os.close(data_r)
        os.close(ack_w)
        self._out, self._acks = data_w, ack_r
        _live.add(self)
        with self._lock:
            if self._file is not None:
                try:
                    self._file.close()  # the child appends from now on; a fallback reopens the log
                except OSError:
                    pass
                self._file = None
            try:
                self._retained.offset = os.path.getsize(self.path)
            except OSError:
                pass
            if self._backlog:  # run_start could not be written yet: the child retries it
                backlog, self._backlog = self._backlog, b""
                self._send_chunk(marshal.dumps(("c", [backlog.decode("utf-8", "surrogatepass")])))

    def close(self, timeout: float = 5.0) -> None:
        super().close(timeout)  # stops the thread and flushes (waits for the child's answer)
        out, self._out = self._out, -1
        if out >= 0:
            os.close(out)  # end of data: the child finishes and exits
        deadline = time.monotonic() + timeout
        with self._ack_lock:  # its last words (e.g. events a full disk made it lose) until it exits
            while self._acks >= 0 and time.monotonic() < deadline:
                self._read_acks(max(0.0, deadline - time.monotonic()))
        proc = self._proc
        if proc is not None:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass  # it goes on writing on its own and exits at the end of the pipe
            if proc.returncode not in (None, 0):
                self._orphaned = True  # it died after the last flush's answer
        if self._orphaned and self._acquire(None):
            try:
                self._adopt()
                if self._file is not None:
                    self._file.close()
                    self._file = None
            finally:
                self._release()
        self._retained.clear()
        self._close_acks()
        _live.discard(self)

    def after_fork(self) -> None:
        """In a forked child (a DataLoader worker): let go of the pipes and of what the writer process
        was handed. The writer process ends at the pipe's end, which a copy here would hold open."""
        self._retained.clear()
        self._orphaned = False
        for fd in (self._out, self._acks):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._out = self._acks = -1

    @property
    def process_pid(self) -> Optional[int]:
        """The writer process's pid while it writes this run's log (None when writing from a thread)."""
        return self._proc.pid if self._proc is not None and self._out >= 0 else None

    # -- the sink ------------------------------------------------------------------
    def _chunk_size(self) -> int:
        return FRAME_EVENTS if self._out >= 0 else EventWriter._chunk_size(self)

    def _drain_chunk(self, size: int = FRAME_EVENTS) -> int:
        if self._out < 0:
            return EventWriter._drain_chunk(self, min(size, CHUNK_EVENTS))
        pending = self.pending
        items = pending[:size]
        del pending[:len(items)]
        try:
            blob = self._pack(items)
        except BaseException:
            pending[0:0] = items
            raise
        queued = self.added - self.taken
        try:
            if not self._send_chunk(blob):
                pending[0:0] = items  # the child is gone: this thread writes them
                self._adopt()
                return EventWriter._drain_chunk(self, min(size, CHUNK_EVENTS))
        finally:
            # `taken` estimates the units handed over: proportional, exact whenever the queue empties
            self.taken += queued * len(items) // max(1, len(items) + len(pending))
            if not pending:
                self.taken = self.added
        return len(items)

    def _write(self, text: str) -> None:
        if self._out < 0:
            self._adopt()
            EventWriter._write(self, text)
        elif text:
            if not self._send_chunk(marshal.dumps(("c", [text]))):
                self._adopt()
                EventWriter._write(self, text)

    def _pack(self, items: List[Any]) -> bytes:
        """The marshalled ("c", items), with what marshal cannot carry encoded here into finished lines."""
        try:
            return marshal.dumps(("c", items))
        except ValueError:
            scalars = [v for item in items if type(item) is tuple and len(item) == 5
                       for v in item[2].values() if type(v) is DeviceScalar]
            if scalars:
                resolve_device_scalars(scalars)  # one read per device for the whole chunk
            portable = []
            for item in items:
                try:
                    marshal.dumps(item)
                    portable.append(item)
                except ValueError:  # media, device values, NonFinite: the finished line
                    data, _units, problems = self._encoder.encode([item])
                    portable.append(data + "".join(warning_line(p) for p in problems))
            return marshal.dumps(("c", portable))

    def _send_chunk(self, blob: bytes) -> bool:
        """Send a marshalled chunk frame and keep it until the child confirms writing it."""
        self._retained.add(blob)  # before sending: the child may confirm it at once
        self._frame_out = False
        try:
            if self._send_frame(blob):
                return True
        except BaseException:
            if not self._frame_out:  # interrupted before any of it was sent: the caller keeps the events
                self._retained.discard_last()
            raise
        self._retained.discard_last()  # the caller writes it itself
        return False

    def _send_frame(self, blob: bytes) -> bool:
        """Write one length-prefixed frame to the child; False when the child is gone. A signal
        handler's exception does not cut a frame in half: it is raised once the frame is out."""
        view = memoryview(_LENGTH.pack(len(blob)) + blob)
        interrupted: Optional[BaseException] = None
        while view:
            try:
                n = os.write(self._out, view)
            except OSError as exc:
                self._fall_back("ended (%s)" % (exc.strerror or exc))
                return False
            except BaseException as exc:  # KeyboardInterrupt from a handler: finish the frame first
                if len(view) == len(blob) + _LENGTH.size:
                    raise  # nothing sent yet
                interrupted = interrupted or exc
                continue
            view = view[n:]
        self.frames_sent += 1
        if interrupted is not None:
            self._frame_out = True
            raise interrupted
        return True

    def _fall_back(self, why: str) -> None:
        out, self._out = self._out, -1
        self._wake_units, self._wake_interval = 0, self._flush_interval  # a thread's pacing (_writer)
        if out >= 0:
            self._orphaned = True
            try:
                os.close(out)
            except OSError:
                pass
        self._warn_once("process", "trialbook: the writer process %s; writing the run log %s from a thread of "
                        "this process instead (slower training; a crash loses up to a second of events)"
                        % (why, self.path))

    # -- flush: the child's answer -----------------------------------------------------
    def flush(self, heartbeat: bool = False, timeout: Optional[float] = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._acquire(timeout):
            return False
        try:
            if not self._flush_locked(heartbeat):
                return True
            if self._out < 0:
                return True
            self._sent += 1
            token = self._sent
            if not self._send_frame(marshal.dumps(("f", token))):
                return self._flush_locked(False) or True
        finally:
            self._release()
        return self._wait_ack(token, deadline)

    def _flush_locked(self, heartbeat: bool) -> bool:
        """EventWriter.flush's body (the caller holds the lock); False in a forked child."""
        if os.getpid() != self._pid:
            self._discard_in_fork()
            return False
        if self._out < 0:
            self._adopt()
        if (heartbeat and not self._ending) or self._backlog:
            self._write('{"v":1,"t":"heartbeat","ts":%r}\n' % time.time() if heartbeat and not self._ending else "")
        remaining = len(self.pending)
        while remaining > 0 and self.pending:
            remaining -= self._drain_chunk()
        return True

    def _adopt(self) -> None:
        """The child is gone (caller holds the lock): write what it was handed and did not write,
        before anything this thread writes from now on."""
        if not self._orphaned or os.getpid() != self._pid:
            return
        self._orphaned = False
        forgotten = self._retained.forgotten
        text = self._retained.missing_lines(self.path, self._encoder)
        if forgotten:
            text += warning_line("trialbook: the writer process ended while %d chunks of events it was handed "
                                 "were beyond what this process keeps for it; some of them may be missing"
                                 % forgotten)
        if text:
            EventWriter._write(self, text)

    def _wait_ack(self, token: int, deadline: Optional[float]) -> bool:
        while self._acked < token:
            if self._acks < 0:
                return self.flush(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                return False
            if not self._ack_lock.acquire(timeout=-1 if wait is None else wait):
                return False
            try:
                if self._acked < token:
                    if wait is None and not self._ready:
                        self._read_acks(_START_TIMEOUT, give_up=True)
                    else:
                        self._read_acks(wait)
            finally:
                self._ack_lock.release()
        if self._orphaned:  # it died before answering: write here what it did not
            return self.flush(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
        return True

    def poll(self) -> None:
        """Take the child's warnings without waiting (called by the drain loop)."""
        if self._acks >= 0 and self._ack_lock.acquire(blocking=False):
            try:
                self._read_acks(0.0)
            finally:
                self._ack_lock.release()

    def _drain_all(self, heartbeat: bool = False) -> None:
        EventWriter._drain_all(self, heartbeat)
        self.poll()
        if self._orphaned and self._acquire(None):
            try:
                self._adopt()
            finally:
                self._release()

    def _read_acks(self, wait: Optional[float], give_up: bool = False) -> None:
        """Read what the child has said within `wait` seconds (caller holds _ack_lock)."""
        fd = self._acks
        try:
            ready, _, _ = select.select([fd], [], [], wait)
        except (OSError, ValueError):
            return
        if not ready:
            if give_up and self._out >= 0:
                if self._proc is not None:
                    self._proc.kill()  # hung: it must not write once this process writes instead
                    self._proc.wait()
                self._fall_back("did not answer within %.0f s" % wait)
                self._close_acks()
            return
        data = os.read(fd, 65536)
        if not data:  # the child exited: what it had not written is this process's to write
            code = self._proc.poll() if self._proc is not None else None
            if self._out >= 0:
                self._fall_back("ended unexpectedly (exit status %s)" % code)
            self._close_acks()
            return
        buffer = self._ack_buffer + data
        while len(buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(buffer)
            if len(buffer) < _LENGTH.size + length:
                break
            message = marshal.loads(buffer[_LENGTH.size:_LENGTH.size + length])
            buffer = buffer[_LENGTH.size + length:]
            self._ready = True
            if message[0] == "a":
                self._acked = max(self._acked, message[1])
            elif message[0] == "k":
                self._retained.confirm(message[1], message[2])
            elif message[0] == "w":
                self._warn_once(message[1], message[2])
        self._ack_buffer = buffer

    def _close_acks(self) -> None:
        fd, self._acks = self._acks, -1
        if fd >= 0:
            os.close(fd)
        self._acked = self._sent  # nothing more will answer: the fallback path has written the rest


def _close_in_fork() -> None:
    for writer in list(_live):
        writer.after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_fork)
