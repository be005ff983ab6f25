"""Human output of an assessment, an item and a list, in Chinese (or English labels).

Two views of one model: :meth:`Assessment.to_dict` for machines, this for people
at a case handler's desk. Columns are padded by *display* width (a CJK character
takes two terminal cells), long values wrap under their column, and colour is
used only when the caller says the output is a terminal.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from .engine import EFFECT_NAMES
from .layers import Resolved
from .model import (
    PENALTY_NAMES,
    SUBJECT_NAMES,
    Assessment,
    Bounds,
    Fact,
    FineRule,
    PenaltyLine,
    Range,
    Step,
)

LABELS = {
    "zh": {
        "conclusion": "结论",
        "fine": "罚款幅度",
        "statutory": "法定幅度",
        "tier": "裁量阶次",
        "penalties": "处罚种类",
        "measures": "责令措施",
        "procedure": "程序提示",
        "basis": "依据",
        "circumstances": "情节",
        "exemptions": "免罚",
        "possible": "待定情形",
        "missing": "待补充事实",
        "assumptions": "默认假设",
        "warnings": "提示",
        "documents": "所据文件",
        "explain": "裁量过程",
        "category": "类别",
        "region": "地区",
        "subject": "当事人",
        "summary": "当场处罚",
        "hearing": "告知听证",
        "legal_review": "法制审核",
        "collective_discussion": "集体讨论",
        "none": "无",
        "yes": "是",
        "no": "否",
        "unknown": "待定",
        "no_fine": "不罚款",
        "unknown_amount": "数额不明",
        "may": "可以",
        "may_also": "可以并处",
        "to": "至",
        "yuan": "元",
        "if_penalised": "（如决定处罚）",
        "if_undetermined": "（如应当处罚）",
        "envelope": "（尚缺事实，为各可能幅度的合集）",
        "reduced": "（可以减轻处罚）",
        "depends_on": "取决于",
        "grounds": "理由",
        "if": "若",
        "then": "则",
        "hint_missing": "可用 -i 逐项回答，或用 -f 名称=值 补充",
        "act_date": "违法行为日期（未提供，按今天）",
        "policy": "内置规则",
    },
    "en": {
        "conclusion": "Outcome",
        "fine": "Fine range",
        "statutory": "Statutory range",
        "tier": "Tier",
        "penalties": "Penalties",
        "measures": "Orders",
        "procedure": "Procedure",
        "basis": "Legal basis",
        "circumstances": "Circumstances",
        "exemptions": "Exemptions",
        "possible": "Possible outcomes",
        "missing": "Missing facts",
        "assumptions": "Assumed",
        "warnings": "Warnings",
        "documents": "Documents",
        "explain": "Derivation",
        "category": "Category",
        "region": "Region",
        "subject": "Party",
        "summary": "On-the-spot decision",
        "hearing": "Hearing notice",
        "legal_review": "Legal review",
        "collective_discussion": "Collective decision",
        "none": "none",
        "yes": "yes",
        "no": "no",
        "unknown": "open",
        "no_fine": "no fine",
        "unknown_amount": "amount unknown",
        "may": "may: ",
        "may_also": "may also impose",
        "to": "to",
        "yuan": "yuan",
        "if_penalised": " (if a penalty is imposed)",
        "if_undetermined": " (if punishable)",
        "envelope": " (facts missing: union of the possible ranges)",
        "reduced": " (reduction permitted)",
        "depends_on": "depends on",
        "grounds": "grounds",
        "if": "if",
        "then": "then",
        "hint_missing": "answer them with -i, or add -f NAME=VALUE",
        "act_date": "date of the act (not given: today)",
        "policy": "built-in rule",
    },
}

OUTCOMES = {
    "zh": {
        "penalty": "应当给予行政处罚",
        "no_penalty": "不予行政处罚",
        "may_waive": "可以不予行政处罚",
        "time_barred": "超过处罚时效，不再给予行政处罚",
        "undetermined": "待定：是否处罚取决于尚未提供的事实",
    },
    "en": {
        "penalty": "penalty",
        "no_penalty": "no penalty (不予处罚)",
        "may_waive": "penalty may be waived (可以不予处罚)",
        "time_barred": "time-barred (超过时效)",
        "undetermined": "undetermined: depends on missing facts",
    },
}

OUTCOME_COLOURS = {"penalty": "1;33", "no_penalty": "1;32", "may_waive": "1;32",
                   "time_barred": "1;32", "undetermined": "1;35"}

ROLES = {
    "zh": {
        "violates": "违法依据",
        "punishes": "处罚依据",
        "tier": "裁量基准",
        "circumstance": "情节依据",
        "exemption": "免罚依据",
        "limitation": "时效",
        "procedure": "程序",
        "general": "一般规定",
    },
    "en": {
        "violates": "violates",
        "punishes": "punished under",
        "tier": "benchmark",
        "circumstance": "circumstance",
        "exemption": "exemption",
        "limitation": "limitation",
        "procedure": "procedure",
        "general": "general",
    },
}
ROLE_ORDER = ("violates", "punishes", "tier", "exemption", "circumstance", "limitation",
              "procedure", "general")

PENALTY_NAMES_EN = {
    "warning": "warning",
    "criticism": "public criticism",
    "fine": "fine",
    "confiscate_gains": "confiscation of illegal gains",
    "confiscate_property": "confiscation of illegal property",
    "suspend_license": "suspension of licence",
    "demote_qualification": "demotion of qualification",
    "revoke_license": "revocation of licence",
    "restrict_business": "restriction of business",
    "suspend_business": "suspension of production or business",
    "close": "closure",
    "restrict_practice": "restriction of practice",
    "detention": "administrative detention",
}
EFFECT_NAMES_EN = {
    "no_penalty": "no penalty",
    "may_waive": "may be waived",
    "reduced": "reduced",
    "lighter_or_reduced": "lighter or reduced",
    "lighter": "lighter",
    "heavier": "heavier",
}
SUBJECT_NAMES_EN = {"person": "individual", "organization": "organization"}

STEP_ORDER = ("limitation", "exemption", "statutory", "tier", "adjust", "penalties", "procedure", "general")
STEP_NAMES = {
    "zh": {
        "limitation": "时效",
        "exemption": "不予/可以不予处罚",
        "statutory": "法定幅度",
        "tier": "裁量阶次",
        "adjust": "情节调整",
        "penalties": "处罚种类",
        "procedure": "程序",
        "general": "适用规则",
    },
    "en": {
        "limitation": "limitation",
        "exemption": "exemptions",
        "statutory": "statutory range",
        "tier": "tier",
        "adjust": "circumstances",
        "penalties": "penalties",
        "procedure": "procedure",
        "general": "rules",
    },
}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --------------------------------------------------------------------------- text geometry


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def _cells(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def width(text: str) -> int:
    """Display width in a terminal: wide and full-width characters take two cells,
    combining marks none, colour codes none."""
    if "\x1b" in text:
        text = strip_ansi(text)
    if text.isascii():
        return len(text)
    return sum(_cells(ch) for ch in text)


def pad(text: str, cells: int) -> str:
    """``text`` followed by spaces up to ``cells`` display cells."""
    return text + " " * max(0, cells - width(text))


def truncate(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` display cells, with … when cut."""
    if width(text) <= cells:
        return text
    out, used = [], 0
    for ch in text:
        w = _cells(ch)
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


