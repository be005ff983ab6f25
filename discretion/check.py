"""``discretion check``: every inconsistency of a benchmark set, with the smallest case
that shows it (format.md §5 and §9).

Static checks read the documents. Property checks probe the conditions: for each
numeric fact every value it is compared with (linear comparisons solved for their
boundary, fine bounds for where they cross), the values just beside each, the
midpoints and the declared bounds; every value of bool and enum facts; both
subjects. The cross-product is enumerated when it has at most 100,000 points (in
lexicographic order, so the first case found is the smallest); otherwise every
pair of facts is covered and Hypothesis samples the rest and shrinks what it
finds. The range a benchmark gives is computed from the compiled expressions
directly; the engine is run only where circumstances move the range.

Hypothesis is imported only when a check has to sample.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import os
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import expr
from .engine import Case, assess_item
from .errors import BenchmarkError, DiscretionError, ExpressionError, InputError, Problem
from .expr import UNKNOWN, Expression, Value
from .layers import Resolved, View
from .library import Library
from .load import Locator, load_documents, read_toml
from .model import (
    SUBJECT_NAMES,
    SUBJECTS,
    Assessment,
    Circumstance,
    Document,
    Exemption,
    Fact,
    FineRule,
    Tier,
    TierSet,
)
from .regions import depth

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "EXHAUSTIVE_LIMIT",
    "CheckStat",
    "Counterexample",
    "Finding",
    "Report",
    "check_library",
    "check_paths",
    "fact_strategy",
    "fact_values",
    "item_expressions",
]

#: Most points a property check enumerates before it samples instead (format.md §5).
EXHAUSTIVE_LIMIT = 100_000
#: 行政处罚法第五十一条: the most a summary-procedure (当场) fine may be.
LAW_SUMMARY = {"person": Decimal(200), "organization": Decimal(3000)}
# Most effect classes whose every combination the engine check runs.
_CLASS_LIMIT = 6
# How many distinct problems a sampling run looks for before it stops.
_SAMPLE_ROUNDS = 5
_MONEY_LIMIT = Decimal(10) ** 15
_ZERO = Decimal(0)
_FEN = Decimal("0.01")
_LEGAL = ("legal_min", "legal_max")
_ADJUST_EFFECTS = ("reduced", "lighter_or_reduced", "lighter", "heavier")
_LIGHTER = ("reduced", "lighter_or_reduced", "lighter", "no_penalty", "may_waive")
_EFFECT_NAMES = {
    "no_penalty": "不予处罚",
    "may_waive": "可以不予处罚",
    "reduced": "减轻处罚",
    "lighter_or_reduced": "从轻或者减轻处罚",
    "lighter": "从轻处罚",
    "heavier": "从重处罚",
}

Range2 = tuple[Decimal, Decimal]


# --------------------------------------------------------------------------- findings


@attrs.frozen(slots=True)
class Counterexample:
    """The case a property finding rests on: what to pass to ``discretion assess``."""

    facts: tuple[tuple[str, Value], ...]
    subject: str
    region: str
    date: dt.date
    circumstances: tuple[str, ...] = ()  # circumstances assumed to hold (engine checks)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "facts": {name: _json_value(v) for name, v in self.facts},
            "subject": self.subject,
            "region": self.region,
            "date": self.date.isoformat(),
        }
        if self.circumstances:
            out["circumstances"] = list(self.circumstances)
        return out


@attrs.frozen(slots=True)
class Finding:
    """One problem: where it is (file, document, key path, line, item, tiers) and why."""

    severity: str  # error | warning
    kind: str  # stable id, e.g. tier-overlap
    message: str  # plain Chinese
    file: str = ""
    document: str = ""
    key: str = ""
    line: int | None = None
    item: str = ""
    tiers: tuple[str, ...] = ()
    counterexample: Counterexample | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "kind": self.kind,
            "file": self.file,
            "document": self.document,
            "key": self.key,
            "line": self.line,
            "item": self.item or None,
            "tiers": list(self.tiers),
            "message": self.message,
            "counterexample": None if self.counterexample is None else self.counterexample.to_dict(),
        }

    def where(self) -> str:
        out = self.file or "-"
        if self.line is not None:
            out += f":{self.line}"
        return out

    def __str__(self) -> str:
        label = "错误" if self.severity == "error" else "警告"
        parts = [f"{self.where()}: {label} [{self.kind}]"]
        if self.document:
            parts.append(self.document)
        if self.key:
            parts.append(self.key)
        if self.item:
            parts.append(self.item)
        if self.tiers:
            parts.append("阶次 " + "、".join(self.tiers))
        return " ".join(parts) + f"：{self.message}"


@attrs.frozen(slots=True)
class CheckStat:
    """How one property check went: on how many items, how many of them exhaustively."""

    items: int = 0
    exhaustive: int = 0
    points: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "exhaustive": self.items == self.exhaustive,
            "items": self.items,
            "exhaustive_items": self.exhaustive,
            "sampled_items": self.items - self.exhaustive,
            "points": self.points,
        }


@attrs.frozen(slots=True)
class Report:
    """Everything ``check`` found, and which property checks were exhaustive."""

    findings: tuple[Finding, ...]
    stats: tuple[tuple[str, CheckStat], ...] = ()
    documents: int = 0  # documents checked
    context: int = 0  # documents loaded only as context
    items: int = 0
    seconds: float = 0.0
    examples: int = 100
    seed: int | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    def failed(self, strict: bool = False) -> bool:
        """Errors always fail a check; warnings only with ``strict``."""
        return bool(self.errors) or (strict and bool(self.warnings))

    def exit_status(self, strict: bool = False) -> int:
        return 1 if self.failed(strict) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "exhaustive": {name: stat.to_dict() for name, stat in self.stats},
            "summary": {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "documents": self.documents,
                "context_documents": self.context,
                "items": self.items,
                "examples": self.examples,
                "seed": self.seed,
                "seconds": round(self.seconds, 2),
            },
        }

    def render(self, lang: str = "zh") -> str:
        """The human report: one line per finding, then a summary."""
        lines = [str(f) for f in self.findings]
        exhaustive = [n for n, s in self.stats if s.items and s.items == s.exhaustive]
        sampled = [n for n, s in self.stats if s.items and s.items != s.exhaustive]
        if lines:
            lines.append("")
        errors, warnings, secs = len(self.errors), len(self.warnings), self.seconds
        if lang == "en":
            context = f" (+{self.context} as context)" if self.context else ""
            lines.append(f"Checked {self.documents} documents{context}, {self.items} item versions: "
                         f"{errors} errors, {warnings} warnings ({secs:.1f} s).")
            lines.append("Exhaustive: " + (", ".join(exhaustive) or "none"))
            sampled_head, sep = f"Sampled (Hypothesis, {self.examples} examples each): ", ", "
        else:
            context = f"（另有 {self.context} 个作为上下文）" if self.context else ""
            lines.append(f"检查了 {self.documents} 个文档{context}、{self.items} 个事项版本："
                         f"错误 {errors} 项，警告 {warnings} 项（用时 {secs:.1f} 秒）。")
            lines.append("穷举检查：" + ("、".join(exhaustive) or "无"))
            sampled_head, sep = f"抽样检查（Hypothesis，每项 {self.examples} 例）：", "、"
        if sampled:
            lines.append(sampled_head + sep.join(sampled))
        return "\n".join(lines)


# --------------------------------------------------------------------------- entry points


def check_paths(
    paths: Sequence[Path] | None,
    context: Sequence[Path] = (),
    *,
    examples: int = 100,
    seed: int | None = None,
) -> Report:
    """Check the documents under ``paths`` (all loaded documents when ``None``), with
    the documents under ``context`` loaded alongside. A set that fails to load gives
    one ``load`` finding per problem, not an exception."""
    start = time.monotonic()
    folders = list(paths or ()) + [c for c in context if c not in (paths or ())]
    if not folders:
        raise InputError("没有要检查的基准文件（未给出路径，且未加载随程序发布的数据）")
    try:
        documents = load_documents(folders)
    except BenchmarkError as exc:
        findings = _load_findings(exc.problems)
        return Report(tuple(findings), documents=0, seconds=time.monotonic() - start,
                      examples=examples, seed=seed)
    targets: frozenset[str] | None = None
    if paths:
        roots = [Path(os.path.realpath(p)) for p in paths]
        targets = frozenset(d.version for d in documents if _under(d.file, roots))
        if not targets:
            raise InputError("所给路径下没有基准文档（*.toml）：" + "、".join(map(str, paths)))
    library = Library(documents, folders)
    return check_library(library, targets=targets, examples=examples, seed=seed, start=start)


def check_library(
    library: Library,
    *,
    targets: Iterable[str] | None = None,
    examples: int = 100,
    seed: int | None = None,
    start: float | None = None,
) -> Report:
    """Check a loaded library; ``targets`` (document versions, ``id@effective``)
    limits the findings to those documents, with the rest as context."""
    start = time.monotonic() if start is None else start
    if examples < 1:
        raise InputError("--examples 须为正整数")
    checker = _Checker(library, None if targets is None else frozenset(targets), examples, seed)
    checker.run()
    return checker.report(time.monotonic() - start)


def _under(file: str, roots: Sequence[Path]) -> bool:
    real = Path(os.path.realpath(file))
    return any(real == root or root in real.parents for root in roots)


# --------------------------------------------------------------------------- load problems

_LOAD_KINDS: tuple[tuple[str, str], ...] = (
    ("不存在的事项", "dangling-item"),
    ("不存在的类别", "dangling-item"),
    ("不存在的文档", "dangling-item"),
    ("版本重复", "version-overlap"),
    ("不晚于生效日期", "expiry-before-effect"),
    ("未声明的事实名称", "unknown-fact"),
    ("表达式", "bad-expression"),
    ("高于上限", "bounds-order"),
)


def _load_findings(problems: Iterable[Problem]) -> list[Finding]:
    """Every loader problem as a finding; the item code and tier id are read back
    from the file at the problem's key path."""
    cache: dict[str, dict[str, Any] | None] = {}
    locators: dict[str, Locator | None] = {}
    out: list[Finding] = []
    for p in problems:
        kind = next((k for text, k in _LOAD_KINDS if text in p.message), "load")
        item, tiers = _key_subjects(cache, p.file, p.key)
        if kind == "dangling-item":
            m = re.search(r"不存在的事项 (\S+)$", p.message)
            if m:
                item = m.group(1)
        line = p.line
        if line is None and p.key and p.file:
            if p.file not in locators:
                _, text, _ = read_toml(Path(p.file))
                locators[p.file] = Locator(text) if text else None
            locator = locators[p.file]
            line = locator.line(p.key) if locator is not None else None
        out.append(Finding("error", kind, p.message, file=p.file, document=p.document, key=p.key,
                           line=line, item=item, tiers=tiers))
    return out


