"""The published contracts as JSON Schema (draft-07, which editors such as Taplo read).

``assessment`` describes ``assess --json`` (``discretion.assessment/1``) exactly as
:meth:`discretion.model.Assessment.to_dict` writes it; ``format`` describes a format-1
TOML document as :mod:`discretion.load` accepts it, for editors that read a
``#:schema`` line. Both are built from the model's own constants, so an enum can
never drift from the code; ``discretion schema assessment|format`` prints them.
What a schema cannot say (expression syntax, cross-document references, ``min <= max``)
is left to the loader and to ``check``.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import InputError
from .load import GENERAL_KEYS, MONEY_LIMIT
from .model import (
    CONFIDENCES,
    DOCUMENT_KINDS,
    EFFECTS,
    EXEMPTION_KINDS,
    FACT_TYPES,
    LEVELS,
    OUTCOMES,
    PENALTY_NAMES,
    SCHEMA,
    STATUSES,
    SUBJECTS,
)
from .regions import PROVINCE_PREFIXES

__all__ = [
    "CITATION_ROLES",
    "NAMES",
    "STEP_KINDS",
    "assessment_schema",
    "dumps",
    "format_schema",
    "get",
]

_DRAFT = "http://json-schema.org/draft-07/schema#"
Schema = dict[str, Any]

#: ``citations[].role`` of an assessment (interfaces.md).
CITATION_ROLES = (
    "violates", "punishes", "tier", "circumstance", "exemption", "limitation", "procedure", "general",
)  # fmt: skip
#: ``steps[].step``: the pipeline steps of engine.md that write a line of the derivation.
STEP_KINDS = (
    "limitation", "exemption", "statutory", "tier", "adjust", "penalties", "procedure", "general",
)  # fmt: skip
#: Outcomes a ``possible[]`` entry may name: what an unknown fact could still decide.
POSSIBLE_OUTCOMES = ("no_penalty", "may_waive", "time_barred")
#: Names that are built in and cannot be declared as facts (load.py).
BUILTIN_NAMES = ("subject", "legal_min", "legal_max", "low", "high", "true", "false")

_MONEY = r"^\d+\.\d{2}$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_FACT_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_REGION = "^(000000|(" + "|".join(sorted(PROVINCE_PREFIXES)) + r")\d{4})$"
_DOC_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
_ITEM_CODE = r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$"


def _str(description: str = "", **extra: Any) -> Schema:
    out: Schema = {"type": "string", **extra}
    if description:
        out["description"] = description
    return out


def _strings(description: str = "", **extra: Any) -> Schema:
    out: Schema = {"type": "array", "items": {"type": "string"}, **extra}
    if description:
        out["description"] = description
    return out


def _enum(values: tuple[str, ...] | list[str], description: str = "") -> Schema:
    out: Schema = {"type": "string", "enum": list(values)}
    if description:
        out["description"] = description
    return out


def _nullable(schema: Schema) -> Schema:
    return {"oneOf": [{"type": "null"}, schema]}


def _obj(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    out: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


# --------------------------------------------------------------------------- assessment


def assessment_schema() -> Schema:
    """``assess --json`` output (interfaces.md): fixed keys, enums, two-place money strings."""
    money = {"type": "string", "pattern": _MONEY}
    money_range = _obj({"min": money, "max": money}, ("min", "max"))
    article = _nullable({"type": "integer", "minimum": 1})
    penalty = {
        "type": "object",
        "properties": {
            "id": _enum(list(PENALTY_NAMES)),
            "name": _enum(list(PENALTY_NAMES.values())),
            "may": {"type": "boolean"},
            "amount": money,
        },
        "required": ["id", "name", "may"],
        "additionalProperties": False,
        # the Chinese name is the one of 行政处罚法第九条 for that id
        "oneOf": [
            {"properties": {"id": {"const": pid}, "name": {"const": name}}}
            for pid, name in PENALTY_NAMES.items()
        ],
    }
    flag = {"type": ["boolean", "null"]}
    no_fine = {
        "if": {"properties": {"outcome": {"enum": ["no_penalty", "time_barred"]}}},
        "then": {
            "properties": {
                "fine": {"type": "null"},
                "procedure": {"properties": {k: {"type": "null"} for k in (
                    "summary", "hearing", "legal_review", "collective_discussion")}},
            }
        },
    }
    return {
        "$schema": _DRAFT,
        "$id": "urn:discretion:schema:assessment:1",
        "title": SCHEMA,
        "description": "discretion assess --json：一次裁量的结果（interfaces.md）。金额为两位小数的字符串。",
        "type": "object",
        "properties": {
            "schema": {"const": SCHEMA},
            "item": _obj({"code": _str(pattern=_ITEM_CODE), "name": _str(), "category": _str()},
                         ("code", "name", "category")),
            "region": _str(pattern=_REGION),
            "subject": _enum(SUBJECTS),
            "outcome": _enum(OUTCOMES),
            "tier": _nullable(_obj({"id": _str(), "name": _str(), "document": _str()},
                                   ("id", "name", "document"))),
            "fine": _nullable(money_range),
            "statutory_fine": _nullable(money_range),
            "reduced_permitted": {"type": "boolean"},
            "penalties": {"type": "array", "items": penalty},
            "measures": _strings(),
            "circumstances": {"type": "array", "items": _obj(
                {"id": _str(), "name": _str(), "effect": _enum(EFFECTS), "may": {"type": "boolean"},
                 "document": _str()},
                ("id", "name", "effect", "may", "document"))},
            "exemptions": {"type": "array", "items": _obj(
                {"id": _str(), "name": _str(), "kind": _enum(EXEMPTION_KINDS),
                 "effect": _enum(("no_penalty", "may_waive")), "document": _str(), "note": _str()},
                ("id", "name", "kind", "effect", "document", "note"))},
            "possible": {"type": "array", "items": _obj(
                {"outcome": _enum(POSSIBLE_OUTCOMES), "if": _str(),
                 "facts": _strings(items={"type": "string", "pattern": _FACT_NAME}),
                 "citation": _str()},
                ("outcome", "if", "facts", "citation"))},
            "citations": {"type": "array", "items": _obj(
                {"role": _enum(CITATION_ROLES), "law": _str(minLength=1), "article": article,
                 "paragraph": article, "item": article, "text": _str(minLength=1)},
                ("role", "law", "article", "paragraph", "item", "text"))},
            "procedure": _obj({k: flag for k in ("summary", "hearing", "legal_review",
                                                 "collective_discussion")},
                              ("summary", "hearing", "legal_review", "collective_discussion")),
            "documents": {"type": "array", "items": _obj(
                {"id": _str(pattern=_DOC_ID), "title": _str(), "number": _str(),
                 "level": _enum(LEVELS), "status": _enum(STATUSES),
                 "effective": _str(pattern=_DATE, format="date")},
                ("id", "title", "number", "level", "status", "effective"))},
            "assumptions": {
                "type": "object",
                "description": "每个取默认值的事实及其取值；policy：未由文档规定而采用的内置规则。",
                "properties": {"policy": _strings()},
                "additionalProperties": {"type": ["boolean", "integer", "string"]},
            },
            "missing_facts": _strings(items={"type": "string", "pattern": _FACT_NAME}, uniqueItems=True),
            "warnings": {"type": "array", "items": _obj(
                {"code": _str(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"), "message": _str(minLength=1)},
                ("code", "message"))},
            "steps": {"type": "array", "items": _obj(
                {"step": _enum(STEP_KINDS), "text": _str(minLength=1), "citations": _strings()},
                ("step", "text", "citations"))},
            "considered": {
                "type": "array",
                "description": "同一违法行为违反多个规定时（第二十九条）比较过的各事项。",
                "minItems": 2,
                "items": _obj({"code": _str(pattern=_ITEM_CODE), "statutory_fine": _nullable(money_range)},
                              ("code", "statutory_fine")),
            },
        },
        "required": [
            "schema", "item", "region", "subject", "outcome", "tier", "fine", "statutory_fine",
            "reduced_permitted", "penalties", "measures", "circumstances", "exemptions", "possible",
            "citations", "procedure", "documents", "assumptions", "missing_facts", "warnings", "steps",
        ],
        "additionalProperties": False,
        "allOf": [no_fine],
    }


# --------------------------------------------------------------------------- format


def _definitions() -> dict[str, Schema]:
    penalty = {"type": "string", "enum": [*PENALTY_NAMES, *PENALTY_NAMES.values()],
               "description": "处罚种类（行政处罚法第九条）：id 或中文名称"}
    bound = {
        "description": "罚款下限或上限：元（数值）或表达式字符串，如 \"0.05 * construction_cost\"",
        "oneOf": [
            {"type": "number", "minimum": 0, "exclusiveMaximum": int(MONEY_LIMIT)},
            {"type": "string", "minLength": 1},
        ],
    }
    bounds = {"type": "array", "items": {"$ref": "#/definitions/bound"}, "minItems": 2, "maxItems": 2,
              "description": "[下限, 上限]"}
    fine_by_subject = {
        "type": "object",
        "properties": {"person": {"$ref": "#/definitions/bounds"},
                       "organization": {"$ref": "#/definitions/bounds"}},
        "additionalProperties": False,
        "minProperties": 1,
    }
    citation = _obj(
        {"law": _str("所引用法律文件的 short（默认本文档）", minLength=1),
         "article": {"type": "integer", "minimum": 1, "description": "条"},
         "paragraph": {"type": "integer", "minimum": 1, "description": "款"},
         "item": {"type": "integer", "minimum": 1, "description": "项"}},
        ("article",),
    )
    expression = _str("表达式（format.md §3），如 \"5 <= area_m2 < 10 and not corrected\"", minLength=1)
    scope_keys = {"items": _strings("适用的事项编号（[\"*\"] 为全部）"),
                  "categories": _strings("适用的事项类别")}
    tier = _obj(
        {
            "id": _str("阶次编号，如 B010", minLength=1),
            "name": _str("阶次名称，如 较轻"),
            "when": {"$ref": "#/definitions/expression"},
            "fine": {"oneOf": [{"$ref": "#/definitions/bounds"}, {"$ref": "#/definitions/fine_by_subject"}]},
            "penalties": {"type": "array", "items": {"$ref": "#/definitions/penalty"}},
            "may": {"type": "array", "items": {"$ref": "#/definitions/penalty"}},
            "measures": _strings("责令……措施（不是处罚）"),
            "outcome": _enum(("no_penalty", "may_waive")),
            "basis": {"oneOf": [{"type": "string"}, {"$ref": "#/definitions/citations"}]},
            "note": _str(),
        },
        ("id", "name"),
    )
    bracket = _obj(
        {
            "when": {"$ref": "#/definitions/expression"},
            "subject": _enum(SUBJECTS),
            "penalties": {"type": "array", "items": {"$ref": "#/definitions/penalty"},
                          "description": "应当（并处）的处罚"},
            "may": {"type": "array", "items": {"$ref": "#/definitions/penalty"},
                    "description": "可以（并处）的处罚"},
            "measures": _strings("责令……措施（不是处罚）"),
            "fine": {"oneOf": [{"const": "delegated"}, {"$ref": "#/definitions/bounds"},
                               {"$ref": "#/definitions/fine_by_subject"}]},
            "punishes": {"$ref": "#/definitions/citations"},
            "note": _str(),
        },
    )
    threshold = _obj(
        {"person": {"type": "number", "minimum": 0}, "organization": {"type": "number", "minimum": 0},
         "confidence": _enum(CONFIDENCES), "basis": {"$ref": "#/definitions/citations"}},
    )
    fact = {
        "type": "object",
        "properties": {
            "type": _enum(FACT_TYPES),
            "label": _str("中文名称"),
            "unit": _str("单位，如 元、平方米"),
            "values": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True,
                       "description": "枚举取值，按轻重顺序"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "枚举取值的中文名称"},
            "min": {"type": "number"},
            "max": {"type": "number"},
            "severity": _enum(("increasing", "decreasing")),
            "default": {"type": ["boolean", "number", "string"], "description": "未提供时采用的值（会在结果中列出）"},
        },
        "required": ["type", "label"],
        "additionalProperties": False,
        "allOf": [
            {"if": {"properties": {"type": {"const": "enum"}}},
             "then": {"required": ["values"], "not": {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]},
                      "properties": {"default": {"type": "string"}}},
             "else": {"not": {"anyOf": [{"required": ["values"]}, {"required": ["labels"]}]}}},
            {"if": {"properties": {"type": {"const": "bool"}}},
             "then": {"not": {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]},
                      "properties": {"default": {"type": ["boolean", "string"]}}}},
            {"if": {"properties": {"type": {"const": "money"}}},
             "then": {"properties": {"min": {"type": "number", "minimum": 0},
                                     "default": {"type": ["number", "string"]}}}},
            {"if": {"properties": {"type": {"const": "number"}}},
             "then": {"properties": {"default": {"type": ["number", "string"]}}}},
        ],
    }
    item = _obj(
        {
            "code": _str("事项编号，在基准集中唯一", pattern=_ITEM_CODE),
            "name": _str("违法行为名称"),
            "category": _str("类别"),
            "violates": {"$ref": "#/definitions/citations"},
            "punishes": {"$ref": "#/definitions/citations"},
            "confidence": _enum(CONFIDENCES, "数据核对程度"),
            "source": _str(),
            "note": _str(),
            "statutory": {"type": "array", "items": {"$ref": "#/definitions/bracket"},
                          "description": "法定处罚幅度（仅 statute 文档）"},
            "tier_hit": _enum(("unique", "first")),
            "tier": {"type": "array", "items": {"$ref": "#/definitions/tier"}, "minItems": 1,
                     "description": "裁量阶次，由轻到重（benchmark 文档）"},
        },
        ("code",),
        dependencies={"tier_hit": ["tier"]},
    )
    circumstance = _obj(
        {"id": _str(minLength=1), "name": _str(), "when": {"$ref": "#/definitions/expression"},
         "effect": _enum(EFFECTS), "may": {"type": "boolean", "description": "true：可以……；false：应当……"},
         **scope_keys, "basis": {"$ref": "#/definitions/citations"}, "measures": _strings()},
        ("id", "name", "when", "effect"),
        allOf=[{"if": {"properties": {"effect": {"enum": ["no_penalty", "may_waive"]}}, "required": ["effect"]},
                "then": {"properties": {"may": {"const": False}}}}],
    )
    exemption = _obj(
        {"id": _str(), "name": _str(), **scope_keys, "kind": _enum(EXEMPTION_KINDS),
         "effect": _enum(("no_penalty", "may_waive")), "when": {"$ref": "#/definitions/expression"},
         "basis": {"$ref": "#/definitions/citations"}, "note": _str()},
        ("kind", "effect", "when"),
        anyOf=[{"required": ["items"], "properties": {"items": {"minItems": 1}}},
               {"required": ["categories"], "properties": {"categories": {"minItems": 1}}}],
    )
    return {
        "expression": expression,
        "penalty": penalty,
        "bound": bound,
        "bounds": bounds,
        "fine_by_subject": fine_by_subject,
        "citation": citation,
        "citations": {"type": "array", "items": {"$ref": "#/definitions/citation"}},
        "fact": fact,
        "bracket": bracket,
        "tier": tier,
        "item": item,
        "circumstance": circumstance,
        "exemption": exemption,
        "threshold": threshold,
    }


def _kind_is(*kinds: str) -> Schema:
    """A condition on the document's kind (for ``if``/``then`` rules)."""
    return {
        "properties": {"document": {"properties": {"kind": {"enum": list(kinds)}}, "required": ["kind"]}},
        "required": ["document"],
    }


