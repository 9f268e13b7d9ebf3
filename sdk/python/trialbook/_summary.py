"""run.summary: the run's final values; reads fall back to each metric's last logged value."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from ._values import DeviceScalar, value_map

Emit = Callable[[str, Dict[str, Any]], None]


class Summary:
    """Dict-like final values of a run. Reads fall back to each metric's last logged
    value; writes are logged as `summary` events."""

    def __init__(self, emit: Emit, last: Mapping[str, Any], initial: Optional[Mapping[str, Any]] = None) -> None:
        self._emit = emit
        self._last = last  # the run's last logged value of each metric, kept up to date by log()
        self._values: Dict[str, Any] = dict(initial or {})

    def __getitem__(self, key: str) -> Any:
        if key in self._values:
            return self._values[key]
        value = self._last[key]
        return value.resolve() if type(value) is DeviceScalar else value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def update(self, *args: Any, **kwargs: Any) -> None:
        changes = dict(*args, **kwargs)
        if not changes:
            return
        encoded = value_map(changes, "summary")
        self._values.update(changes)
        self._emit("summary", {"summary": encoded})

    def __contains__(self, key: object) -> bool:
        return key in self._values or key in self._last

    def keys(self) -> List[str]:
        keys = list(self._last)
        keys.extend(k for k in self._values if k not in self._last)
        return keys

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def items(self) -> List[Tuple[str, Any]]:
        return [(k, self[k]) for k in self.keys()]

    def values(self) -> List[Any]:
        return [self[k] for k in self.keys()]

    def as_dict(self) -> Dict[str, Any]:
        return dict(self.items())

    def __repr__(self) -> str:
        return "Summary(%r)" % self.as_dict()
