"""The expression language of benchmark files (format.md §3).

Conditions (``when``) and fine bounds are written in one small, safe language::

    5 <= area_m2 < 10 and harm <= 'minor' and subject in ['person']
    max(legal_min, legal_max / 10)

It has its own tokenizer and a hand-written parser (modelled on
``packaging.markers``); nothing is ever handed to Python's ``eval``/``compile``.
A parsed :class:`Expression` is type-checked against the declared facts and
compiled into nested closures, so evaluating it is cheap.

Evaluation uses three-valued (Kleene) logic: a fact that is missing from the
environment, or mapped to :data:`UNKNOWN`, is unknown; ``false and UNKNOWN`` is
``false``, ``true and UNKNOWN`` is :data:`UNKNOWN`, and any comparison or
arithmetic with an unknown operand is :data:`UNKNOWN`.  Numbers are exact
:class:`decimal.Decimal` values.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import cache
from typing import Any, Final, NamedTuple, TypeAlias, final

import attrs

from discretion.errors import (
    EvaluationError,
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    UnknownName,
)

__all__ = [
    "BOOL",
    "MAX_DEPTH",
    "NUMBER",
    "UNKNOWN",
    "Arith",
    "BoolOp",
    "Call",
    "Compare",
    "Const",
    "Expression",
    "In",
    "Name",
    "Neg",
    "Node",
    "Not",
    "Type",
    "Value",
    "enum_type",
    "is_valid_name",
    "parse",
]

#: Most nested parentheses, calls, ``not`` and unary ``-`` an expression may have.
MAX_DEPTH: Final = 100
# Most levels the syntax tree may have (compiling and evaluating recurse on it).
_MAX_HEIGHT: Final = 250

# The arithmetic context: exact for the amounts in benchmarks, independent of the
# caller's thread context; errors are trapped and become EvaluationError.
_CTX: Final = Context(
    prec=50,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[DivisionByZero, InvalidOperation, Overflow],
)
# Solving linear comparisons for their boundary (thresholds()).
_SOLVE_CTX: Final = Context(
    prec=100,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[DivisionByZero, InvalidOperation, Overflow],
)


# --------------------------------------------------------------------------- values


@final
class _Unknown:
    """The type of :data:`UNKNOWN`, the value of a fact nobody supplied."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare it with `is UNKNOWN`")

    def __reduce__(self) -> str:
        return "UNKNOWN"


#: The value of an unknown fact, and of an expression that depends on one.
UNKNOWN: Final = _Unknown()

#: What an expression evaluates to; enum values are their key strings.
Value: TypeAlias = bool | Decimal | str | _Unknown

_Env: TypeAlias = Mapping[str, Value]
_Fn: TypeAlias = Callable[[_Env], Value]
_Literal: TypeAlias = bool | Decimal | str


@attrs.frozen
class Type:
    """The type of a fact or an expression: ``bool``, ``number`` or ``enum``."""

    kind: str  # "bool" | "number" | "enum"
    values: tuple[str, ...] = ()  # enum keys in declared order


BOOL: Final = Type("bool")
NUMBER: Final = Type("number")
# String literals: allowed only as operands of comparisons with an enum.
_STRING: Final = Type("string")


def enum_type(values: Sequence[str]) -> Type:
    """The type of an enum fact whose keys are ``values``, in declared order."""
    keys = tuple(values)
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate enum values in {keys!r}")
    return Type("enum", keys)


@cache
def _index(t: Type) -> dict[str, Decimal]:
    """Enum key -> its position in declared order (as a Decimal, a Value)."""
    return {key: Decimal(i) for i, key in enumerate(t.values)}


def _describe(t: Type) -> str:
    if t.kind == "bool":
        return "真假值 (bool)"
    if t.kind == "number":
        return "数值 (number)"
    if t.kind == "enum":
        return "枚举 (enum)"
    if t.kind == "string":
        return "字符串 (string)"
    return t.kind


# ------------------------------------------------------------------------ tokenizer

_KEYWORDS: Final = frozenset({"and", "or", "not", "in", "true", "false"})
_FUNCTIONS: Final = frozenset({"min", "max"})

_RESERVED: Final[dict[str, str]] = {
    "lambda": "不支持的语法：lambda 表达式 (lambda)",
    "if": '不支持的语法：条件表达式 (conditional expression) "if"',
    "else": '不支持的语法：条件表达式 (conditional expression) "else"',
    "elif": '不支持的语法：条件表达式 (conditional expression) "elif"',
    "for": '不支持的语法：推导式 (comprehension) "for"',
    "async": '不支持的语法：推导式 (comprehension) "async"',
    "is": '不支持 "is"，请用 == 或 !=',
    "True": '请使用小写的 "true"',
    "False": '请使用小写的 "false"',
    "None": '不支持 "None" (空值)；未知的事实不要写进表达式',
}
_PYTHON_KEYWORDS: Final = frozenset(
    {
        "as", "assert", "await", "break", "class", "continue", "def", "del", "except",
        "finally", "from", "global", "import", "nonlocal", "pass", "raise", "return",
        "try", "while", "with", "yield",
    }
)  # fmt: skip

_BAD_OPERATORS: Final[dict[str, str]] = {
    "**": '不支持的运算符：幂运算 (power) "**"',
    "//": '不支持的运算符：整除 (floor division) "//"，请用 "/"',
    "<<": '不支持的运算符：移位 (shift) "<<"',
    ">>": '不支持的运算符：移位 (shift) ">>"',
    "<>": '不支持的运算符 "<>"，请用 "!="',
    "&&": '不支持的运算符 "&&"，请用 "and"',
    "||": '不支持的运算符 "||"，请用 "or"',
    ":=": '不支持的语法：赋值 (assignment) ":="',
}
_BAD_CHARS: Final[dict[str, str]] = {
    ".": '不支持的语法：属性访问 (attribute access) "."',
    "=": '不支持的语法：赋值 (assignment) "="；比较相等请用 "=="',
    ":": '不支持的语法 ":"（lambda、切片 slice 或字典 dict）',
    "%": '不支持的运算符：取余 (modulo) "%"',
    "&": '不支持的运算符：按位与 (bitwise and) "&"，逻辑与请用 "and"',
    "|": '不支持的运算符：按位或 (bitwise or) "|"，逻辑或请用 "or"',
    "^": '不支持的运算符：按位异或 (bitwise xor) "^"',
    "~": '不支持的运算符：按位取反 (bitwise not) "~"，逻辑非请用 "not"',
    "!": '不支持的运算符 "!"，请用 "not" 或 "!="',
    "{": '不支持的语法：字典或集合 (dict/set) "{"',
    "}": '不支持的语法：字典或集合 (dict/set) "}"',
    "@": '不支持的运算符 "@"',
    ";": '不支持的语法：分号 (semicolon) ";"',
    "#": '不支持注释 (comment) "#"',
    "\\": '不支持的字符 "\\"',
}

