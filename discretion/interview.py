"""The interview (``assess -i``): ask only the facts whose answers change the result,
most decisive first, re-asking on bad input, until none is left.

Questions and notes go to stderr, so that stdout carries only the final result
(``assess -i --json > case.json`` works). An empty answer skips a question: the
fact stays unknown and is not asked again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import click

from .errors import FactError
from .expr import Value
from .facts import parse_fact_value, parse_subject
from .model import Assessment, Fact

__all__ = ["ask_subject", "choose_item", "interview", "offer", "parse_answer", "question"]


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def hint(fact: Fact) -> str:
    """How to answer: 是/否, the numbered choices, or the unit and bounds."""
    if fact.type == "bool":
        return "是/否"
    if fact.type == "enum":
        return "／".join(f"{n} {fact.value_label(v)}" for n, v in enumerate(fact.values, 1)) + "，填序号或名称"
    parts = []
    unit = fact.unit or ("元" if fact.type == "money" else "")
    if unit:
        parts.append(unit)
    low = fact.min if fact.min is not None else (Decimal(0) if fact.type == "money" else None)
    if low is not None and fact.max is not None:
        parts.append(f"{_number(low)}–{_number(fact.max)}")
    elif low is not None:
        parts.append(f"不小于 {_number(low)}")
    elif fact.max is not None:
        parts.append(f"不大于 {_number(fact.max)}")
    return "，".join(parts) or "数值"


def question(fact: Fact, number: int | None = None, total: int | None = None, purpose: str = "") -> str:
    """The prompt for one fact: its Chinese label, then how to answer (unit, choices)."""
    head = f"[{number}/{total}] " if number is not None and total is not None else ""
    tail = f" — {purpose}" if purpose else ""
    return f"{head}{fact.label}（{hint(fact)}）{tail}"


def parse_answer(fact: Fact, raw: str) -> Value:
    """An answer typed at the prompt: what ``-f`` accepts, and an enum choice's number."""
    text = raw.strip()
    if fact.type == "enum" and text.isdigit() and text not in fact.values:
        n = int(text)
        if 1 <= n <= len(fact.values):
            return fact.values[n - 1]
        raise FactError(f"没有第 {n} 项：请填 1–{len(fact.values)} 的序号或名称", fact.name)
    return parse_fact_value(fact, text)


def _shown(fact: Fact, value: Value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return _number(value) + (fact.unit or ("元" if fact.type == "money" else ""))
    if isinstance(value, str) and fact.type == "enum":
        return fact.value_label(value)
    return str(value)


def _option(value: Value) -> str:
    """The value as ``-f NAME=VALUE`` writes it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return _number(value)
    return str(value)


def offer(result: Assessment, facts: Mapping[str, Fact] | None = None) -> bool:
    """In a terminal, an undetermined result offers the interview."""
    names = [(facts or {}).get(n) for n in result.missing_facts[:3]]
    shown = "、".join(f.label if f is not None else n for f, n in zip(names, result.missing_facts, strict=False))
    more = "等" if len(result.missing_facts) > 3 else ""
    return click.confirm(f"结论待定，尚缺事实：{shown}{more}。现在逐项回答吗？", default=True, err=True)


def ask_subject() -> str:
    """``-i`` without ``--subject``: ask for it, re-asking until it is understood."""
    while True:
        raw = click.prompt("当事人是个人还是单位？（个人/单位）", err=True)
        try:
            return parse_subject(raw)
        except FactError:
            click.echo("  输入无效：请填 个人（公民）或 单位（法人或者其他组织）", err=True)


def choose_item(code: str, candidates: Sequence[tuple[str, str]]) -> str:
    """An unknown or ambiguous code in an interview: pick one of the closest items."""
    click.echo(f"编号 {code!r} 不能唯一确定事项，可能是：", err=True)
    for n, (c, name) in enumerate(candidates, 1):
        click.echo(f"  {n}. {c}  {name if len(name) <= 40 else name[:39] + '…'}", err=True)
    while True:
        raw = click.prompt(f"请选择（1–{len(candidates)}）", err=True).strip()
        if raw.isdigit() and 1 <= int(raw) <= len(candidates):
            return candidates[int(raw) - 1][0]
        for c, _ in candidates:
            if raw.upper() == c.upper():
                return c
        click.echo(f"  输入无效：请填 1–{len(candidates)} 的序号", err=True)


def _purpose(name: str, result: Assessment) -> str:
    if any(name in p.facts for p in result.possible):
        return "决定是否处罚"
    return "影响罚款幅度或程序"


def interview(
    library: Any, result: Assessment, supplied: dict[str, Any], rerun: Callable[[], Assessment]
) -> Assessment:
    """Ask for ``missing_facts`` one at a time, re-assessing after each answer.

    Answers go into ``supplied``; the engine's order is kept (whether to penalize
    before how much), and an answer may make later questions unnecessary.
    """
    facts: Mapping[str, Fact] = library.facts
    asked: set[str] = set()
    answered: list[tuple[Fact, Value]] = []
    if not result.missing_facts:
        click.echo("无需补充事实：结论不取决于未提供的事实。", err=True)
        return result
    click.echo("请回答以下问题（直接回车可跳过，按未知处理）：", err=True)
    while True:
        pending = [n for n in result.missing_facts if n not in asked and n in facts]
        if not pending:
            break
        name = pending[0]
        asked.add(name)
        fact = facts[name]
        number = len(asked)
        total = number - 1 + len(pending)
        prompt = question(fact, number, total, _purpose(name, result))
        while True:
            raw = click.prompt(prompt, err=True, default="", show_default=False)
            if raw.strip() == "":
                click.echo("  （跳过，按未知处理）", err=True)
                break
            try:
                value = parse_answer(fact, raw)
            except FactError as exc:
                click.echo(f"  输入无效：{exc}", err=True)
                continue
            supplied[name] = value
            answered.append((fact, value))
            break
        result = rerun()
    if answered:
        click.echo("已回答：" + "；".join(f"{f.label}＝{_shown(f, v)}" for f, v in answered), err=True)
        click.echo("（命令行写法：" + " ".join(f"-f {f.name}={_option(v)}" for f, v in answered) + "）", err=True)
    click.echo("", err=True)
    return result
