"""Rich values logged with run.log(): the common part (checks on the caller's thread, encoding on
the writer thread, files stored once by content hash) and `Image`.

A constructor only checks what is cheap and copies the caller's data (so the caller may reuse its
buffer); the expensive part (PNG encoding, histogram counts, hashing, writing files) runs in
`render_item()` on the writer thread. Bad input never raises: the value records its problem, and
run.log() warns once and skips it.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
import warnings
from typing import Any, Dict, List, Optional, Tuple

from . import _png
from ._values import encode

MAX_SIDE = 16384
MAX_CAPTION = 1000
MAX_IMAGE_BYTES = 64 * 1024 * 1024


class MediaError(ValueError):
    """A value that cannot be logged; its message says what and what to do."""


class Media:
    """Base of the rich values. `kind` is the event's `type`."""

    kind = ""

    def __init__(self) -> None:
        self.problem: Optional[str] = None

    def _fail(self, message: str) -> None:
        if self.problem is None:
            self.problem = "trialbook: %s %s; the value is skipped" % (type(self).__name__, message)

    def queue_weight(self) -> int:
        """Bytes held until the writer encodes it (for the queue's memory bound)."""
        return 1024

    def render_item(self, store: "MediaStore") -> Dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError


class MediaStore:
    """A run's `media/` folder: each content written once, named by its SHA-256."""

    def __init__(self, run_dir: str) -> None:
        self.run_dir = run_dir
        self._known: set = set()

    def save(self, data: bytes, ext: str) -> Tuple[str, str]:
        digest = hashlib.sha256(data).hexdigest()
        relative = "media/%s.%s" % (digest, ext)
        if relative not in self._known:
            path = os.path.join(self.run_dir, "media", "%s.%s" % (digest, ext))
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                temp = "%s.%d.tmp" % (path, os.getpid())
                with open(temp, "wb") as handle:
                    handle.write(data)
                os.replace(temp, path)  # readers never see half a file
            self._known.add(relative)
        return digest, relative


class MediaEvent:
    """A queued `media` event: rendered into one line by the writer thread."""

    __slots__ = ("ts", "step", "key", "values", "cell", "store", "units")

    def __init__(self, step: int, key: str, values: List[Media], cell: Any, store: MediaStore) -> None:
        # the queue's weight of the copies held (a unit is ~64 bytes), so big arrays count against its bound
        self.units = 16 + sum(v.queue_weight() for v in values) // 64
        self.ts = time.time()
        self.step = step
        self.key = key
        self.values = values
        self.cell = cell
        self.store = store

    def get(self, name: str, default: Any = None) -> Any:
        """The writer reads a queued event's age with `.get("ts")`."""
        return self.ts if name == "ts" else default

    def render(self, problems: List[str]) -> Optional[str]:
        items = []
        before = len(problems)
        for value in self.values:
            try:
                items.append(value.render_item(self.store))
            except MediaError as exc:
                problems.append("trialbook: %s logged as %r at step %d %s; it was skipped"
                                % (type(value).__name__, self.key, self.step, exc))
            except (OSError, MemoryError) as exc:
                problems.append("trialbook: %s logged as %r at step %d could not be stored (%s); it was skipped"
                                % (type(value).__name__, self.key, self.step, exc))
        for problem in problems[before:]:
            warnings.warn(problem, RuntimeWarning)  # the log gets it too, as a warning event
        if not items:
            return None
        event: Dict[str, Any] = {"v": 1, "t": "media", "ts": self.ts, "step": self.step, "key": self.key,
                                 "type": self.values[0].kind, "items": items}
        if self.cell is not None:
            event["cell"] = self.cell
        return encode(event) + "\n"


