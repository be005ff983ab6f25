"""discretion — 行政处罚裁量基准计算器.

Statutes, benchmarks (裁量基准), exemption lists (免罚清单) and the general rules
of 《行政处罚法》 as TOML documents, and a pure-Python engine that gives the
permitted penalty range, exemption eligibility, citations and procedure flags.

    >>> import discretion
    >>> lib = discretion.load()
    >>> a = lib.assess("CXGH-64", subject="organization",
    ...                facts={"correctable": True, "construction_cost": 1_000_000},
    ...                region="000000")
"""

from __future__ import annotations

from .errors import (
    BenchmarkError,
    DiscretionError,
    EvaluationError,
    ExpressionError,
    FactError,
    InputError,
    TierConflict,
    UnknownItem,
)
from .library import DEFAULT_REGION, Library, load
from .model import Assessment, Range

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_REGION",
    "Assessment",
    "BenchmarkError",
    "DiscretionError",
    "EvaluationError",
    "ExpressionError",
    "FactError",
    "InputError",
    "Library",
    "Range",
    "TierConflict",
    "UnknownItem",
    "__version__",
    "load",
]
