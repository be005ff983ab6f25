"""Fuzzing: whatever text a benchmark file or an expression holds, only DiscretionError
subclasses come out — never another exception, a hang or a crash.

* expressions: random grammar trees (well- and ill-typed) and random strings through
  parse → type check → evaluate (plus ``thresholds()``/``literals()``);
* documents: random TOML built from the published format schema
  (:func:`discretion.schema.format_schema`), mutated as data and as text, through the
  loader; the documents that load are then assessed.

The number of examples comes from the Hypothesis profile (tests/conftest.py):
``HYPOTHESIS_PROFILE=deep`` runs tens of thousands.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from documents import header
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from discretion import DiscretionError, expr, schema
from discretion.errors import BenchmarkError, EvaluationError, ExpressionError
from discretion.expr import BOOL, NUMBER, UNKNOWN, Expression, Type, Value
from discretion.library import Library
from discretion.load import load_documents

EXAMPLES = settings().max_examples
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))


def _event(name: str) -> None:
    """Count an outcome in Hypothesis' statistics (``--hypothesis-show-statistics``)."""
    if currently_in_test_context():
        event(name)


# --------------------------------------------------------------------------- expressions

LEVEL = expr.enum_type(["low", "mid", "high"])
NAMES: dict[str, Type] = {"a": NUMBER, "b": NUMBER, "money": NUMBER, "p": BOOL, "q": BOOL, "level": LEVEL,
                          "subject": expr.enum_type(["person", "organization"])}
NUMBER_NAMES = ["a", "b", "money"]
BOOL_NAMES = ["p", "q"]

number_literal = st.one_of(
    st.sampled_from(["0", "1", "2", "0.5", "10", "0.05", "1000", "0.000001", "99999999999999",
                     "1" + "0" * 60, "0." + "0" * 40 + "1"]),
    st.integers(0, 10**20).map(str),
    st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False).map(lambda d: format(d, "f")),
)
string_literal = st.sampled_from(["'low'", "'mid'", "'high'", "'person'", "'none'", '"mid"', "''"])


def _paren(s: str) -> str:
    return f"({s})"


def _tree(leaves: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Any tree of the grammar's constructs, typed or not: the parser must sort them out."""

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(
            ["+", "-", "*", "/", "and", "or", "==", "!=", "<", "<=", ">", ">="]), inner)
        return st.one_of(
            binary.map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            st.tuples(inner, st.sampled_from(["<", "<="]), inner, st.sampled_from(["<", "<="]), inner)
            .map(lambda t: " ".join(t)),
            inner.map(_paren),
            inner.map(lambda s: f"not {s}"),
            inner.map(lambda s: f"-{s}"),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            st.tuples(inner, st.sampled_from(["in", "not in"]),
                      st.lists(st.one_of(number_literal, string_literal), max_size=4))
            .map(lambda t: f"{t[0]} {t[1]} [{', '.join(t[2])}]"),
        )

    return st.recursive(leaves, extend, max_leaves=25)


leaf = st.one_of(number_literal, string_literal, st.sampled_from([*NAMES, "true", "false", "unknown_x"]))
grammar_trees = _tree(leaf)

# Well-typed trees: the parser accepts most of them, so evaluation is exercised often.
num_tree = st.recursive(
    st.one_of(number_literal, st.sampled_from(NUMBER_NAMES)),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        inner.map(lambda s: f"-{s}"),
    ),
    max_leaves=12,
)
bool_tree = st.recursive(
    st.one_of(
        st.sampled_from([*BOOL_NAMES, "true", "false"]),
        st.tuples(num_tree, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), num_tree).map(" ".join),
        st.tuples(st.just("level"), st.sampled_from(["==", "<", ">="]), st.sampled_from(["'low'", "'mid'", "'high'"]))
        .map(" ".join),
        st.lists(number_literal, min_size=1, max_size=3).map(lambda xs: f"a in [{', '.join(xs)}]"),
    ),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda s: f"not {s}"),
    ),
    max_leaves=12,
)

TOKENS = ["a", "b", "p", "level", "min", "max", "(", ")", "[", "]", ",", "and", "or", "not", "in",
          "true", "false", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "'low'", "'", '"',
          "1", "0.5", "0", " ", "1e5", ".", "**", "__class__", "lambda", "面积", "（", "\x00", "\n"]
random_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
)