def _key_subjects(
    cache: dict[str, dict[str, Any] | None], file: str, key: str
) -> tuple[str, tuple[str, ...]]:
    """The item code and tier id that a key path such as ``item[3].tier[2].when`` is in."""
    if not key or not file:
        return "", ()
    if file not in cache:
        data, _, problem = read_toml(Path(file))
        cache[file] = data if problem is None else None
    node: Any = cache[file]
    item = ""
    tiers_found: tuple[str, ...] = ()
    for part in key.split("."):
        m = re.fullmatch(r"([A-Za-z0-9_\-]+)(?:\[(\d+)\])?", part)
        if m is None or not isinstance(node, dict):
            break
        node = node.get(m.group(1))
        if m.group(2) is not None:
            index = int(m.group(2)) - 1
            if not isinstance(node, list) or not 0 <= index < len(node):
                break
            node = node[index]
        if isinstance(node, dict):
            if m.group(1) == "item" and isinstance(node.get("code"), str):
                item = node["code"]
            if m.group(1) == "tier" and isinstance(node.get("id"), str):
                tiers_found = (node["id"],)
    return item, tiers_found


# --------------------------------------------------------------------------- values


def _fact_type(fact: Fact) -> expr.Type:
    if fact.type == "bool":
        return expr.BOOL
    if fact.type == "enum":
        return expr.enum_type(fact.values)
    return expr.NUMBER


def _scale(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def fact_values(fact: Fact, points: Iterable[Decimal] = ()) -> list[Value]:
    """The probe values of a fact (format.md §5): every value of a bool or enum; for a
    number, each point it is compared with, ± 10^-(scale+2) beside it, the midpoints
    between them and the declared bounds, in ascending order."""
    if fact.type == "bool":
        return [False, True]
    if fact.type == "enum":
        return list(fact.values)
    lo = fact.min if fact.min is not None else (_ZERO if fact.type == "money" else None)
    hi = fact.max

    def fits(v: Decimal) -> bool:
        return abs(v) < _MONEY_LIMIT and (lo is None or v >= lo) and (hi is None or v <= hi)

    lits = {p for p in points if p.is_finite()}
    lits |= {b for b in (lo, hi) if b is not None}
    marks = sorted(v for v in lits if fits(v))
    out: set[Decimal] = set(marks)
    for v in marks:
        eps = Decimal(1).scaleb(-(_scale(v) + 2))
        out |= {v - eps, v + eps}
    for a, b in itertools.pairwise(marks):
        out.add((a + b) / 2)
    if marks:
        out |= {marks[0] - 1, marks[-1] + 1}
    else:
        base = lo if lo is not None else _ZERO
        out |= {base, base + 1}
    return [_tidy(v) for v in sorted(v for v in out if fits(v))]


def _tidy(v: Decimal) -> Decimal:
    n = v.normalize()
    exponent = n.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        n = n.quantize(Decimal(1))
    return n + 0


def _show(v: Value) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, Decimal):
        return format(_tidy(v), "f")
    if isinstance(v, str):
        return f"'{v}'"
    return "未知"


def _json_value(v: Value) -> Any:
    if isinstance(v, Decimal):
        return format(_tidy(v), "f")
    if v is UNKNOWN:
        return None
    return v


def _money(v: Decimal) -> str:
    return f"{v:,.2f}"


def _fmt(r: Range2 | None) -> str:
    if r is None:
        return "数额不明"
    if r == (_ZERO, _ZERO):
        return "不罚款"
    if r[0] == r[1]:
        return f"{_money(r[0])} 元"
    return f"{_money(r[0])} 至 {_money(r[1])} 元"


def _conditions(facts: Sequence[tuple[str, Value]]) -> str:
    if not facts:
        return "在任何情况下"
    return "当 " + "且".join(f" {n} = {_show(v)} " for n, v in facts).strip() + " 时"


def item_expressions(r: Resolved) -> list[Expression]:
    """Every expression one resolved item evaluates (see :meth:`Resolved.expressions`)."""
    return r.expressions()


def _rule_expressions(rule: FineRule | None) -> list[Expression]:
    return [] if rule is None else list(rule.expressions())


def _tierset(doc: Document, code: str, category: str) -> TierSet | None:
    """The tiers ``doc`` gives item ``code``: its own, or its template's."""
    own = next((i for i in doc.items if i.code == code and i.tiers is not None), None)
    if own is not None:
        return own.tiers
    if doc.template is not None and doc.template.scope.covers(code, category):
        return doc.template.tiers
    return None


# --------------------------------------------------------------------------- the probe of one item


@attrs.frozen(slots=True)
class _Issue:
    """A problem at one point; ``ident`` says which problem (for the smallest case)."""

    ident: tuple[Any, ...]
    kind: str
    severity: str
    names: frozenset[str]  # facts worth showing
    text: str  # what happens, after 「当 … 时，」
    file: str
    document: str
    key: str
    tiers: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class _Point:
    issues: tuple[_Issue, ...]
    base: Range2 | None  # the range the engine starts from (tier or statutory), or None
    label: str  # which bracket / tier gave it
    legal: Range2 | None
    has_fine: bool
    penalties: tuple[Any, ...]
    tier: str = ""  # id of the tier that gave ``base``


