"""run.config: the run's params, a dict whose every change is logged as a `params` event."""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, NoReturn, Optional

from ._values import _to_mapping, value_map

Emit = Callable[[str, Dict[str, Any]], None]


class Config(dict):
    """The run's params. A dict; every change is logged as a `params` event.

    Also readable as attributes (`run.config.lr`) as W&B users expect.
    """

    def __init__(self, emit: Emit, initial: Optional[Mapping[str, Any]] = None) -> None:
        dict.__init__(self, initial or {})
        object.__setattr__(self, "_emit", emit)

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if len(args) == 1 and not kwargs and not isinstance(args[0], dict) and not hasattr(args[0], "keys"):
            changes = dict(_to_mapping(args[0], "config"))  # argparse.Namespace, dataclass
        else:
            changes = dict(*args, **kwargs)
        if not changes:
            return
        encoded = value_map(changes, "param")
        dict.update(self, changes)
        self._emit("params", {"params": encoded})

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def __delitem__(self, key: str) -> NoReturn:
        raise TypeError("trialbook: param %r cannot be removed once logged; set it to None instead" % (key,))

    def pop(self, *args: Any) -> NoReturn:
        raise TypeError("trialbook: params cannot be removed once logged; set them to None instead")

    popitem = clear = pop  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        # copies and pickles (deepcopy, multiprocessing) become plain dicts, not the live run
        return (dict, (dict(self),))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError("run.config has no param %r" % name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value