_SCAN: Final = re.compile(
    r"""
    [ \t\r\n]*
    (?:
        (?P<num>[0-9]+(?:\.[0-9]+)?)(?![A-Za-z0-9_.])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<bad>\*\*|//|<<|>>|<>|&&|\|\||:=)
      | (?P<op><=|>=|==|!=|[-+*/<>()\[\],])
      | (?P<str>'[^'\\]*'|"[^"\\]*")
    )?
    """,
    re.VERBOSE,
)
_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _Tok(NamedTuple):
    kind: str  # "num" "str" "name" "end" "bad", or the operator / keyword itself
    text: str  # for "bad": the error message
    pos: int


def is_valid_name(name: str) -> bool:
    """Whether ``name`` can be declared as a fact and used in expressions."""
    return (
        _NAME_RE.match(name) is not None
        and not name.startswith("__")
        and name not in _KEYWORDS
        and name not in _RESERVED
        and name not in _PYTHON_KEYWORDS
    )


def _bad_char(source: str, i: int) -> str:
    """Why the text at ``source[i]`` starts no token."""
    c = source[i]
    nxt = source[i + 1] if i + 1 < len(source) else ""
    if c.isdigit() and c.isascii():
        j = i
        while j < len(source) and source[j].isascii() and source[j].isdigit():
            j += 1
        follow = source[j : j + 2]
        if follow[:1] in ("e", "E") and (follow[1:2].isdigit() or follow[1:2] in ("+", "-")):
            return "不支持科学计数法 (exponent notation)，请直接写出数字"
        return "数字格式不正确 (malformed number)：数字只能是整数或小数，如 12 或 0.05"
    if c == "." and nxt.isascii() and nxt.isdigit():
        return "数字格式不正确 (malformed number)：小数须以数字开头，如 0.5"
    if c in ("'", '"'):
        end = source.find(c, i + 1)
        if end < 0:
            return f"字符串未结束 (unterminated string)：缺少结尾的 {c}"
        return '字符串中不支持转义字符 (escape) "\\"'
    if c in _BAD_CHARS:
        return _BAD_CHARS[c]
    if "\uff01" <= c <= "\uff5e":
        return f'全角字符 "{c}"，请改用半角 "{chr(ord(c) - 0xFEE0)}"'
    if c == "\u3000":
        return "全角空格，请改用半角空格"
    if c in "\u2018\u2019\u201c\u201d":
        return f'中文引号 "{c}"，请改用英文引号 \' 或 "'
    if c in "\u3001\u3002\u3010\u3011\u300a\u300b":
        return f'不支持的中文标点 "{c}"'
    if c.isalpha():
        return f'名称只能由英文字母、数字和下划线组成，不能含 "{c}"'
    if c.isprintable() and not c.isspace():
        return f'无法识别的字符 "{c}"'
    return f"无法识别的字符 U+{ord(c):04X}"


def _tokenize(source: str, i: int = 0, limit: int = 1 << 62) -> tuple[list[_Tok], int]:
    """Up to ``limit`` tokens of ``source`` from offset ``i``, and where to go on.

    The offset returned is -1 once the "end" token or the first bad token
    (kind "bad", whose text is the error message) has been produced.
    """
    toks: list[_Tok] = []
    append = toks.append
    scan = _SCAN.match
    n = len(source)
    while len(toks) < limit:
        m = scan(source, i)
        assert m is not None  # the pattern can match the empty string
        kind = m.lastgroup
        if kind is None:
            j = m.end()
            if j >= n:
                append(_Tok("end", "", n))
            else:
                append(_Tok("bad", _bad_char(source, j), j))
            return toks, -1
        text = m.group(kind)
        pos = m.start(kind)
        if kind == "op":
            append(_Tok(text, text, pos))
        elif kind == "name":
            if text in _KEYWORDS:
                append(_Tok(text, text, pos))
            elif text.startswith("__"):
                append(_Tok("bad", f'不允许以双下划线开头的名称 (dunder name) "{text}"', pos))
                return toks, -1
            elif text in _RESERVED:
                append(_Tok("bad", _RESERVED[text], pos))
                return toks, -1
            elif text in _PYTHON_KEYWORDS:
                append(_Tok("bad", f'不支持的语法：Python 关键字 "{text}"', pos))
                return toks, -1
            else:
                append(_Tok("name", text, pos))
        elif kind == "bad":
            append(_Tok("bad", _BAD_OPERATORS[text], pos))
            return toks, -1
        else:
            append(_Tok(kind, text, pos))
        i = m.end()
    return toks, i


# ---------------------------------------------------------------------- syntax tree

_U: Final = UNKNOWN

