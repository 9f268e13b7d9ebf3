"""Checking and encoding values: metric numbers, param/summary JSON values, keys."""
from __future__ import annotations

import json
import os
import sys
import warnings
from typing import Any, Callable, Dict, List

MAX_KEY = 250
MAX_PARAM_STRING_BYTES = 64 * 1024
MAX_NOTES_BYTES = 1024 * 1024

# One compact encoder reused everywhere; allow_nan=False turns a NaN that slipped
# through into an error instead of a line that standard JSON parsers reject.
encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


class NonFinite(str):
    """A non-finite metric value as the log stores it: the string "NaN", "Infinity" or "-Infinity".

    A str (so run.summary and equality with "NaN" work as before) whose repr() is its JSON text,
    which lets the writer format whole metrics lines with one %-template."""

    __slots__ = ()

    def __repr__(self) -> str:
        return '"%s"' % str.__str__(self)


NAN, INFINITY, NEG_INFINITY = NonFinite("NaN"), NonFinite("Infinity"), NonFinite("-Infinity")


def nonfinite_name(x: float) -> NonFinite:
    """'NaN', 'Infinity' or '-Infinity' for a non-finite float."""
    if x != x:
        return NAN
    return INFINITY if x > 0 else NEG_INFINITY


def check_key(key, what="metric"):
    if type(key) is not str and not isinstance(key, str):
        raise TypeError(
            "trialbook: %s name %r is a %s; names must be strings, e.g. %s" % (
                what, key, type(key).__name__, '{"loss": 0.1}' if what == "metric" else '"lr"'))
    if not key:
        raise ValueError("trialbook: a %s name is empty; give every %s a non-empty name" % (what, what))
    if len(key) > MAX_KEY:
        raise ValueError(
            "trialbook: %s name %r... is %d characters long; the limit is %d, use a shorter name"
            % (what, key[:40], len(key), MAX_KEY))


def metric_value(key: str, value: Any) -> Any:
    """The slow path of run.log(): anything that is not a plain int or float.

    Returns an int, a finite float, a NonFinite, or a DeviceScalar (a tensor on a GPU or another
    device, read later by the writer thread). Raises a TypeError that says what was wrong and how
    to fix it.
    """
    convert = _CONVERTERS.get(type(value))
    if convert is not None:
        return convert(key, value)
    if isinstance(value, bool):
        return int(value)
    kind = type(value)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        global cpu_tensor_type
        _CONVERTERS[kind] = _tensor_value  # torch.nn.Parameter and other subclasses too
        if kind is torch.Tensor and hasattr(kind, "is_cpu"):
            cpu_tensor_type = kind  # Run.log() reads these inline
        return _tensor_value(key, value)
    if getattr(kind, "__module__", None) == "numpy":  # scalars and arrays: .item() never waits
        _CONVERTERS[kind] = convert = _float_subclass_value if isinstance(value, float) else _item_value
        return convert(key, value)
    return _generic_value(key, value)


def _generic_value(key: str, value: Any) -> Any:
    original = value
    item = getattr(value, "item", None)
    if item is not None and callable(item) and not isinstance(value, (str, bytes)):
        # NumPy scalars, 0-d arrays and anything else that exposes .item().
        try:
            value = item()
        except (ValueError, RuntimeError, TypeError):
            raise _not_one_number(key, original) from None
        if isinstance(value, bool):
            return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        value = float(value)
        return value if value - value == 0.0 else nonfinite_name(value)
    if hasattr(value, "__float__") and not isinstance(value, (str, bytes, complex)):
        try:
            value = float(value)  # Fraction, Decimal, numbers.Real implementations
        except (TypeError, ValueError, OverflowError):
            pass
        else:
            return value if value - value == 0.0 else nonfinite_name(value)
    raise TypeError(
        "trialbook: metric %r has value %s of type %s; metric values must be numbers "
        "(int, float, bool, or a NumPy/PyTorch scalar). Put text in run.config or run.notes, "
        "and log arrays one number per key." % (key, _short(original), type(original).__name__))


