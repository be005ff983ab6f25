"""discretion — 行政处罚裁量基准计算器.

Statutes, benchmarks (裁量基准), exemption lists (免罚清单) and the general rules
of 《行政处罚法》 as TOML documents, and a pure-Python engine that gives the
permitted penalty range, exemption eligibility, citations and procedure flags.

    >>> import discretion
    >>> lib = discretion.load()
    >>> a = lib.assess("CXGH-64", subject="organization",
    ...                facts={"correctable": True, "construction_cost": 1_000_000},
    ...                region="000000")

``import discretion`` is light: the library, the engine and the loader are imported
when first used (``discretion.load``, ``discretion.Library``, …), so that a command
pays only for what it needs.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """The public names of the library and model modules, imported on first use."""
    if name in ("DEFAULT_REGION", "Library", "load"):
        from . import library

        value = getattr(library, name)
    elif name in ("Assessment", "Range"):
        from . import model

        value = getattr(model, name)
    else:
        raise AttributeError(f"module 'discretion' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package module: its submodule ``discretion.load`` (the loader), imported on
    first use, never hides the function ``discretion.load()``."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "load" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
