"""The writer process's side of the pipe (run by _writer_child.py): read frames, encode, write, answer.

Frames, each a 4-byte little-endian length and a marshalled tuple:
  to the child:   ("c", items)  a chunk: metrics tuples, event dicts, finished lines
                  ("f", token)  flush: answer ("a", token) once everything before it is handled
  to the parent:  ("r",)        ready;  ("a", token)  flush answered
                  ("k", n, offset)  the first n chunks are in the file, which ends at `offset`
                  ("w", kind, message)  a warning for the user, once per kind
Answers never block the child: when the parent is not reading, they wait here (a newer "k"
replaces an unsent one), so a busy training process cannot stall the writing.
"""
from __future__ import annotations

import marshal
import os
import select
import signal
import struct
import sys
from typing import Any, List

from ._encoding import ChunkEncoder, warning_line
from ._writer import EventWriter

LENGTH = struct.Struct("<I")
_RETRY = 1.0  # seconds between retries of a backlog (disk full) when no data comes


class _Answers:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.waiting: List[Any] = []
        os.set_blocking(fd, False)

    def send(self, message: Any) -> bool:
        """Queue `message` and send what the pipe takes now; False once the parent is gone."""
        if message[0] == "k":
            self.waiting = [m for m in self.waiting if m[0] != "k"]
        self.waiting.append(message)
        return self.push()

    def push(self) -> bool:
        while self.waiting:
            blob = marshal.dumps(self.waiting[0])
            try:
                os.write(self.fd, LENGTH.pack(len(blob)) + blob)  # small: one atomic pipe write
            except BlockingIOError:
                return True
            except OSError:
                self.waiting = []
                return False
            del self.waiting[0]
        return True

    def finish(self) -> None:
        os.set_blocking(self.fd, True)
        self.push()


class ChildWriter(EventWriter):
    """The child's EventWriter: file, backlog and dropped-line handling as in-thread; warnings go
    to the training process (or to stderr once it is gone)."""

    def __init__(self, run_dir: str, answers: _Answers) -> None:
        EventWriter.__init__(self, run_dir)
        self._answers = answers
        self._chunks = 0
        self._confirmed = 0

    def _warn_once(self, kind: str, message: str) -> None:
        if kind in self._warned:
            return
        self._warned.add(kind)
        if not self._answers.send(("w", kind, message)):
            try:
                sys.stderr.write(message + "\n")
            except Exception:
                pass

    def _confirm(self) -> None:
        if self._chunks != self._confirmed and not self._backlog and self._file is not None:
            self._confirmed = self._chunks
            self._answers.send(("k", self._chunks, self._file.tell()))

    def serve(self, data_fd: int) -> None:
        """Read frames until the training process closes the pipe (or dies); encode and write them."""
        self._ensure_file()
        encoder = ChunkEncoder()
        answers = self._answers
        answers.send(("r",))
        buffer = b""
        while True:
            if self._backlog or answers.waiting:
                ready, _, _ = select.select([data_fd], [], [], _RETRY if self._backlog else 0.05)
                if not ready:
                    if self._backlog:
                        self._write("")  # retry the backlog (disk full)
                        self._confirm()
                    answers.push()
                    continue
            try:
                data = os.read(data_fd, 1 << 20)
            except InterruptedError:
                continue
            if not data:
                break
            buffer += data
            lines: List[str] = []
            tokens: List[int] = []
            offset = 0
            while len(buffer) - offset >= LENGTH.size:
                (length,) = LENGTH.unpack_from(buffer, offset)
                end = offset + LENGTH.size + length
                if len(buffer) < end:
                    break
                kind, payload = marshal.loads(buffer[offset + LENGTH.size:end])
                offset = end
                if kind == "c":
                    text, _units, problems = encoder.encode(payload)
                    lines.append(text)
                    lines.extend(warning_line(p) for p in problems)
                    self._chunks += 1
                elif kind == "f":
                    tokens.append(payload)
            buffer = buffer[offset:]
            if lines or self._backlog:
                self._write("".join(lines))
            self._confirm()
            for token in tokens:
                answers.send(("a", token))
        self._write("")
        self._confirm()
        self.report_lost()
        answers.finish()
        if self._file is not None:
            self._file.close()


def child_main(run_dir: str, data_fd: int, ack_fd: int) -> None:
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)  # Ctrl-C hits the group: write to the end
    ChildWriter(run_dir, _Answers(ack_fd)).serve(data_fd)