def _not_one_number(key: str, value: Any) -> TypeError:
    size = getattr(value, "numel", None) or getattr(value, "size", None)
    try:
        size = size() if callable(size) else size
    except Exception:
        size = "several"
    return TypeError(
        "trialbook: metric %r is an array/tensor with %s elements; log one number, "
        "e.g. value.mean().item(), or one key per element" % (key, size))


def _number(key: str, value: Any, original: Any) -> Any:
    """A Python number read from a tensor or NumPy scalar, as log() stores it."""
    kind = type(value)
    if kind is float:
        return value if value - value == 0.0 else nonfinite_name(value)
    if kind is int:
        return value
    if kind is bool:
        return int(value)
    raise _not_one_number(key, original)


def _float_subclass_value(key: str, value: Any) -> Any:
    value = float(value)  # numpy.float64 and other float subclasses
    return value if value - value == 0.0 else nonfinite_name(value)


def _int_subclass_value(key: str, value: Any) -> Any:
    return int(value)  # bool, IntEnum, numpy.int_ on some platforms


def _item_value(key: str, value: Any) -> Any:
    try:
        number = value.item()
    except (ValueError, RuntimeError, TypeError):
        raise _not_one_number(key, value) from None
    return _number(key, number, value)


class DeviceScalar:
    """A one-number tensor on a GPU or other device, snapshotted when log() was called.

    Reading a device tensor (.item()) waits for the device to finish all queued work, which would
    stall the training loop every step. log() instead takes an asynchronous copy (queued on the
    device like any other kernel, so later in-place changes to the tensor do not affect it) and the
    writer thread reads a whole chunk of them with one stack and one device-to-host copy
    (resolve_device_scalars). repr() is the JSON text of the value once read.
    """

    __slots__ = ("tensor", "value")

    def __init__(self, tensor: Any) -> None:
        self.tensor = tensor
        self.value: Any = None

    def resolve(self) -> Any:
        """The number (reads the device now if the writer has not yet; used by run.summary)."""
        if self.tensor is not None:
            resolve_device_scalars([self])
        return self.value

    def __repr__(self) -> str:
        return repr(self.resolve())


def _tensor_value(key: str, value: Any) -> Any:
    try:
        on_cpu = value.is_cpu
    except AttributeError:  # PyTorch before 1.13
        on_cpu = value.device.type == "cpu"
    if on_cpu:
        # Reading a CPU tensor waits for nothing and costs ~0.1 us: cheaper than any deferral.
        number = value.tolist()
        if type(number) is list:
            return _item_value(key, value)  # a one-element array, or a clear error
        return _number(key, number, value)
    if value.numel() != 1:
        raise _not_one_number(key, value)
    snapshot = value.detach() if value.requires_grad else value
    return DeviceScalar(snapshot.clone())


def resolve_device_scalars(scalars: List[DeviceScalar]) -> None:
    """Read many device scalars with one torch.stack and one .cpu() per (device, dtype, shape).

    Runs on the writer thread; PyTorch releases the GIL while it waits for the device, so the
    training thread keeps running. A value that cannot be read stays None (the writer leaves it out
    of its event and says so in a warning event)."""
    groups: Dict[Any, List[DeviceScalar]] = {}
    for scalar in scalars:
        tensor = scalar.tensor
        if tensor is None:
            continue
        groups.setdefault((tensor.device, tensor.dtype, tuple(tensor.shape)), []).append(scalar)
    if not groups:
        return
    torch = sys.modules["torch"]
    for group in groups.values():
        try:
            numbers: List[Any] = torch.stack([s.tensor for s in group]).cpu().reshape(-1).tolist()
        except Exception:
            numbers = []
            for s in group:
                try:
                    numbers.append(s.tensor.item())
                except Exception:
                    numbers.append(None)
        for scalar, number in zip(group, numbers):
            try:
                scalar.value = None if number is None else _number("", number, number)
            except TypeError:
                scalar.value = None
            scalar.tensor = None


_CONVERTERS: Dict[type, Callable[[str, Any], Any]] = {bool: _int_subclass_value}


class _NoTensorYet:
    pass


# torch.Tensor once log() has seen one (and the installed PyTorch has Tensor.is_cpu).
cpu_tensor_type: type = _NoTensorYet