def media_values(key: str, value: Any) -> Optional[List[Media]]:
    """The rich values of one run.log() entry (a value or a list of values of one kind), or None
    when it holds none. Raises MediaError for a list that mixes kinds."""
    if isinstance(value, Media):
        return [value]
    if type(value) in (list, tuple) and value and isinstance(value[0], Media):
        kinds = {type(v) for v in value}
        if len(kinds) != 1:
            raise MediaError("trialbook: the list logged as %r mixes %s; log one kind of value per key, the list "
                             "is skipped" % (key, ", ".join(sorted(k.__name__ for k in kinds))))
        return list(value)
    return None


def caption_text(caption: Any) -> Optional[str]:
    if caption is None:
        return None
    text = caption if isinstance(caption, str) else str(caption)
    return text if len(text) <= MAX_CAPTION else text[:MAX_CAPTION - 1] + "…"


def _module(value: Any) -> str:
    return type(value).__module__ or ""


class Image(Media):
    """An image: a file path, PNG or JPEG bytes, a PIL image, or a NumPy / PyTorch array shaped
    HW, HWC or CHW (C = 1, 2, 3 or 4), uint8 or float in [0, 1]. Stored as PNG (JPEG and PNG bytes
    as they are) in the run's `media/` folder, once per content."""

    kind = "image"

    def __init__(self, data: Any, caption: Optional[str] = None) -> None:
        super().__init__()
        self.caption = caption_text(caption)
        self._bytes: Optional[bytes] = None  # PNG or JPEG as given
        self._array: Any = None  # NumPy array, HWC
        self._rows: Optional[Tuple[int, int, int, List[bytes]]] = None  # no NumPy: width, height, channels, rows
        self._pil: Any = None
        try:
            self._take(data)
        except MediaError as exc:
            self._fail(str(exc))

    def _take(self, data: Any) -> None:
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._take_bytes(bytes(data), "the bytes given")
        elif isinstance(data, (str, os.PathLike)):
            path = os.fspath(data)
            try:
                with open(path, "rb") as handle:
                    raw = handle.read(MAX_IMAGE_BYTES + 1)
            except OSError as exc:
                raise MediaError("cannot read %r (%s)" % (path, exc.strerror or exc))
            self._take_bytes(raw, repr(path))
        elif _module(data).startswith("PIL.") and hasattr(data, "save"):
            self._pil = data.copy()
            self.format = "png"
            self.width, self.height = data.size
        elif _module(data).startswith("torch") and hasattr(data, "detach"):
            tensor = data.detach().cpu()
            if "numpy" in sys.modules or _has_numpy():
                self._take_array(tensor.numpy().copy())
            else:
                self._take_lists(tensor.tolist())
        elif _module(data).startswith("numpy") and hasattr(data, "shape"):
            import numpy

            self._take_array(numpy.array(data, copy=True))
        elif isinstance(data, (list, tuple)):
            self._take_lists(data)
        else:
            raise MediaError("cannot read a %s: give a file path, PNG or JPEG bytes, a PIL image, or a NumPy or "
                             "PyTorch array shaped HW, HWC or CHW" % type(data).__name__)

    def _take_bytes(self, raw: bytes, what: str) -> None:
        if len(raw) > MAX_IMAGE_BYTES:
            raise MediaError("%s is over %d MiB" % (what, MAX_IMAGE_BYTES >> 20))
        size = _png.image_size(raw)
        if size is None:
            raise MediaError("%s is not a PNG or JPEG image (convert it, or pass a PIL image or an array)" % what)
        self._bytes = raw
        self.format, self.width, self.height = size

    def _take_array(self, array: Any) -> None:
        shape = tuple(array.shape)
        if len(shape) == 2:
            array = array.reshape(shape + (1,))
        elif len(shape) == 3:
            if shape[2] not in (1, 2, 3, 4):
                if shape[0] not in (1, 2, 3, 4):
                    raise MediaError("has shape %s: expected HW, HWC or CHW with 1 to 4 channels" % (shape,))
                array = array.transpose(1, 2, 0)
        else:
            raise MediaError("has shape %s: expected HW, HWC or CHW (log a batch as a list of images)" % (shape,))
        kind = array.dtype.kind
        if kind not in "buif":
            raise MediaError("has dtype %s: expected uint8, or float in [0, 1]" % array.dtype)
        self.height, self.width = int(array.shape[0]), int(array.shape[1])
        self._check_side()
        self._array = array
        self.format = "png"

    def _take_lists(self, data: Any) -> None:
        rows = [list(row) for row in data]
        if not rows or not rows[0]:
            raise MediaError("is empty")
        first = rows[0][0]
        channels = len(first) if isinstance(first, (list, tuple)) else 0
        if channels > 4:
            raise MediaError("has %d channels per pixel: expected 1 to 4" % channels)
        width = len(rows[0])
        out = []
        for row in rows:
            if len(row) != width:
                raise MediaError("has rows of different lengths")
            flat = [v for px in row for v in px] if channels else row
            if channels and len(flat) != width * channels:
                raise MediaError("has pixels with different channel counts")
            out.append(bytes(_byte(v) for v in flat))
        self.height, self.width = len(rows), width
        self._check_side()
        self._rows = (width, len(rows), channels or 1, out)
        self.format = "png"

    def _check_side(self) -> None:
        if not (1 <= self.width <= MAX_SIDE and 1 <= self.height <= MAX_SIDE):
            raise MediaError("is %d×%d pixels: each side must be 1 to %d" % (self.width, self.height, MAX_SIDE))

    def queue_weight(self) -> int:
        if self._array is not None:
            return int(self._array.nbytes)
        if self._bytes is not None:
            return len(self._bytes)
        return self.width * self.height * 4 if self._pil is None else 1 << 20

    def render_item(self, store: MediaStore) -> Dict[str, Any]:
        data = self._bytes
        if data is None:
            data = self._encode()
        digest, path = store.save(data, "jpg" if self.format == "jpeg" else "png")
        item: Dict[str, Any] = {"path": path, "sha256": digest, "format": self.format, "width": self.width,
                                "height": self.height, "bytes": len(data)}
        if self.caption is not None:
            item["caption"] = self.caption
        return item

    def _encode(self) -> bytes:
        if self._pil is not None:
            return self._encode_pil()
        if self._rows is not None:
            width, height, channels, rows = self._rows
            return _png.encode_rows(width, height, channels, rows)
        import numpy

        array = self._array
        kind = array.dtype.kind
        if kind == "f":
            if not numpy.isfinite(array).all():
                raise MediaError("holds NaN or infinite values")
            low, high = float(array.min()), float(array.max())
            if low < -1e-6 or high > 1 + 1e-6:
                raise MediaError("holds floats from %g to %g: expected [0, 1] (divide by 255, or pass uint8)"
                                 % (low, high))
            array = (numpy.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(numpy.uint8)
        elif kind == "b":
            array = array.astype(numpy.uint8) * 255
        elif array.dtype != numpy.uint8:
            low, high = int(array.min()), int(array.max())
            if low < 0 or high > 255:
                raise MediaError("holds integers from %d to %d: expected 0 to 255" % (low, high))
            array = array.astype(numpy.uint8)
        return _png.encode_array(numpy.ascontiguousarray(array))

    def _encode_pil(self) -> bytes:
        import io

        image = self._pil
        if image.mode not in ("L", "LA", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
        self.width, self.height = image.size
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    def __repr__(self) -> str:
        return "<trialbook.Image %s>" % (self.problem or "%s×%s" % (getattr(self, "width", "?"),
                                                                     getattr(self, "height", "?")))


def _byte(value: Any) -> int:
    if isinstance(value, float):
        if not value == value or value < 0.0 or value > 1.0:
            raise MediaError("holds the float %r: expected floats in [0, 1] or integers 0 to 255" % value)
        return int(value * 255.0 + 0.5)
    if isinstance(value, int) and 0 <= value <= 255:
        return int(value)
    raise MediaError("holds %r: expected integers 0 to 255 or floats in [0, 1]" % (value,))


def _has_numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True
