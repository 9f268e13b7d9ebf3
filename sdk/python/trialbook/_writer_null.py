"""The writer of a disabled run: EventWriter's producer interface, keeping nothing."""
from __future__ import annotations

from typing import Any, Dict, List, Optional


class NullWriter:
    """The writer of a disabled run (a non-zero rank): same producer interface, keeps nothing."""

    def __init__(self) -> None:
        self.pending: List[Any] = _Discard()
        self.added = 0
        self.check_at = 1 << 62

    def put(self, kind: str, fields: Dict[str, Any]) -> None:
        pass

    def enqueue(self, item: Any, units: int) -> None:
        pass

    def over_limit(self) -> None:
        pass

    def flush(self, heartbeat: bool = False, timeout: Optional[float] = None) -> bool:
        return True

    def close(self, timeout: float = 5.0) -> None:
        pass


class _Discard(list):
    """A queue that accepts events and keeps none."""

    def append(self, item: Any) -> None:
        pass
