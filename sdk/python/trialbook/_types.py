"""Type aliases of the public API (the package ships py.typed, so type checkers read these)."""
from __future__ import annotations

import os
from typing import Mapping, SupportsFloat, Union

# A metric value: int, float, bool, a NumPy scalar or 0-d array, a one-element PyTorch tensor
# (on any device), or anything else float() accepts (Fraction, Decimal).
MetricValue = SupportsFloat
Metrics = Mapping[str, MetricValue]
PathLike = Union[str, "os.PathLike[str]"]
