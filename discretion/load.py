"""Strict loading: a folder of format-1 TOML documents → immutable model objects.

Every problem of a load is collected (file, key path, line) and raised together
as one :class:`~discretion.errors.BenchmarkError`; nothing is silently ignored.
Key paths count array entries from 1, as a reader counts ``[[item]]`` blocks.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from . import expr
from .errors import BenchmarkError, ExpressionError, Problem
from .model import (
    CONFIDENCES,
    DOCUMENT_KINDS,
    EFFECTS,
    EXEMPTION_KINDS,
    FACT_TYPES,
    LEVELS,
    PENALTY_IDS,
    PENALTY_NAMES,
    STATUSES,
    SUBJECTS,
    Adjust,
    Bounds,
    Bracket,
    Circumstance,
    Citation,
    Document,
    Exemption,
    Fact,
    FineRule,
    Item,
    Limitation,
    Scope,
    Template,
    Threshold,
    Tier,
    TierSet,
)
from .regions import ancestry, depth, region_problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

MAX_FILE_BYTES = 5 * 1024 * 1024
MONEY_LIMIT = Decimal(10) ** 15
SUBJECT_TYPE = expr.enum_type(SUBJECTS)
GENERAL_KEYS = ("correction", "confiscation", "education", "one_fine", "later_law")

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


# --------------------------------------------------------------------------- files


def toml_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The ``.toml`` files under ``paths`` in a stable order, without following
    directory symlinks (a symlink loop cannot hang the load)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for root in paths:
        if not root.exists():
            problems.append(Problem(str(root), "路径不存在"))
            continue
        if root.is_file():
            files.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(".toml"):
                    files.append(Path(dirpath) / name)
    return files, problems


def read_toml(path: Path) -> tuple[dict[str, Any] | None, str, Problem | None]:
    """Parse one file (floats as exact decimals); a problem instead of an exception."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, "", Problem(str(path), f"无法读取文件：{exc.strerror or exc}")
    if size > MAX_FILE_BYTES:
        return None, "", Problem(str(path), f"文件过大（{size} 字节，上限 {MAX_FILE_BYTES}）")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, "", Problem(str(path), f"无法读取文件：{exc.strerror or exc}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, "", Problem(str(path), "不是 UTF-8 编码的文本", line=line)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, text, Problem(str(path), "空文件：缺少 format 与 [document]")
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        return None, text, Problem(
            str(path), f"TOML 语法错误：{msg}", line=int(m.group(1)) if m else None
        )
    return data, text, None


class Locator:
    """Maps key paths (``item[3].tier[1].fine``) to line numbers of a TOML text."""

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        counters: dict[str, int] = {}
        section = ""
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                array = header.group(1) == "[["
                parts = [p.strip().strip("\"'") for p in header.group(2).split(".")]
                section = self._section(parts, array, counters)
                self.lines.setdefault(section, number)
                continue
            key = _KEY.match(line)
            if key:
                path = f"{section}.{key.group(1)}" if section else key.group(1)
                self.lines.setdefault(path, number)

    def _section(self, parts: list[str], array: bool, counters: dict[str, int]) -> str:
        # Resolve the parents to their current array element, e.g. item → item[3].
        out = ""
        for i, part in enumerate(parts):
            plain = f"{out}.{part}" if out else part
            last = i == len(parts) - 1
            if last and array:
                counters[plain] = counters.get(plain, 0) + 1
                for k in [k for k in counters if k.startswith(plain + "[") or k.startswith(plain + ".")]:
                    if k != plain:
                        del counters[k]
                out = f"{plain}[{counters[plain]}]"
            elif plain in counters:
                out = f"{plain}[{counters[plain]}]"
            else:
                out = plain
        # A new element of an array resets the counters of arrays nested in the previous one.
        return out

    def line(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            cut = max(key.rfind("."), key.rfind("["))
            if cut <= 0:
                return self.lines.get(key)
            key = key[:cut]
        return None


# --------------------------------------------------------------------------- reading tables


class _Ctx:
    """Where problems of one file go."""

    def __init__(self, file: str, locator: Locator, problems: list[Problem]) -> None:
        self.file = file
        self.locator = locator
        self.problems = problems
        self.doc_id = ""

    def problem(self, key: str, message: str) -> None:
        self.problems.append(
            Problem(self.file, message, key=key, line=self.locator.line(key), document=self.doc_id)
        )


_MISSING = object()
_V = TypeVar("_V")


def _type_name(value: object) -> str:
    return {
        bool: "布尔值",
        int: "整数",
        Decimal: "小数",
        str: "字符串",
        list: "数组",
        dict: "表",
        dt.date: "日期",
        dt.datetime: "日期时间",
    }.get(type(value), type(value).__name__)


class _Table:
    """A TOML table read key by key; keys never taken are reported as unknown."""

    def __init__(self, ctx: _Ctx, data: object, path: str) -> None:
        self.ctx = ctx
        self.path = path
        self.ok = isinstance(data, dict)
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not self.ok:
            ctx.problem(path, f"应为表（table），实际为{_type_name(data)}")
        self.taken: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> Any:
        self.taken.add(name)
        return self.data.get(name, _MISSING)

    def _get(self, name: str, required: bool, check: Callable[[Any], bool], what: str) -> Any:
        value = self.raw(name)
        if value is _MISSING:
            if required and self.ok:
                self.ctx.problem(self.key(name), f"缺少必需的键 {name}")
            return None
        if not check(value):
            self.ctx.problem(self.key(name), f"应为{what}，实际为{_type_name(value)} {value!r}")
            return None
        return value

    def text(self, name: str, required: bool = False) -> str | None:
        return self._get(name, required, lambda v: isinstance(v, str), "字符串")  # type: ignore[no-any-return]

    def choice(self, name: str, choices: Sequence[str], required: bool = False) -> str | None:
        value = self.text(name, required)
        if value is not None and value not in choices:
            self.ctx.problem(self.key(name), f"取值 {value!r} 无效，应为 {' | '.join(choices)}")
            return None
        return value

    def flag(self, name: str, required: bool = False) -> bool | None:
        return self._get(name, required, lambda v: isinstance(v, bool), "布尔值")  # type: ignore[no-any-return]

    def integer(self, name: str, required: bool = False, minimum: int = 0) -> int | None:
        value = self._get(
            name, required, lambda v: isinstance(v, int) and not isinstance(v, bool), "整数"
        )
        if value is not None and value < minimum:
            self.ctx.problem(self.key(name), f"应为不小于 {minimum} 的整数，实际为 {value}")
            return None
        return value  # type: ignore[no-any-return]

    def number(self, name: str, required: bool = False) -> Decimal | None:
        value = self._get(
            name,
            required,
            lambda v: isinstance(v, (int, Decimal)) and not isinstance(v, bool),
            "数值",
        )
        if value is None:
            return None
        number = Decimal(value)
        if not number.is_finite():
            self.ctx.problem(self.key(name), f"应为有限数值，实际为 {value}")
            return None
        return number

    def date(self, name: str, required: bool = False) -> dt.date | None:
        value = self._get(
            name,
            required,
            lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
            "日期（如 2021-07-15，不加引号）",
        )
        return value  # type: ignore[no-any-return]

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw(name)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.ctx.problem(self.key(name), f"应为字符串数组，实际为 {value!r}")
            return ()
        return tuple(value)

    def table(self, name: str, required: bool = False) -> _Table | None:
        value = self.raw(name)
        if value is _MISSING:
            if required:
                self.ctx.problem(self.key(name), f"缺少必需的表 [{self.key(name)}]")
            return None
        return _Table(self.ctx, value, self.key(name))

    def tables(self, name: str) -> list[_Table]:
        value = self.raw(name)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.ctx.problem(self.key(name), f"应为表数组 [[{self.key(name)}]]，实际为{_type_name(value)}")
            return []
        return [_Table(self.ctx, v, f"{self.key(name)}[{i}]") for i, v in enumerate(value, 1)]

    def done(self) -> None:
        for name in self.data:
            if name not in self.taken:
                self.ctx.problem(self.key(name), f"未知的键 {name!r}")


# --------------------------------------------------------------------------- raw documents


class _Raw:
    """A parsed file before its expressions are compiled."""

    def __init__(self, path: Path, data: dict[str, Any], ctx: _Ctx) -> None:
        self.path = path
        self.data = data
        self.ctx = ctx
        self.root = _Table(ctx, data, "")
        self.header: dict[str, Any] = {}
        self.facts: list[Fact] = []
        self.valid_header = False


def _read_header(raw: _Raw) -> None:
    root = raw.root
    fmt = root.raw("format")
    if fmt is _MISSING:
        raw.ctx.problem("format", "缺少 format = 1")
    elif fmt != 1 or isinstance(fmt, bool):
        raw.ctx.problem("format", f"不支持的格式版本 {fmt!r}（本程序读取 format = 1）")
    doc = root.table("document", required=True)
    if doc is None or not doc.ok:
        return
    h = raw.header
    h["id"] = doc.text("id", required=True)
    if h["id"] is not None and not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", h["id"]):
        raw.ctx.problem("document.id", f"文档 id {h['id']!r} 只能含字母、数字、点、下划线和连字符")
        h["id"] = None
    raw.ctx.doc_id = h["id"] or ""
    h["title"] = doc.text("title", required=True)
    h["short"] = doc.text("short") or h["title"]
    h["kind"] = doc.choice("kind", DOCUMENT_KINDS, required=True)
    h["level"] = doc.choice("level", LEVELS, required=True)
    region = doc.text("region", required=True)
    if region is not None:
        problem = region_problem(region)
        if problem:
            raw.ctx.problem("document.region", problem)
            region = None
    h["region"] = region
    h["issuer"] = doc.text("issuer") or ""
    h["number"] = doc.text("number") or ""
    h["effective"] = doc.date("effective", required=True)
    h["expires"] = doc.date("expires")
    if h["effective"] and h["expires"] and h["expires"] <= h["effective"]:
        raw.ctx.problem("document.expires", f"失效日期 {h['expires']} 不晚于生效日期 {h['effective']}")
    h["status"] = doc.choice("status", STATUSES, required=True)
    h["source"] = doc.text("source") or ""
    h["refines"] = doc.strings("refines")
    h["coverage"] = doc.choice("coverage", ("full", "partial")) or ""
    doc.done()
    if h["level"] and region and (h["level"] == "national") != (region == "000000"):
        raw.ctx.problem("document.level", f"级别 {h['level']} 与地区代码 {region} 不符")
    # The body is still read (and its problems reported) when only some header keys are bad.
    raw.valid_header = all(h.get(k) is not None for k in ("id", "kind", "region"))
    h["title"] = h["title"] or h["id"]
    h["short"] = h["short"] or h["title"]
    h["level"] = h["level"] or "national"
    h["effective"] = h["effective"] or dt.date.min
    h["status"] = h["status"] or "official"


def _read_facts(raw: _Raw) -> None:
    facts = raw.root.table("facts")
    if facts is None or not facts.ok:
        return
    doc_id = raw.header.get("id") or ""
    for name in list(facts.data):
        key = facts.key(name)
        if not expr.is_valid_name(name):
            raw.ctx.problem(key, f"事实名称 {name!r} 不合法（字母、数字、下划线，不以 __ 开头，不能是 and、or、not、in 等关键字）")
            facts.raw(name)
            continue
        if name in ("subject", "legal_min", "legal_max", "low", "high", "true", "false"):
            raw.ctx.problem(key, f"{name} 是内置名称，不能声明为事实")
            facts.raw(name)
            continue
        t = facts.table(name)
        if t is None or not t.ok:
            continue
        ftype = t.choice("type", FACT_TYPES, required=True)
        label = t.text("label", required=True) or name
        unit = t.text("unit") or ""
        values = t.strings("values")
        labels_t = t.table("labels")
        labels: list[tuple[str, str]] = []
        if labels_t is not None and labels_t.ok:
            for k in list(labels_t.data):
                v = labels_t.text(k)
                if v is not None:
                    labels.append((k, v))
                if k not in values:
                    raw.ctx.problem(labels_t.key(k), f"labels 中的 {k!r} 不在 values 中")
            labels_t.done()
        lo = t.number("min")
        hi = t.number("max")
        severity = t.choice("severity", ("increasing", "decreasing"))
        default_raw = t.raw("default")
        t.done()
        if ftype is None:
            continue
        if ftype == "enum":
            if not values:
                raw.ctx.problem(t.key("values"), "枚举事实须声明 values")
                continue
            if len(set(values)) != len(values):
                raw.ctx.problem(t.key("values"), "values 中有重复的取值")
                values = tuple(dict.fromkeys(values))  # reported; keep reading without a crash
        elif values or labels:
            raw.ctx.problem(t.key("values"), f"只有 enum 事实可以声明 values/labels（此处为 {ftype}）")
        if (lo is not None or hi is not None) and ftype not in ("number", "money"):
            raw.ctx.problem(t.key("min"), "只有 number/money 事实可以声明 min/max")
        if lo is not None and hi is not None and lo > hi:
            raw.ctx.problem(t.key("min"), f"min {lo} 大于 max {hi}")
        if ftype == "money" and lo is not None and lo < 0:
            raw.ctx.problem(t.key("min"), "金额事实不能为负数")
        fact = Fact(
            name=name,
            type=ftype,
            label=label,
            unit=unit,
            values=tuple(values),
            labels=tuple(labels),
            min=lo if lo is not None else (Decimal(0) if ftype == "money" else None),
            max=hi,
            default=None,
            severity=severity,
            document=doc_id,
        )
        if default_raw is not _MISSING:
            from .facts import FactError, parse_fact_value

            try:
                value = parse_fact_value(fact, default_raw)
            except FactError as exc:
                raw.ctx.problem(t.key("default"), f"默认值无效：{exc}")
            else:
                fact = Fact(**{**_fields(fact), "default": value})
        raw.facts.append(fact)


def _fields(obj: Any) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in obj.__slots__ if not f.startswith("__")}


# --------------------------------------------------------------------------- the loader


class Loader:
    """Builds documents from raw tables once every file's header and facts are known."""

    def __init__(self, raws: list[_Raw], problems: list[Problem]) -> None:
        self.raws = raws
        self.problems = problems
        self.fact_types: dict[str, expr.Type] = {}
        self.fact_regions: dict[str, set[str]] = {}
        self.facts: dict[str, Fact] = {}
        self.laws: dict[str, tuple[str, str]] = {}  # short → (title, id)
        self._names_cache: dict[tuple[str, tuple[str, ...]], dict[str, expr.Type]] = {}
        # parsed expressions by (text, wanted type, names table): the same condition
        # ("refused_correction", "500") recurs in hundreds of places; parsed once, shared
        # (expressions are immutable). The table is kept in the entry so its id stays its own.
        self._interned: dict[object, object] = {}
        self._parsed: dict[
            tuple[object, expr.Type, int], tuple[Mapping[str, expr.Type], expr.Expression]
        ] = {}

    # ---- names
    def collect_facts(self) -> None:
        for raw in self.raws:
            region = raw.header.get("region") or "000000"
            for fact in raw.facts:
                t = _fact_type(fact)
                known = self.facts.get(fact.name)
                if known is not None and (known.type, known.values) != (fact.type, fact.values):
                    raw.ctx.problem(
                        f"facts.{fact.name}",
                        f"事实 {fact.name} 已在文档 {known.document} 中声明为 {_describe(known)}，"
                        f"此处重新声明为 {_describe(fact)}",
                    )
                    continue
                if known is None:
                    self.facts[fact.name] = fact
                    self.fact_types[fact.name] = t
                self.fact_regions.setdefault(fact.name, set()).add(region)

    def collect_laws(self) -> None:
        for raw in self.raws:
            h = raw.header
            if raw.valid_header and h["kind"] in ("statute", "rules"):
                known = self.laws.get(h["short"])
                if known is not None and known[1] != h["id"]:
                    raw.ctx.problem(
                        "document.short",
                        f"简称 {h['short']!r} 已被文档 {known[1]} 使用；引用无法区分",
                    )
                    continue
                self.laws[h["short"]] = (h["title"], h["id"])

    def names(self, region: str, extra: tuple[str, ...] = ()) -> dict[str, expr.Type]:
        key = (region, extra)
        cached = self._names_cache.get(key)
        if cached is not None:
            return cached
        chain = set(ancestry(region))
        names = {
            name: t for name, t in self.fact_types.items() if self.fact_regions[name] & chain
        }
        names["subject"] = SUBJECT_TYPE
        for name in extra:
            names[name] = expr.NUMBER
        self._names_cache[key] = names
        return names

    def intern(self, value: _V) -> _V:
        """One object for equal values (citations, fine bounds): a set has hundreds of
        each, and the compiled cache loads faster with fewer objects."""
        return self._interned.setdefault(value, value)  # type: ignore[return-value]

    # ---- values
    def expression(
        self, ctx: _Ctx, key: str, value: object, names: Mapping[str, expr.Type], want: expr.Type
    ) -> expr.Expression | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            ctx.problem(key, f"应为表达式字符串{'或数值' if want == expr.NUMBER else ''}，实际为{_type_name(value)}")
            return None
        if want == expr.BOOL and not isinstance(value, str):
            ctx.problem(key, f"条件应为表达式字符串，实际为{_type_name(value)}")
            return None
        memo_key = (value if isinstance(value, str) else (type(value).__name__, str(value)), want, id(names))
        found = self._parsed.get(memo_key)
        if found is not None and found[0] is names:
            return found[1]
        try:
            parsed = expr.parse(value, names, expect=want)
            self._parsed[memo_key] = (names, parsed)
            return parsed
        except ExpressionError as exc:
            shown = value if isinstance(value, str) else str(value)
            if len(shown) > 80:
                shown = shown[:77] + "…"
            ctx.problem(key, f"表达式 {shown!r} 无效：{exc.one_line()}")
            return None

    def citations(self, ctx: _Ctx, key: str, value: object, own_short: str | None) -> tuple[Citation, ...]:
        if value is _MISSING or value is None:
            return ()
        if not isinstance(value, list):
            ctx.problem(key, f"引用应为表的数组，如 [{{ article = 64 }}]，实际为{_type_name(value)}")
            return ()
        out: list[Citation] = []
        for i, entry in enumerate(value, 1):
            t = _Table(ctx, entry, f"{key}[{i}]")
            if not t.ok:
                continue
            law = t.text("law")
            article = t.integer("article", required=True, minimum=1)
            paragraph = t.integer("paragraph", minimum=1)
            item = t.integer("item", minimum=1)
            t.done()
            if law is None:
                if own_short is None:
                    ctx.problem(t.key("law"), "须用 law 注明所引用的法律文件简称")
                    continue
                law = own_short
            known = self.laws.get(law)
            if known is None:
                ctx.problem(t.key("law"), f"引用的法律文件 {law!r} 不在本基准集中（须为某个法规或规则文档的 short）")
                continue
            if article is None:
                continue
            out.append(self.intern(Citation(law, article, paragraph, item, title=known[0], document=known[1])))
        return tuple(out)

    def penalties(self, t: _Table, name: str) -> tuple[str, ...] | None:
        if not t.has(name):
            t.raw(name)
            return None
        values = t.strings(name)
        out: list[str] = []
        for v in values:
            pid = v if v in PENALTY_NAMES else PENALTY_IDS.get(v)
            if pid is None:
                t.ctx.problem(
                    t.key(name), f"未知的处罚种类 {v!r}（可用：{'、'.join(PENALTY_NAMES)}）"
                )
                continue
            out.append(pid)
        return tuple(dict.fromkeys(out))

    def bounds(
        self, ctx: _Ctx, key: str, value: object, names: Mapping[str, expr.Type]
    ) -> Bounds | None:
        if not isinstance(value, list) or len(value) != 2:
            ctx.problem(key, f"罚款幅度应为 [下限, 上限]，实际为 {value!r}")
            return None
        low = self.expression(ctx, f"{key}[1]", value[0], names, expr.NUMBER)
        high = self.expression(ctx, f"{key}[2]", value[1], names, expr.NUMBER)
        if low is None or high is None:
            return None
        for which, e in (("下限", low), ("上限", high)):
            if e.is_constant:
                v = e.constant_value()
                if isinstance(v, Decimal) and (v < 0 or v >= MONEY_LIMIT):
                    ctx.problem(key, f"罚款{which} {v} 超出 0 至 10^15 元")
                    return None
        if low.is_constant and high.is_constant:
            lo, hi = low.constant_value(), high.constant_value()
            if isinstance(lo, Decimal) and isinstance(hi, Decimal) and lo > hi:
                ctx.problem(key, f"罚款下限 {lo} 高于上限 {hi}")
                return None
        return self.intern(Bounds(low, high))

    def fine(
        self, ctx: _Ctx, key: str, value: object, names: Mapping[str, expr.Type]
    ) -> FineRule | None:
        if value == "delegated":
            return self.intern(FineRule(delegated=True))
        if isinstance(value, list):
            b = self.bounds(ctx, key, value, names)
            return self.intern(FineRule(common=b)) if b is not None else None
        if isinstance(value, dict):
            t = _Table(ctx, value, key)
            person = t.raw("person")
            org = t.raw("organization")
            t.done()
            if person is _MISSING and org is _MISSING:
                ctx.problem(key, "按主体区分的罚款须有 person 或 organization")
                return None
            p = self.bounds(ctx, f"{key}.person", person, names) if person is not _MISSING else None
            o = self.bounds(ctx, f"{key}.organization", org, names) if org is not _MISSING else None
            return self.intern(FineRule(person=p, organization=o))
        ctx.problem(key, f'罚款应为 [下限, 上限]、{{ person = [..], organization = [..] }} 或 "delegated"，实际为 {value!r}')
        return None

    def scope(self, t: _Table) -> Scope:
        return Scope(items=t.strings("items"), categories=t.strings("categories"))

    # ---- documents
    def build(self, raw: _Raw) -> Document | None:
        h = raw.header
        ctx = raw.ctx
        root = raw.root
        region = h["region"]
        kind = h["kind"]
        own_short = h["short"] if kind in ("statute", "rules") else None
        cond_names = self.names(region)
        fine_names = self.names(region, ("legal_min", "legal_max"))
        root.raw("facts")

        items: list[Item] = []
        for it in root.tables("item"):
            item = self.item(ctx, it, kind, own_short, cond_names, fine_names)
            if item is not None:
                items.append(item)
        seen: dict[str, str] = {}
        for item in items:
            if item.code in seen:
                ctx.problem(item.key + ".code", f"事项编号 {item.code} 在本文档中重复（另见 {seen[item.code]}）")
            seen[item.code] = item.key

        circumstances = []
        for t in root.tables("circumstance"):
            c = self.circumstance(ctx, t, own_short, cond_names)
            if c is not None:
                circumstances.append(c)
        exemptions = []
        for t in root.tables("exemption"):
            e = self.exemption(ctx, t, own_short, cond_names)
            if e is not None:
                exemptions.append(e)
        ids = [c.id for c in circumstances] + [e.id for e in exemptions if e.id]
        for dup in {i for i in ids if ids.count(i) > 1}:
            ctx.problem("circumstance", f"情节或免罚条目 id {dup!r} 重复")

        template = None
        tt = root.table("template")
        if tt is not None and tt.ok:
            if kind != "benchmark":
                ctx.problem("template", "只有 benchmark 文档可以有 [template]")
            scope_t = tt.table("scope")
            scope = Scope()
            if scope_t is not None and scope_t.ok:
                scope = self.scope(scope_t)
                scope_t.done()
            tiers = self.tierset(ctx, tt, "template", own_short, fine_names, template=True)
            tt.done()
            if tiers is not None:
                template = Template(scope=scope, tiers=tiers)

        adjust = self.adjust(ctx, root)
        limitation = self.limitation(ctx, root, own_short, cond_names)
        summary = hearing = None
        general: list[tuple[str, tuple[Citation, ...]]] = []
        proc = root.table("procedure")
        if proc is not None and proc.ok:
            summary = self.threshold(ctx, proc, "summary", own_short)
            hearing = self.threshold(ctx, proc, "hearing", own_short)
            for flag in ("legal_review", "collective_discussion"):
                ft = proc.table(flag)
                if ft is not None and ft.ok:
                    general.append((flag, self.citations(ctx, ft.key("basis"), ft.raw("basis"), own_short)))
                    ft.done()
            proc.done()
        gt = root.table("general")
        if gt is not None and gt.ok:
            for name in list(gt.data):
                if name not in GENERAL_KEYS:
                    continue
                general.append((name, self.citations(ctx, gt.key(name), gt.raw(name), own_short)))
            gt.done()
        root.done()

        if kind == "statute" and (circumstances or exemptions):
            pass  # statutes may state their own circumstances (法律、法规、规章规定的其他情形)
        if kind != "statute" and any(i.statutory for i in items):
            ctx.problem("item", "只有 statute 文档可以规定法定处罚（[[item.statutory]]）；基准只能细化阶次")
        return Document(
            id=h["id"],
            title=h["title"],
            short=h["short"],
            kind=kind,
            level=h["level"],
            region=region,
            effective=h["effective"],
            status=h["status"],
            issuer=h["issuer"],
            number=h["number"],
            expires=h["expires"],
            source=h["source"],
            refines=h["refines"],
            coverage=h["coverage"],
            file=str(raw.path),
            facts=tuple(raw.facts),
            items=tuple(items),
            circumstances=tuple(circumstances),
            exemptions=tuple(exemptions),
            template=template,
            adjust=adjust,
            limitation=limitation,
            summary=summary,
            hearing=hearing,
            general=tuple(general),
        )

    def item(
        self,
        ctx: _Ctx,
        t: _Table,
        kind: str,
        own_short: str | None,
        cond_names: Mapping[str, expr.Type],
        fine_names: Mapping[str, expr.Type],
    ) -> Item | None:
        if not t.ok:
            return None
        code = t.text("code", required=True)
        if code is not None and not re.match(r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$", code):
            ctx.problem(t.key("code"), f"事项编号 {code!r} 只能含字母、数字、连字符、下划线和点")
            code = None
        name = t.text("name") or ""
        category = t.text("category") or ""
        violates = self.citations(ctx, t.key("violates"), t.raw("violates"), own_short)
        punishes = self.citations(ctx, t.key("punishes"), t.raw("punishes"), own_short)
        confidence = t.choice("confidence", CONFIDENCES) or ""
        source = t.text("source") or ""
        note = t.text("note") or ""
        brackets = []
        for bt in t.tables("statutory"):
            b = self.bracket(ctx, bt, own_short, cond_names)
            if b is not None:
                brackets.append(b)
        tiers = None
        if t.has("tier") or t.has("tier_hit"):
            tiers = self.tierset(ctx, t, t.path, own_short, fine_names)
        t.done()
        if code is None:
            return None
        if kind == "statute" and not brackets and t.has("statutory") is False:
            ctx.problem(t.key("statutory"), f"法规文档中的事项 {code} 须有至少一个 [[item.statutory]]")
        if kind == "benchmark" and tiers is None:
            ctx.problem(t.key("tier"), f"基准文档中的事项 {code} 须有阶次 [[item.tier]]")
        if kind in ("exemptions", "rules"):
            ctx.problem(t.path, f"{kind} 文档不能定义事项；请用 [[exemption]] 或 [[circumstance]]")
        return Item(
            code=code,
            name=name,
            category=category,
            violates=violates,
            punishes=punishes,
            confidence=confidence,
            source=source,
            statutory=tuple(brackets),
            tiers=tiers,
            note=note,
            key=t.path,
            document=ctx.doc_id,
        )

    def bracket(
        self, ctx: _Ctx, t: _Table, own_short: str | None, names: Mapping[str, expr.Type]
    ) -> Bracket | None:
        if not t.ok:
            return None
        when_raw = t.raw("when")
        when = None
        if when_raw is not _MISSING:
            when = self.expression(ctx, t.key("when"), when_raw, names, expr.BOOL)
        subject = t.choice("subject", SUBJECTS)
        penalties = self.penalties(t, "penalties") or ()
        may = self.penalties(t, "may") or ()
        measures = t.strings("measures")
        fine_raw = t.raw("fine")
        fine = None
        if fine_raw is not _MISSING:
            fine = self.fine(ctx, t.key("fine"), fine_raw, names)
        punishes = self.citations(ctx, t.key("punishes"), t.raw("punishes"), own_short)
        note = t.text("note") or ""
        t.done()
        if fine is not None and "fine" not in penalties and "fine" not in may:
            ctx.problem(t.key("fine"), "规定了罚款幅度，但 penalties 或 may 中没有 fine（罚款）")
        if fine is None and fine_raw is _MISSING and ("fine" in penalties or "fine" in may):
            ctx.problem(t.key("fine"), "penalties 或 may 中有 fine（罚款），但没有规定罚款幅度（或 \"delegated\"）")
        overlap = set(penalties) & set(may)
        if overlap:
            ctx.problem(t.key("may"), f"{'、'.join(sorted(overlap))} 不能同时是必处（penalties）与可处（may）")
        return Bracket(
            when=when,
            subject=subject,
            penalties=penalties,
            may=may,
            measures=measures,
            fine=fine,
            punishes=punishes,
            note=note,
            key=t.path,
            document=ctx.doc_id,
        )

    def tierset(
        self,
        ctx: _Ctx,
        t: _Table,
        path: str,
        own_short: str | None,
        names: Mapping[str, expr.Type],
        template: bool = False,
    ) -> TierSet | None:
        hit = t.choice("tier_hit", ("unique", "first")) or "unique"
        tiers: list[Tier] = []
        for tt in t.tables("tier"):
            tier = self.tier(ctx, tt, own_short, names)
            if tier is not None:
                tiers.append(tier)
        if not tiers:
            ctx.problem(t.key("tier"), "没有阶次（[[…tier]]）")
            return None
        ids = [x.id for x in tiers]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            ctx.problem(t.key("tier"), f"阶次 id {dup!r} 重复")
        return TierSet(hit=hit, tiers=tuple(tiers), document=ctx.doc_id, template=template, key=path)

    def tier(
        self, ctx: _Ctx, t: _Table, own_short: str | None, names: Mapping[str, expr.Type]
    ) -> Tier | None:
        if not t.ok:
            return None
        tid = t.text("id", required=True)
        name = t.text("name", required=True)
        when_raw = t.raw("when")
        when = None
        if when_raw is not _MISSING:
            when = self.expression(ctx, t.key("when"), when_raw, names, expr.BOOL)
        fine_raw = t.raw("fine")
        fine = None
        if fine_raw is not _MISSING:
            fine = self.fine(ctx, t.key("fine"), fine_raw, names)
            if fine is not None and fine.delegated:
                ctx.problem(t.key("fine"), '阶次不能是 "delegated"：基准不能设定法定数额')
                fine = None
        penalties = self.penalties(t, "penalties")
        may = self.penalties(t, "may")
        measures = t.strings("measures")
        outcome = t.choice("outcome", ("no_penalty", "may_waive"))
        basis_raw = t.raw("basis")
        note = t.text("note") or ""
        basis: tuple[Citation, ...] = ()
        if isinstance(basis_raw, str):
            note = note or basis_raw
        elif basis_raw is not _MISSING:
            basis = self.citations(ctx, t.key("basis"), basis_raw, own_short)
        t.done()
        if tid is None or name is None:
            return None
        if fine is not None and penalties is not None and "fine" not in penalties and (
            may is None or "fine" not in may
        ):
            ctx.problem(t.key("fine"), "阶次规定了罚款幅度，但其 penalties 中没有 fine（罚款）")
        return Tier(
            id=tid,
            name=name,
            when=when,
            fine=fine,
            penalties=penalties,
            may=may,
            measures=measures,
            outcome=outcome,
            basis=basis,
            note=note,
            key=t.path,
            document=ctx.doc_id,
        )

    def condition(self, ctx: _Ctx, t: _Table, names: Mapping[str, expr.Type]) -> expr.Expression | None:
        """The required ``when`` of a circumstance or an exemption."""
        if not t.has("when"):
            t.raw("when")
            ctx.problem(t.key("when"), "缺少必需的键 when")
            return None
        return self.expression(ctx, t.key("when"), t.raw("when"), names, expr.BOOL)

    def circumstance(
        self, ctx: _Ctx, t: _Table, own_short: str | None, names: Mapping[str, expr.Type]
    ) -> Circumstance | None:
        if not t.ok:
            return None
        cid = t.text("id", required=True)
        name = t.text("name", required=True)
        when = self.condition(ctx, t, names)
        effect = t.choice("effect", EFFECTS, required=True)
        may = t.flag("may") or False
        scope = self.scope(t)
        basis = self.citations(ctx, t.key("basis"), t.raw("basis"), own_short)
        measures = t.strings("measures")
        t.done()
        if effect == "no_penalty" and may:
            ctx.problem(t.key("may"), '不予处罚不能是"可以"：请用 effect = "may_waive"')
        if effect == "may_waive" and may:
            ctx.problem(t.key("may"), 'may_waive 本身就是“可以不予处罚”，不需要 may = true')
        if cid is None or name is None or effect is None or when is None:
            return None
        return Circumstance(
            id=cid,
            name=name,
            when=when,
            effect=effect,
            may=may,
            scope=scope,
            basis=basis,
            measures=measures,
            key=t.path,
            document=ctx.doc_id,
        )

    def exemption(
        self, ctx: _Ctx, t: _Table, own_short: str | None, names: Mapping[str, expr.Type]
    ) -> Exemption | None:
        if not t.ok:
            return None
        eid = t.text("id") or ""
        name = t.text("name") or ""
        scope = self.scope(t)
        kind = t.choice("kind", EXEMPTION_KINDS, required=True)
        effect = t.choice("effect", ("no_penalty", "may_waive"), required=True)
        when = self.condition(ctx, t, names)
        basis = self.citations(ctx, t.key("basis"), t.raw("basis"), own_short)
        note = t.text("note") or ""
        t.done()
        if not scope.items and not scope.categories:
            ctx.problem(t.key("items"), '免罚条目须用 items 或 categories 指明适用的事项（全部事项用 items = ["*"]）')
        if kind is None or effect is None or when is None:
            return None
        return Exemption(
            id=eid or t.path,
            name=name,
            scope=scope,
            kind=kind,
            effect=effect,
            when=when,
            basis=basis,
            note=note,
            key=t.path,
            document=ctx.doc_id,
        )

    def adjust(self, ctx: _Ctx, root: _Table) -> Adjust:
        t = root.table("adjust")
        if t is None or not t.ok:
            return Adjust()
        names = {"legal_min": expr.NUMBER, "legal_max": expr.NUMBER, "low": expr.NUMBER, "high": expr.NUMBER}
        out: dict[str, Any] = {}
        for key in ("lighter", "heavier", "reduced"):
            value = t.raw(key)
            if value is not _MISSING:
                out[key] = self.bounds(ctx, t.key(key), value, names)
        out["conflict"] = t.choice("conflict", ("offset", "lighter", "heavier"))
        out["apply"] = t.flag("apply")
        t.done()
        return Adjust(**out)

    def limitation(
        self, ctx: _Ctx, root: _Table, own_short: str | None, names: Mapping[str, expr.Type]
    ) -> Limitation | None:
        t = root.table("limitation")
        if t is None or not t.ok:
            return None
        years = t.integer("years", required=True, minimum=1)
        extended = t.integer("extended_years", minimum=1)
        when = None
        if t.has("extended_when"):
            when = self.expression(ctx, t.key("extended_when"), t.raw("extended_when"), names, expr.BOOL)
        basis = self.citations(ctx, t.key("basis"), t.raw("basis"), own_short)
        t.done()
        if years is None:
            return None
        if (extended is None) != (when is None) and t.has("extended_years") != t.has("extended_when"):
            ctx.problem(t.key("extended_when"), "extended_years 与 extended_when 须同时给出")
        return Limitation(years=years, extended_years=extended, extended_when=when, basis=basis)

    def threshold(self, ctx: _Ctx, proc: _Table, name: str, own_short: str | None) -> Threshold | None:
        t = proc.table(name)
        if t is None or not t.ok:
            return None
        person = t.number("person")
        org = t.number("organization")
        confidence = t.choice("confidence", CONFIDENCES) or "verified"
        basis = self.citations(ctx, t.key("basis"), t.raw("basis"), own_short)
        t.done()
        for who, v in (("person", person), ("organization", org)):
            if v is not None and v < 0:
                ctx.problem(t.key(who), "金额不能为负数")
        return Threshold(person=person, organization=org, confidence=confidence, basis=basis)


def _fact_type(fact: Fact) -> expr.Type:
    if fact.type == "bool":
        return expr.BOOL
    if fact.type == "enum":
        return expr.enum_type(fact.values)
    return expr.NUMBER


def _describe(fact: Fact) -> str:
    if fact.type == "enum":
        return f"enum [{', '.join(fact.values)}]"
    return fact.type


# --------------------------------------------------------------------------- cross-document checks


def _link(documents: list[Document], problems: list[Problem]) -> None:
    """Checks that need the whole set: versions, layers, references, overrides."""

    def report(doc: Document, key: str, message: str) -> None:
        problems.append(Problem(doc.file, message, key=key, document=doc.id))

    versions: dict[tuple[str, dt.date], Document] = {}
    by_id: dict[str, list[Document]] = {}
    for doc in documents:
        other = versions.get((doc.id, doc.effective))
        if other is not None:
            report(doc, "document.effective", f"文档 {doc.id} 在 {doc.effective} 生效的版本重复（另见 {other.file}）")
        versions[(doc.id, doc.effective)] = doc
        by_id.setdefault(doc.id, []).append(doc)
    for doc_id, docs in by_id.items():
        first = docs[0]
        for doc in docs[1:]:
            if (doc.kind, doc.region) != (first.kind, first.region):
                report(doc, "document.id", f"同一 id {doc_id} 的各版本须为同一种类与地区（另见 {first.file}）")

    # refines: known ids, no cycles
    for doc in documents:
        for ref in doc.refines:
            if ref not in by_id:
                report(doc, "document.refines", f"refines 引用了不存在的文档 {ref!r}")
            elif by_id[ref][0].kind != "benchmark":
                report(doc, "document.refines", f"refines 只能引用基准文档，{ref!r} 是 {by_id[ref][0].kind}")
    graph = {d.id: set(d.refines) for d in documents}
    for start in graph:
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            node = stack.pop()
            if node == start:
                doc = by_id[start][0]
                report(doc, "document.refines", f"refines 形成循环：{start} 最终细化了自身")
                break
            if node in seen:
                continue
            seen.add(node)
            stack.extend(graph.get(node, ()))

    # item definitions: every code must be defined (named) by some statute
    defined: dict[str, list[tuple[Document, Item]]] = {}
    for doc in documents:
        if doc.kind == "statute":
            for item in doc.items:
                defined.setdefault(item.code, []).append((doc, item))
    for code, defs in defined.items():
        named = [(d, i) for d, i in defs if i.name]
        if not named:
            d, i = defs[0]
            report(d, i.key + ".name", f"事项 {code} 没有在任何法规中定义（缺少 name 与 category）")
            continue
        base_depth = min(depth(d.region) for d, _ in named)
        for d, i in defs:
            if i.name and depth(d.region) > base_depth and any(
                depth(o.region) < depth(d.region) and o.region in ancestry(d.region) for o, _ in named
            ):
                pass  # a local statute may restate the name; the upper one is kept
            if not i.name:
                uppers = [(o, oi) for o, oi in defs if o.region in ancestry(d.region) and depth(o.region) < depth(d.region)]
                if not uppers:
                    report(d, i.key + ".name", f"事项 {code} 在上级法规中不存在，须给出 name 与 category")
                    continue
                for o, oi in uppers:
                    if any(b.fine is None or not b.fine.delegated for b in oi.statutory):
                        report(
                            d,
                            i.key + ".statutory",
                            f"事项 {code} 的上级法规（{o.id}）已规定处罚幅度；下级法规只能补充 \"delegated\" 的数额",
                        )
                        break
        for d, i in named:
            if not i.category:
                report(d, i.key + ".category", f"事项 {code} 缺少 category")
            if not i.confidence:
                report(d, i.key + ".confidence", f"事项 {code} 缺少 confidence（verified | partial | unverified）")
            if not i.punishes and not any(b.punishes for b in i.statutory):
                report(d, i.key + ".punishes", f"事项 {code} 缺少处罚依据 punishes")

    # duplicates within a layer (same kind and region, different documents)
    layers: dict[tuple[str, str, str], Document] = {}
    for doc in documents:
        for item in doc.items:
            key = (doc.kind, doc.region, item.code)
            other = layers.get(key)
            if other is not None and other.id != doc.id:
                report(doc, item.key + ".code", f"事项 {item.code} 在同一层级（{doc.kind}，{doc.region}）中已由文档 {other.id} 定义")
            layers.setdefault(key, doc)

    # references to items from benchmarks and exemption lists
    for doc in documents:
        for item in doc.items:
            if doc.kind == "benchmark" and item.code not in defined:
                report(doc, item.key + ".code", f"基准引用了不存在的事项 {item.code}")
        scopes: list[tuple[str, Scope]] = [(e.key, e.scope) for e in doc.exemptions]
        scopes += [(c.key, c.scope) for c in doc.circumstances]
        if doc.template is not None:
            scopes.append(("template.scope", doc.template.scope))
        for where, scope in scopes:
            for code in scope.items:
                if code != "*" and code not in defined:
                    report(doc, where + ".items", f"引用了不存在的事项 {code}")
        categories = {i.category for defs in defined.values() for _, i in defs if i.category}
        for where, scope in scopes:
            for cat in scope.categories:
                if cat not in categories:
                    report(doc, where + ".categories", f"引用了不存在的类别 {cat!r}")


def load_documents(paths: Sequence[Path]) -> list[Document]:
    """Load every document under ``paths``; raise BenchmarkError listing all problems."""
    problems: list[Problem] = []
    files, missing = toml_files(paths)
    problems.extend(missing)
    raws: list[_Raw] = []
    seen_files: set[str] = set()
    for path in files:
        real = os.path.realpath(path)
        if real in seen_files:
            continue
        seen_files.add(real)
        data, text, problem = read_toml(path)
        if problem is not None:
            problems.append(problem)
            continue
        assert data is not None
        ctx = _Ctx(str(path), Locator(text), problems)
        raw = _Raw(path, data, ctx)
        _read_header(raw)
        _read_facts(raw)
        raws.append(raw)
    loader = Loader(raws, problems)
    loader.collect_facts()
    loader.collect_laws()
    documents: list[Document] = []
    for raw in raws:
        if not raw.valid_header:
            continue
        doc = loader.build(raw)
        if doc is not None:
            documents.append(doc)
    _link(documents, problems)
    if problems:
        raise BenchmarkError(_dedupe(problems))
    if not documents:
        raise BenchmarkError([Problem(", ".join(map(str, paths)) or ".", "没有找到任何基准文档（*.toml）")])
    return documents


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        s = str(p)
        if s not in seen:
            seen.add(s)
            out.append(p)
    return out


def iter_items(documents: Iterable[Document]) -> Iterator[tuple[Document, Item]]:
    for doc in documents:
        for item in doc.items:
            yield doc, item
