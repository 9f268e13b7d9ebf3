"""Chunks handed to the writer process but not yet confirmed written, kept to be written here if it dies.

After each write the child confirms `("k", seq, offset)`: chunk frames up to `seq` are in the file,
which then ends at `offset`. When the child dies, the frames after `seq` may be anywhere between
not written and written in full, and a SIGKILL can cut a line in half. The training process then
drops a partial last line, re-encodes the retained frames (ChunkEncoder gives the child's very
lines for what the pipe carries: tuples, event dicts and finished text) and appends the lines the
file does not already hold after `offset`. Nothing is lost and nothing is written twice.
"""
from __future__ import annotations

import collections
import marshal
import threading
from typing import Any, Deque, Tuple

from ._resume import drop_partial_line

# The most marshalled bytes kept (a full disk stops confirmations while the child keeps a backlog);
# beyond it the oldest frames are forgotten and counted, and a recovery says that some may be missing.
MAX_RETAINED_BYTES = 16 << 20


class Retained:
    """Frames kept in the order sent; confirmations come from another thread than the sender's."""

    def __init__(self, offset: int) -> None:
        self._lock = threading.Lock()
        self.frames: Deque[Tuple[int, bytes]] = collections.deque()
        self.size = 0
        self.sent = 0  # chunk frames sent so far
        self.offset = offset  # where the file ended at the last confirmation
        self.forgotten = 0

    def add(self, blob: bytes) -> None:
        with self._lock:
            self.sent += 1
            self.frames.append((self.sent, blob))
            self.size += len(blob)
            while self.size > MAX_RETAINED_BYTES and len(self.frames) > 1:
                self.size -= len(self.frames.popleft()[1])
                self.forgotten += 1

    def discard_last(self) -> None:
        """The last frame added was not sent after all."""
        with self._lock:
            if self.frames and self.frames[-1][0] == self.sent:
                self.size -= len(self.frames.pop()[1])
            self.sent -= 1

    def confirm(self, seq: int, offset: int) -> None:
        with self._lock:
            frames = self.frames
            while frames and frames[0][0] <= seq:
                self.size -= len(frames.popleft()[1])
            self.offset = offset

    def clear(self) -> None:
        with self._lock:
            self.frames.clear()
            self.size = 0

    def missing_lines(self, path: str, encoder: Any) -> str:
        """The retained frames' lines that `path` lacks after the confirmed offset (the caller is now
        the log's only writer); a partial last line is cut first. Empties the retained frames."""
        if not self.frames:
            return ""
        drop_partial_line(path)
        present: "collections.Counter[bytes]" = collections.Counter()
        try:
            with open(path, "rb") as handle:
                handle.seek(self.offset)
                present.update(handle.read().split(b"\n"))
        except OSError:
            pass
        out = []
        with self._lock:
            frames = [blob for _seq, blob in self.frames]
        for blob in frames:
            _kind, items = marshal.loads(blob)
            text, _units, _problems = encoder.encode(items)  # problems: none for what the pipe carries
            for line in text.encode("utf-8", "surrogatepass").split(b"\n")[:-1]:
                if present[line] > 0:
                    present[line] -= 1  # the child wrote it before it died
                else:
                    out.append(line + b"\n")
        self.clear()
        return b"".join(out).decode("utf-8", "surrogatepass")