env_number = st.one_of(
    st.just(UNKNOWN),
    st.sampled_from([Decimal(0), Decimal(1), Decimal("0.5"), Decimal(5), Decimal("1E+14"), Decimal("1E-30"),
                     Decimal(-3)]),
    st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False),
)
envs = st.fixed_dictionaries(
    {},
    optional={
        "a": env_number, "b": env_number, "money": env_number,
        "p": st.sampled_from([True, False, UNKNOWN]), "q": st.sampled_from([True, False, UNKNOWN]),
        "level": st.sampled_from(["low", "mid", "high", UNKNOWN]),
        "subject": st.sampled_from(["person", "organization", UNKNOWN]),
    },
)


def _fits(value: Value, t: Type) -> bool:
    if value is UNKNOWN:
        return True
    if t == BOOL:
        return isinstance(value, bool)
    if t == NUMBER:
        return isinstance(value, Decimal) and not isinstance(value, bool) and value.is_finite()
    return isinstance(value, str) and value in t.values


def through_the_pipeline(source: str, env: Mapping[str, Value], expect: Type | None = None) -> None:
    """parse → check → evaluate; only DiscretionError subclasses may come out."""
    try:
        e = expr.parse(source, NAMES, expect=expect)
    except ExpressionError as exc:
        assert exc.position is None or 0 <= exc.position <= len(source)
        assert exc.one_line() and "\n" not in exc.one_line()
        _event("rejected")
        return
    _event("parsed")
    assert isinstance(e, Expression)
    assert e.names <= set(NAMES)
    e.thresholds()
    e.literals()
    try:
        value = e.evaluate(env)
    except EvaluationError:
        _event("evaluation error")
        return
    assert _fits(value, e.type), (source, value)


@settings(FUZZ, max_examples=EXAMPLES)
@given(grammar_trees, envs)
def test_fuzz_grammar_trees(source: str, env: dict[str, Value]) -> None:
    through_the_pipeline(source, env)


@settings(FUZZ, max_examples=EXAMPLES)
@given(st.one_of(bool_tree.map(lambda s: (s, BOOL)), num_tree.map(lambda s: (s, NUMBER))), envs)
def test_fuzz_typed_trees(typed: tuple[str, Type], env: dict[str, Value]) -> None:
    through_the_pipeline(typed[0], env, typed[1])


@settings(FUZZ, max_examples=EXAMPLES)
@given(random_text, envs, st.sampled_from([None, BOOL, NUMBER]))
def test_fuzz_random_strings(source: str, env: dict[str, Value], expect: Type | None) -> None:
    through_the_pipeline(source, env, expect)