class _Probe:
    """The exact model of one item's brackets and tiers (and the tiers of the
    benchmarks they refine), evaluated point by point from compiled expressions."""

    def __init__(
        self,
        checker: _Checker,
        r: Resolved,
        refined: Sequence[tuple[Document, TierSet]],
        region: str,
        day: dt.date,
    ) -> None:
        self.checker = checker
        self.r = r
        self.refined = tuple(refined)
        self.region = region
        self.day = day
        self.brackets = r.brackets
        self.tierset = r.tiers
        self.tiers: tuple[Tier, ...] = r.tiers.tiers if r.tiers is not None else ()
        self.hit = r.tiers.hit if r.tiers is not None else "unique"
        self.tier_doc = r.tier_document
        facts = checker.lib.facts
        used: set[str] = set()
        conditions: list[Expression] = []
        bounds: list[Expression] = []
        for b in self.brackets:
            if b.when is not None:
                conditions.append(b.when)
            bounds += _rule_expressions(b.fine)
        for tiers in [self.tiers] + [ts.tiers for _, ts in self.refined]:
            for t in tiers:
                if t.when is not None:
                    conditions.append(t.when)
                bounds += _rule_expressions(t.fine)
        for e in conditions + bounds:
            used |= e.names
        self.names = sorted(n for n in used if n in facts)
        self.severity: list[tuple[int, str]] = [
            (i, sev) for i, n in enumerate(self.names) if (sev := facts[n].severity) is not None
        ]
        points, self.solvable = checker.points_of(self.r, conditions, bounds)
        self.values = [fact_values(facts[n], points.get(n, ())) for n in self.names]
        self.subjects: tuple[str, ...] = SUBJECTS if self._subject_matters() else SUBJECTS[:1]
        self.size = math.prod(len(v) for v in self.values) * len(self.subjects)
        self.exhaustive = self.solvable and self.size <= EXHAUSTIVE_LIMIT
        self.reps: dict[tuple[Any, ...], list[dict[str, Value]]] = {}
        self.collect = True  # keep representatives (not while Hypothesis samples: it is random)
        self.found: dict[tuple[Any, ...], tuple[_Issue, dict[str, Value]]] = {}
        self.evaluated = 0

    # ------------------------------------------------------------------ one point
    def _truth(self, e: Expression | None, env: Mapping[str, Value]) -> Value:
        if e is None:
            return True
        return e.evaluate(env)

    def _range(
        self, rule: FineRule | None, subject: str, env: Mapping[str, Value]
    ) -> tuple[str, Range2 | None]:
        """('none'|'delegated'|'range'|'unknown'|'reversed', range) of a fine rule."""
        if rule is None:
            return "none", None
        if rule.delegated:
            return "delegated", None
        bounds = rule.for_subject(subject)
        if bounds is None:
            return "none", None
        lo = bounds.low.evaluate(env)
        hi = bounds.high.evaluate(env)
        if not isinstance(lo, Decimal) or not isinstance(hi, Decimal):
            return "unknown", None
        lo = max(lo, _ZERO)
        if hi < lo:
            return "reversed", (lo, hi)
        return "range", (lo, hi)

    def _subject_matters(self) -> bool:
        """Whether any bracket, tier or fine depends on the subject."""
        rules = [b.fine for b in self.brackets] + [t.fine for t in self.tiers]
        rules += [t.fine for _, ts in self.refined for t in ts.tiers]
        if any(b.subject is not None for b in self.brackets):
            return True
        if any(rule is not None and rule.common is None and not rule.delegated for rule in rules):
            return True
        exprs = [b.when for b in self.brackets] + [t.when for t in self.tiers]
        exprs += [t.when for _, ts in self.refined for t in ts.tiers]
        return any(e is not None and "subject" in e.names for e in exprs)

    def evaluate(self, env: dict[str, Value]) -> _Point:
        """What the brackets and tiers give at one fully known case."""
        self.evaluated += 1
        try:
            return self._evaluate(env)
        except DiscretionError as exc:
            doc = self.tier_doc or self.r.bracket_document
            issue = _Issue(("evaluation", id(self.brackets), id(self.tierset)), "evaluation", "error",
                           frozenset(self.names), f"计算出错：{exc}", doc.file, doc.id,
                           self.tierset.key if self.tierset is not None and doc is self.tier_doc else "")
            return _Point((issue,), None, "", None, False, ())

    def _evaluate(self, env: dict[str, Value]) -> _Point:
        subject = env["subject"]
        assert isinstance(subject, str)
        issues: list[_Issue] = []
        bdoc = self.r.bracket_document
        applicable = [
            b for b in self.brackets
            if (b.subject is None or b.subject == subject) and self._truth(b.when, env) is True
        ]
        if len(applicable) != 1:
            if not applicable:
                names = frozenset(n for b in self.brackets if b.when is not None for n in b.when.names)
                key = self.brackets[0].key.rsplit(".", 1)[0] + ".statutory" if self.brackets else ""
                issues.append(_Issue(("bracket-gap", id(self.brackets)), "bracket-gap", "error", names,
                                     f"事项 {self.r.code} 没有适用的法定处罚幅度（各幅度须合起来覆盖一切情形）",
                                     bdoc.file, bdoc.id, key))
            for a, b in itertools.combinations(applicable, 2):
                names = frozenset((a.when.names if a.when else frozenset()) | (b.when.names if b.when else frozenset()))
                issues.append(_Issue(("bracket-overlap", id(self.brackets), a.key, b.key), "bracket-overlap",
                                     "error", names,
                                     f"事项 {self.r.code} 的法定处罚幅度 {a.key} 与 {b.key} 同时适用（各幅度须互斥）",
                                     bdoc.file, bdoc.id, a.key))
            return _Point(tuple(issues), None, "", None, False, ())
        bracket = applicable[0]
        bindex = self.brackets.index(bracket)
        bnames = (bracket.when.names if bracket.when else frozenset()) | frozenset(
            n for e in _rule_expressions(bracket.fine) for n in e.names)
        state, legal = self._range(bracket.fine, subject, env)
        if state == "reversed":
            assert legal is not None
            issues.append(_Issue(("bounds-order", id(bracket)), "bounds-order", "error", bnames,
                                 f"法定罚款幅度的下限 {_money(legal[0])} 高于上限 {_money(legal[1])}",
                                 bdoc.file, bdoc.id, bracket.key + ".fine"))
            return _Point(tuple(issues), None, "", None, False, ())
        has_fine = state == "range"
        known = state in ("range", "none")
        if state == "none":
            legal = (_ZERO, _ZERO)
        statutory_base: Range2 | None = legal if known else None
        label = f"法定幅度 {bracket.key}"
        pens: tuple[Any, ...] = (bracket.penalties, bracket.may)
        if not self.tiers:
            self._rep(("b", subject, bindex), env, issues)
            return _Point(tuple(issues), statutory_base, label, legal if known else None, has_fine, pens)
        lenv: dict[str, Value] = env
        if known:
            assert legal is not None
            lenv = {**env, "legal_min": legal[0], "legal_max": legal[1]}
        holding: list[Tier] = []
        for t in self.tiers:
            h = self._truth(t.when, lenv)
            if h is True:
                holding.append(t)
                if self.hit == "first":
                    break
            elif h is UNKNOWN:
                return _Point(tuple(issues), None, "", None, False, ())
        tdoc = self.tier_doc
        assert tdoc is not None and self.tierset is not None
        if self.hit == "unique" and len(holding) > 1:
            for ta, tb in itertools.combinations(holding, 2):
                names = (ta.when.names if ta.when else frozenset()) | (tb.when.names if tb.when else frozenset())
                if names & set(_LEGAL):
                    names |= bnames
                issues.append(_Issue(
                    ("tier-overlap", id(self.tierset), ta.id, tb.id), "tier-overlap", "error", frozenset(names),
                    f"事项 {self.r.code} 的阶次“{ta.name}”（{ta.id}）与“{tb.name}”（{tb.id}）同时适用"
                    "（tier_hit = \"unique\" 要求恰好一个阶次适用）",
                    tdoc.file, tdoc.id, ta.key, (ta.id, tb.id)))
            return _Point(tuple(issues), None, "", None, False, ())
        if not holding:
            names = frozenset(n for t in self.tiers if t.when is not None for n in t.when.names)
            if names & set(_LEGAL):
                names |= bnames
            unique = self.hit == "unique"
            issues.append(_Issue(
                ("tier-gap", id(self.tierset)), "tier-gap", "error" if unique else "warning", names,
                f"事项 {self.r.code} 没有适用的阶次（" + ("tier_hit = \"unique\" 要求恰好一个阶次适用" if unique
                                                  else "将按法定幅度裁量") + "）",
                tdoc.file, tdoc.id, self.tierset.key or "tier"))
            self._rep(("g", subject, bindex), env, issues)
            return _Point(tuple(issues), statutory_base, label + "（无适用阶次）", legal if known else None,
                          has_fine, pens)
        tier = holding[0]
        tnames = (tier.when.names if tier.when else frozenset()) | frozenset(
            n for e in _rule_expressions(tier.fine) for n in e.names) | bnames
        own = self._tier_range(tier, subject, lenv, legal if known else None, has_fine, known)
        tstate, trange, base = own
        label = f"阶次“{tier.name}”（{tier.id}）"
        pens = (bracket.penalties, bracket.may, tier.penalties, tier.may, tier.outcome)
        if tstate == "reversed":
            assert trange is not None
            issues.append(_Issue(("bounds-order", id(tier)), "bounds-order", "error", tnames,
                                 f"阶次“{tier.name}”（{tier.id}）的罚款下限 {_money(trange[0])} 高于上限 {_money(trange[1])}",
                                 tdoc.file, tdoc.id, tier.key + ".fine", (tier.id,)))
            return _Point(tuple(issues), None, label, None, False, pens)
        if tstate == "fine" and trange is not None and known:
            assert legal is not None
            if not has_fine:
                issues.append(_Issue(
                    ("tier-out-of-range", id(self.tierset), tier.id, "no-fine"), "tier-out-of-range", "error",
                    tnames,
                    f"阶次“{tier.name}”（{tier.id}）规定罚款 {_fmt(trange)}，但适用的法定处罚"
                    f"（{bracket.key}）没有罚款",
                    tdoc.file, tdoc.id, tier.key + ".fine", (tier.id,)))
            elif trange[0] < legal[0] or trange[1] > legal[1]:
                issues.append(_Issue(
                    ("tier-out-of-range", id(self.tierset), tier.id), "tier-out-of-range", "error",
                    tnames | {"subject"},
                    f"阶次“{tier.name}”（{tier.id}）的罚款幅度 {_fmt(trange)} 超出法定幅度 {_fmt(legal)}",
                    tdoc.file, tdoc.id, tier.key + ".fine", (tier.id,)))
        if tstate in ("fine", "statutory", "none", "no_penalty") and trange is not None:
            for udoc, uset in self.refined:
                issues += self._refined_issue(tier, trange, tnames, udoc, uset, subject, env,
                                              legal if known else None, has_fine, known)
        self._rep(("t", subject, bindex, tier.id), env, issues)
        return _Point(tuple(issues), base, label, legal if known else None, has_fine, pens, tier.id)

    def _tier_range(
        self, tier: Tier, subject: str, lenv: Mapping[str, Value], legal: Range2 | None, has_fine: bool,
        known: bool,
    ) -> tuple[str, Range2 | None, Range2 | None]:
        """(state, the tier's own range, the base range the engine uses) as engine step 7."""
        zero = (_ZERO, _ZERO)
        if tier.outcome == "no_penalty":
            return "no_penalty", zero, zero
        if tier.fine is None:
            if tier.penalties is not None and "fine" not in tier.penalties and (
                tier.may is None or "fine" not in tier.may
            ):
                return "none", zero, zero
            base = legal if known else None
            if base is not None and tier.outcome == "may_waive":
                base = (_ZERO, base[1])
            return "statutory", base, base
        state, r = self._range(tier.fine, subject, lenv)
        if state == "reversed":
            return "reversed", r, None
        if state == "none":
            return "none", zero, zero
        if state != "range" or not known:
            return "unknown", None, None
        assert r is not None and legal is not None
        if not has_fine:
            return "fine", r, zero
        lo, hi = max(r[0], legal[0]), min(r[1], legal[1])
        if lo > hi:
            lo = hi = legal[0]
        base = (lo, hi)
        if tier.outcome == "may_waive":
            base = (_ZERO, hi)
        return "fine", r, base

    def _refined_issue(
        self, tier: Tier, trange: Range2, tnames: frozenset[str], udoc: Document, uset: TierSet,
        subject: str, env: dict[str, Value], legal: Range2 | None, has_fine: bool, known: bool,
    ) -> list[_Issue]:
        lenv: dict[str, Value] = env
        if known and legal is not None:
            lenv = {**env, "legal_min": legal[0], "legal_max": legal[1]}
        holding: list[Tier] = []
        for u in uset.tiers:
            h = self._truth(u.when, lenv)
            if h is True:
                holding.append(u)
                if uset.hit == "first":
                    break
            elif h is UNKNOWN:
                return []
        if len(holding) != 1:
            return []  # the refined benchmark's own gap or overlap is reported on its own
        u = holding[0]
        ustate, urange, _ = self._tier_range(u, subject, lenv, legal, has_fine, known)
        if urange is None or ustate in ("reversed", "unknown"):
            return []
        if trange[0] >= urange[0] and trange[1] <= urange[1]:
            return []
        assert self.tier_doc is not None
        names = tnames | (u.when.names if u.when else frozenset()) | {"subject"}
        return [_Issue(
            ("containment", id(self.tierset), tier.id, udoc.id, u.id), "containment", "error", frozenset(names),
            f"细化基准的阶次“{tier.name}”（{tier.id}）给出 {_fmt(trange)}，超出被细化基准 {udoc.id} 的阶次"
            f"“{u.name}”（{u.id}）划定的 {_fmt(urange)}（下级基准不得超出上级基准划定的阶次或者幅度）",
            self.tier_doc.file, self.tier_doc.id, tier.key + ".fine", (tier.id, u.id))]

    def _rep(self, key: tuple[Any, ...], env: dict[str, Value], issues: list[_Issue]) -> None:
        """Keep the first and the last clean point of each bracket/tier selection."""
        if issues or not self.collect:
            return
        reps = self.reps.setdefault(key, [])
        if len(reps) < 2:
            reps.append(env)
        else:
            reps[1] = env

    # ------------------------------------------------------------------ the space
    def env_of(self, subject: str, values: Sequence[Value]) -> dict[str, Value]:
        env: dict[str, Value] = dict(zip(self.names, values, strict=True))
        env["subject"] = subject
        return env

    def run(self) -> None:
        """Enumerate (or cover pairwise and sample) and record the smallest case of each issue."""
        if self.size <= EXHAUSTIVE_LIMIT:
            self._enumerate()
        else:
            self._pairwise()
        if not self.exhaustive:
            self.collect = False
            self._sample()

    def _enumerate(self) -> None:
        dims: list[Sequence[Any]] = [self.subjects, *self.values]
        lens = [len(d) for d in dims]
        points: list[_Point] = []
        keep = bool(self.severity)
        for combo in itertools.product(*dims):
            env = self.env_of(combo[0], combo[1:])
            point = self.evaluate(env)
            if point.issues:
                self.record((issue, env) for issue in point.issues)
            if keep:
                points.append(point)
        if not keep:
            return
        strides = [math.prod(lens[i + 1:]) for i in range(len(lens))]
        for index, direction in self.severity:
            dim = index + 1
            stride, length = strides[dim], lens[dim]
            for flat in range(len(points)):
                if (flat // stride) % length == length - 1:
                    continue
                found = self._monotone(
                    points[flat], points[flat + stride], index, direction,
                    functools.partial(self._envs_at, flat, flat + stride, dims, strides))
                if found is not None:
                    self.record([found])

    def _envs_at(
        self, a: int, b: int, dims: Sequence[Sequence[Any]], strides: Sequence[int]
    ) -> tuple[dict[str, Value], dict[str, Value]]:
        return self._env_at(a, dims, strides), self._env_at(b, dims, strides)

    def _env_at(self, flat: int, dims: Sequence[Sequence[Any]], strides: Sequence[int]) -> dict[str, Value]:
        combo = [dims[i][(flat // strides[i]) % len(dims[i])] for i in range(len(dims))]
        return self.env_of(combo[0], combo[1:])

    def _monotone(
        self, low: _Point, high: _Point, index: int, direction: str,
        envs: Callable[[], tuple[dict[str, Value], dict[str, Value]]],
    ) -> tuple[_Issue, dict[str, Value]] | None:
        """A heavier value of a severity fact must not give a lower range."""
        a, b = low.base, high.base
        if a is None or b is None or low.issues or high.issues:
            return None  # a gap or overlap is reported as such
        if direction == "decreasing":
            a, b = b, a
        if b[0] >= a[0] and b[1] >= a[1]:
            return None
        name = self.names[index]
        ident = ("monotonicity", id(self.brackets), id(self.tierset), name, low.label, high.label)
        if ident in self.found:
            return None
        lo_env, hi_env = envs()
        if direction == "decreasing":
            lo_env, hi_env = hi_env, lo_env
            low, high = high, low
        doc = self.tier_doc if self.tier_doc is not None else self.r.bracket_document
        tiers = tuple(dict.fromkeys(p.tier for p in (low, high) if p.tier))
        key = self.tierset.key if self.tierset is not None and doc is self.tier_doc else ""
        word = "增至" if direction == "increasing" else "减至"
        text = (f"{name} 由 {_show(lo_env[name])} {word} {_show(hi_env[name])} 时（其他事实相同），罚款幅度由 "
                f"{_fmt(low.base)}（{low.label}）降为 {_fmt(high.base)}（{high.label}）；"
                f"{name} 声明为 severity = \"{direction}\"（情节越重，处罚不得越轻）")
        issue = _Issue(ident, "monotonicity", "error", frozenset(self.names), text, doc.file, doc.id, key, tiers)
        return issue, lo_env

    def _pairwise(self) -> None:
        """Every pair of facts' probe values, the other facts at their first value."""
        first = [v[0] for v in self.values]
        for subject in self.subjects:
            self.record(self.issues_at(subject, first))
            for i, j in itertools.combinations(range(len(self.names)), 2):
                for vi in self.values[i]:
                    for vj in self.values[j]:
                        combo = list(first)
                        combo[i], combo[j] = vi, vj
                        self.record(self.issues_at(subject, combo))

    def record(self, found: Iterable[tuple[_Issue, dict[str, Value]]]) -> bool:
        """Keep the first case of each issue; whether any was new."""
        new = False
        for issue, env in found:
            if issue.ident not in self.found:
                self.found[issue.ident] = (issue, env)
                new = True
        return new

    def issues_at(self, subject: str, combo: Sequence[Value]) -> list[tuple[_Issue, dict[str, Value]]]:
        """The issues of one point and of its severity neighbours (nothing is recorded)."""
        env = self.env_of(subject, combo)
        point = self.evaluate(env)
        out = [(issue, env) for issue in point.issues]
        for index, direction in self.severity:
            values = self.values[index]
            bigger = [v for v in values if _greater(v, combo[index])]
            if combo[index] in values:
                k = values.index(combo[index])
                bigger = list(values[k + 1:k + 2])
            if not bigger:
                continue
            other = list(combo)
            other[index] = bigger[0]
            env2 = self.env_of(subject, other)
            found = self._monotone(point, self.evaluate(env2), index, direction,
                                   lambda e1=env, e2=env2: (e1, e2))  # type: ignore[misc]
            if found is not None:
                out.append(found)
        return out

    def _sample(self) -> None:
        """Hypothesis over the probe values and the ranges between them; shrinks each new case."""
        facts = self.checker.lib.facts
        strategies = [fact_strategy(facts[n], self.values[i]) for i, n in enumerate(self.names)]

        def new(subject: str, combo: list[Value]) -> bool:
            return any(i.ident not in self.found for i, _ in self.issues_at(subject, combo))

        def keep(subject: str, combo: list[Value]) -> None:
            self.record(self.issues_at(subject, combo))

        self.checker.sample(self.subjects, strategies, new, keep)


def _greater(a: Value, b: Value) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a > b
    return False


def fact_strategy(fact: Fact, values: Sequence[Value]) -> SearchStrategy[Value]:
    """A Hypothesis strategy for one fact: its probe values first (they shrink to the
    smallest), then any value within its declared bounds."""
    from hypothesis import strategies as st

    probes = st.sampled_from(list(values)) if values else st.nothing()
    if fact.type in ("bool", "enum"):
        return probes
    lo = fact.min if fact.min is not None else (_ZERO if fact.type == "money" else None)
    hi = fact.max
    numbers = [v for v in values if isinstance(v, Decimal)]
    if lo is None:
        lo = (min(numbers) if numbers else _ZERO) - 1000
    if hi is None:
        hi = (max(numbers) if numbers else _ZERO) + 1000
    hi = min(hi, _MONEY_LIMIT - 1)
    places = max([_scale(v) for v in numbers] + [0]) + 2
    anywhere = st.decimals(min_value=lo, max_value=hi, places=places, allow_nan=False,
                           allow_infinity=False).map(_tidy)
    return st.one_of(probes, anywhere)


# --------------------------------------------------------------------------- the checker


class _Checker:
    """One run of ``check`` over a library: collects findings and statistics."""

    def __init__(self, lib: Library, targets: frozenset[str] | None, examples: int, seed: int | None) -> None:
        self.lib = lib
        self.targets = targets
        self.examples = examples
        self.seed = seed
        self.findings: list[Finding] = []
        self._seen: set[tuple[Any, ...]] = set()
        self._locators: dict[str, Locator | None] = {}
        self.stats: dict[str, list[int]] = {}
        self.types: dict[str, expr.Type] = {n: _fact_type(f) for n, f in lib.facts.items()}
        self.types["subject"] = expr.enum_type(SUBJECTS)
        self._parsed: dict[str, Expression | None] = {}
        self._thresholds: dict[str, tuple[dict[str, frozenset[Decimal]], set[str]]] = {}
        self._variants: dict[tuple[Any, ...], tuple[Resolved, Resolved]] = {}
        self.items = 0
        self._true = expr.parse("true", {}, expect=expr.BOOL)

    # ------------------------------------------------------------------ bookkeeping
    def target(self, doc: Document | None) -> bool:
        return doc is not None and (self.targets is None or doc.version in self.targets)

    def line(self, file: str, key: str) -> int | None:
        if not file or not key:
            return None
        if file not in self._locators:
            try:
                text = Path(file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._locators[file] = None
            else:
                self._locators[file] = Locator(text)
        loc = self._locators[file]
        return loc.line(key) if loc is not None else None

    def add(self, finding: Finding, dedupe: tuple[Any, ...] | None = None) -> None:
        key = dedupe if dedupe is not None else (finding.kind, finding.file, finding.key, finding.message)
        if key in self._seen:
            return
        self._seen.add(key)
        if finding.line is None and finding.key:
            finding = attrs.evolve(finding, line=self.line(finding.file, finding.key))
        self.findings.append(finding)

    def stat(self, name: str, exhaustive: bool, points: int) -> None:
        s = self.stats.setdefault(name, [0, 0, 0])
        s[0] += 1
        s[1] += int(exhaustive)
        s[2] += points

    def report(self, seconds: float) -> Report:
        order = {"error": 0, "warning": 1}
        findings = sorted(
            self.findings, key=lambda f: (order[f.severity], f.file, f.line or 0, f.kind, f.item, f.tiers)
        )
        names = ("bracket-unique", "tier-unique", "containment", "monotonicity", "circumstances",
                 "no-fine-when-not-penalised", "summary-threshold")
        stats = tuple(
            (n, CheckStat(*self.stats[n])) for n in names if n in self.stats
        )
        checked = sum(1 for d in self.lib.documents if self.target(d))
        return Report(tuple(findings), stats, documents=checked, context=len(self.lib.documents) - checked,
                      items=self.items,
                      seconds=seconds, examples=self.examples, seed=self.seed)

    # ------------------------------------------------------------------ parsing helpers
    def parsed(self, source: str) -> Expression | None:
        """A condition or bound built by the checker, parsed once (None if not valid)."""
        if source not in self._parsed:
            types = {**self.types, "legal_min": expr.NUMBER, "legal_max": expr.NUMBER}
            try:
                self._parsed[source] = expr.parse(source, types)
            except ExpressionError:
                self._parsed[source] = None
        return self._parsed[source]

    def points_of(
        self, r: Resolved, conditions: Sequence[Expression], bounds: Sequence[Expression],
    ) -> tuple[dict[str, set[Decimal]], bool]:
        """For each numeric fact, the values where something may change; and whether
        every such change is known (all comparisons and bounds piecewise linear in one fact)."""
        facts = self.lib.facts

        def numeric(names: Iterable[str]) -> set[str]:
            return {n for n in names if n in facts and facts[n].type in ("number", "money")}

        points: dict[str, set[Decimal]] = {}
        solvable = True

        def merge(found: Mapping[str, frozenset[Decimal]]) -> None:
            for name, values in found.items():
                if name in facts:
                    points.setdefault(name, set()).update(values)

        subs = self._legal_substitutions(r)
        for e in conditions:
            found = dict(e.thresholds())
            wanted = numeric(e.names)
            sources = [e.source] if wanted - set(found) else []
            if e.names & set(_LEGAL):
                sources += [_substitute(e.source, lo, hi) for lo, hi, dependent in subs
                            if dependent or wanted - set(found)]
            for source in sources:
                more, names = self.thresholds_of(source)
                wanted |= names
                for name, values in more.items():
                    found[name] = found.get(name, frozenset()) | values
            merge(found)
            if wanted - set(found):
                solvable = False
                # not solvable: at least probe the numbers the condition is written with
                literals = _numbers(e.source) | {Decimal(1)}
                merge({name: literals for name in wanted - set(found)})
        # where fine bounds cross each other or zero (containment; the engine's max(low, 0))
        variable: list[str] = []
        constant: list[str] = []
        for bound in bounds:
            own = bool(numeric(bound.names))
            if bound.names & set(_LEGAL):
                for lo, hi, dependent in subs:
                    (variable if own or dependent else constant).append(_substitute(bound.source, lo, hi))
            else:
                (variable if own else constant).append(bound.source)
        variable = list(dict.fromkeys(variable))
        constant = list(dict.fromkeys(constant))
        for source in variable:
            ok, found_zero = self._linear(source)
            solvable = solvable and ok
            merge(found_zero)
        pairs = [(a, b) for a in variable for b in constant] + list(itertools.combinations(variable, 2))
        for a, b in pairs:
            merge(self.thresholds_of(f"({a}) == ({b})")[0])
        return points, solvable

    def thresholds_of(self, comparison: str) -> tuple[dict[str, frozenset[Decimal]], set[str]]:
        """The thresholds of a condition written by the checker, min/max split into their
        linear pieces (and where the pieces meet); and the numeric facts it uses."""
        cached = self._thresholds.get(comparison)
        if cached is not None:
            return cached
        found: dict[str, frozenset[Decimal]] = {}
        names: set[str] = set()
        pieces, kinks = _expand(comparison)
        for piece in pieces:
            e = self.parsed(piece)
            if e is None:
                continue
            names |= {n for n in e.names if n in self.lib.facts and self.lib.facts[n].type in ("number", "money")}
            for name, values in e.thresholds().items():
                found[name] = found.get(name, frozenset()) | values
        for kink in kinks:
            more, _ = self.thresholds_of(kink)
            for name, values in more.items():
                found[name] = found.get(name, frozenset()) | values
        self._thresholds[comparison] = (found, names)
        return found, names

    def _linear(self, source: str) -> tuple[bool, dict[str, frozenset[Decimal]]]:
        """Whether a bound is piecewise linear in at most one fact (min/max make the
        pieces), and where it crosses zero or changes piece."""
        pieces, kinks = _expand(source)
        if not pieces:
            return False, {}
        ok = True
        found: dict[str, frozenset[Decimal]] = {}
        for piece in pieces:
            e = self.parsed(f"({piece}) == 0")
            if e is None:
                return False, found
            names = {n for n in e.names if n in self.lib.facts}
            here = e.thresholds()
            ok = ok and len(names) <= 1 and names <= set(here)
            for name, values in here.items():
                found[name] = found.get(name, frozenset()) | values
        for kink in kinks:
            for name, values in self.thresholds_of(kink)[0].items():
                found[name] = found.get(name, frozenset()) | values
        return ok, found

    def _legal_substitutions(self, r: Resolved) -> list[tuple[str, str, bool]]:
        """(legal_min, legal_max, depends on a fact) for every statutory range of the item."""
        subs: list[tuple[str, str, bool]] = [("0", "0", False)]
        for b in r.brackets:
            if b.fine is None or b.fine.delegated:
                continue
            for bounds in (b.fine.common, b.fine.person, b.fine.organization):
                if bounds is not None:
                    dependent = bool((bounds.low.names | bounds.high.names) & set(self.lib.facts))
                    subs.append((bounds.low.source, bounds.high.source, dependent))
        return list(dict.fromkeys(subs))

    # ------------------------------------------------------------------ sampling
    def sample(
        self,
        subjects: Sequence[str],
        strategies: Sequence[SearchStrategy[Value]],
        new: Callable[[str, list[Value]], bool],
        keep: Callable[[str, list[Value]], None],
    ) -> None:
        """Hypothesis looks for a case where ``new`` finds a problem not yet recorded and
        shrinks it to the smallest; ``keep`` records it; then it looks again."""
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis import strategies as st
        from hypothesis.errors import NoSuchExample

        space = st.tuples(st.sampled_from(list(subjects)), st.tuples(*strategies))
        config = settings(
            max_examples=self.examples,
            database=None,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink],
        )
        rng = random.Random(self.seed) if self.seed is not None else None
        for _ in range(_SAMPLE_ROUNDS):
            try:
                subject, combo = find(space, lambda case: new(case[0], list(case[1])),
                                      settings=config, random=rng)
            except NoSuchExample:
                return
            keep(subject, list(combo))

    # ------------------------------------------------------------------ the run
    def run(self) -> None:
        docs = self.lib.documents
        for doc in docs:
            if self.target(doc):
                self.static_document(doc)
        self.version_overlaps()
        views = self.views()
        probes: dict[tuple[Any, ...], _Probe] = {}
        reported: set[tuple[Any, ...]] = set()
        engine_done: set[tuple[Any, ...]] = set()
        behaviours: set[tuple[Any, ...]] = set()
        for region, day, view in views:
            for code in view.codes():
                r = view.resolve(code)
                if r is None:
                    continue
                refined = self.refined(view, r)
                involved = [r.bracket_document, r.tier_document, *r.statute_documents,
                            *(d for d, _ in refined)]
                relevant = any(self.target(d) for d in involved)
                engine_docs = involved + [d for _, d in r.circumstances] + [d for _, d in r.exemptions]
                engine_relevant = any(self.target(d) for d in engine_docs)
                if not relevant and not engine_relevant:
                    continue
                pkey = (code, id(r.brackets), id(r.tiers), tuple(id(ts) for _, ts in refined))
                probe = probes.get(pkey)
                if probe is None:
                    self.items += 1
                    probe = _Probe(self, r, refined, region, day)
                    probe.run()
                    probes[pkey] = probe
                if relevant and pkey not in reported:
                    reported.add(pkey)
                    self.probe_findings(probe)
                ekey = (pkey, tuple(id(c) for c, _ in r.circumstances), tuple(id(e) for e, _ in r.exemptions),
                        tuple((k, id(v)) for k, v, _ in r.adjust), id(r.summary[0]) if r.summary else None)
                if ekey in engine_done:
                    continue
                engine_done.add(ekey)
                self.engine_check(r, probe, region, day, behaviours)
        self.condition_monotonicity()
        self.coverage()

    def views(self) -> list[tuple[str, dt.date, View]]:
        """Every region that has a document, on each date a document takes effect or expires."""
        docs = self.lib.documents
        dates = sorted({d.effective for d in docs} | {d.expires for d in docs if d.expires is not None})
        out: list[tuple[str, dt.date, View]] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for region in self.lib.regions():
            for day in dates:
                view = self.lib.view(region, day)
                key = (region, view.versions)
                if key in seen:
                    continue
                seen.add(key)
                out.append((region, day, view))
        return out

    def refined(self, view: View, r: Resolved) -> list[tuple[Document, TierSet]]:
        doc = r.tier_document
        if doc is None or not doc.refines:
            return []
        out = []
        for ref in doc.refines:
            upper = next((d for d in view.documents if d.id == ref), None)
            if upper is None:
                continue
            ts = _tierset(upper, r.code, r.category)
            if ts is not None:
                out.append((upper, ts))
        return out

    def probe_findings(self, probe: _Probe) -> None:
        self.stat("bracket-unique", probe.exhaustive, probe.evaluated)
        if probe.tiers:
            self.stat("tier-unique", probe.exhaustive, probe.evaluated)
            self.stat("containment", probe.exhaustive, probe.evaluated)
        if probe.severity:
            self.stat("monotonicity", probe.exhaustive, probe.evaluated)
        for ident, (issue, env) in probe.found.items():
            subject = env["subject"]
            assert isinstance(subject, str)
            facts = tuple((n, env[n]) for n in probe.names if n in issue.names)
            matters = len(probe.subjects) > 1
            who = f"（当事人：{SUBJECT_NAMES[subject]}）" if matters and "subject" in issue.names else ""
            if issue.kind == "monotonicity":
                others = [(n, v) for n, v in facts if n != ident[3]]
                message = issue.text
                if others:
                    message += "；其他事实：" + "，".join(f"{n} = {_show(v)}" for n, v in others)
                if matters:
                    message += f"（当事人：{SUBJECT_NAMES[subject]}）"
            else:
                message = f"{_conditions(facts)}{who}，{issue.text}"
            cx = Counterexample(tuple((n, env[n]) for n in probe.names), subject, probe.region, probe.day)
            # the same tiers (a template, or one benchmark in several regions) are reported once
            if issue.kind == "containment" and any(
                f.kind == "refines-exceeds" and f.file == issue.file and f.tiers[:1] == issue.tiers[:1]
                for f in self.findings
            ):
                continue  # the static finding already names this tier
            extra: tuple[Any, ...] = ()
            if issue.kind == "monotonicity":
                extra = (probe.r.code, ident[3])
            elif issue.kind in ("bounds-order", "evaluation", "bracket-gap"):
                extra = (probe.r.code,)
            self.add(Finding(issue.severity, issue.kind, message, file=issue.file, document=issue.document,
                             key=issue.key, item=probe.r.code, tiers=issue.tiers, counterexample=cx),
                     dedupe=(issue.kind, issue.file, issue.key, issue.tiers, *extra))

    # ------------------------------------------------------------------ static checks
    def static_document(self, doc: Document) -> None:
        if doc.status == "sample":
            self.add(Finding("warning", "sample-data",
                             f"文档 {doc.id} 是示例数据（status = \"sample\"），不是官方文本；结果将带有示例数据提示",
                             file=doc.file, document=doc.id, key="document.status"))
        if not doc.source:
            self.add(Finding("warning", "no-source", f"文档 {doc.id} 没有注明来源（source）",
                             file=doc.file, document=doc.id, key="document"))
        if doc.summary is not None:
            for subject, law in LAW_SUMMARY.items():
                amount = doc.summary.for_subject(subject)
                if amount is not None and amount > law:
                    self.add(Finding(
                        "error", "summary-threshold",
                        f"当场处罚的罚款限额（{SUBJECT_NAMES[subject]}）{_money(amount)} 元超过《行政处罚法》"
                        f"第五十一条规定的 {_money(law)} 元",
                        file=doc.file, document=doc.id, key=f"procedure.summary.{subject}"))
        tiersets: list[tuple[str, TierSet]] = [(i.code, i.tiers) for i in doc.items if i.tiers is not None]
        if doc.template is not None:
            tiersets.append(("", doc.template.tiers))
        for code, ts in tiersets:
            for t in ts.tiers:
                if t.outcome == "no_penalty" and t.fine is not None:
                    self.add(Finding(
                        "error", "no-fine-when-not-penalised",
                        f"阶次“{t.name}”（{t.id}）的结果是不予处罚，却规定了罚款幅度",
                        file=doc.file, document=doc.id, key=t.key + ".fine", item=code, tiers=(t.id,)))
            self.tier_order(doc, code, ts)
        if doc.refines:
            self.refines_static(doc)

    def tier_order(self, doc: Document, code: str, ts: TierSet) -> None:
        """Tiers run from lightest to heaviest: a later tier must not have lower constant
        bounds than an earlier one that can apply to the same kind of case (same subject,
        same values of the facts that are not a matter of degree)."""
        split = _per_subject(ts)
        for subject in SUBJECTS if split else SUBJECTS[:1]:
            who = f"（当事人：{SUBJECT_NAMES[subject]}）" if split else ""
            earlier: list[tuple[Tier, Range2]] = []
            for t in ts.tiers:
                if t.when is not None and t.when.evaluate({"subject": subject}) is False:
                    continue
                r = _constant_tier_range(t, subject)
                if r is None:
                    continue
                previous = next((x for x in reversed(earlier) if self._compete(x[0], t, subject)), None)
                earlier.append((t, r))
                if previous is None:
                    continue
                p, pr = previous
                if r[0] < pr[0] or r[1] < pr[1]:
                    self.add(Finding(
                        "error", "tier-order",
                        f"阶次按由轻到重排列，但较重的阶次“{t.name}”（{t.id}）的幅度 {_fmt(r)} 低于较轻的"
                        f"阶次“{p.name}”（{p.id}）的 {_fmt(pr)}{who}",
                        file=doc.file, document=doc.id, key=t.key, item=code, tiers=(p.id, t.id)),
                        dedupe=("tier-order", doc.version, code, p.id, t.id))

    def _compete(self, a: Tier, b: Tier, subject: str) -> bool:
        """Whether two tiers can apply to cases that differ only in degree: some values
        of the bool/enum facts without a declared severity leave both possible."""
        facts = self.lib.facts
        names = sorted(
            n for e in (a.when, b.when) if e is not None for n in e.names
            if n in facts and facts[n].type in ("bool", "enum") and facts[n].severity is None
        )
        names = list(dict.fromkeys(names))
        values = [fact_values(facts[n]) for n in names]
        if math.prod(len(v) for v in values) > 4096:
            return True
        for combo in itertools.product(*values):
            env: dict[str, Value] = dict(zip(names, combo, strict=True))
            env["subject"] = subject
            if all(e is None or e.evaluate(env) is not False for e in (a.when, b.when)):
                return True
        return False

    def refines_static(self, doc: Document) -> None:
        """下级基准不得超出上级基准划定的阶次或者幅度: each constant tier range of a refining
        benchmark lies inside some constant tier range the refined one gives the item."""
        for ref in doc.refines:
            uppers = [d for d in self.lib.documents if d.id == ref and _overlaps(d, doc)]
            for item in doc.items:
                if item.tiers is None:
                    continue
                category = self._category(item.code)
                for upper in uppers:
                    uset = _tierset(upper, item.code, category)
                    if uset is None:
                        continue
                    split = _per_subject(uset) or _per_subject(item.tiers)
                    for subject in SUBJECTS if split else SUBJECTS[:1]:
                        who = f"（{SUBJECT_NAMES[subject]}）" if split else ""
                        ranges = [_constant_tier_range(u, subject) for u in uset.tiers
                                  if u.when is None or u.when.evaluate({"subject": subject}) is not False]
                        if not ranges or any(x is None for x in ranges):
                            continue
                        for t in item.tiers.tiers:
                            if t.when is not None and t.when.evaluate({"subject": subject}) is False:
                                continue
                            r = _constant_tier_range(t, subject)
                            if r is None or any(x is not None and x[0] <= r[0] and r[1] <= x[1] for x in ranges):
                                continue
                            shown = "、".join(_fmt(x) for x in ranges if x is not None)
                            self.add(Finding(
                                "error", "refines-exceeds",
                                f"阶次“{t.name}”（{t.id}）的幅度 {_fmt(r)}{who}不在被细化基准 "
                                f"{upper.id} 为该事项划定的任何阶次幅度（{shown}）之内（下级基准不得超出上级基准"
                                "划定的阶次或者幅度）",
                                file=doc.file, document=doc.id, key=t.key + ".fine", item=item.code,
                                tiers=(t.id,)),
                                dedupe=("refines-exceeds", doc.version, item.code, t.id))

    def _category(self, code: str) -> str:
        for doc in self.lib.documents:
            for item in doc.items:
                if item.code == code and item.category:
                    return item.category
        return ""

    def version_overlaps(self) -> None:
        """Two versions of one document id in force on the same day."""
        by_id: dict[str, list[Document]] = {}
        for doc in self.lib.documents:
            by_id.setdefault(doc.id, []).append(doc)
        for versions in by_id.values():
            versions = sorted(versions, key=lambda d: d.effective)
            for older, newer in itertools.pairwise(versions):
                if older.expires is not None and older.expires > newer.effective and (
                    self.target(older) or self.target(newer)
                ):
                    self.add(Finding(
                        "error", "version-overlap",
                        f"文档 {older.id} 的两个版本在 {newer.effective} 至 {older.expires} 期间同时有效"
                        f"（本版本 {older.effective} 生效、{older.expires} 失效；另一版本 {newer.file} 于 "
                        f"{newer.effective} 生效）",
                        file=older.file, document=older.id, key="document.expires"))

    # ------------------------------------------------------------------ circumstances, exemptions
    def condition_monotonicity(self) -> None:
        """A lighter circumstance or exemption must not start to hold when a severity
        fact grows; a heavier one must not stop holding."""
        facts = self.lib.facts
        seen: set[int] = set()
        entries: list[tuple[Circumstance | Exemption, Document]] = []
        for doc in self.lib.documents:
            if not self.target(doc):
                continue
            entries += [(c, doc) for c in doc.circumstances]
            entries += [(e, doc) for e in doc.exemptions]
        for entry, doc in entries:
            if id(entry) in seen:
                continue
            seen.add(id(entry))
            e = entry.when
            names = sorted(n for n in e.names if n in facts)
            severe = [i for i, n in enumerate(names) if facts[n].severity is not None]
            if not severe:
                continue
            lighter = entry.effect in _LIGHTER
            values = [fact_values(facts[n], e.thresholds().get(n, ())) for n in names]
            dims: list[Sequence[Any]] = [SUBJECTS, *values] if "subject" in e.names else [("person",), *values]
            size = math.prod(len(d) for d in dims)
            self.stat("monotonicity", size <= EXHAUSTIVE_LIMIT, min(size, EXHAUSTIVE_LIMIT))
            for combo in itertools.islice(itertools.product(*dims), EXHAUSTIVE_LIMIT):
                env: dict[str, Value] = dict(zip(names, combo[1:], strict=True))
                env["subject"] = combo[0]
                for i in severe:
                    k = values[i].index(combo[i + 1])
                    if k + 1 >= len(values[i]):
                        continue
                    up = {**env, names[i]: values[i][k + 1]}
                    low_v, high_v = e.evaluate(env), e.evaluate(up)
                    if facts[names[i]].severity == "decreasing":
                        low_v, high_v = high_v, low_v
                    bad = (low_v is False and high_v is True) if lighter else (low_v is True and high_v is False)
                    if not bad:
                        continue
                    word = "由不成立变为成立" if lighter else "由成立变为不成立"
                    kind = "免罚条目" if isinstance(entry, Exemption) else "情节"
                    label = entry.name or entry.id
                    others = "，".join(f"{n} = {_show(env[n])}" for n in names if n != names[i])
                    message = (
                        f"{names[i]} 由 {_show(env[names[i]])} 增至 {_show(up[names[i]])} 时"
                        f"{'（其他事实：' + others + '）' if others else ''}，{kind}“{label}”"
                        f"（{_EFFECT_NAMES[entry.effect]}）{word}：{names[i]} 声明为 severity = "
                        f"\"{facts[names[i]].severity}\"，情节越重不得越轻"
                    )
                    cx = Counterexample(tuple((n, env[n]) for n in names), str(env["subject"]), doc.region,
                                        doc.effective)
                    self.add(Finding("error", "monotonicity", message, file=doc.file, document=doc.id,
                                     key=entry.key + ".when", counterexample=cx),
                             dedupe=("monotonicity", id(entry), names[i]))
                    break

    # ------------------------------------------------------------------ engine: circumstances move the range
    def engine_check(
        self, r: Resolved, probe: _Probe, region: str, day: dt.date, behaviours: set[tuple[Any, ...]],
    ) -> None:
        """Run the engine with the circumstances forced on in every combination of
        their effect classes, at a clean point of each bracket/tier selection:
        adding a heavier circumstance never lowers the range, adding a lighter one
        never raises it; no fine without a penalty; the summary flag agrees with
        第五十一条."""
        classes: dict[tuple[str, bool], Circumstance] = {}
        for c, _ in r.circumstances:
            if c.effect in _ADJUST_EFFECTS:
                classes.setdefault((c.effect, c.may), c)
        outcome_forced: list[tuple[str, Circumstance | Exemption]] = []
        for c, _ in r.circumstances:
            if c.effect in ("no_penalty", "may_waive") and all(k != c.effect for k, _ in outcome_forced):
                outcome_forced.append((c.effect, c))
        for e, _ in r.exemptions:
            if all(k != e.effect for k, _ in outcome_forced):
                outcome_forced.append((e.effect, e))
        keys = sorted(classes)
        subsets: list[frozenset[tuple[str, bool]]]
        if len(keys) > _CLASS_LIMIT:
            subsets = [frozenset()] + [frozenset([k]) for k in keys] + [
                frozenset(p) for p in itertools.combinations(keys, 2)]
            exhaustive = False
        else:
            subsets = [frozenset(s) for n in range(len(keys) + 1) for s in itertools.combinations(keys, n)]
            exhaustive = True
        adjust_sig = tuple((k, id(v)) for k, v, _ in r.adjust)
        summary_sig = id(r.summary[0]) if r.summary else None
        runs = 0
        envs = [e for reps in probe.reps.values() for e in reps]
        if len(probe.subjects) < len(SUBJECTS):  # the subject still matters to the summary threshold
            envs = [{**e, "subject": s} for e in envs for s in SUBJECTS]
        for env in envs:
            point = probe.evaluate(env)
            if point.issues or point.legal is None:
                continue
            subject = env["subject"]
            assert isinstance(subject, str)
            behaviour = (subject, point.legal, point.has_fine, point.base, point.penalties, tuple(keys),
                         tuple(k for k, _ in outcome_forced), adjust_sig, summary_sig)
            if behaviour in behaviours:
                continue
            behaviours.add(behaviour)
            facts = {n: v for n, v in env.items() if n != "subject"}
            results: dict[frozenset[tuple[str, bool]], Assessment] = {}
            for subset in subsets:
                a = self._assess(r, [classes[k] for k in sorted(subset)], None, subject, facts, region, day)
                runs += 1
                if a is None:
                    continue
                results[subset] = a
                self._invariants(r, a, env, region, day, [classes[k].id for k in sorted(subset)])
            for subset in (frozenset(), frozenset(keys)):
                for _effect, forced in outcome_forced:
                    a = self._assess(r, [classes[k] for k in sorted(subset)], forced, subject, facts,
                                     region, day)
                    runs += 1
                    if a is not None:
                        self._invariants(r, a, env, region, day,
                                         [classes[k].id for k in sorted(subset)] + [forced.id])
            if r.limitation is not None:  # 时效: discovered decades after the act
                barred = self._assess_barred(r, subject, facts, region, day)
                runs += 1
                if barred is not None:
                    self._invariants(r, barred, env, region, day, ["time_barred"])
            for subset, a in results.items():
                for k in keys:
                    if k in subset or (subset | {k}) not in results:
                        continue
                    self._compare(r, env, region, day, subset, k, classes, a, results[subset | {k}])
        if runs:
            self.stat("circumstances", exhaustive, runs)
            self.stat("no-fine-when-not-penalised", exhaustive, runs)
            self.stat("summary-threshold", exhaustive, runs)

    def _variant(self, r: Resolved, chosen: Sequence[Circumstance], forced: Circumstance | Exemption | None) -> Resolved:
        key = (id(r), tuple(id(c) for c in chosen), id(forced))
        cached = self._variants.get(key)
        if cached is not None and cached[0] is r:
            return cached[1]
        variant = self._make_variant(r, chosen, forced)
        self._variants[key] = (r, variant)
        return variant

    def _make_variant(
        self, r: Resolved, chosen: Sequence[Circumstance], forced: Circumstance | Exemption | None
    ) -> Resolved:
        """``r`` with exactly the chosen circumstances (and forced outcome) holding."""
        docs = {id(c): d for c, d in r.circumstances}
        edocs = {id(e): d for e, d in r.exemptions}
        circumstances = tuple((attrs.evolve(c, when=self._true), docs[id(c)]) for c in chosen)
        exemptions: tuple[tuple[Exemption, Document], ...] = ()
        if isinstance(forced, Circumstance):
            circumstances += ((attrs.evolve(forced, when=self._true), docs[id(forced)]),)
        elif isinstance(forced, Exemption):
            exemptions = ((attrs.evolve(forced, when=self._true), edocs[id(forced)]),)
        return attrs.evolve(r, circumstances=circumstances, exemptions=exemptions, limitation=None)

    def _assess(
        self, r: Resolved, chosen: Sequence[Circumstance], forced: Circumstance | Exemption | None,
        subject: str, facts: Mapping[str, Value], region: str, day: dt.date,
    ) -> Assessment | None:
        variant = self._variant(r, chosen, forced)
        try:
            return assess_item(variant, Case(subject, dict(facts), region), self.lib.facts, day)
        except DiscretionError:
            return None

    def _assess_barred(
        self, r: Resolved, subject: str, facts: Mapping[str, Value], region: str, day: dt.date,
    ) -> Assessment | None:
        years = 1 + max(r.limitation[0].years, r.limitation[0].extended_years or 0) if r.limitation else 1
        occurred = day.replace(year=day.year - years, day=min(day.day, 28))
        variant = attrs.evolve(r, circumstances=(), exemptions=())
        case = Case(subject, dict(facts), region, occurred=occurred, discovered=day)
        try:
            return assess_item(variant, case, self.lib.facts, day)
        except DiscretionError:
            return None

    def _engine_finding(
        self, r: Resolved, kind: str, message: str, env: Mapping[str, Value], region: str, day: dt.date,
        circumstances: Sequence[str], doc: Document | None = None, key: str = "", what: str = "",
    ) -> None:
        doc = doc or r.tier_document or r.bracket_document
        subject = env["subject"]
        assert isinstance(subject, str)
        facts = tuple((n, v) for n, v in sorted(env.items()) if n != "subject")
        cx = Counterexample(facts, subject, region, day, tuple(circumstances))
        self.add(Finding("error", kind, message, file=doc.file, document=doc.id, key=key, item=r.code,
                         counterexample=cx),
                 dedupe=(kind, doc.version, r.code, what))

    def _invariants(
        self, r: Resolved, a: Assessment, env: Mapping[str, Value], region: str, day: dt.date,
        circumstances: Sequence[str],
    ) -> None:
        with_ = "、".join(circumstances) or "无"
        if a.outcome in ("no_penalty", "time_barred"):
            fines = [p for p in a.penalties if p.id == "fine"]
            if a.fine is not None or fines or any(
                v is not None for v in a.procedure.to_dict().values()
            ):
                self._engine_finding(r, "no-fine-when-not-penalised",
                                     f"结果为{_EFFECT_NAMES.get(a.outcome, '不予处罚')}，却仍给出罚款或程序提示（情节：{with_}）",
                                     env, region, day, circumstances)
            return
        if a.fine is not None and a.statutory_fine is not None:
            # a range narrower than a fen becomes one amount rounded half-up (format.md §6),
            # which may lie a fen outside the statutory range rounded inward
            over = a.fine.max > a.statutory_fine.max + _FEN
            under = a.fine.min < a.statutory_fine.min - _FEN and not a.reduced_permitted
            if over or under:
                self._engine_finding(r, "containment",
                                     f"调整后的罚款幅度 {_fmt((a.fine.min, a.fine.max))} 超出法定幅度 "
                                     f"{_fmt((a.statutory_fine.min, a.statutory_fine.max))}（情节：{with_}）",
                                     env, region, day, circumstances)
        expected = _expected_summary(r, a)
        if expected is not _SKIP and expected != a.procedure.summary:
            self._engine_finding(
                r, "summary-threshold",
                f"当场处罚提示为 {a.procedure.summary}，按《行政处罚法》第五十一条应为 {expected}"
                f"（罚款 {_fmt((a.fine.min, a.fine.max)) if a.fine else '无'}；情节：{with_}）",
                env, region, day, circumstances)

    def _compare(
        self, r: Resolved, env: Mapping[str, Value], region: str, day: dt.date,
        subset: frozenset[tuple[str, bool]], added: tuple[str, bool],
        classes: Mapping[tuple[str, bool], Circumstance], before: Assessment, after: Assessment,
    ) -> None:
        a, b = _effective(before), _effective(after)
        if a is None or b is None:
            return
        effect, may = added
        heavier = effect == "heavier"
        bad = (b[0] < a[0] or b[1] < a[1]) if heavier else (b[0] > a[0] or b[1] > a[1])
        if not bad:
            return
        c = classes[added]
        had = [classes[k].id for k in sorted(subset)]
        word = "降低" if heavier else "提高"
        adjust_key = "heavier" if heavier else ("lighter" if effect == "lighter" else "reduced")
        found = r.adjust_value(adjust_key)
        doc, key = (found[1], f"adjust.{adjust_key}") if found is not None else (
            next(d for x, d in r.circumstances if x is c), c.key)
        message = (
            f"在{('情节 ' + '、'.join(had)) if had else '没有其他情节'}的情况下再具有"
            f"{'可以' if may else ''}{_EFFECT_NAMES[effect]}情节“{c.name}”（{c.id}），罚款幅度反而由 {_fmt(a)} "
            f"{word}为 {_fmt(b)}（{SUBJECT_NAMES[str(env['subject'])]}；{before.tier.name if before.tier else '法定幅度'}）"
        )
        self._engine_finding(r, "monotonicity", message, env, region, day, [*had, c.id], doc, key,
                             what=f"{effect}/{may}")

    # ------------------------------------------------------------------ coverage
    def coverage(self) -> None:
        """A benchmark with ``coverage = "full"`` must give tiers to every item in force in its region."""
        for doc in self.lib.documents:
            if doc.kind != "benchmark" or doc.coverage != "full" or not self.target(doc):
                continue
            view = self.lib.view(doc.region, doc.effective)
            for code in view.codes():
                r = view.resolve(code)
                if r is None:
                    continue
                tdoc = r.tier_document
                if tdoc is None or depth(tdoc.region) < depth(doc.region):
                    self.add(Finding(
                        "warning", "coverage",
                        f"基准声明全面覆盖（coverage = \"full\"），但事项 {code}（{r.name}）在 {doc.region} 没有裁量阶次",
                        file=doc.file, document=doc.id, key="document.coverage", item=code))


_SKIP = object()


def _expected_summary(r: Resolved, a: Assessment) -> object:
    """The 当场处罚 flag engine.md step 10 gives for this result (``_SKIP``: not decidable here)."""
    imposed = {p.id for p in a.penalties if not p.may}
    if imposed - {"warning", "fine"}:
        return False
    if r.summary is None:
        return _SKIP
    threshold = r.summary[0].for_subject(a.subject)
    if threshold is None:
        return _SKIP
    if a.fine is None:
        offered = any(p.id == "fine" for p in a.penalties)
        return _SKIP if offered else True
    if a.fine.max <= threshold:
        return True
    if "fine" in imposed and a.fine.min > threshold:
        return False
    return None


def _effective(a: Assessment) -> Range2 | None:
    """The range a result permits, for comparisons: no penalty is nothing; a waiver reaches 0."""
    zero = (_ZERO, _ZERO)
    if a.outcome in ("no_penalty", "time_barred"):
        return zero
    if a.fine is None:
        if any(w.code in ("delegated-amount", "missing-amount") for w in a.warnings):
            return None
        return zero
    if a.outcome == "may_waive":
        return (_ZERO, a.fine.max)
    return (a.fine.min, a.fine.max)


def _constant_tier_range(t: Tier, subject: str) -> Range2 | None:
    """A tier's range for a subject when it is constant ([0, 0]: no fine), else None."""
    zero = (_ZERO, _ZERO)
    if t.outcome == "no_penalty":
        return zero
    if t.fine is None:
        if t.penalties is not None and "fine" not in t.penalties and (t.may is None or "fine" not in t.may):
            return zero
        return None
    bounds = t.fine.for_subject(subject)
    if bounds is None:
        return zero
    if not (bounds.low.is_constant and bounds.high.is_constant):
        return None
    lo, hi = bounds.low.constant_value(), bounds.high.constant_value()
    if not isinstance(lo, Decimal) or not isinstance(hi, Decimal):
        return None
    if t.outcome == "may_waive":
        return None
    return (max(lo, _ZERO), hi)


def _per_subject(ts: TierSet) -> bool:
    """Whether a tier set distinguishes 个人 and 单位 (per-subject fines or conditions)."""
    return any(
        (t.fine is not None and not t.fine.delegated and t.fine.common is None)
        or (t.when is not None and "subject" in t.when.names)
        for t in ts.tiers
    )


def _overlaps(a: Document, b: Document) -> bool:
    """Whether two document versions are in force on some common day."""
    a_end = a.expires or dt.date.max
    b_end = b.expires or dt.date.max
    return a.effective < b_end and b.effective < a_end


_NUMBER = re.compile(r"(?<![A-Za-z0-9_.'])\d+(?:\.\d+)?(?![A-Za-z0-9_'])")


def _numbers(source: str) -> frozenset[Decimal]:
    """The number literals written in an expression (outside string literals)."""
    text = re.sub(r"'[^']*'", "''", source)
    return frozenset(_tidy(Decimal(m.group(0))) for m in _NUMBER.finditer(text))


_CALL = re.compile(r"\b(min|max)\s*\(")


def _expand(source: str, limit: int = 32) -> tuple[list[str], list[str]]:
    """``source`` with each ``min``/``max`` call replaced by one of its two arguments,
    in every combination (its linear pieces), and the comparisons where the pieces
    meet. ``([], [])`` when there are too many pieces or the text cannot be split."""
    todo, pieces, kinks = [source], [], []
    while todo:
        text = todo.pop()
        m = _CALL.search(text)
        if m is None:
            pieces.append(text)
            continue
        if len(pieces) + len(todo) >= limit:
            return [], []
        start = m.end() - 1
        level, comma, close = 0, -1, -1
        for i in range(start, len(text)):
            ch = text[i]
            if ch == "(":
                level += 1
            elif ch == ")":
                level -= 1
                if level == 0:
                    close = i
                    break
            elif ch == "," and level == 1 and comma < 0:
                comma = i
        if close < 0 or comma < 0:
            return [], []
        a, b = text[start + 1:comma].strip(), text[comma + 1:close].strip()
        kinks.append(f"({a}) == ({b})")
        todo += [f"{text[:m.start()]}({arg}){text[close + 1:]}" for arg in (a, b)]
    return pieces, kinks


def _substitute(source: str, low: str, high: str) -> str:
    """``source`` with the statutory range written out (to solve for facts behind it)."""
    out = re.sub(r"\blegal_min\b", f"({low})", source)
    return re.sub(r"\blegal_max\b", f"({high})", out)