_CompareOp: TypeAlias = Callable[[Any, Any], bool]
_COMPARE_OPS: Final[dict[str, _CompareOp]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ORDERING: Final = frozenset({"<", "<=", ">", ">="})
_ARITH_OPS: Final[dict[str, Callable[[Decimal, Decimal], Decimal]]] = {
    "+": _CTX.add,
    "-": _CTX.subtract,
    "*": _CTX.multiply,
    "/": _CTX.divide,
}


class _Node:
    """A node of the (type-checked, constant-folded) syntax tree."""

    __slots__ = ("end", "height", "pos", "type")

    def __init__(self, type: Type, pos: int, end: int, height: int) -> None:
        self.type = type
        self.pos = pos
        self.end = end
        self.height = height

    def children(self) -> Sequence[_Node]:
        return ()

    def compile(self) -> _Fn:
        raise NotImplementedError


def _height(nodes: Sequence[_Node]) -> int:
    return 1 + max(node.height for node in nodes)


class _Const(_Node):
    __slots__ = ("value",)

    def __init__(self, value: _Literal, type: Type, pos: int, end: int) -> None:
        super().__init__(type, pos, end, 1)
        self.value = value

    def compile(self) -> _Fn:
        value = self.value

        def const(env: _Env) -> Value:
            return value

        return const


class _Name(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str, type: Type, pos: int, end: int) -> None:
        super().__init__(type, pos, end, 1)
        self.name = name

    def compile(self) -> _Fn:
        name = self.name

        def get(env: _Env) -> Value:
            return env.get(name, _U)

        return get


class _Not(_Node):
    __slots__ = ("operand",)

    def __init__(self, operand: _Node, pos: int) -> None:
        super().__init__(BOOL, pos, operand.end, operand.height + 1)
        self.operand = operand

    def children(self) -> Sequence[_Node]:
        return (self.operand,)

    def compile(self) -> _Fn:
        if isinstance(self.operand, _Name):
            name = self.operand.name

            def not_name(env: _Env) -> Value:
                v = env.get(name, _U)
                if v is True:
                    return False
                if v is False:
                    return True
                return _U

            return not_name
        g = self.operand.compile()

        def not_(env: _Env) -> Value:
            v = g(env)
            if v is True:
                return False
            if v is False:
                return True
            return _U

        return not_


def _and_fn(fns: Sequence[_Fn]) -> _Fn:
    if len(fns) == 2:
        a, b = fns

        def and2(env: _Env) -> Value:
            x = a(env)
            if x is False:
                return False
            y = b(env)
            if y is False:
                return False
            if x is True and y is True:
                return True
            return _U

        return and2
    all_fns = tuple(fns)

    def and_(env: _Env) -> Value:
        unknown = False
        for g in all_fns:
            v = g(env)
            if v is False:
                return False
            if v is not True:
                unknown = True
        return _U if unknown else True

    return and_


def _or_fn(fns: Sequence[_Fn]) -> _Fn:
    if len(fns) == 2:
        a, b = fns

        def or2(env: _Env) -> Value:
            x = a(env)
            if x is True:
                return True
            y = b(env)
            if y is True:
                return True
            if x is False and y is False:
                return False
            return _U

        return or2
    all_fns = tuple(fns)

    def or_(env: _Env) -> Value:
        unknown = False
        for g in all_fns:
            v = g(env)
            if v is True:
                return True
            if v is not False:
                unknown = True
        return _U if unknown else False

    return or_


class _BoolOp(_Node):
    __slots__ = ("op", "operands")

    def __init__(self, op: str, operands: tuple[_Node, ...]) -> None:
        super().__init__(BOOL, operands[0].pos, operands[-1].end, _height(operands))
        self.op = op
        self.operands = operands

    def children(self) -> Sequence[_Node]:
        return self.operands

    def compile(self) -> _Fn:
        fns = [o.compile() for o in self.operands]
        return _and_fn(fns) if self.op == "and" else _or_fn(fns)


def _compare_fn(fns: Sequence[_Fn], ops: Sequence[_CompareOp]) -> _Fn:
    """A chain ``f0 op0 f1 op1 f2 ...``: the Kleene ``and`` of its links."""
    if len(ops) == 1:
        fa, fb = fns
        op = ops[0]

        def compare(env: _Env) -> Value:
            a = fa(env)
            b = fb(env)
            if a is _U or b is _U:
                return _U
            return op(a, b)

        return compare
    first = fns[0]
    links = tuple(zip(ops, fns[1:], strict=True))

    def chain(env: _Env) -> Value:
        unknown = False
        left = first(env)
        for op, g in links:
            right = g(env)
            if left is _U or right is _U:
                unknown = True
            elif not op(left, right):
                return False
            left = right
        return _U if unknown else True

    return chain


def _enum_index_fn(name: str, index: Mapping[str, Decimal]) -> _Fn:
    def enum_index(env: _Env) -> Value:
        v = env.get(name, _U)
        if v is _U:
            return _U
        return index[v]  # type: ignore[index]

    return enum_index


class _Compare(_Node):
    __slots__ = ("op_positions", "operands", "ops")

    def __init__(
        self, operands: tuple[_Node, ...], ops: tuple[str, ...], op_positions: tuple[int, ...]
    ) -> None:
        super().__init__(BOOL, operands[0].pos, operands[-1].end, _height(operands))
        self.operands = operands
        self.ops = ops
        self.op_positions = op_positions

    def children(self) -> Sequence[_Node]:
        return self.operands

    def links(self) -> Iterator[tuple[_Node, str, _Node]]:
        for i, op in enumerate(self.ops):
            yield self.operands[i], op, self.operands[i + 1]

    def compile(self) -> _Fn:
        operands = self.operands
        ops = [_COMPARE_OPS[op] for op in self.ops]
        enum = next((o.type for o in operands if o.type.kind == "enum"), None)
        if enum is not None and any(op in _ORDERING for op in self.ops):
            # Order enum values by declared order: compare their indexes.
            index = _index(enum)
            fns: list[_Fn] = []
            for o in operands:
                if isinstance(o, _Const):
                    fns.append(_Const(index[str(o.value)], NUMBER, 0, 0).compile())
                else:
                    assert isinstance(o, _Name)
                    fns.append(_enum_index_fn(o.name, index))
            if len(ops) == 1 and isinstance(operands[1], _Const):
                name = operands[0]
                assert isinstance(name, _Name)
                return _name_const_compare(name.name, ops[0], index[str(operands[1].value)], index)
            return _compare_fn(fns, ops)
        if len(ops) == 1:
            left, right = operands
            if isinstance(left, _Name) and isinstance(right, _Const):
                return _name_const_compare(left.name, ops[0], right.value, None)
            if isinstance(left, _Const) and isinstance(right, _Name):
                return _const_name_compare(left.value, ops[0], right.name)
        return _compare_fn([o.compile() for o in operands], ops)


def _name_const_compare(
    name: str,
    op: _CompareOp,
    const: object,
    index: Mapping[str, Decimal] | None,
) -> _Fn:
    if index is not None:

        def enum_compare(env: _Env) -> Value:
            v = env.get(name, _U)
            if v is _U:
                return _U
            return op(index[v], const)  # type: ignore[index]

        return enum_compare

    def name_compare(env: _Env) -> Value:
        v = env.get(name, _U)
        if v is _U:
            return _U
        return op(v, const)

    return name_compare


def _const_name_compare(const: object, op: _CompareOp, name: str) -> _Fn:
    def const_compare(env: _Env) -> Value:
        v = env.get(name, _U)
        if v is _U:
            return _U
        return op(const, v)

    return const_compare


class _In(_Node):
    __slots__ = ("negate", "operand", "values")

    def __init__(
        self, operand: _Node, values: tuple[_Literal, ...], negate: bool, end: int
    ) -> None:
        super().__init__(BOOL, operand.pos, end, operand.height + 1)
        self.operand = operand
        self.values = values
        self.negate = negate

    def children(self) -> Sequence[_Node]:
        return (self.operand,)

    def compile(self) -> _Fn:
        members = frozenset(self.values)
        negate = self.negate
        if isinstance(self.operand, _Name):
            name = self.operand.name

            def in_name(env: _Env) -> Value:
                v = env.get(name, _U)
                if v is _U:
                    return _U
                return (v in members) is not negate

            return in_name
        g = self.operand.compile()

        def in_(env: _Env) -> Value:
            v = g(env)
            if v is _U:
                return _U
            return (v in members) is not negate

        return in_


class _Arith(_Node):
    """``operands[0] ops[0] operands[1] ops[1] ...``, left to right (one precedence)."""

    __slots__ = ("op_positions", "operands", "ops")

    def __init__(
        self, operands: tuple[_Node, ...], ops: tuple[str, ...], op_positions: tuple[int, ...]
    ) -> None:
        super().__init__(NUMBER, operands[0].pos, operands[-1].end, _height(operands))
        self.operands = operands
        self.ops = ops
        self.op_positions = op_positions

    def children(self) -> Sequence[_Node]:
        return self.operands

    def compile(self) -> _Fn:
        operands = self.operands
        funcs = [_ARITH_OPS[op] for op in self.ops]
        if len(funcs) == 1:
            left, right = operands
            func = funcs[0]
            if isinstance(left, _Const) and isinstance(right, _Name):
                c, name = left.value, right.name

                def const_name(env: _Env) -> Value:
                    v = env.get(name, _U)
                    if v is _U:
                        return _U
                    return func(c, v)  # type: ignore[arg-type]

                return const_name
            if isinstance(left, _Name) and isinstance(right, _Const):
                name, c = left.name, right.value

                def name_const(env: _Env) -> Value:
                    v = env.get(name, _U)
                    if v is _U:
                        return _U
                    return func(v, c)  # type: ignore[arg-type]

                return name_const
            fa, fb = left.compile(), right.compile()

            def binary(env: _Env) -> Value:
                a = fa(env)
                if a is _U:
                    return _U
                b = fb(env)
                if b is _U:
                    return _U
                return func(a, b)  # type: ignore[arg-type]

            return binary
        first = operands[0].compile()
        rest = tuple(zip(funcs, [o.compile() for o in operands[1:]], strict=True))

        def nary(env: _Env) -> Value:
            acc = first(env)
            if acc is _U:
                return _U
            for func, g in rest:
                v = g(env)
                if v is _U:
                    return _U
                acc = func(acc, v)  # type: ignore[arg-type]
            return acc

        return nary


class _Neg(_Node):
    __slots__ = ("operand",)

    def __init__(self, operand: _Node, pos: int) -> None:
        super().__init__(NUMBER, pos, operand.end, operand.height + 1)
        self.operand = operand

    def children(self) -> Sequence[_Node]:
        return (self.operand,)

    def compile(self) -> _Fn:
        g = self.operand.compile()
        minus = _CTX.minus

        def neg(env: _Env) -> Value:
            v = g(env)
            if v is _U:
                return _U
            return minus(v)  # type: ignore[arg-type]

        return neg


class _Call(_Node):
    __slots__ = ("args", "func")

    def __init__(self, func: str, args: tuple[_Node, ...], pos: int, end: int) -> None:
        super().__init__(NUMBER, pos, end, _height(args))
        self.func = func
        self.args = args

    def children(self) -> Sequence[_Node]:
        return self.args

    def compile(self) -> _Fn:
        fa, fb = (a.compile() for a in self.args)
        if self.func == "min":

            def min_(env: _Env) -> Value:
                a = fa(env)
                b = fb(env)
                if a is _U or b is _U:
                    return _U
                return min(a, b)  # type: ignore[type-var]

            return min_

        def max_(env: _Env) -> Value:
            a = fa(env)
            b = fb(env)
            if a is _U or b is _U:
                return _U
            return max(a, b)  # type: ignore[type-var]

        return max_


def _walk(root: _Node) -> Iterator[_Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children())


# ------------------------------------------------------------------------- parser


# The syntax tree's node classes under public names (``Expression.tree``).
Node = _Node
Const = _Const
Name = _Name
Not = _Not
BoolOp = _BoolOp
Compare = _Compare
In = _In
Arith = _Arith
Neg = _Neg
Call = _Call


class _Parser:
    """Recursive descent, one Python frame per level of precedence *group*.

    ``or``/``and``/``not``/comparisons are parsed by one loop (:meth:`_logic`),
    ``+ - * /`` and unary minus by another (:meth:`_arith`); only parentheses
    and calls recurse, and they are limited to :data:`MAX_DEPTH`.
    """

    def __init__(self, source: str, names: Mapping[str, Type]) -> None:
        self.source = source
        self.names = names
        # Tokens are read in chunks as the parser needs them, so that input
        # rejected early (e.g. nested too deeply) is not tokenized to its end.
        self.toks, self.offset = _tokenize(source, 0, 64)
        self.i = 0
        self.depth = 0
        self.used: dict[str, Type] = {}

    # -- tokens

    def _fill(self, index: int) -> bool:
        """Read tokens until ``index`` exists; False if the input ends before."""
        while index >= len(self.toks):
            if self.offset < 0:
                return False
            chunk = min(max(len(self.toks), 64), 4096)  # doubling, then steady
            more, self.offset = _tokenize(self.source, self.offset, chunk)
            self.toks.extend(more)
        return True

    def _peek(self) -> _Tok:
        if self.i >= len(self.toks):
            self._fill(self.i)
        tok = self.toks[self.i]
        if tok.kind == "bad":
            raise ExpressionSyntaxError(tok.text, self.source, tok.pos)
        return tok

    def _next(self) -> _Tok:
        tok = self._peek()
        self.i += 1
        return tok

    def _peek_kind2(self) -> str:
        """The kind of the token after the next one (without raising)."""
        if self._fill(self.i + 1):
            return self.toks[self.i + 1].kind
        return "end"

    # -- errors

    def _syntax(self, message: str, pos: int) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message, self.source, pos)

    def _type(self, message: str, pos: int) -> ExpressionTypeError:
        return ExpressionTypeError(message, self.source, pos)

    def _snippet(self, node: _Node) -> str:
        text = " ".join(self.source[node.pos : node.end].split())
        return text if len(text) <= 40 else text[:39] + "…"

    def _unexpected(self, tok: _Tok) -> ExpressionSyntaxError:
        """``tok`` follows a complete operand but continues nothing."""
        kind = tok.kind
        if kind == "end":
            return self._syntax("表达式不完整 (unexpected end)", tok.pos)
        if kind == ")":
            return self._syntax('多余的右括号 ")"', tok.pos)
        if kind == "]":
            return self._syntax('多余的 "]"', tok.pos)
        if kind == ",":
            return self._syntax('此处不能出现逗号 ","', tok.pos)
        if kind == "not":
            return self._syntax(
                '此处不能出现 "not"（是否漏写了 and / or？否定成员请写 "not in"）', tok.pos
            )
        if kind == "(":
            return self._syntax('不支持的函数调用 (call) "("', tok.pos)
        if kind == "[":
            return self._syntax('不支持的语法：下标 (subscript) "["', tok.pos)
        if kind in ("num", "str", "name", "true", "false"):
            return self._syntax(f'缺少运算符 (missing operator)："{tok.text}" 之前', tok.pos)
        return self._syntax(f'此处不能出现 "{tok.text}"', tok.pos)

    def _enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._syntax(
                "表达式嵌套层数过多 (nested too deeply)："
                f"括号、函数调用、not 和负号合计最多 {MAX_DEPTH} 层",
                pos,
            )

    def _checked(self, node: _Node) -> _Node:
        if node.height > _MAX_HEIGHT:
            raise self._syntax("表达式嵌套层数过多 (nested too deeply)：请拆分或简化", node.pos)
        return node

    # -- grammar

    def parse(self) -> _Node:
        if self._peek().kind == "end":
            raise self._syntax("表达式为空 (empty expression)", 0)
        node = self._logic()
        tok = self._peek()
        if tok.kind != "end":
            raise self._unexpected(tok)
        return node

    def _logic(self) -> _Node:
        """``or`` of ``and`` of (``not``* comparison)."""
        disjuncts: list[_Node] = []
        while True:
            conjuncts: list[_Node] = []
            while True:
                nots: list[int] = []
                while self._peek().kind == "not":
                    tok = self._next()
                    self._enter(tok.pos)
                    nots.append(tok.pos)
                node = self._comparison()
                for pos in reversed(nots):
                    node = self._make_not(node, pos)
                self.depth -= len(nots)
                conjuncts.append(node)
                if self._peek().kind != "and":
                    break
                self._next()
            disjuncts.append(self._make_bool("and", conjuncts))
            if self._peek().kind != "or":
                break
            self._next()
        return self._make_bool("or", disjuncts)

    def _comparison(self) -> _Node:
        first = self._arith()
        tok = self._peek()
        kind = tok.kind
        if kind in _COMPARE_OPS:
            operands = [first]
            ops: list[str] = []
            positions: list[int] = []
            while self._peek().kind in _COMPARE_OPS:
                op = self._next()
                ops.append(op.kind)
                positions.append(op.pos)
                operands.append(self._arith())
            tok = self._peek()
            if tok.kind == "in" or (tok.kind == "not" and self._peek_kind2() == "in"):
                raise self._syntax('"in" 不能与比较运算连写，请加括号', tok.pos)
            return self._make_compare(operands, ops, positions)
        if kind == "in" or (kind == "not" and self._peek_kind2() == "in"):
            negate = kind == "not"
            self._next()
            if negate:
                self._next()
            values, end = self._list()
            node = self._make_in(first, values, negate, end)
            tok = self._peek()
            if (
                tok.kind in _COMPARE_OPS
                or tok.kind == "in"
                or (tok.kind == "not" and self._peek_kind2() == "in")
            ):
                raise self._syntax(f'"{tok.text}" 不能接在 in 比较之后连写，请加括号', tok.pos)
            return node
        return first

    def _list(self) -> tuple[list[tuple[_Literal, Type, int]], int]:
        """A list literal ``[lit, ...]`` after ``in``: its items and end offset."""
        tok = self._next()
        if tok.kind != "[":
            raise self._syntax(
                f"\"in\" 之后须为列表字面量，如 [1, 2] 或 ['a', 'b']，而不是 \"{tok.text}\"",
                tok.pos,
            )
        items: list[tuple[_Literal, Type, int]] = []
        while True:
            tok = self._next()
            if tok.kind == "]":  # empty list, or a trailing comma
                return items, tok.pos + 1
            pos = tok.pos
            value: _Literal
            if tok.kind == "-" and self._peek().kind == "num":
                value, t = -Decimal(self._next().text), NUMBER
            elif tok.kind == "num":
                value, t = Decimal(tok.text), NUMBER
            elif tok.kind == "str":
                value, t = tok.text[1:-1], _STRING
            elif tok.kind in ("true", "false"):
                value, t = tok.kind == "true", BOOL
            elif tok.kind == "end":
                raise self._syntax('列表未结束：缺少 "]"', tok.pos)
            else:
                raise self._syntax(
                    f'列表中只能包含字面量 (literal)：数字、字符串或 true/false，而不是 "{tok.text}"',
                    pos,
                )
            items.append((value, t, pos))
            tok = self._next()
            if tok.kind == "]":
                return items, tok.pos + 1
            if tok.kind != ",":
                if tok.kind == "end":
                    raise self._syntax('列表未结束：缺少 "]"', tok.pos)
                raise self._syntax(f'列表中缺少逗号 "," 或 "]"，却遇到 "{tok.text}"', tok.pos)

    def _arith(self) -> _Node:
        """``+ -`` of ``* /`` of (unary ``-``* atom)."""
        terms: list[_Node] = []
        term_ops: list[str] = []
        term_positions: list[int] = []
        while True:
            factors: list[_Node] = []
            factor_ops: list[str] = []
            factor_positions: list[int] = []
            while True:
                negs: list[int] = []
                while self._peek().kind == "-":
                    tok = self._next()
                    self._enter(tok.pos)
                    negs.append(tok.pos)
                node = self._atom()
                for pos in reversed(negs):
                    node = self._make_neg(node, pos)
                self.depth -= len(negs)
                factors.append(node)
                kind = self._peek().kind
                if kind != "*" and kind != "/":
                    break
                tok = self._next()
                factor_ops.append(kind)
                factor_positions.append(tok.pos)
            terms.append(self._make_arith(factors, factor_ops, factor_positions))
            kind = self._peek().kind
            if kind != "+" and kind != "-":
                break
            tok = self._next()
            term_ops.append(kind)
            term_positions.append(tok.pos)
        return self._make_arith(terms, term_ops, term_positions)

    def _atom(self) -> _Node:
        tok = self._next()
        kind = tok.kind
        node: _Node
        if kind == "num":
            node = _Const(Decimal(tok.text), NUMBER, tok.pos, tok.pos + len(tok.text))
        elif kind == "str":
            node = _Const(tok.text[1:-1], _STRING, tok.pos, tok.pos + len(tok.text))
        elif kind == "true" or kind == "false":
            node = _Const(kind == "true", BOOL, tok.pos, tok.pos + len(tok.text))
        elif kind == "name":
            if self._peek().kind == "(":
                node = self._call(tok)
            else:
                node = self._name(tok)
        elif kind == "(":
            self._enter(tok.pos)
            if self._peek().kind == ")":
                raise self._syntax('空括号 "()"', tok.pos)
            inner = self._logic()
            close = self._next()
            if close.kind != ")":
                if close.kind == "end":
                    raise self._syntax('括号未闭合 (unclosed parenthesis) "("', tok.pos)
                if close.kind == ",":
                    raise self._syntax('不支持的语法：元组 (tuple) ","', close.pos)
                raise self._unexpected(close)
            self.depth -= 1
            node = inner
        elif kind == "end":
            raise self._syntax("表达式不完整 (unexpected end)", tok.pos)
        elif kind == "[":
            raise self._syntax('列表字面量 (list) 只能用在 "in" / "not in" 之后', tok.pos)
        elif kind == "+":
            raise self._syntax('不支持一元正号 (unary plus) "+"', tok.pos)
        elif kind == "not":
            raise self._syntax('此处不能使用 "not"，请加括号：(not ...)', tok.pos)
        else:
            raise self._syntax(
                f'此处需要一个值（数字、字符串、名称或括号），却遇到 "{tok.text}"', tok.pos
            )
        nxt = self._peek()
        if nxt.kind == "(":
            raise self._syntax('不支持的函数调用 (call) "("', nxt.pos)
        if nxt.kind == "[":
            raise self._syntax('不支持的语法：下标 (subscript) "["', nxt.pos)
        return node

    def _name(self, tok: _Tok) -> _Node:
        name = tok.text
        t = self.names.get(name)
        if t is None:
            message = f'未声明的事实名称 "{name}"'
            import difflib

            close = difflib.get_close_matches(name, list(self.names), n=1)
            if close:
                message += f'（是否为 "{close[0]}"？）'
            raise UnknownName(message, self.source, tok.pos)
        self.used[name] = t
        return _Name(name, t, tok.pos, tok.pos + len(name))

    def _call(self, tok: _Tok) -> _Node:
        func = tok.text
        if func not in _FUNCTIONS:
            raise self._syntax(
                f'不支持的函数调用 (call) "{func}(...)"：只支持 min(a, b) 和 max(a, b)', tok.pos
            )
        self._next()  # "("
        self._enter(tok.pos)
        args: list[_Node] = []
        while True:
            if self._peek().kind == ")" and not args:
                break
            args.append(self._logic())
            sep = self._next()
            if sep.kind == ")":
                break
            if sep.kind != ",":
                if sep.kind == "end":
                    raise self._syntax(f'"{func}(" 的括号未闭合', tok.pos)
                raise self._unexpected(sep)
        self.depth -= 1
        end = self.toks[self.i - 1].pos + 1
        if len(args) != 2:
            raise self._syntax(f"{func} 需要两个参数 (2 arguments)，却有 {len(args)} 个", tok.pos)
        for arg in args:
            if arg.type != NUMBER:
                raise self._type(
                    f'{func} 的参数须为数值 (number)，而 "{self._snippet(arg)}" 是'
                    f"{_describe(arg.type)}",
                    arg.pos,
                )
        return self._fold(_Call(func, (args[0], args[1]), tok.pos, end))

    # -- node construction: type checks and constant folding

    def _fold(self, node: _Node) -> _Node:
        """``node`` itself, or a constant if all its children are constants."""
        self._checked(node)
        if not all(isinstance(c, _Const) for c in node.children()):
            return node
        try:
            value = node.compile()({})
        except ZeroDivisionError:
            raise ExpressionError(
                f'除数为零 (division by zero)："{self._snippet(node)}"', self.source, node.pos
            ) from None
        except ArithmeticError as exc:
            raise ExpressionError(
                f'数值运算错误 ({type(exc).__name__})："{self._snippet(node)}"',
                self.source,
                node.pos,
            ) from None
        assert not isinstance(value, _Unknown)
        return _Const(value, node.type, node.pos, node.end)

    def _expect_bool(self, node: _Node, what: str) -> None:
        if node.type != BOOL:
            raise self._type(
                f'{what} 的操作数须为真假值 (bool)，而 "{self._snippet(node)}" 是'
                f"{_describe(node.type)}",
                node.pos,
            )

    def _make_not(self, operand: _Node, pos: int) -> _Node:
        self._expect_bool(operand, '"not"')
        if isinstance(operand, _Const):
            return _Const(not operand.value, BOOL, pos, operand.end)
        return self._checked(_Not(operand, pos))

    def _make_bool(self, op: str, operands: list[_Node]) -> _Node:
        if len(operands) == 1:
            return operands[0]
        for node in operands:
            self._expect_bool(node, f'"{op}"')
        absorbing = op == "or"  # true absorbs "or", false absorbs "and"
        kept: list[_Node] = []
        for node in operands:
            if isinstance(node, _Const):
                if node.value is absorbing:
                    return _Const(absorbing, BOOL, operands[0].pos, operands[-1].end)
                continue  # the identity element: drop it
            kept.append(node)
        if not kept:
            return _Const(not absorbing, BOOL, operands[0].pos, operands[-1].end)
        if len(kept) == 1:
            return kept[0]
        return self._checked(_BoolOp(op, tuple(kept)))

    def _check_link(self, left: _Node, op: str, right: _Node, pos: int) -> None:
        lt, rt = left.type, right.type
        if lt.kind == "string" or rt.kind == "string":
            if lt.kind == "string" and rt.kind == "string":
                raise self._type("两个字符串字面量不能相互比较", pos)
            lit, other = (left, right) if lt.kind == "string" else (right, left)
            if other.type.kind != "enum":
                raise self._type(
                    f'字符串 "{self._snippet(lit)}" 只能与枚举 (enum) 事实比较，而 '
                    f'"{self._snippet(other)}" 是{_describe(other.type)}',
                    pos,
                )
            assert isinstance(lit, _Const)
            self._check_enum_value(str(lit.value), other, lit.pos)
            return
        if lt.kind == "enum" and rt.kind == "enum":
            if lt != rt:
                raise self._type(
                    f'"{self._snippet(left)}" 与 "{self._snippet(right)}" 是不同的枚举 (enum)，'
                    "不能相互比较",
                    pos,
                )
            return
        if lt != rt:
            raise self._type(
                f'类型不匹配 (type mismatch)："{self._snippet(left)}" 是{_describe(lt)}，'
                f'"{self._snippet(right)}" 是{_describe(rt)}，不能用 "{op}" 比较',
                pos,
            )
        if lt.kind == "bool" and op in _ORDERING:
            raise self._type(f'真假值 (bool) 不能比较大小 "{op}"，只能用 == 或 !=', pos)

    def _check_enum_value(self, value: str, enum_node: _Node, pos: int) -> None:
        allowed = enum_node.type.values
        if value in allowed:
            return
        message = (
            f'枚举事实 "{self._snippet(enum_node)}" 没有取值 "{value}"'
            f"（可选：{'、'.join(allowed)}）"
        )
        import difflib

        close = difflib.get_close_matches(value, allowed, n=1)
        if close:
            message += f'；是否为 "{close[0]}"？'
        raise self._type(message, pos)

    def _make_compare(self, operands: list[_Node], ops: list[str], positions: list[int]) -> _Node:
        for i, op in enumerate(ops):
            self._check_link(operands[i], op, operands[i + 1], positions[i])
        return self._fold(_Compare(tuple(operands), tuple(ops), tuple(positions)))

    def _make_in(
        self,
        operand: _Node,
        items: list[tuple[_Literal, Type, int]],
        negate: bool,
        end: int,
    ) -> _Node:
        t = operand.type
        if t.kind == "string":
            raise self._type(
                f'字符串 "{self._snippet(operand)}" 只能与枚举 (enum) 事实比较', operand.pos
            )
        for value, item_type, item_pos in items:
            if t.kind == "enum" and item_type.kind == "string":
                self._check_enum_value(str(value), operand, item_pos)
            elif item_type != t:
                raise self._type(
                    f'"{self._snippet(operand)}" 是{_describe(t)}，列表中不能有'
                    f"{_describe(item_type)}",
                    item_pos,
                )
        values = tuple(value for value, _, _ in items)
        return self._fold(_In(operand, values, negate, end))

    def _make_arith(self, operands: list[_Node], ops: list[str], positions: list[int]) -> _Node:
        if not ops:
            return operands[0]
        for i, node in enumerate(operands):
            if node.type != NUMBER:
                op = ops[i - 1] if i else ops[0]
                raise self._type(
                    f'算术运算 "{op}" 的操作数须为数值 (number)，而 "{self._snippet(node)}" 是'
                    f"{_describe(node.type)}",
                    node.pos,
                )
            if i and ops[i - 1] == "/" and isinstance(node, _Const) and node.value == 0:
                raise ExpressionError(
                    f'除数为零 (division by zero)："{self._snippet(node)}"',
                    self.source,
                    positions[i - 1],
                )
        return self._fold(_Arith(tuple(operands), tuple(ops), tuple(positions)))

    def _make_neg(self, operand: _Node, pos: int) -> _Node:
        if operand.type != NUMBER:
            raise self._type(
                f'负号 "-" 的操作数须为数值 (number)，而 "{self._snippet(operand)}" 是'
                f"{_describe(operand.type)}",
                operand.pos,
            )
        return self._fold(_Neg(operand, pos))