_NO_LINE_START = set("，。、；：！？）》」』】〕”’,.;:!?)]}%")
_UNIT = re.compile(r"\x1b\[[0-9;]*m|.", re.S)


def _unit_cells(unit: str) -> int:
    return 0 if unit.startswith("\x1b") else _cells(unit)


def wrap(text: str, cells: int | None) -> list[str]:
    """Break ``text`` into lines of at most ``cells`` display cells (None: no wrapping).

    CJK text breaks between any two characters, but never before closing punctuation;
    Latin words break at spaces when they can; colour codes take no room.
    """
    if cells is None or cells < 8 or width(text) <= cells:
        return [text]
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for unit in _UNIT.findall(text):
        w = _unit_cells(unit)
        if w and used + w > cells and any(_unit_cells(u) for u in line):
            cut = len(line)
            if unit in _NO_LINE_START:
                # carry the last visible character down with the punctuation
                cut = max(i for i, u in enumerate(line) if _unit_cells(u))
            elif unit.isascii() and unit != " ":
                spaces = [i for i, u in enumerate(line) if u == " "]
                if spaces and spaces[-1] > 0 and len(line) - spaces[-1] <= 20:
                    cut = spaces[-1] + 1
            head, tail = line[:cut], line[cut:]
            lines.append("".join(head).rstrip(" "))
            line = [u for u in tail]
            while line and line[0] == " ":
                line.pop(0)
            used = sum(_unit_cells(u) for u in line)
            if unit == " " and not line:
                continue
        line.append(unit)
        used += w
    if line:
        lines.append("".join(line))
    return lines