@settings(FUZZ, max_examples=max(10, EXAMPLES // 10))
@given(st.integers(1, 400), st.sampled_from(["(", "not ", "-", "min(1, ", "[", "(-"]), envs)
def test_fuzz_deep_nesting(depth: int, opener: str, env: dict[str, Value]) -> None:
    closer = {"(": ")", "not ": "", "-": "", "min(1, ": ")", "[": "]", "(-": ")"}[opener]
    leaf = "p" if opener == "not " else "a"
    through_the_pipeline(opener * depth + leaf + closer * depth, env)


# --------------------------------------------------------------------------- documents

BASE_RULES = header("fz-rules", "模糊测试总则", "rules", short="测试总则") + """\
[facts.a]
type = "number"
label = "数量"
min = 0

[facts.money]
type = "money"
label = "金额"

[facts.p]
type = "bool"
label = "条件"
default = false

[facts.level]
type = "enum"
label = "程度"
values = ["low", "mid", "high"]

[[circumstance]]
id = "fz-lighter"
name = "从轻"
when = "p"
effect = "lighter"
basis = [{ article = 1 }]

[limitation]
years = 2
basis = [{ article = 2 }]
"""

BASE_LAW = header("fz-law", "模糊测试条例", "statute", short="测试条例") + """\
[[item]]
code = "F-1"
name = "测试违法行为"
category = "测试"
confidence = "verified"
punishes = [{ article = 9 }]

[[item.statutory]]
penalties = ["fine"]
fine = [0, "1000 + a * 10"]

[[item]]
code = "F-2"
name = "委托地方规定数额的违法行为"
category = "测试"
confidence = "partial"
punishes = [{ article = 10 }]

[[item.statutory]]
penalties = ["warning"]
may = ["fine"]
fine = "delegated"
"""

FACT_POOL = ["a", "money", "p", "level", "new_fact", "x"]
CODES = ["F-1", "F-2", "F-3"]
DOC_IDS = ["fz-gen", "fz-rules", "fz-law", "fz-other"]
REGIONS = ["000000", "430000", "430300", "430381", "110000"]

gen_num = st.recursive(
    st.one_of(number_literal, st.sampled_from(["a", "money", "legal_min", "legal_max", "low", "high"])),
    lambda inner: st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(" ".join)
    | st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    max_leaves=6,
)
gen_bool = st.one_of(
    st.sampled_from(["p", "not p", "true", "a < 10", "a >= 10", "level == 'mid'", "level >= 'high'",
                     "subject == 'person'", "money > 1000 and p", "5 <= a < 50", "x > 1"]),
    bool_tree.map(lambda s: s.replace("b", "a").replace("q", "p")),
)

# Values for fields whose meaning a schema pattern cannot carry: names that resolve, often.
HINTS: dict[str, st.SearchStrategy[Any]] = {
    "law": st.sampled_from(["测试总则", "测试条例", "自编法"]),
    "code": st.sampled_from(CODES),
    "id": st.sampled_from(["fz-gen", "fz-other", "B010", "B020", "c1"]),
    "short": st.sampled_from(["生成文件", "测试条例"]),
    "region": st.sampled_from(REGIONS),
    "refines": st.lists(st.sampled_from(DOC_IDS), max_size=2),
    "items": st.lists(st.sampled_from([*CODES, "*"]), max_size=2),
    "categories": st.lists(st.sampled_from(["测试", "别的"]), max_size=1),
    "values": st.lists(st.sampled_from(["low", "mid", "high", "x"]), min_size=1, max_size=4),
    "when": gen_bool,
    "extended_when": gen_bool,
}
# Property names that choose a key's domain (facts.<name>) from a small pool.
NAME_KEYS = st.sampled_from(FACT_POOL)


def from_schema(node: Mapping[str, Any], root: Mapping[str, Any], key: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped by a JSON Schema (the subset format_schema uses); ``if``/``then`` rules
    are ignored, so kinds and keys mix in ways the loader must reject."""
    if key in HINTS:
        return HINTS[key]
    if "$ref" in node:
        name = node["$ref"].split("/")[-1]
        if name == "expression":
            return gen_bool
        if name == "bound":
            return st.one_of(st.integers(0, 10**6), st.decimals(0, 10**6, places=2, allow_nan=False), gen_num)
        return from_schema(root["definitions"][name], root, key, depth + 1)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    for alternatives in ("oneOf", "anyOf"):
        if alternatives in node and "type" not in node:
            return st.one_of([from_schema(n, root, key, depth + 1) for n in node[alternatives]])
    kind = node.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**node, "type": k}, root, key, depth) for k in kind])
    if kind == "object":
        props: dict[str, Any] = node.get("properties", {})
        required = set(node.get("required", ()))
        if not props and isinstance(node.get("additionalProperties"), dict):
            value = from_schema(node["additionalProperties"], root, "", depth + 1)
            keys = NAME_KEYS if "propertyNames" in node else st.sampled_from(["low", "mid", "high"])
            return st.dictionaries(keys, value, max_size=3)
        fixed = {k: from_schema(v, root, k, depth + 1) for k, v in props.items() if k in required}
        optional = {k: from_schema(v, root, k, depth + 1) for k, v in props.items() if k not in required}
        return st.fixed_dictionaries(fixed, optional=optional)
    if kind == "array":
        items = from_schema(node.get("items", {}), root, "", depth + 1)
        low = node.get("minItems", 0)
        high = node.get("maxItems", low + (3 if depth < 3 else 1))
        return st.lists(items, min_size=low, max_size=high)
    if kind == "string":
        if node.get("format") == "date":
            return st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: len(s) < 40)
        return st.text(max_size=12)
    if kind == "integer":
        return st.integers(node.get("minimum", -5), 40)
    if kind == "number":
        return st.one_of(st.integers(node.get("minimum", -5), 10**7),
                         st.decimals(node.get("minimum", -5), 10**7, places=2, allow_nan=False))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return toml_values


toml_scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).filter(lambda d: not d.is_snan()),
    st.text(max_size=20),
    st.booleans(),
    st.dates(),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)

DOCUMENT_SCHEMA = schema.format_schema()
documents = from_schema(DOCUMENT_SCHEMA, DOCUMENT_SCHEMA)


# ---- mutation: as data


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*here, i))
    return out


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        value = value[p]
    return value


def repair(doc: dict[str, Any]) -> dict[str, Any]:
    """Make a generated document obey the schema's if/then rules (kind decides the body),
    so that a good share of the generated documents load and reach the engine."""
    header = doc.get("document")
    if not isinstance(header, dict):
        return doc
    kind = header.get("kind")
    header["level"] = "national" if header.get("region") == "000000" else {
        2: "provincial", 4: "municipal"}.get(len(str(header.get("region", "")).rstrip("0")), "county")
    header.pop("refines", None)
    if "expires" in header and header["expires"] <= header.get("effective", header["expires"]):
        del header["expires"]
    for entry in doc.get("exemption", []):
        entry.setdefault("items", ["*"])
    limitation = doc.get("limitation", {})
    if ("extended_years" in limitation) != ("extended_when" in limitation):
        limitation.pop("extended_years", None)
        limitation.pop("extended_when", None)
    if kind != "benchmark":
        doc.pop("template", None)
    if kind in ("rules", "exemptions"):
        doc.pop("item", None)
    for item in doc.get("item", []):
        if kind == "statute":
            item.pop("tier", None)
            item.pop("tier_hit", None)
            item.setdefault("statutory", [{"penalties": ["warning"]}])
        else:
            item.pop("statutory", None)
            item.setdefault("tier", [{"id": "B010", "name": "一般"}])
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    doc = draw(base)
    if draw(st.booleans()):
        doc = repair(doc)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if not path:
            if action == "add":
                doc[draw(st.sampled_from(["colour", "tier", "facts", "item"]))] = draw(toml_values)
            continue
        parent = _get(doc, path[:-1])
        last = path[-1]
        if action == "replace":
            parent[last] = draw(toml_values)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(toml_values)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(parent[last])
    return doc


# ---- serialising (TOML has no writer in the standard library)

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else _string(k)


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        if v.is_nan():
            return "nan"
        if v.is_infinite():
            return "inf" if v > 0 else "-inf"
        text = format(v, "f")
        return text if "." in text else text + ".0"
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    if v is None:
        return '""'
    raise TypeError(type(v))


def to_toml(doc: Mapping[str, Any]) -> str:
    """Scalars first, then ``[table]`` and ``[[array]]`` sections, nested values inline."""
    lines: list[str] = []
    sections: list[str] = []
    for k, v in doc.items():
        if isinstance(v, dict) and v and all(not isinstance(x, dict) for x in v.values()):
            sections.append(f"\n[{_key(k)}]")
            sections += [f"{_key(kk)} = {_value(vv)}" for kk, vv in v.items()]
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for entry in v:
                sections.append(f"\n[[{_key(k)}]]")
                sections += [f"{_key(kk)} = {_value(vv)}" for kk, vv in entry.items()]
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    return "\n".join(lines + sections) + "\n"


# ---- mutation: as text

text_edits = st.lists(
    st.tuples(st.sampled_from(["insert", "delete", "replace", "truncate"]), st.floats(0, 1),
              st.sampled_from(["[", "]", "=", '"', "'", "\n", "#", "{", "}", ",", ".", "\x00", "\ufeff",
                               "é", "面", "1", " ", "[[item]]\n", "\\", "\x7f"])),
    min_size=1,
    max_size=3,
)


def edit_text(text: str, edits: list[tuple[str, float, str]]) -> str:
    for action, where, piece in edits:
        i = int(where * len(text))
        if action == "insert":
            text = text[:i] + piece + text[i:]
        elif action == "delete":
            text = text[:i] + text[i + 1:]
        elif action == "replace":
            text = text[:i] + piece + text[i + 1:]
        else:
            text = text[:i]
    return text


def load_and_assess(files: Mapping[str, str | bytes], facts: Mapping[str, Any]) -> Library | None:
    """Load the files; when they load, assess every item code in several regions."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, content in files.items():
            if isinstance(content, bytes):
                (root / name).write_bytes(content)
            else:
                (root / name).write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            documents = load_documents([root])
        except BenchmarkError as exc:
            assert exc.problems
            _event("load rejected")
            return None
    _event("loaded")
    lib = Library(documents)
    for region in REGIONS:
        for code in CODES:
            for subject in ("person", "organization"):
                try:
                    a = lib.assess(code, subject=subject, facts=facts, region=region,
                                   occurred=dt.date(2024, 1, 1), discovered=dt.date(2024, 6, 1),
                                   decided=dt.date(2024, 7, 1))
                except DiscretionError:
                    continue
                a.to_dict()
    return lib


fact_values = st.fixed_dictionaries({}, optional={
    "a": st.sampled_from(["0", "5", "10", "49.99", "50", "1000"]),
    "money": st.sampled_from(["0", "1000", "1000.01", "99999"]),
    "p": st.booleans(),
    "level": st.sampled_from(["low", "mid", "high"]),
})


def test_schema_generator_makes_loadable_documents() -> None:
    """The generator is not wasted on files the TOML parser rejects: its output parses."""
    tomllib = pytest.importorskip("tomllib")
    doc = {"format": 1, "document": {"id": "x", "effective": dt.date(2020, 1, 1), "n": Decimal("1.5")},
           "item": [{"code": "F-1", "fine": [0, "a * 2"], "t": {"k": [1, 2]}}], "weird key": "\x7f\n\"'"}
    assert tomllib.loads(to_toml(doc), parse_float=Decimal) == doc


@settings(FUZZ, max_examples=max(20, EXAMPLES // 2))
@given(mutated(documents), fact_values)
def test_fuzz_generated_documents(doc: dict[str, Any], facts: dict[str, Any]) -> None:
    text = to_toml(doc)
    note(text)
    load_and_assess({"base-rules.toml": BASE_RULES, "base-law.toml": BASE_LAW, "gen.toml": text}, facts)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 2))
@given(st.sampled_from(["rules", "law"]), text_edits, st.booleans(), fact_values)
def test_fuzz_mutated_text(which: str, edits: list[tuple[str, float, str]], as_bytes: bool,
                           facts: dict[str, Any]) -> None:
    base = {"rules": BASE_RULES, "law": BASE_LAW}
    text = edit_text(base[which], edits)
    note(text)
    files: dict[str, str | bytes] = {**{f"base-{k}.toml": v for k, v in base.items() if k != which}}
    files[f"edited-{which}.toml"] = text.encode("utf-8", "surrogatepass") if as_bytes else text
    load_and_assess(files, facts)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 4))
@given(st.binary(max_size=300))
def test_fuzz_raw_bytes(raw: bytes) -> None:
    load_and_assess({"base-rules.toml": BASE_RULES, "raw.toml": raw}, {})


def test_base_documents_load_and_assess() -> None:
    """The fuzzing base is itself valid, so mutations start from somewhere meaningful."""
    lib = load_and_assess({"base-rules.toml": BASE_RULES, "base-law.toml": BASE_LAW}, {"a": "5"})
    assert lib is not None
    a = lib.assess("F-1", subject="person", facts={"a": "5", "p": True}, region="000000")
    assert a.statutory_fine is not None and a.statutory_fine.max == Decimal(1050)


# --------------------------------------------------------------------------- regressions

# Inputs the fuzzers found once; each must keep giving a DiscretionError (or load).
DOCUMENT_REGRESSIONS = {
    # load.py built the enum type of a fact whose values repeat: ValueError from expr.enum_type
    "duplicate-enum-values": BASE_LAW + '\n[facts.a2]\ntype = "enum"\nlabel = ""\nvalues = ["low", "low"]\n',
}


EXPRESSION_REGRESSIONS = [
    "a'\n'low'",  # one_line() carried the newline of a quoted token into one-line reports
    "a'\x00'low'",
]


@pytest.mark.parametrize("source", EXPRESSION_REGRESSIONS)
def test_expression_regressions(source: str) -> None:
    through_the_pipeline(source, {}, None)


@pytest.mark.parametrize("name", sorted(DOCUMENT_REGRESSIONS))
def test_document_regressions(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "rules.toml").write_text(BASE_RULES, encoding="utf-8")
        (Path(tmp) / "doc.toml").write_text(DOCUMENT_REGRESSIONS[name], encoding="utf-8")
        with pytest.raises(BenchmarkError) as info:
            load_documents([Path(tmp)])
    assert any("facts.a2.values" in p.key for p in info.value.problems)


def test_deep_profile_is_registered() -> None:
    deep = settings.get_profile("deep")
    assert deep.max_examples >= 10_000
    assert settings.get_profile("ci").max_examples >= 100