# -------------------------------------------------------------------- expression


@attrs.frozen(slots=True)
class Expression:
    """A parsed, type-checked and compiled expression.

    Build one with :func:`parse`.  ``names`` are the free fact names the value
    depends on (after constant folding).
    """

    source: str
    type: Type
    names: frozenset[str]
    fn: _Fn = attrs.field(eq=False, repr=False)
    # None until needed when unpickled (see _unpickle_lazy)
    _parsed: _Node | None = attrs.field(eq=False, repr=False, alias="tree")
    _declared: tuple[tuple[str, Type], ...] = attrs.field(
        eq=False, repr=False, alias="declared", default=()
    )

    @property
    def tree(self) -> _Node:
        """The syntax tree, for tools that render or analyse an expression (read-only)."""
        return self._tree

    @property
    def _tree(self) -> _Node:
        """The syntax tree (parsed again on first use after unpickling)."""
        tree = self._parsed
        if tree is None:
            self._materialize()
            tree = self._parsed
            assert tree is not None
        return tree

    def _materialize(self) -> _Fn:
        """Parse the source again (an unpickled expression): set the tree and the closure."""
        again = parse(self.source, dict(self._declared), expect=self.type)
        object.__setattr__(self, "_parsed", again._parsed)
        object.__setattr__(self, "fn", again.fn)
        return again.fn

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """The value for the facts in ``env`` (missing or UNKNOWN facts are unknown)."""
        try:
            return self.fn(env)
        except ZeroDivisionError:
            raise EvaluationError(f"除数为零：{self.source}") from None
        except ArithmeticError as exc:
            raise EvaluationError(f"数值运算错误 ({type(exc).__name__})：{self.source}") from None
        except KeyError as exc:
            raise EvaluationError(f"未声明的枚举取值 {exc.args[0]!r}：{self.source}") from None

    @property
    def is_constant(self) -> bool:
        """Whether the value depends on no fact."""
        return not self.names

    def constant_value(self) -> Value:
        """The value of a constant expression (see :attr:`is_constant`)."""
        if not self.is_constant:
            raise ValueError(f"expression {self.source!r} is not constant")
        return self.evaluate({})

    def thresholds(self) -> dict[str, frozenset[Decimal]]:
        """For each numeric fact, the values where a comparison changes its outcome.

        Every comparison link (and ``in`` list) whose two sides differ by a
        linear function ``a*x + b`` of exactly one fact ``x`` (``a != 0``)
        contributes its boundary ``x = -b/a``; other comparisons contribute nothing.
        """
        found: dict[str, set[Decimal]] = {}

        def add(name: str, value: Decimal) -> None:
            found.setdefault(name, set()).add(_tidy(value))

        for node in _walk(self._tree):
            if isinstance(node, _Compare):
                for left, _, right in node.links():
                    if left.type != NUMBER:
                        continue
                    lin = _linear_difference(left, right)
                    if lin is not None:
                        add(lin[0], _solve(lin, Decimal(0)))
            elif isinstance(node, _In) and node.operand.type == NUMBER:
                operand = _linear(node.operand)
                if operand is None:
                    continue
                name, a, b = operand
                if name is not None and a != 0:
                    for value in node.values:
                        assert isinstance(value, Decimal)
                        add(name, _solve((name, a, b), value))
        return {name: frozenset(values) for name, values in found.items()}

    def literals(self) -> dict[str, frozenset[str]]:
        """For each enum fact, the string literals it is compared with."""
        found: dict[str, set[str]] = {}
        for node in _walk(self._tree):
            if isinstance(node, _Compare):
                for left, _, right in node.links():
                    for a, b in ((left, right), (right, left)):
                        if isinstance(a, _Name) and isinstance(b, _Const) and a.type.kind == "enum":
                            found.setdefault(a.name, set()).add(str(b.value))
            elif (
                isinstance(node, _In)
                and isinstance(node.operand, _Name)
                and node.operand.type.kind == "enum"
            ):
                found.setdefault(node.operand.name, set()).update(map(str, node.values))
        return {name: frozenset(values) for name, values in found.items()}

    def __reduce__(self) -> tuple[
        Callable[..., Expression], tuple[str, tuple[tuple[str, Type], ...], Type, frozenset[str]]
    ]:
        # the source, not the closures: parsed again when first evaluated (a cached set
        # of thousands of expressions loads without parsing any)
        return (_unpickle_lazy, (self.source, self._declared, self.type, self.names))

    def __copy__(self) -> Expression:
        return self

    def __deepcopy__(self, memo: object) -> Expression:
        return self


