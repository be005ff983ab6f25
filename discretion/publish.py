"""Items and benchmark tables as plain data: ``show --json`` and publication (公示).

:func:`item_dict` is the JSON of ``show``. :func:`build_table` and :func:`render` make the table
a bureau publishes under 行政处罚法第三十四条 (序号, 违法行为, 违法依据, 处罚依据, 裁量阶次,
适用情形, 处罚标准, with every document it rests on) as one self-contained HTML page, CSV for
Excel, Markdown or JSON. Every string that comes from the data is escaped for the format it goes
into: a benchmark is text written by people, and a published page must show it, never run it.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import hashlib
import html
import io
import json
import os
import secrets
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .cite import citation_text
from .engine import EFFECT_NAMES, round_range
from .errors import DiscretionError, InputError
from .expr import Arith, BoolOp, Call, Compare, Const, Expression, In, Name, Neg, Node, Not
from .layers import Resolved
from .model import PENALTY_NAMES, Bounds, Bracket, Citation, Document, Fact, FineRule, Tier
from .regions import check_region, depth

if TYPE_CHECKING:
    from .library import Library


def _cite(c: Citation) -> dict[str, Any]:
    return {"law": c.law, "article": c.article, "paragraph": c.paragraph, "item": c.item,
            "text": citation_text(c.title or c.law, c.article, c.paragraph, c.item)}


def _bounds(b: Bounds | None) -> list[str] | None:
    if b is None:
        return None
    return [b.low.source, b.high.source]


def fine_dict(rule: FineRule | None) -> Any:
    if rule is None:
        return None
    if rule.delegated:
        return "delegated"
    if rule.common is not None:
        return _bounds(rule.common)
    return {"person": _bounds(rule.person), "organization": _bounds(rule.organization)}


def _doc(d: Document) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "number": d.number, "level": d.level,
            "region": d.region, "status": d.status, "effective": d.effective.isoformat(),
            "expires": d.expires.isoformat() if d.expires else None, "file": d.file}


def item_dict(r: Resolved, region: str, day: dt.date) -> dict[str, Any]:
    """An item as the layers in force for ``region`` on ``day`` define it."""
    docs = {d.version: d for d in [r.base_document, *r.statute_documents]}
    if r.tier_document is not None:
        docs[r.tier_document.version] = r.tier_document
    for _, d in r.exemptions:
        docs[d.version] = d
    return {
        "code": r.code,
        "name": r.name,
        "category": r.category,
        "confidence": r.confidence,
        "source": r.source,
        "note": r.note,
        "region": region,
        "on": day.isoformat(),
        "violates": [_cite(c) for c, _ in r.violates],
        "punishes": [_cite(c) for c, _ in r.punishes],
        "statutory": [
            {"subject": b.subject, "when": b.when.source if b.when else None,
             "penalties": list(b.penalties), "may": list(b.may), "measures": list(b.measures),
             "fine": fine_dict(b.fine), "punishes": [_cite(c) for c in b.punishes],
             "note": b.note, "document": b.document}
            for b in r.brackets
        ],
        "tiers": None if r.tiers is None else {
            "hit": r.tiers.hit,
            "template": r.tiers.template,
            "document": r.tiers.document,
            "tiers": [
                {"id": t.id, "name": t.name, "when": t.when.source if t.when else None,
                 "fine": fine_dict(t.fine),
                 "penalties": None if t.penalties is None else list(t.penalties),
                 "outcome": t.outcome, "note": t.note, "basis": [_cite(c) for c in t.basis]}
                for t in r.tiers.tiers
            ],
        },
        "exemptions": [
            {"id": e.id, "name": e.name, "kind": e.kind, "effect": e.effect, "when": e.when.source,
             "note": e.note, "basis": [_cite(c) for c in e.basis], "document": d.id}
            for e, d in r.exemptions
        ],
        "circumstances": [
            {"id": c.id, "name": c.name, "effect": c.effect, "may": c.may, "when": c.when.source,
             "basis": [_cite(x) for x in c.basis], "document": d.id}
            for c, d in r.circumstances
        ],
        "documents": [_doc(d) for d in docs.values()],
    }


# ============================================================== expressions written for people

_NAME_LABELS = {
    "legal_min": "法定最低罚款额",
    "legal_max": "法定最高罚款额",
    "low": "幅度下限",
    "high": "幅度上限",
    "subject": "当事人",
}
_MONEY_NAMES = frozenset({"legal_min", "legal_max", "low", "high"})
_SUBJECT_LABELS = {"person": "个人", "organization": "单位"}
_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_ARITH = {"+": "+", "-": "-", "*": "×", "/": "÷"}
_HOLDS: dict[str, Callable[[int, int], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def plain_number(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (``1E+3`` → ``1000``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def yuan_text(value: Decimal) -> str:
    """An amount the way benchmark tables write it: ``500元``, ``1.5万元``, ``0.5元``."""
    value = value.quantize(Decimal("0.01"))
    if value >= 10000 and value % 100 == 0:
        return f"{plain_number(value / 10000)}万元"
    return f"{plain_number(value)}元"


class Phrases:
    """Conditions and fine bounds in Chinese words: fact labels, units, 以上/以下.

    The expression language is for the people who write benchmarks; the public reads
    「涉及面积 < 5 平方米，且并非逾期不改正」, not ``area_m2 < 5 and not refused_correction``.
    """

    def __init__(self, facts: Mapping[str, Fact]) -> None:
        self.facts = facts

    # ---------------------------------------------------------------- names
    def label(self, name: str) -> str:
        fact = self.facts.get(name)
        if fact is not None and fact.label:
            return fact.label
        return _NAME_LABELS.get(name, name)

    def value_label(self, name: str, key: str) -> str:
        if name == "subject":
            return _SUBJECT_LABELS.get(key, key)
        fact = self.facts.get(name)
        return fact.value_label(key) if fact is not None else key

    def unit(self, node: Node) -> str:
        """The unit of a numeric expression, when it has exactly one."""
        if isinstance(node, Name):
            fact = self.facts.get(node.name)
            if fact is None:
                return "元" if node.name in _MONEY_NAMES else ""
            return fact.unit or ("元" if fact.type == "money" else "")
        if isinstance(node, Neg):
            return self.unit(node.operand)
        if isinstance(node, Arith):
            if node.ops[0] in "*/" and any(
                not isinstance(o, Const) for op, o in zip(node.ops, node.operands[1:], strict=True) if op == "/"
            ):
                return ""  # a quotient of two quantities has no single unit
            varying = [o for o in node.operands if not isinstance(o, Const)]
            if node.ops[0] in "*/" and len(varying) != 1:
                return ""
            return self._common_unit(varying)
        if isinstance(node, Call):
            return self._common_unit([a for a in node.args if not isinstance(a, Const)])
        return ""

    def _common_unit(self, nodes: Sequence[Node]) -> str:
        units = {self.unit(n) for n in nodes}
        return units.pop() if len(units) == 1 else ""

    # ---------------------------------------------------------------- conditions
    def condition(self, e: Expression | None) -> str:
        """A ``when`` in words; no condition (or ``true``) is 「一切情形」."""
        if e is None:
            return "一切情形"
        return self._bool(e.tree)

    def _bool(self, node: Node) -> str:
        if isinstance(node, Const):
            return "一切情形" if node.value is True else "不适用"
        if isinstance(node, Name):
            return self.label(node.name)
        if isinstance(node, Not):
            inner = node.operand
            if isinstance(inner, Name):
                return "并非" + self.label(inner.name)
            return f"并非（{self._bool(inner)}）"
        if isinstance(node, BoolOp):
            joiner = "，且" if node.op == "and" else "，或"
            parts = []
            for operand in node.operands:
                text = self._bool(operand)
                if isinstance(operand, BoolOp) and operand.op != node.op:
                    text = f"（{text}）"
                parts.append(text)
            return joiner.join(parts)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, In):
            return self._in(node)
        return self.number(node)

    def _compare(self, node: Compare) -> str:
        if any(o.type.kind in ("enum", "bool") for o in node.operands):
            return "，且".join(self._link(left, op, right) for left, op, right in node.links())
        operands = node.operands
        parts: list[str] = []
        for i, operand in enumerate(operands):
            if isinstance(operand, Const):
                beside = [operands[j] for j in (i - 1, i + 1)
                          if 0 <= j < len(operands) and not isinstance(operands[j], Const)]
                unit = self.unit(beside[0]) if beside else ""
                parts.append(self.number(operand) + (f" {unit}" if unit else ""))
            else:
                parts.append(self.number(operand))
            if i < len(node.ops):
                parts.append(_SYMBOLS[node.ops[i]])
        return " ".join(parts)

    def _link(self, left: Node, op: str, right: Node) -> str:
        if isinstance(left, Const) and isinstance(right, Name):
            left, op, right = right, _FLIP[op], left
        if isinstance(left, Name) and isinstance(right, Const):
            if left.type.kind == "enum":
                values = left.type.values
                key = str(right.value)
                if key in values:
                    at = values.index(key)
                    chosen = [v for i, v in enumerate(values) if _HOLDS[op](i, at)]
                    return self._enum_set(left.name, chosen, values)
            if left.type.kind == "bool" and isinstance(right.value, bool) and op in ("==", "!="):
                positive = right.value if op == "==" else not right.value
                return self.label(left.name) if positive else "并非" + self.label(left.name)
        return f"{self._operand(left)} {_SYMBOLS[op]} {self._operand(right)}"

    def _operand(self, node: Node) -> str:
        if node.type.kind == "bool" and not isinstance(node, (Name, Const)):
            return f"（{self._bool(node)}）"
        if isinstance(node, Const) and isinstance(node.value, str):
            return node.value
        if isinstance(node, Const) and isinstance(node.value, bool):
            return "是" if node.value else "否"
        return self.number(node)

    def _enum_set(self, name: str, chosen: Sequence[str], values: Sequence[str]) -> str:
        label = self.label(name)
        if not chosen:
            return "不适用"
        if len(chosen) == len(values):
            return "一切情形"
        names = [self.value_label(name, v) for v in chosen]
        rest = [v for v in values if v not in chosen]
        if len(chosen) == 1:
            return f"{label}为{names[0]}"
        if len(rest) == 1:
            return f"{label}不为{self.value_label(name, rest[0])}"
        return f"{label}为" + "、".join(names[:-1]) + "或" + names[-1]

    def _in(self, node: In) -> str:
        operand = node.operand
        if isinstance(operand, Name) and operand.type.kind == "enum":
            listed = {str(v) for v in node.values}
            values = operand.type.values
            chosen = [v for v in values if (v in listed) is not node.negate]
            return self._enum_set(operand.name, chosen, values)
        unit = self.unit(operand)
        shown = "、".join(
            (plain_number(v) if isinstance(v, Decimal) else str(v)) + (f" {unit}" if unit else "")
            for v in node.values
        )
        verb = "不为" if node.negate else "为"
        return f"{self.number(operand)}{verb}{shown}之一"

    # ---------------------------------------------------------------- numbers
    def number(self, node: Node, outer: int = 0, right: bool = False) -> str:
        """A numeric expression with labels and ×/÷; parentheses only where needed."""
        if isinstance(node, Const):
            if isinstance(node.value, Decimal):
                return plain_number(node.value)
            if isinstance(node.value, bool):
                return "是" if node.value else "否"
            return str(node.value)
        if isinstance(node, Name):
            return self.label(node.name)
        if isinstance(node, Neg):
            return "-" + self.number(node.operand, 3)
        if isinstance(node, Call):
            a, b = (self.number(arg) for arg in node.args)
            text = f"{a}与{b}中的较{'小' if node.func == 'min' else '大'}者"
            return f"（{text}）" if outer else text
        if isinstance(node, Arith):
            level = 1 if node.ops[0] in "+-" else 2
            parts = [self.number(node.operands[0], level)]
            for op, operand in zip(node.ops, node.operands[1:], strict=True):
                parts += [_ARITH[op], self.number(operand, level, right=True)]
            text = " ".join(parts)
            return f"（{text}）" if level < outer or (level == outer and right) else text
        return f"（{self._bool(node)}）"

    # ---------------------------------------------------------------- fines
    def _proportion(self, node: Node) -> tuple[str, Decimal] | None:
        """``k * fact`` (or ``fact / k``): the fact and the factor k."""
        if isinstance(node, Name) and node.name not in _MONEY_NAMES:
            return node.name, Decimal(1)
        if not isinstance(node, Arith) or len(node.operands) != 2:
            return None
        a, b = node.operands
        op = node.ops[0]
        try:
            if op == "*" and isinstance(a, Const) and isinstance(b, Name):
                a, b = b, a
            if op == "*" and isinstance(a, Name) and isinstance(b, Const) and isinstance(b.value, Decimal):
                factor = b.value
            elif op == "/" and isinstance(a, Name) and isinstance(b, Const) and isinstance(b.value, Decimal):
                factor = Decimal(1) / b.value
                if factor * b.value != 1:
                    return None
            else:
                return None
        except (ArithmeticError, InvalidOperation):
            return None
        if factor <= 0 or a.name in _MONEY_NAMES:
            return None
        return a.name, factor

    def _capped(self, node: Node) -> str | None:
        """``min(k * fact, cap)`` as a maximum: 「应缴纳的费用3倍以下，且不超过3万元」."""
        if not isinstance(node, Call) or node.func != "min":
            return None
        for share, cap in (node.args, node.args[::-1]):
            prop = self._proportion(share)
            if prop is not None and isinstance(cap, Const) and isinstance(cap.value, Decimal):
                name, factor = prop
                return f"{self.label(name)}{self._share(factor)}以下，且不超过{yuan_text(cap.value)}"
        return None

    @staticmethod
    def _share(factor: Decimal) -> str:
        return f"{plain_number(factor * 100)}%" if factor < 1 else f"{plain_number(factor)}倍"

    def _bound(self, e: Expression, value: Decimal | None) -> tuple[str, str]:
        """(what it is a share of, how much): ``("", "500元")``, ``("建设工程造价", "5%")``."""
        if value is not None:
            return "", yuan_text(value)
        prop = self._proportion(e.tree)
        if prop is not None:
            name, factor = prop
            return self.label(name), self._share(factor)
        text = self.number(e.tree)
        return "", f"（{text}）" if " " in text else text

    def bounds(self, b: Bounds, legal: tuple[Decimal, Decimal] | None = None) -> str:
        """``[low, high]`` in words: 500元以上1500元以下, 200元以下, 建设工程造价5%以上10%以下."""
        low, high = _constant(b.low, legal), _constant(b.high, legal)
        if low is not None and high is not None:
            r = round_range(max(low, Decimal(0)), high) if low <= high else None
            if r is None:
                return f"{yuan_text(low)}以上{yuan_text(high)}以下"
            if r.min == r.max:
                return yuan_text(r.min)
            low, high = r.min, r.max
        lo_of, lo = self._bound(b.low, low)
        hi_of, hi = self._bound(b.high, high)
        if low is not None and low == 0:
            capped = self._capped(b.high.tree)
            if capped is not None:
                return capped  # 应缴纳的处理费3倍以下，且不超过3万元
            return f"{hi_of}{hi}以下"
        if lo_of == hi_of:
            return f"{lo_of}{lo}以上{hi}以下"
        return f"{lo_of}{lo}以上{hi_of}{hi}以下"

    def fine(self, rule: FineRule | None, legal: Mapping[str, tuple[Decimal, Decimal] | None] | None = None,
             only: str | None = None) -> str:
        """A fine rule in words, per subject when it differs: 「单位：…；个人：…」."""
        if rule is None:
            return "不罚款"
        if rule.delegated:
            return "罚款数额由地方性法规或者规章规定"
        legal = legal or {}
        subjects = (only,) if only else ("organization", "person")
        texts = {}
        for s in subjects:
            b = rule.for_subject(s)
            texts[s] = "不罚款" if b is None else self.bounds(b, legal.get(s))
        if len(set(texts.values())) == 1 and (rule.common is not None or only):
            return texts[subjects[0]]
        return "；".join(f"{_SUBJECT_LABELS[s]}：{texts[s]}" for s in subjects)


def _constant(e: Expression, legal: tuple[Decimal, Decimal] | None) -> Decimal | None:
    """The value of a bound that needs no case fact (``legal_max / 10`` once the range is known)."""
    try:
        if e.is_constant:
            value = e.constant_value()
        elif legal is not None and e.names <= {"legal_min", "legal_max"}:
            value = e.evaluate({"legal_min": legal[0], "legal_max": legal[1]})
        else:
            return None
    except DiscretionError:
        return None
    return value if isinstance(value, Decimal) else None


# ============================================================== the publication table

COLUMNS = ("序号", "违法行为", "违法依据", "处罚依据", "裁量阶次", "适用情形", "处罚标准")
FORMATS = ("html", "csv", "md", "json")
TITLE = "行政处罚裁量基准公示表"
SAMPLE_MARK = "示例数据"
SAMPLE_NOTICE = (
    "本表含示例数据：标注「示例数据」的文件和条目是演示用的示例（status = sample），"
    "不是正式发布的文本，不得作为执法依据。"
)
LEGAL_BASIS = "依据《中华人民共和国行政处罚法》第三十四条公示。"
SCHEMA = "discretion.publication/1"

KIND_NAMES = {"statute": "法律、法规、规章", "benchmark": "裁量基准", "exemptions": "免罚清单",
              "rules": "总则"}
LEVEL_NAMES = {"national": "国家", "provincial": "省级", "municipal": "设区的市", "county": "县级"}
EXEMPTION_KIND_NAMES = {"minor": "轻微不罚", "first": "首违不罚", "no_fault": "无过错不罚"}
_KIND_ORDER = {"benchmark": 0, "exemptions": 1, "statute": 2, "rules": 3}


@attrs.frozen(slots=True)
class PublicDocument:
    """A document the table rests on, as the table lists it (〔ref〕)."""

    ref: int
    id: str
    title: str
    number: str
    issuer: str
    kind: str
    level: str
    region: str
    effective: dt.date
    expires: dt.date | None
    status: str
    source: str

    @property
    def sample(self) -> bool:
        return self.status == "sample"

    def line(self) -> str:
        """〔2〕《title》（文号），2024-01-01 施行【示例数据】."""
        text = f"〔{self.ref}〕《{self.title}》"
        if self.number:
            text += f"（{self.number}）"
        text += f"，{self.effective.isoformat()} 施行"
        if self.expires is not None:
            text += f"，{self.expires.isoformat()} 失效"
        if self.sample:
            text += f"【{SAMPLE_MARK}】"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "id": self.id, "title": self.title, "number": self.number,
                "issuer": self.issuer, "kind": self.kind, "level": self.level, "region": self.region,
                "effective": self.effective.isoformat(),
                "expires": self.expires.isoformat() if self.expires else None,
                "status": self.status, "source": self.source}


@attrs.frozen(slots=True)
class Row:
    """One row of the table: a tier, a statutory bracket (no tiers) or a 免罚清单 entry."""

    seq: int
    code: str
    name: str
    category: str
    violates: str
    punishes: str
    tier: str
    condition: str
    standard: str
    kind: str  # tier | statutory | exemption
    documents: tuple[int, ...]  # refs into Table.documents
    sample: bool

    def cells(self) -> tuple[str, ...]:
        """The seven official columns, in order (see :data:`COLUMNS`)."""
        return (str(self.seq), self.name, self.violates, self.punishes, self.tier, self.condition,
                self.standard)

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "code": self.code, "name": self.name, "category": self.category,
                "violates": self.violates, "punishes": self.punishes, "tier": self.tier,
                "condition": self.condition, "standard": self.standard, "kind": self.kind,
                "documents": list(self.documents), "sample": self.sample}


@attrs.frozen(slots=True)
class Table:
    """The benchmarks in force for a region on a day, as published."""

    region: str
    on: dt.date
    rows: tuple[Row, ...]
    documents: tuple[PublicDocument, ...]
    items: int

    @property
    def sample(self) -> bool:
        return any(d.sample for d in self.documents)

    def document_lines(self, row: Row) -> list[str]:
        by_ref = {d.ref: d for d in self.documents}
        return [by_ref[ref].line() for ref in row.documents]

    def summary(self) -> str:
        return (f"适用地区代码：{self.region}　有效日期：{self.on.isoformat()}　"
                f"违法行为 {self.items} 项，共 {len(self.rows)} 条")

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "title": TITLE, "region": self.region, "on": self.on.isoformat(),
                "sample": self.sample, "columns": list(COLUMNS),
                "documents": [d.to_dict() for d in self.documents],
                "rows": [r.to_dict() for r in self.rows]}


class _Builder:
    """Collects rows and the documents they use, then numbers the documents."""

    def __init__(self, view_documents: Sequence[Document], facts: Mapping[str, Fact]) -> None:
        self.by_id = {d.id: d for d in view_documents}
        table: dict[str, Fact] = {}
        for doc in view_documents:  # nearest first: the label the region's own documents give
            for fact in doc.facts:
                table.setdefault(fact.name, fact)
        for name, fact in facts.items():
            table.setdefault(name, fact)
        self.table = table
        self.phrases = Phrases(table)
        self._phrases: dict[tuple[str, ...], Phrases] = {}
        self.order = {d.version: i for i, d in enumerate(view_documents)}
        self.used: dict[str, Document] = {}
        self.rows: list[tuple[dict[str, Any], tuple[str, ...]]] = []

    def phrases_for(self, *documents: Document | None) -> Phrases:
        """Labels as the item's own documents declare them (two statutes may label a fact differently)."""
        docs = [d for d in documents if d is not None]
        key = tuple(d.version for d in docs)
        found = self._phrases.get(key)
        if found is None:
            own: dict[str, Fact] = {}
            for doc in docs:
                for fact in doc.facts:
                    own.setdefault(fact.name, fact)
            found = self._phrases[key] = Phrases(ChainMap(own, self.table))
        return found

    def cited(self, cites: Iterable[Citation]) -> list[Document]:
        return [self.by_id[c.document] for c in cites if c.document in self.by_id]

    def add(self, fields: dict[str, Any], documents: Iterable[Document]) -> None:
        versions = []
        for doc in documents:
            self.used.setdefault(doc.version, doc)
            if doc.version not in versions:
                versions.append(doc.version)
        self.rows.append((fields, tuple(versions)))

    def finish(self, region: str, day: dt.date, items: int) -> Table:
        docs = sorted(self.used.values(),
                      key=lambda d: (_KIND_ORDER.get(d.kind, 9), -depth(d.region),
                                     self.order.get(d.version, 0), d.id))
        public = tuple(
            PublicDocument(ref=n, id=d.id, title=d.title, number=d.number, issuer=d.issuer, kind=d.kind,
                           level=d.level, region=d.region, effective=d.effective, expires=d.expires,
                           status=d.status, source=d.source)
            for n, d in enumerate(docs, 1)
        )
        refs = {d.version: n for n, d in enumerate(docs, 1)}
        rows = []
        for fields, versions in self.rows:
            numbers = tuple(sorted(refs[v] for v in versions))
            sample = any(self.used[v].status == "sample" for v in versions)
            rows.append(Row(documents=numbers, sample=sample, **fields))
        return Table(region=region, on=day, rows=tuple(rows), documents=public, items=items)