def _short(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Fallbacks:
    """Collects the names of values that had to be written as repr()."""

    def __init__(self):
        self.names = []


def json_value(value, where="", fallbacks=None, _depth=0):
    """A param/summary value as JSON: non-finite floats as {"$float": ...}, unknown
    objects as their repr (the caller warns), over-long strings truncated."""
    t = type(value)
    if value is None or t is bool or t is int:
        return value
    if t is float:
        return value if value - value == 0.0 else {"$float": nonfinite_name(value)}
    if t is str:
        return _cap_string(value, where, fallbacks)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return json_value(float(value), where, fallbacks)
    if isinstance(value, str):
        return _cap_string(str(value), where, fallbacks)
    if _depth < 32:
        if isinstance(value, dict):
            return {str(k): json_value(v, "%s.%s" % (where, k), fallbacks, _depth + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [json_value(v, "%s[%d]" % (where, i), fallbacks, _depth + 1) for i, v in enumerate(value)]
        item = getattr(value, "item", None)
        if callable(item) and getattr(value, "ndim", 0) == 0:
            try:
                return json_value(item(), where, fallbacks, _depth + 1)
            except Exception:
                pass
        tolist = getattr(value, "tolist", None)
        if callable(tolist):
            try:
                return json_value(tolist(), where, fallbacks, _depth + 1)
            except Exception:
                pass
        if isinstance(value, (set, frozenset)):
            try:
                items = sorted(value)
            except TypeError:
                items = list(value)
            return [json_value(v, "%s[]" % where, fallbacks, _depth + 1) for v in items]
    if fallbacks is not None:
        fallbacks.names.append(where or "value")
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not break tracking
        text = "<%s: repr failed: %s>" % (type(value).__name__, exc)
    return _cap_string(text, where, fallbacks)


def _cap_string(text, where, fallbacks):
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_PARAM_STRING_BYTES:
        return text
    if fallbacks is not None:
        fallbacks.names.append("%s (truncated to 64 KiB)" % (where or "value"))
    return data[:MAX_PARAM_STRING_BYTES - 16].decode("utf-8", "ignore") + "...[truncated]"


def value_map(mapping, what):
    """Check names and encode values of a params/summary mapping, warning about repr fallbacks."""
    if mapping is None:
        return {}
    if not hasattr(mapping, "items"):
        mapping = _to_mapping(mapping, what)
    fallbacks = _Fallbacks()
    out = {}
    for key, value in mapping.items():
        check_key(key, what)
        out[key] = json_value(value, key, fallbacks)
    if fallbacks.names:
        warnings.warn(
            "trialbook: %s value(s) %s could not be stored as JSON and were recorded as text (repr) "
            "or shortened; convert them to numbers, strings, lists or dicts to keep their structure"
            % (what, ", ".join(repr(n) for n in fallbacks.names[:10])), stacklevel=user_stacklevel())
    return out


def _to_mapping(obj, what):
    # argparse.Namespace, dataclasses and simple objects are common configs.
    if hasattr(obj, "__dataclass_fields__"):
        return {name: getattr(obj, name) for name in obj.__dataclass_fields__}
    if hasattr(obj, "__dict__"):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise TypeError(
        "trialbook: %s must be a dict (or argparse.Namespace / dataclass), not %s"
        % (what, type(obj).__name__))


def cap_notes(notes):
    if notes is None:
        return None
    if not isinstance(notes, str):
        raise TypeError("trialbook: notes must be a string, not %s" % type(notes).__name__)
    data = notes.encode("utf-8", "surrogatepass")
    if len(data) > MAX_NOTES_BYTES:
        warnings.warn("trialbook: notes are longer than 1 MiB and were shortened", stacklevel=user_stacklevel())
        return data[:MAX_NOTES_BYTES - 16].decode("utf-8", "ignore") + "...[truncated]"
    return notes


def tag_list(tags):
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = [tags]
    out = []
    for tag in tags:
        check_key(tag, "tag")
        if tag not in out:
            out.append(tag)
    return out


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def user_stacklevel():
    """The warnings stacklevel of the first frame outside this package, so that a
    warning points at the user's line rather than at trialbook's internals."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _PACKAGE_DIR:
        frame = frame.f_back
        level += 1
    return level