def _unpickle(source: str, names: dict[str, Type], type: Type) -> Expression:
    return parse(source, names, expect=type)


def _unpickle_lazy(
    source: str, declared: tuple[tuple[str, Type], ...], type: Type, names: frozenset[str]
) -> Expression:
    """An expression whose closure and tree are built on first use."""
    e = Expression(source, type, names, _unparsed, tree=None, declared=declared)

    def first(env: _Env) -> Value:
        return e._materialize()(env)

    object.__setattr__(e, "fn", first)
    return e


def _unparsed(env: _Env) -> Value:  # replaced at once by _unpickle_lazy
    raise AssertionError("unparsed expression")


# (name or None for a constant, a, b): the node is a*name + b.
_Linear: TypeAlias = tuple[str | None, Decimal, Decimal]


def _linear(node: _Node) -> _Linear | None:
    try:
        return _linear_unchecked(node)
    except ArithmeticError:
        return None


def _linear_unchecked(node: _Node) -> _Linear | None:
    ctx = _SOLVE_CTX
    if isinstance(node, _Const):
        assert isinstance(node.value, Decimal)
        return (None, Decimal(0), node.value)
    if isinstance(node, _Name):
        return (node.name, Decimal(1), Decimal(0))
    if isinstance(node, _Neg):
        inner = _linear_unchecked(node.operand)
        if inner is None:
            return None
        return (inner[0], ctx.minus(inner[1]), ctx.minus(inner[2]))
    if isinstance(node, _Arith):
        acc = _linear_unchecked(node.operands[0])
        for op, operand in zip(node.ops, node.operands[1:], strict=True):
            if acc is None:
                return None
            rhs = _linear_unchecked(operand)
            if rhs is None:
                return None
            acc = _combine(acc, op, rhs)
        return acc
    return None


