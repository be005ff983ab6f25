"""Fact values from the outside world (CLI strings, JSON, Python) → checked values.

A value must fit its declaration (format.md §2); anything else is a
:class:`FactError` naming the fact. Money and numbers become exact decimals.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .errors import FactError
from .expr import Value
from .model import Fact

__all__ = ["MONEY_LIMIT", "FactError", "parse_fact_value", "parse_subject"]

MONEY_LIMIT = Decimal(10) ** 15
_TRUE = {"true", "是", "yes", "y", "1", "有", "对"}
_FALSE = {"false", "否", "no", "n", "0", "无", "没有"}
_SUBJECTS = {
    "person": "person",
    "individual": "person",
    "个人": "person",
    "公民": "person",
    "自然人": "person",
    "organization": "organization",
    "organisation": "organization",
    "单位": "organization",
    "法人": "organization",
    "其他组织": "organization",
    "法人或者其他组织": "organization",
}


def _shown(raw: object) -> str:
    """A supplied value as the user wrote it: 1E+400, not Decimal('1E+400')."""
    return str(raw) if isinstance(raw, Decimal) else repr(raw)


def parse_subject(raw: object) -> str:
    """person | organization, also 个人/公民/单位/法人."""
    if isinstance(raw, str):
        key = raw.strip()
        subject = _SUBJECTS.get(key) or _SUBJECTS.get(key.lower())
        if subject:
            return subject
    raise FactError(
        f"当事人类型 subject 无效：{_shown(raw)}（应为 person/个人/公民 或 organization/单位/法人）",
        "subject",
    )


def _decimal(fact: Fact, raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise FactError(f"事实 {fact.name}（{fact.label}）应为数值，而不是布尔值 {_shown(raw)}", fact.name)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # the shortest repr: what the caller wrote
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "")
        scale = Decimal(1)
        if text.endswith("万元"):
            text, scale = text[:-2], Decimal(10000)
        elif text.endswith("元"):
            text = text[:-1]
        elif fact.unit and text.endswith(fact.unit):
            text = text[: -len(fact.unit)]
        try:
            value = Decimal(text.strip()) * scale
        except InvalidOperation:
            raise FactError(
                f"事实 {fact.name}（{fact.label}）应为数值，无法解析 {_shown(raw)}", fact.name
            ) from None
    else:
        raise FactError(f"事实 {fact.name}（{fact.label}）应为数值，而不是 {_shown(raw)}", fact.name)
    return _check_number(fact, value, raw)


def _check_number(fact: Fact, value: Decimal, raw: object) -> Decimal:
    if not value.is_finite():
        raise FactError(f"事实 {fact.name}（{fact.label}）须为有限数值，而不是 {_shown(raw)}", fact.name)
    if abs(value) >= MONEY_LIMIT:
        raise FactError(f"事实 {fact.name}（{fact.label}）的值 {_shown(raw)} 过大（须小于 10^15）", fact.name)
    if fact.type == "money":
        if value < 0:
            raise FactError(f"事实 {fact.name}（{fact.label}）是金额，不能为负数：{_shown(raw)}", fact.name)
    if fact.min is not None and value < fact.min:
        raise FactError(
            f"事实 {fact.name}（{fact.label}）不能小于 {fact.min}，而给出的是 {_shown(raw)}", fact.name
        )
    if fact.max is not None and value > fact.max:
        raise FactError(
            f"事实 {fact.name}（{fact.label}）不能大于 {fact.max}，而给出的是 {_shown(raw)}", fact.name
        )
    return value + 0  # normalises -0


def parse_fact_value(fact: Fact, raw: object) -> Value:
    """Check and convert one supplied value; raise FactError naming the fact."""
    if fact.type == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str):
            key = raw.strip().lower()
            if key in _TRUE:
                return True
            if key in _FALSE:
                return False
        raise FactError(
            f"事实 {fact.name}（{fact.label}）应为 是/否（true/false），而不是 {_shown(raw)}", fact.name
        )
    if fact.type == "enum":
        if isinstance(raw, str):
            key = raw.strip()
            if key in fact.values:
                return key
            for value, label in fact.labels:
                if label == key:
                    return value
        choices = "、".join(f"{v}（{fact.value_label(v)}）" for v in fact.values)
        raise FactError(
            f"事实 {fact.name}（{fact.label}）的取值 {_shown(raw)} 无效，可选：{choices}", fact.name
        )
    return _decimal(fact, raw)