def format_schema() -> Schema:
    """A format-1 TOML document (format.md), key for key as :mod:`discretion.load` reads it.

    TOML dates are strings here (``2021-07-15``), as TOML editors hand them to a schema.
    """
    date = _str(pattern=_DATE, format="date")
    document = _obj(
        {
            "id": _str("稳定的文档 id；同一 id 的多个文件是不同版本", pattern=_DOC_ID),
            "title": _str("全称"),
            "short": _str("引用时使用的简称（默认 title）"),
            "kind": _enum(DOCUMENT_KINDS, "statute 法规 | benchmark 裁量基准 | exemptions 免罚清单 | rules 总则"),
            "level": _enum(LEVELS),
            "region": _str("GB/T 2260 地区代码；000000 = 全国", pattern=_REGION),
            "issuer": _str(),
            "number": _str("文号"),
            "effective": {**date, "description": "施行日期（含）"},
            "expires": {**date, "description": "失效日期（不含）"},
            "status": _enum(STATUSES, "official 正式文本 | sample 示例"),
            "source": _str("文本出处"),
            "refines": _strings("所细化的上级基准 id"),
            "coverage": _enum(("full", "partial")),
        },
        ("id", "title", "kind", "level", "region", "effective", "status"),
        allOf=[{
            "if": {"properties": {"level": {"const": "national"}}, "required": ["level"]},
            "then": {"properties": {"region": {"const": "000000"}}},
            "else": {"properties": {"region": {"not": {"const": "000000"}}}},
        }],
    )
    return {
        "$schema": _DRAFT,
        "$id": "urn:discretion:schema:format:1",
        "title": "discretion benchmark document (format = 1)",
        "description": "行政处罚裁量基准、免罚清单、法规与总则的 TOML 格式（format.md）。",
        "type": "object",
        "definitions": _definitions(),
        "properties": {
            "format": {"const": 1, "description": "格式版本，须为 1"},
            "document": document,
            "facts": {
                "type": "object",
                "description": "案件事实的声明",
                "propertyNames": {
                    "pattern": _FACT_NAME,
                    "not": {"anyOf": [{"pattern": "^__"}, {"enum": list(BUILTIN_NAMES)}]},
                },
                "additionalProperties": {"$ref": "#/definitions/fact"},
            },
            "item": {"type": "array", "items": {"$ref": "#/definitions/item"}},
            "circumstance": {"type": "array", "items": {"$ref": "#/definitions/circumstance"}},
            "exemption": {"type": "array", "items": {"$ref": "#/definitions/exemption"}},
            "template": _obj(
                {"scope": _obj({"items": _strings(), "categories": _strings()}),
                 "tier_hit": _enum(("unique", "first")),
                 "tier": {"type": "array", "items": {"$ref": "#/definitions/tier"}, "minItems": 1}},
                ("tier",),
            ),
            "adjust": _obj(
                {"lighter": {"$ref": "#/definitions/bounds"}, "heavier": {"$ref": "#/definitions/bounds"},
                 "reduced": {"$ref": "#/definitions/bounds"},
                 "conflict": _enum(("offset", "lighter", "heavier")), "apply": {"type": "boolean"}},
            ),
            "limitation": _obj(
                {"years": {"type": "integer", "minimum": 1}, "extended_years": {"type": "integer", "minimum": 1},
                 "extended_when": {"$ref": "#/definitions/expression"},
                 "basis": {"$ref": "#/definitions/citations"}},
                ("years",),
                dependencies={"extended_years": ["extended_when"], "extended_when": ["extended_years"]},
            ),
            "procedure": _obj(
                {"summary": {"$ref": "#/definitions/threshold"},
                 "hearing": {"$ref": "#/definitions/threshold"},
                 "legal_review": _obj({"basis": {"$ref": "#/definitions/citations"}}),
                 "collective_discussion": _obj({"basis": {"$ref": "#/definitions/citations"}})},
            ),
            "general": _obj({key: {"$ref": "#/definitions/citations"} for key in GENERAL_KEYS}),
        },
        "required": ["format", "document"],
        "additionalProperties": False,
        "allOf": [
            # 法规 items carry statutory brackets; 基准 items carry tiers and no brackets;
            # exemption lists and rules define no items; only benchmarks have templates.
            {"if": _kind_is("statute"),
             "then": {"properties": {"item": {"items": {"required": ["statutory"]}}}}},
            {"if": _kind_is("benchmark"),
             "then": {"properties": {"item": {"items": {"required": ["tier"],
                                                        "not": {"required": ["statutory"]}}}}}},
            {"if": _kind_is("exemptions", "rules"), "then": {"not": {"required": ["item"]}}},
            {"if": _kind_is("statute", "exemptions", "rules"), "then": {"not": {"required": ["template"]}}},
        ],
    }


#: The schemas ``discretion schema NAME`` prints.
NAMES = ("assessment", "format")


def get(name: str) -> Schema:
    """The schema called ``name`` (``assessment`` or ``format``)."""
    if name == "assessment":
        return assessment_schema()
    if name == "format":
        return format_schema()
    raise InputError(f"未知的 schema {name!r}（可用：{' | '.join(NAMES)}）")


def dumps(name: str) -> str:
    """The schema as the JSON text a file or an editor takes."""
    return json.dumps(get(name), ensure_ascii=False, indent=2)