def _combine(a: _Linear, op: str, b: _Linear) -> _Linear | None:
    ctx = _SOLVE_CTX
    if op in ("+", "-"):
        if a[0] is not None and b[0] is not None and a[0] != b[0]:
            return None
        name = a[0] if a[0] is not None else b[0]
        if op == "+":
            return (name, ctx.add(a[1], b[1]), ctx.add(a[2], b[2]))
        return (name, ctx.subtract(a[1], b[1]), ctx.subtract(a[2], b[2]))
    if op == "*":
        if b[0] is None:
            return (a[0], ctx.multiply(a[1], b[2]), ctx.multiply(a[2], b[2]))
        if a[0] is None:
            return (b[0], ctx.multiply(b[1], a[2]), ctx.multiply(b[2], a[2]))
        return None
    # "/": only by a non-zero constant
    if b[0] is not None or b[2] == 0:
        return None
    return (a[0], ctx.divide(a[1], b[2]), ctx.divide(a[2], b[2]))


def _linear_difference(left: _Node, right: _Node) -> tuple[str, Decimal, Decimal] | None:
    """``left - right`` as ``a*x + b`` in exactly one name ``x`` with ``a != 0``."""
    a = _linear(left)
    if a is None:
        return None
    b = _linear(right)
    if b is None:
        return None
    try:
        diff = _combine(a, "-", b)
    except ArithmeticError:
        return None
    if diff is None or diff[0] is None or diff[1] == 0:
        return None
    return (diff[0], diff[1], diff[2])