def _citations(cites: Iterable[Citation]) -> str:
    texts = [citation_text(c.title or c.law, c.article, c.paragraph, c.item) for c in cites]
    return "；".join(dict.fromkeys(texts)) or "—"


def _penalty_names(ids: Iterable[str]) -> str:
    return "、".join(PENALTY_NAMES.get(p, p) for p in ids)


def _penalty_line(penalties: Sequence[str], may: Sequence[str]) -> str:
    parts = []
    if penalties:
        parts.append(f"处罚种类：{_penalty_names(penalties)}")
    if may:
        parts.append(f"可以并处：{_penalty_names(may)}" if penalties else f"可以给予：{_penalty_names(may)}")
    return "；".join(parts)


def _legal_ranges(r: Resolved) -> dict[str, tuple[Decimal, Decimal] | None]:
    """Per subject, the one constant statutory fine range (for template tiers), if there is one."""
    out: dict[str, tuple[Decimal, Decimal] | None] = {}
    for subject in ("organization", "person"):
        found: set[tuple[Decimal, Decimal]] = set()
        ok = True
        for b in r.brackets:
            if b.subject not in (None, subject) or b.fine is None:
                continue
            bounds = None if b.fine.delegated else b.fine.for_subject(subject)
            if bounds is None:
                ok = ok and not b.fine.delegated
                continue
            lo, hi = _constant(bounds.low, None), _constant(bounds.high, None)
            if lo is None or hi is None:
                ok = False
            else:
                found.add((lo, hi))
        out[subject] = found.pop() if ok and len(found) == 1 else None
    return out