def use_color(stream: IO[Any] | None = None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (no-color.org) or TERM=dumb."""
    import sys

    stream = stream if stream is not None else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


# --------------------------------------------------------------------------- money


def yuan(value: Decimal, lang: str = "zh") -> str:
    """5000 → 「5,000.00 元」."""
    return f"{value:,.2f} {LABELS[lang]['yuan']}"


def fmt_range(r: Range | None, lang: str = "zh", known: bool = True) -> str:
    labels = LABELS[lang]
    if r is None:
        return labels["no_fine"] if known else labels["unknown_amount"]
    if r.min == r.max:
        return yuan(r.min, lang)
    return f"{yuan(r.min, lang)} {labels['to']} {yuan(r.max, lang)}"


# --------------------------------------------------------------------------- layout


class _Out:
    """Collects rows (label + value) and blocks; lays them out when all labels are known."""

    def __init__(self, lang: str, color: bool, columns: int | None = None) -> None:
        self.lang = lang
        self.color = color
        self.columns = columns
        self.parts: list[tuple[str, Any]] = []

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code and text else text

    def line(self, text: str = "", indent: int = 0) -> None:
        self.parts.append(("line", (text, indent)))

    def row(self, key: str, value: str | Sequence[str | tuple[str, str]], code: str = "") -> None:
        """A labelled row; each value line is text, or (text, colour) to colour it alone."""
        lines = [value] if isinstance(value, str) else list(value)
        self.parts.append(("row", (LABELS[self.lang][key], lines, code)))

    def block(self, key: str, entries: Sequence[str | tuple[str, str]], code: str = "") -> None:
        if entries:
            self.parts.append(("block", (LABELS[self.lang][key], list(entries), code)))

    def table(self, key: str, rows: Sequence[tuple[str, str]], code: str = "") -> None:
        if rows:
            self.parts.append(("table", (LABELS[self.lang][key], list(rows), code)))

    def _wrapped(self, text: str, indent: int) -> list[str]:
        """``text`` wrapped to the columns left after ``indent`` cells."""
        room = None if self.columns is None else self.columns - indent
        return wrap(text, room)

    @staticmethod
    def _split(entry: str | tuple[str, str], code: str) -> tuple[str, str]:
        return entry if isinstance(entry, tuple) else (entry, code)

    def text(self) -> str:
        labels = [p[1][0] for p in self.parts if p[0] == "row"]
        cells = max((width(label) for label in labels), default=0) + 2
        out: list[str] = []
        for kind, payload in self.parts:
            if kind == "line":
                text, indent = payload
                for n, piece in enumerate(self._wrapped(text, indent if text else 0)):
                    out.append(piece if n == 0 else " " * indent + piece)
            elif kind == "row":
                label, lines, code = payload
                head = self.style(pad(label, cells), "1")
                first = True
                for entry in lines:
                    value, colour = self._split(entry, code)
                    for piece in self._wrapped(value, cells):
                        styled = self.style(piece, colour)
                        out.append((head if first else " " * cells) + styled)
                        first = False
                if first:
                    out.append(head.rstrip())
            elif kind == "block":
                heading, entries, code = payload
                out.append(self.style(heading, "1"))
                for entry in entries:
                    value, colour = self._split(entry, code)
                    for n, piece in enumerate(self._wrapped(value, 4)):
                        out.append(("  " if n == 0 else "    ") + self.style(piece, colour))
            else:  # table: a heading, then sub-labels aligned in their own column
                heading, rows, code = payload
                out.append(self.style(heading, "1"))
                sub = max(width(k) for k, _ in rows) + 2
                for k, v in rows:
                    for n, piece in enumerate(self._wrapped(v, 2 + sub)):
                        lead = "  " + pad(k, sub) if n == 0 else " " * (2 + sub)
                        out.append(lead + self.style(piece, code))
        while out and not out[-1].strip():
            out.pop()
        return "\n".join(out)


def _flag(value: bool | None, lang: str) -> str:
    labels = LABELS[lang]
    return labels["unknown"] if value is None else labels["yes"] if value else labels["no"]


def _penalty_name(p: PenaltyLine | str, lang: str) -> str:
    pid = p if isinstance(p, str) else p.id
    name = PENALTY_NAMES[pid] if lang == "zh" else PENALTY_NAMES_EN.get(pid, pid)
    if not isinstance(p, str) and p.amount is not None:
        name += f"（{yuan(p.amount, lang)}）" if lang == "zh" else f" ({yuan(p.amount, lang)})"
    return name


def _effect(effect: str, lang: str) -> str:
    return EFFECT_NAMES.get(effect, effect) if lang == "zh" else EFFECT_NAMES_EN.get(effect, effect)


def fact_label(name: str, facts: Mapping[str, Fact] | None) -> str:
    """「及时改正」 for ``corrected``; the name itself when the fact is not declared."""
    fact = (facts or {}).get(name)
    return fact.label if fact is not None and fact.label else name


def value_text(name: str, value: object, facts: Mapping[str, Fact] | None, lang: str = "zh") -> str:
    """A fact value for people: 是/否, an enum's label, a number with its unit."""
    fact = (facts or {}).get(name)
    if isinstance(value, bool):
        return LABELS[lang]["yes"] if value else LABELS[lang]["no"]
    if fact is not None and fact.type == "enum" and isinstance(value, str):
        return fact.value_label(value)
    if isinstance(value, Decimal | int):
        number = Decimal(value)
        if fact is not None and fact.type == "money":
            return yuan(number, lang)
        text = f"{number.normalize():f}" if isinstance(value, Decimal) else str(value)
        return text + (fact.unit if fact is not None and fact.unit else "")
    return str(value)


_WORDS = {"and": "且", "or": "或", "not": "非", "in": "属于", "true": "是", "false": "否"}
_OPS = {"==": "为", "!=": "不为", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}
# display only (the expression was parsed and checked by expr when it was loaded)
_TOKEN = re.compile(
    r"""\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<str>'[^']*'|"[^"]*")"""
    r"""|(?P<op><=|>=|==|!=|[-+*/<>()\[\],]))?\s*"""
)


def condition_text(source: str, facts: Mapping[str, Fact] | None, lang: str = "zh") -> str:
    """An expression written for people: ``corrected and harm == 'none'`` → 及时改正 且 危害后果为“无”."""
    if lang != "zh" or not facts:
        return source
    pieces: list[str] = []
    last_name = ""
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None or m.end() == pos:
            return source  # not an expression we can paraphrase: show it as written
        pos = m.end()
        kind = m.lastgroup or ""
        tok = m.group(kind) if kind else ""
        if not kind:
            continue
        if kind == "name" and tok in _WORDS:
            pieces.append(f" {_WORDS[tok]} ")
        elif kind == "name":
            last_name = tok
            pieces.append("当事人" if tok == "subject" else fact_label(tok, facts))
        elif kind == "str":
            raw = tok[1:-1]
            fact = facts.get(last_name)
            if last_name == "subject":
                raw = SUBJECT_NAMES.get(raw, raw)
            elif fact is not None and fact.type == "enum":
                raw = fact.value_label(raw)
            pieces.append(f"“{raw}”")
        elif tok in ("==", "!="):
            pieces.append(_OPS[tok])
        elif tok in _OPS:
            pieces.append(f" {_OPS[tok]} ")
        elif tok == ",":
            pieces.append("、")
        else:
            pieces.append(tok)
    text = "".join(pieces)
    return re.sub(r" {2,}", " ", text).replace("( ", "(").replace(" )", ")").strip()


def _reasons(a: Assessment, lang: str) -> list[str]:
    """Why the outcome is what it is, in a line or two under 结论."""
    labels = LABELS[lang]
    if a.outcome in ("no_penalty", "may_waive"):
        names = [c.name for c in a.circumstances if c.effect == a.outcome]
        names += [e.name or e.note or e.id for e in a.exemptions if e.effect == a.outcome]
        if not names:  # a tier with that outcome
            names = [s.text.rstrip("。") for s in a.steps if s.step == "exemption"][:1]
        colon = "：" if lang == "zh" else ": "
        return [f"{labels['grounds']}{colon}" + "；".join(names)] if names else []
    if a.outcome == "time_barred":
        return [s.text for s in a.steps if s.step == "limitation"][:1]
    return []


def assessment(
    a: Assessment,
    lang: str = "zh",
    color: bool = False,
    explain: bool = False,
    facts: Mapping[str, Fact] | None = None,
    columns: int | None = None,
) -> str:
    """The result laid out for reading: 结论 / 罚款幅度 / 处罚种类 / 责令措施 / 程序提示 / 依据.

    ``facts`` (the library's declarations) turns fact names into their Chinese labels;
    ``columns`` wraps long values to a terminal's width.
    """
    out = _Out(lang, color, columns)
    labels = LABELS[lang]
    subject = SUBJECT_NAMES[a.subject] if lang == "zh" else SUBJECT_NAMES_EN.get(a.subject, a.subject)
    out.line(out.style(a.code, "1") + "  " + a.name, indent=width(a.code) + 2)
    gap, colon = ("　", "：") if lang == "zh" else ("   ", ": ")
    out.line(f"{labels['category']}{colon}{a.category}{gap}{labels['region']}{colon}{a.region}{gap}"
             f"{labels['subject']}{colon}{subject}")
    out.line()

    # 结论
    conclusion = [OUTCOMES[lang][a.outcome]]
    conclusion += _reasons(a, lang)
    if a.outcome == "undetermined":
        deciding = list(dict.fromkeys(n for p in a.possible for n in p.facts)) or list(a.missing_facts)
        if deciding:
            conclusion.append(f"{labels['depends_on']}{colon}" + "、".join(fact_label(n, facts) for n in deciding))
    out.row("conclusion", [(conclusion[0], OUTCOME_COLOURS[a.outcome]), *conclusion[1:]])

    # 罚款幅度 / 法定幅度 / 裁量阶次
    unknown_amount = any(w.code in ("delegated-amount", "missing-amount") for w in a.warnings)
    if a.outcome not in ("no_penalty", "time_barred"):
        fine_text = fmt_range(a.fine, lang, known=not unknown_amount)
        if a.fine is not None:
            if a.reduced_permitted:
                fine_text += labels["reduced"]
            if a.outcome == "may_waive":
                fine_text += labels["if_penalised"]
            elif a.outcome == "undetermined":
                fine_text += labels["if_undetermined"]
            elif a.missing_facts and a.tier is None and any("合集" in s.text for s in a.steps):
                fine_text += labels["envelope"]
        out.row("fine", fine_text, "1;36")
    out.row("statutory", fmt_range(a.statutory_fine, lang, known=not unknown_amount))
    if a.tier is not None:
        out.row("tier", f"{a.tier.name}（{a.tier.id}）" if lang == "zh" else f"{a.tier.name} ({a.tier.id})")

    # 处罚种类 / 责令措施
    if a.penalties:
        imposed = [_penalty_name(p, lang) for p in a.penalties if not p.may]
        offered = [_penalty_name(p, lang) for p in a.penalties if p.may]
        sep = "、" if lang == "zh" else ", "
        text = sep.join(imposed)
        if offered:
            text += ("；" if lang == "zh" else "; ") * bool(text) + f"{labels['may_also']}{'：' if lang == 'zh' else ': '}" + sep.join(offered)
        out.row("penalties", text)
    if a.measures:
        out.row("measures", "；".join(a.measures) if lang == "zh" else "; ".join(a.measures))

    # 程序提示
    if a.outcome not in ("no_penalty", "time_barred"):
        p = a.procedure
        keys = ("summary", "hearing", "legal_review", "collective_discussion")
        sub = max(width(labels[k]) for k in keys) + 2
        out.row("procedure", [pad(labels[k], sub) + _flag(getattr(p, k), lang) for k in keys])

    # 情节 / 免罚
    def paren(text: str) -> str:
        return f"（{text}）" if lang == "zh" else f" ({text})"

    if a.circumstances:
        out.row("circumstances", [c.name + paren(_effect(c.effect, lang)) for c in a.circumstances])
    if a.exemptions:
        out.row("exemptions", [(e.name or e.note or e.id) + paren(_effect(e.effect, lang)) for e in a.exemptions])
    out.line()

    # 依据
    roles = ROLES[lang]
    order = {r: n for n, r in enumerate(ROLE_ORDER)}
    cites = sorted(a.citations, key=lambda c: order.get(c.role, 99))
    out.table("basis", [(roles.get(c.role, c.role), c.text) for c in cites])
    if a.possible:
        entries = []
        for pos in a.possible:
            cond = condition_text(pos.condition, facts, lang)
            cite = (f"（{pos.citation}）" if lang == "zh" else f" ({pos.citation})") if pos.citation else ""
            then = OUTCOMES[lang].get(pos.outcome, pos.outcome)
            entries.append(f"{labels['if']} {cond}，{labels['then']}{then}{cite}" if lang == "zh"
                           else f"{labels['if']} {cond}: {then}{cite}")
        out.block("possible", entries)
    if a.missing_facts:
        missing = [f"{fact_label(n, facts)}（{n}）" if fact_label(n, facts) != n else n for n in a.missing_facts]
        out.block("missing", [*((m, "35") for m in missing), f"（{labels['hint_missing']}）"])
    if a.assumptions or a.policy:
        entries = []
        for k, v in a.assumptions:
            if k == "act_date":
                entries.append(f"{labels['act_date']}{colon}{v}")
            else:
                entries.append(f"{fact_label(k, facts)}{colon}{value_text(k, v, facts, lang)}")
        entries += [f"{labels['policy']}{colon}{p}" for p in a.policy]
        out.block("assumptions", ["；".join(entries) if lang == "zh" else "; ".join(entries)])
    if a.warnings:
        out.block("warnings", [f"！{w.message}" for w in a.warnings], "31")
    out.block("documents", [_document_line(d.title, d.number, str(d.effective), d.status, lang)
                            for d in a.documents])
    if explain:
        out.line()
        out.line(out.style(labels["explain"], "1"))
        for text in explanation(a.steps, lang):
            out.line(text, indent=7)
    return out.text()


def _document_line(title: str, number: str, effective: str, status: str, lang: str) -> str:
    sample = ("【示例数据】" if lang == "zh" else " [sample data]") if status == "sample" else ""
    num = f"（{number}）" if number else ""
    since = f" {effective} 起施行" if lang == "zh" else f" in force from {effective}"
    return f"《{title}》{num}{since}{sample}"


def explanation(steps: Iterable[Step], lang: str = "zh") -> list[str]:
    """The derivation in legal order: 时效 → 不予/可以不予 → 法定幅度 → 阶次 → 情节调整 → 程序."""
    ordered = sorted(steps, key=lambda s: STEP_ORDER.index(s.step) if s.step in STEP_ORDER else 99)
    lines = []
    for n, s in enumerate(ordered, 1):
        name = STEP_NAMES[lang].get(s.step, s.step)
        lines.append(f"  {n}. 【{name}】{s.text}")
        for c in s.citations:
            lines.append(f"       依据：{c}" if lang == "zh" else f"       basis: {c}")
    return lines


# --------------------------------------------------------------------------- items (show)


def _bounds(b: Bounds | None) -> str:
    if b is None:
        return "不罚款"
    lo, hi = b.low, b.high
    if lo.is_constant and hi.is_constant:
        lv, hv = lo.constant_value(), hi.constant_value()
        assert isinstance(lv, Decimal) and isinstance(hv, Decimal)
        if lv == hv:
            return f"{lv:,.2f} 元"
        if lv == 0:
            return f"{hv:,.2f} 元以下"
        return f"{lv:,.2f} 元以上 {hv:,.2f} 元以下"
    return f"[{lo.source}, {hi.source}]"


def fine_rule(rule: FineRule | None) -> str:
    """A fine rule in words: 5,000.00 元以上 50,000.00 元以下; 单位…，个人…; 由地方规定."""
    if rule is None:
        return "不罚款"
    if rule.delegated:
        return "数额由地方性法规或者规章规定"
    if rule.common is not None:
        return _bounds(rule.common)
    parts = []
    if rule.organization is not None or rule.person is not None:
        parts.append(f"单位：{_bounds(rule.organization)}")
        parts.append(f"个人：{_bounds(rule.person)}")
    return "；".join(parts)


def item(r: Resolved, lang: str = "zh", color: bool = False, columns: int | None = None) -> str:
    """An item as the layers define it: brackets, tiers, exemptions, citations, documents."""
    from .cite import citation_text

    out = _Out(lang, color, columns)
    out.line(out.style(r.code, "1") + "  " + r.name, indent=width(r.code) + 2)
    out.line(f"类别：{r.category}　核对程度：{r.confidence}　来源：{r.source or '—'}")
    if r.note:
        out.line(f"说明：{r.note}", indent=6)
    out.line()
    out.line(out.style("违法依据", "1") + "  " + ("；".join(
        citation_text(c.title, c.article, c.paragraph, c.item) for c, _ in r.violates) or "—"), indent=10)
    out.line(out.style("处罚依据", "1") + "  " + ("；".join(
        citation_text(c.title, c.article, c.paragraph, c.item) for c, _ in r.punishes) or "—"), indent=10)
    out.line()
    out.line(out.style(f"法定处罚（{r.bracket_document.title}）", "1"))
    for n, b in enumerate(r.brackets, 1):
        cond = []
        if b.subject:
            cond.append(SUBJECT_NAMES[b.subject])
        if b.when is not None:
            cond.append(b.when.source)
        imposed = "、".join(PENALTY_NAMES[p] for p in b.penalties) or "—"
        may = "、".join(PENALTY_NAMES[p] for p in b.may)
        out.line(f"  {n}. 适用：{' 且 '.join(cond) or '一切情形'}", indent=11)
        out.line(f"     处罚：{imposed}" + (f"；可以：{may}" if may else ""), indent=11)
        out.line(f"     罚款：{fine_rule(b.fine)}", indent=11)
        if b.measures:
            out.line(f"     措施：{'；'.join(b.measures)}", indent=11)
        if b.note:
            out.line(f"     说明：{b.note}", indent=11)
    if r.tiers is not None and r.tier_document is not None:
        out.line()
        kind = "模板阶次" if r.tiers.template else "裁量阶次"
        out.line(out.style(f"{kind}（{r.tier_document.title}，{r.tiers.hit}）", "1"))
        for t in r.tiers.tiers:
            extra = f"  → {EFFECT_NAMES[t.outcome]}" if t.outcome else ""
            out.line(f"  {t.id} {t.name}：{t.when.source if t.when else '一切情形'}", indent=5)
            fine = fine_rule(t.fine) if t.fine else ("法定幅度" if t.penalties is None else "不罚款")
            out.line(f"     罚款：{fine}{extra}", indent=11)
            if t.note:
                out.line(f"     说明：{t.note}", indent=11)
    if r.exemptions:
        out.line()
        out.line(out.style("免罚清单", "1"))
        for e, doc in r.exemptions:
            out.line(f"  {e.name or e.id}（{doc.title}）：{e.when.source} → {EFFECT_NAMES[e.effect]}", indent=4)
    specific = [(c, d) for c, d in r.circumstances if c.scope.items or c.scope.categories]
    if specific:
        out.line()
        out.line(out.style("专门情节", "1"))
        for c, doc in specific:
            out.line(f"  {c.name}（{doc.title}）：{c.when.source} → {EFFECT_NAMES[c.effect]}", indent=4)
    out.line()
    docs = {d.version: d for d in [r.base_document, *r.statute_documents]}
    if r.tier_document is not None:
        docs[r.tier_document.version] = r.tier_document
    for _, d in r.exemptions:
        docs[d.version] = d
    out.block("documents", [_document_line(d.title, d.number, str(d.effective), d.status, lang)
                            for d in docs.values()])
    return out.text()


def item_list(items: Sequence[Resolved], lang: str = "zh", color: bool = False,
              columns: int | None = None) -> list[str]:
    """``list``: code, category and name in aligned columns; a long name is cut to the screen."""
    if not items:
        return []
    code_w = max(width(r.code) for r in items) + 2
    cat_w = max(width(r.category) for r in items) + 2
    lines = []
    for r in items:
        marks = ""
        if r.tier_document is not None:
            marks += " [阶次]" + ("[示例]" if r.tier_document.status == "sample" else "")
        if r.exemptions and any(d.kind == "exemptions" for _, d in r.exemptions):
            marks += " [免罚清单]"
        name = r.name
        if columns is not None:
            name = truncate(name, max(10, columns - code_w - cat_w - width(marks) - 1))
        code = pad(r.code, code_w)
        lines.append(f"{code if not color else chr(27) + '[1m' + code + chr(27) + '[0m'}"
                     f"{pad(r.category, cat_w)}{name}{marks}")
    return lines
