"""The exceptions of discretion.

Every error a user can cause is a :class:`DiscretionError`; the CLI turns one
into a short message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BenchmarkError",
    "DiscretionError",
    "EvaluationError",
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "FactError",
    "InputError",
    "Problem",
    "TierConflict",
    "UnknownItem",
    "UnknownName",
]


class DiscretionError(Exception):
    """Base class of every error discretion raises on bad input or bad data."""


_CONTROL = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F)}


class ExpressionError(DiscretionError):
    """An expression (``when`` or a fine bound) is not valid.

    ``source`` is the expression text and ``position`` the 0-based offset of the
    offending token (or ``None``); :meth:`pointer` renders a caret under it.
    """

    def __init__(self, message: str, source: str = "", position: int | None = None) -> None:
        self.message = message
        self.source = source
        self.position = position
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.position is None or not self.source or len(self.source) > 200:
            if self.position is not None and self.source:
                return f"{self.message} (at offset {self.position})"
            return self.message
        return f"{self.message}\n    {self.source}\n    {' ' * self.position}^"

    def one_line(self) -> str:
        """The message without the caret drawing, for one-line reports (a newline or other
        control character quoted from the expression is shown escaped, as ``\\n``)."""
        message = self.message.translate(_CONTROL)
        if self.position is None:
            return message
        return f"{message} (位置 {self.position + 1})"


class ExpressionSyntaxError(ExpressionError):
    """The expression does not follow the grammar (format.md §3)."""


class ExpressionTypeError(ExpressionError):
    """Operands of the wrong type, or an enum value the fact does not declare."""


class UnknownName(ExpressionError):
    """The expression uses a name that no visible document declares."""


class EvaluationError(DiscretionError):
    """Evaluating a valid expression failed on a case (e.g. division by zero)."""


class Problem:
    """One problem found while loading: where it is and what is wrong."""

    __slots__ = ("document", "file", "key", "line", "message")

    def __init__(
        self,
        file: str,
        message: str,
        key: str = "",
        line: int | None = None,
        document: str = "",
    ) -> None:
        self.file = file
        self.message = message
        self.key = key
        self.line = line
        self.document = document

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.key:
            where += f": {self.key}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"


class BenchmarkError(DiscretionError):
    """Benchmark files are invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        head = f"{len(self.problems)} problems in benchmark files:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class FactError(DiscretionError):
    """A supplied fact is unknown or its value does not fit its declaration."""

    def __init__(self, message: str, fact: str = "") -> None:
        self.fact = fact
        super().__init__(message)


class InputError(DiscretionError):
    """Bad case input other than facts: dates, region, subject, options."""


class UnknownItem(DiscretionError):
    """No item with this code is in force for the region and date."""

    def __init__(self, code: str, suggestions: Sequence[str] = ()) -> None:
        self.code = code
        self.suggestions = list(suggestions)
        msg = f"未知的违法行为编号 {code!r}"
        if self.suggestions:
            msg += "；您是否要找：" + "、".join(self.suggestions)
        super().__init__(msg)


class TierConflict(DiscretionError):
    """Under ``tier_hit = "unique"`` two tiers apply to the same case."""