def _statutory_penalties(r: Resolved) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The penalty types every bracket shares (what a tier without its own list inherits)."""
    kinds = {(b.penalties, b.may) for b in r.brackets if b.penalties or b.may}
    return kinds.pop() if len(kinds) == 1 else None


def _statutory_fine(r: Resolved, ph: Phrases) -> str:
    fined = [b for b in r.brackets if b.fine is not None]
    if len(fined) == 1:
        b = fined[0]
        return ph.fine(b.fine, only=b.subject)
    return "见法定处罚幅度"


def _measures(measures: Iterable[str]) -> str:
    unique = list(dict.fromkeys(measures))
    return f"责令措施：{'；'.join(unique)}" if unique else ""


def _tier_standard(t: Tier, r: Resolved, ph: Phrases, legal: Mapping[str, tuple[Decimal, Decimal] | None]) -> str:
    lines: list[str] = []
    if t.outcome == "no_penalty":
        lines.append("不予处罚")
    else:
        if t.outcome == "may_waive":
            lines.append("可以不予处罚")
        inherited = _statutory_penalties(r)
        penalties: tuple[str, ...] | None = t.penalties
        may: tuple[str, ...] | None = t.may
        if penalties is None and inherited is not None:
            penalties, may = inherited
        elif penalties is not None and may is None:
            may = tuple(p for p in (inherited[1] if inherited else ()) if p not in penalties)
        if t.fine is not None:
            lines.append(ph.fine(t.fine, legal))
            if penalties is not None and "fine" not in penalties and "fine" not in (may or ()):
                penalties = (*penalties, "fine")
        elif t.penalties is not None and "fine" not in t.penalties and "fine" not in (may or ()):
            lines.append("不罚款")
        else:
            lines.append(f"按法定幅度：{_statutory_fine(r, ph)}")
        if penalties is not None:
            line = _penalty_line(penalties, may or ())
            if line:
                lines.append(line)
    measure_line = _measures(t.measures)
    if measure_line:
        lines.append(measure_line)
    return "\n".join(lines)


def _bracket_standard(b: Bracket, ph: Phrases) -> str:
    lines = [ph.fine(b.fine, only=b.subject)]
    line = _penalty_line(b.penalties, b.may)
    if line:
        lines.append(line)
    measure_line = _measures(b.measures)
    if measure_line:
        lines.append(measure_line)
    return "\n".join(lines)


def _item_rows(seq: int, r: Resolved, out: _Builder) -> None:
    ph = out.phrases_for(r.tier_document, r.bracket_document, r.base_document)
    base = {"seq": seq, "code": r.code, "name": r.name, "category": r.category,
            "violates": _citations(c for c, _ in r.violates)}
    statutes = [r.base_document, *r.statute_documents]
    statute_cites = [c for c, _ in r.violates] + [c for c, _ in r.punishes]
    punishes = [c for c, _ in r.punishes]
    if r.tiers is not None and r.tier_document is not None:
        legal = _legal_ranges(r)
        for n, t in enumerate(r.tiers.tiers):
            condition = ph.condition(t.when)
            if r.tiers.hit == "first" and n > 0:
                condition = f"不符合以上阶次，且{condition}" if t.when is not None else "不符合以上阶次的其他情形"
            if t.note:
                condition += f"\n说明：{t.note}"
            out.add({**base, "punishes": _citations(punishes + list(t.basis)), "tier": t.name,
                     "condition": condition, "standard": _tier_standard(t, r, ph, legal), "kind": "tier"},
                    [*statutes, r.tier_document, *out.cited(statute_cites + list(t.basis))])
    else:
        numbered = len(r.brackets) > 1
        for n, b in enumerate(r.brackets, 1):
            parts = []
            if b.subject:
                parts.append(f"当事人为{_SUBJECT_LABELS[b.subject]}")
            if b.when is not None:
                parts.append(ph.condition(b.when))
            condition = "，且".join(parts) or "一切情形"
            if b.note:
                condition += f"\n说明：{b.note}"
            out.add({**base, "punishes": _citations(punishes + list(b.punishes)),
                     "tier": f"法定幅度（{n}）" if numbered else "法定幅度",
                     "condition": condition, "standard": _bracket_standard(b, ph), "kind": "statutory"},
                    [*statutes, *out.cited(statute_cites + list(b.punishes))])
    for e, doc in r.exemptions:
        lines = [e.name] if e.name else []
        eph = out.phrases_for(doc, r.bracket_document, r.base_document)
        lines.append(f"条件：{eph.condition(e.when)}" if e.name else eph.condition(e.when))
        if e.note:
            lines.append(f"说明：{e.note}")
        out.add({**base, "punishes": _citations(e.basis),
                 "tier": f"免罚清单（{EXEMPTION_KIND_NAMES.get(e.kind, e.kind)}）",
                 "condition": "\n".join(lines), "standard": EFFECT_NAMES.get(e.effect, e.effect),
                 "kind": "exemption"},
                [*statutes, doc, *out.cited(list(e.basis) + [c for c, _ in r.violates])])


def build_table(library: Library, region: str, day: dt.date) -> Table:
    """The benchmarks in force for ``region`` on ``day``: one row per tier, statutory bracket
    (items without tiers) and 免罚清单 entry, in item-code order."""
    check_region(region)
    view = library.view(region, day)
    items = library.items(region, on=day)
    out = _Builder(view.documents, library.facts)
    for seq, r in enumerate(items, 1):
        _item_rows(seq, r, out)
    return out.finish(region, day, len(items))


# ============================================================== formats


def render(table: Table, fmt: str) -> bytes:
    """The table as a file's bytes: ``html``, ``csv`` (UTF-8 with BOM), ``md`` or ``json``."""
    fmt = fmt.lower()
    if fmt == "html":
        return render_html(table).encode("utf-8")
    if fmt == "csv":
        return render_csv(table).encode("utf-8-sig")
    if fmt == "md":
        return render_md(table).encode("utf-8")
    if fmt == "json":
        return (json.dumps(table.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise InputError(f"不支持的导出格式 {fmt!r}：可用 {'、'.join(FORMATS)}")


def format_for(path: str | os.PathLike[str]) -> str | None:
    """The format a file name implies (``.html``/``.htm``, ``.csv``, ``.md``, ``.json``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"htm": "html", "markdown": "md"}.get(suffix, suffix) if suffix else None


# ---------------------------------------------------------------- CSV


def _csv_cell(text: str) -> str:
    """Excel runs a cell that starts with = + - @ as a formula: keep data data."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def render_csv(table: Table) -> str:
    """One header row, then one line per row; the official columns first, then 事项编号, 所据文件."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([*COLUMNS, "事项编号", "所据文件"])
    for row in table.rows:
        cells = list(row.cells())
        if row.sample:
            cells[4] += f"【{SAMPLE_MARK}】"
        cells += [row.code, "\n".join(table.document_lines(row))]
        writer.writerow([_csv_cell(c) for c in cells])
    return buf.getvalue()


# ---------------------------------------------------------------- Markdown


def _md(text: str) -> str:
    """A Markdown table cell: HTML and Markdown syntax shown as text, ``|`` escaped, lines <br>."""
    text = text.replace("\\", "\\\\")
    text = html.escape(text, quote=False)
    for ch in "|*_`[]":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines


_DOC_COLUMNS = ("编号", "文件名称", "文号", "制定机关", "类别", "层级", "施行日期", "失效日期", "性质")


def _doc_cells(d: PublicDocument) -> tuple[str, ...]:
    return (f"〔{d.ref}〕", d.title, d.number or "—", d.issuer or "—", KIND_NAMES.get(d.kind, d.kind),
            LEVEL_NAMES.get(d.level, d.level), d.effective.isoformat(),
            d.expires.isoformat() if d.expires else "—", SAMPLE_MARK if d.sample else "正式文本")


def render_md(table: Table) -> str:
    lines = [f"# {TITLE}", "", _md(table.summary()), ""]
    if table.sample:
        lines += [f"> **注意**：{_md(SAMPLE_NOTICE)}", ""]
    lines += ["## 所据文件", ""]
    lines += _md_table(_DOC_COLUMNS, (_doc_cells(d) for d in table.documents))
    lines += ["", "## 裁量基准", ""]
    rows = []
    for row in table.rows:
        cells = list(row.cells())
        cells[1] += f"（{row.code}）"
        cells[4] += "".join(f"〔{n}〕" for n in row.documents)
        if row.sample:
            cells[4] += f"【{SAMPLE_MARK}】"
        rows.append(cells)
    lines += _md_table(COLUMNS, rows)
    lines += ["", _md(LEGAL_BASIS), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- HTML

_CSS = """
:root { --ink: #1a1a1a; --line: #555; --soft: #6b6b6b; --head: #eceef2; --red: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.6 "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; }
header { padding: 28px 32px 4px; }
h1 { margin: 0 0 6px; text-align: center; font-size: 26px; letter-spacing: .12em;
  font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; }
.meta { text-align: center; color: var(--soft); margin: 0 0 12px; }
.notice { border: 2px solid var(--red); color: var(--red); padding: 6px 12px; margin: 0 0 12px;
  font-weight: bold; }
.basis { margin: 0 0 4px; padding: 8px 12px; background: #f7f7f9; border: 1px solid #ddd; }
.basis h2 { margin: 0 0 4px; }
.basis ol { margin: 0; padding-left: 1.4em; }
.basis .more { margin: 4px 0 0; color: var(--soft); }
h2 { font-size: 15px; margin: 18px 0 6px; border-left: 4px solid var(--ink); padding-left: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 5px 7px; vertical-align: top; text-align: left; }
thead th { background: var(--head); text-align: center; white-space: nowrap; }
main { padding: 0 32px 8px; }
.search { position: sticky; top: 0; z-index: 2; background: #fff; padding: 10px 0; display: flex;
  gap: 10px; align-items: center; border-bottom: 1px solid #ddd; margin-bottom: 8px; }
.search label { font-weight: bold; }
.search input { flex: 1; max-width: 560px; font: inherit; padding: 6px 10px; border: 1px solid #888;
  border-radius: 3px; }
.search output { color: var(--soft); white-space: nowrap; }
#benchmarks col.seq { width: 3.2em; } #benchmarks col.name { width: 17%; }
#benchmarks col.law { width: 12%; } #benchmarks col.tier { width: 8.5em; }
#benchmarks col.cond { width: 27%; }
#benchmarks td.seq { text-align: center; }
#benchmarks .code { display: block; color: var(--soft); font-size: 12px; }
#benchmarks .ref { display: block; font-size: 12px; }
#benchmarks tr.cont td.i { color: #a8a8a8; border-top-style: dotted; }
a { color: #1d4f91; }
.badge { display: inline-block; white-space: nowrap; margin: 2px 0 0; padding: 0 5px; font-size: 12px;
  color: #fff; background: var(--red); border-radius: 3px; font-weight: normal; }
#empty { color: var(--soft); text-align: center; padding: 16px; }
#docs { padding: 0 32px 8px; }
table.docs td { font-size: 13px; }
table.docs td.nowrap { white-space: nowrap; }
table.docs .src { display: block; font-size: 12px; word-break: break-all; }
footer { color: var(--soft); font-size: 12px; padding: 8px 32px 24px; }
@media print { .search { display: none; } tr[hidden] { display: table-row; } }
""".strip()

_JS = """
(function () {
  "use strict";
  var input = document.getElementById("q");
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#benchmarks tbody tr"));
  function norm(s) { return s.toLowerCase().replace(/\\s+/g, " "); }
  var texts = rows.map(function (r) { return norm(r.textContent); });
  function apply() {
    var terms = norm(input.value).split(" ").filter(function (t) { return t.length > 0; });
    var shown = 0, last = null;
    rows.forEach(function (row, i) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
      row.hidden = !ok;
      if (ok) {
        shown += 1;
        row.classList.toggle("cont", row.getAttribute("data-item") === last);
        last = row.getAttribute("data-item");
      }
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 条";
    empty.hidden = shown !== 0;
  }
  input.addEventListener("input", apply);
  apply();
}());
""".strip()


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _h(text: str) -> str:
    """Data as HTML text: every special character escaped, line breaks kept."""
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def _source_link(url: str) -> str:
    """The source under a document's title; only http(s) addresses become links."""
    if not url:
        return ""
    if url.startswith(("https://", "http://")):
        return (f'<a class="src" href="{html.escape(url, quote=True)}" rel="noopener noreferrer">'
                f"{_h(url)}</a>")
    return f'<span class="src">{_h(url)}</span>'


def _doc_summary(d: PublicDocument) -> str:
    """《title》（文号），issuer，2024-01-01 施行."""
    text = f"《{d.title}》"
    if d.number:
        text += f"（{d.number}）"
    if d.issuer:
        text += f"，{d.issuer}"
    text += f"，{d.effective.isoformat()} 施行"
    if d.expires is not None:
        text += f"，{d.expires.isoformat()} 失效"
    return text


def render_html(table: Table) -> str:
    """One self-contained page: inline CSS and JS, no external assets, a CSP that allows
    nothing else to load or run, and a search box that filters the rows as you type."""
    e = _h
    out: list[str] = []
    w = out.append
    csp = (f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_JS)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    w("<!DOCTYPE html>")
    w('<html lang="zh-CN">')
    w("<head>")
    w('<meta charset="utf-8">')
    w(f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=True)}">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w('<meta name="generator" content="discretion">')
    w(f"<title>{e(TITLE)}（{e(table.region)}，{e(table.on.isoformat())}）</title>")
    w(f"<style>{_CSS}</style>")
    w("</head>")
    w("<body>")
    w("<header>")
    w(f"<h1>{e(TITLE)}</h1>")
    w(f'<p class="meta">{e(table.summary())}</p>')
    if table.sample:
        w(f'<p class="notice" role="note">{e(SAMPLE_NOTICE)}</p>')
    own = [d for d in table.documents if d.kind in ("benchmark", "exemptions")]
    w('<section class="basis" aria-labelledby="basis-h">')
    w('<h2 id="basis-h">本表所据裁量基准和免罚清单</h2>')
    if own:
        w("<ol>")
        for d in own:
            badge = f' <span class="badge">{e(SAMPLE_MARK)}</span>' if d.sample else ""
            w(f'<li><a href="#doc-{d.ref}">〔{d.ref}〕</a>{e(_doc_summary(d))}{badge}</li>')
        w("</ol>")
    else:
        w("<p>本地区在该日期没有有效的裁量基准或免罚清单；下表按法律、法规、规章的法定处罚幅度列出。</p>")
    others = len(table.documents) - len(own)
    if others:
        w(f'<p class="more">另据法律、法规、规章等 {others} 件，见文末<a href="#docs">「所据文件」</a>。</p>')
    w("</section>")
    w("</header>")
    w("<main>")
    w('<div class="search" role="search">')
    w('<label for="q">检索</label>')
    w('<input id="q" type="search" autocomplete="off" '
      'placeholder="输入关键词筛选：违法行为、编号、条文、阶次、情形、金额……">')
    w(f'<output id="count" for="q" aria-live="polite">共 {len(table.rows)} 条</output>')
    w("</div>")
    w('<table id="benchmarks">')
    w(f"<caption hidden>{e(TITLE)}</caption>")
    w('<colgroup><col class="seq"><col class="name"><col class="law"><col class="law"><col class="tier">'
      '<col class="cond"><col class="std"></colgroup>')
    w("<thead><tr>" + "".join(f'<th scope="col">{e(c)}</th>' for c in COLUMNS) + "</tr></thead>")
    w("<tbody>")
    last = None
    for row in table.rows:
        cont = ' class="cont"' if row.code == last else ""
        last = row.code
        refs = "".join(f'<a href="#doc-{n}">〔{n}〕</a>' for n in row.documents)
        tier = e(row.tier) + f'<span class="ref">{refs}</span>'
        if row.sample:
            tier += f'<span class="badge">{e(SAMPLE_MARK)}</span>'
        w(f'<tr data-item="{e(row.code)}" data-kind="{e(row.kind)}"{cont}>'
          f'<td class="seq i">{row.seq}</td>'
          f'<td class="i">{e(row.name)}<span class="code">{e(row.code)}</span></td>'
          f'<td class="i">{e(row.violates)}</td>'
          f"<td>{e(row.punishes)}</td>"
          f"<td>{tier}</td>"
          f"<td>{e(row.condition)}</td>"
          f"<td>{e(row.standard)}</td></tr>")
    w("</tbody></table>")
    w(f'<p id="empty"{"" if not table.rows else " hidden"}>没有符合条件的条目。</p>')
    w("</main>")
    w('<section id="docs" aria-labelledby="docs-h">')
    w('<h2 id="docs-h">所据文件</h2>')
    w('<table class="docs">')
    w("<thead><tr>" + "".join(f'<th scope="col">{e(c)}</th>' for c in _DOC_COLUMNS) + "</tr></thead>")
    w("<tbody>")
    for d in table.documents:
        ref, title, *middle, status = _doc_cells(d)
        source = _source_link(d.source)
        mark = f'<span class="badge">{e(SAMPLE_MARK)}</span>' if d.sample else e(status)
        cells = "".join(
            f'<td class="nowrap">{e(c)}</td>' if i >= 4 else f"<td>{e(c)}</td>" for i, c in enumerate(middle)
        )
        w(f'<tr id="doc-{d.ref}"><td class="nowrap">{e(ref)}</td><td>{e(title)}{source}</td>'
          f'{cells}<td class="nowrap">{mark}</td></tr>')
    w("</tbody></table>")
    w("</section>")
    w(f"<footer>{e(LEGAL_BASIS)}本表由 discretion 根据上列文件生成；以正式发布的文件为准。</footer>")
    w(f"<script>{_JS}</script>")
    w("</body>")
    w("</html>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- writing


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it, then
    ``os.replace``. A failure leaves any earlier file as it was and no temporary behind."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"无法写入 {target}：这是一个目录")
    parent = target.parent
    tmp: Path | None = None
    try:
        for _ in range(16):
            candidate = parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
            try:
                fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            tmp = candidate
            break
        else:  # pragma: no cover - 16 random collisions
            raise InputError(f"无法在 {parent} 中创建临时文件")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise InputError(f"无法写入 {target}：{exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def export(library: Library, region: str, day: dt.date, fmt: str) -> tuple[bytes, Table]:
    """The publication for ``region`` on ``day`` in ``fmt``, and the table it shows."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise InputError(f"不支持的导出格式 {fmt!r}：可用 {'、'.join(FORMATS)}")
    table = build_table(library, region, day)
    return render(table, fmt), table