def _solve(lin: tuple[str, Decimal, Decimal], c: Decimal) -> Decimal:
    """``x`` with ``a*x + b == c``."""
    _, a, b = lin
    return _SOLVE_CTX.divide(_SOLVE_CTX.subtract(c, b), a)


def _tidy(value: Decimal) -> Decimal:
    """``value`` without trailing zeros or a positive exponent (2E+4 -> 20000).

    A boundary that is not a terminating decimal (1000 / 0.03) is rounded to
    28 significant digits.
    """
    value = value.normalize(_SOLVE_CTX)
    if len(value.as_tuple().digits) > 28:
        value = value.normalize(_ROUND_CTX)
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=_SOLVE_CTX)
    return value


_ROUND_CTX: Final = Context(prec=28, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


# ------------------------------------------------------------------------ parse()


def parse(
    source: str | int | Decimal,
    names: Mapping[str, Type],
    *,
    expect: Type | None = None,
) -> Expression:
    """Parse, type-check and compile ``source``.

    ``names`` maps each declared fact (and other defined name) to its type.
    An ``int`` or ``Decimal`` source is a constant number (a ``bool``, as TOML
    ``true``/``false`` gives, a constant truth value).  ``expect`` is the type
    the expression must have: :data:`BOOL` for conditions, :data:`NUMBER` for
    fine bounds.

    Raises :class:`ExpressionSyntaxError`, :class:`UnknownName` or
    :class:`ExpressionTypeError` (all :class:`ExpressionError`).
    """
    text: str
    tree: _Node
    declared: tuple[tuple[str, Type], ...] = ()
    if isinstance(source, str):
        parser = _Parser(source, names)
        tree = parser.parse()
        text = source
        declared = tuple(parser.used.items())
    elif isinstance(source, bool):
        text = "true" if source else "false"
        tree = _Const(source, BOOL, 0, len(text))
    elif isinstance(source, (int, Decimal)):
        number = Decimal(source)
        if not number.is_finite():
            raise ExpressionSyntaxError(f"数值须为有限数，而不是 {source}", str(source), None)
        text = format(number, "f")
        tree = _Const(number, NUMBER, 0, len(text))
    else:
        raise ExpressionSyntaxError(
            f"表达式须为字符串或数字，而不是 {type(source).__name__}", repr(source), None
        )
    if tree.type.kind == "string":
        raise ExpressionTypeError(
            "表达式的结果是字符串 (string)；字符串只能用于与枚举 (enum) 事实比较", text, 0
        )
    if expect is not None and tree.type != expect:
        raise ExpressionTypeError(
            f"此处需要{_describe(expect)}，而表达式的结果是{_describe(tree.type)}", text, None
        )
    used = frozenset(node.name for node in _walk(tree) if isinstance(node, _Name))
    return Expression(text, tree.type, used, tree.compile(), tree=tree, declared=declared)
