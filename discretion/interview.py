"""The interview (``assess -i``): ask only the facts whose answers change the result,
most decisive first, re-asking on bad input, until none is left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .errors import FactError
from .facts import parse_fact_value
from .model import Assessment, Fact


def question(fact: Fact) -> str:
    """The prompt for one fact: its Chinese label, unit and choices."""
    text = fact.label
    if fact.type == "bool":
        text += "（是/否）"
    elif fact.type == "enum":
        text += "（" + "／".join(f"{fact.value_label(v)}" for v in fact.values) + "）"
    elif fact.unit:
        text += f"（{fact.unit}）"
    return f"{text} [{fact.name}]"


def offer(result: Assessment) -> bool:
    """In a terminal, an undetermined result offers the interview."""
    missing = "、".join(result.missing_facts[:3])
    return click.confirm(f"结论待定，尚缺事实（{missing}…）。现在逐项回答吗？", default=True, err=True)


def interview(
    library: Any, result: Assessment, supplied: dict[str, Any], rerun: Callable[[], Assessment]
) -> Assessment:
    """Ask for ``missing_facts`` one at a time, re-assessing after each answer."""
    asked: set[str] = set()
    while True:
        pending = [name for name in result.missing_facts if name not in asked]
        if not pending:
            return result
        name = pending[0]
        asked.add(name)
        fact = library.facts[name]
        while True:
            raw = click.prompt(question(fact), err=True, default="", show_default=False)
            if raw.strip() == "":
                click.echo("  （跳过，按未知处理）", err=True)
                break
            try:
                parse_fact_value(fact, raw)
            except FactError as exc:
                click.echo(f"  输入无效：{exc}", err=True)
                continue
            supplied[name] = raw
            break
        result = rerun()
