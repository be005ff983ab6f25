"""Human output of an assessment, an item and a list, in Chinese (or English labels).

Two views of one model: :meth:`Assessment.to_dict` for machines, this for people
at a case handler's desk. Labels are padded by display width, so CJK text lines
up in a terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

from .engine import EFFECT_NAMES
from .layers import Resolved
from .model import PENALTY_NAMES, SUBJECT_NAMES, Assessment, Bounds, FineRule, Range, Step

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
        "to": "至",
        "yuan": "元",
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
        "summary": "On-the-spot",
        "hearing": "Hearing",
        "legal_review": "Legal review",
        "collective_discussion": "Collective decision",
        "none": "none",
        "yes": "yes",
        "no": "no",
        "unknown": "open",
        "no_fine": "no fine",
        "unknown_amount": "amount unknown",
        "may": "may",
        "to": "to",
        "yuan": "yuan",
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


def width(text: str) -> int:
    """Display width in a terminal: wide and full-width characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def yuan(value: Decimal, lang: str = "zh") -> str:
    return f"{value:,.2f} {LABELS[lang]['yuan']}"


def fmt_range(r: Range | None, lang: str = "zh", known: bool = True) -> str:
    labels = LABELS[lang]
    if r is None:
        return labels["no_fine"] if known else labels["unknown_amount"]
    if r.min == r.max:
        return yuan(r.min, lang)
    return f"{yuan(r.min, lang)} {labels['to']} {yuan(r.max, lang)}"


class _Out:
    def __init__(self, lang: str, color: bool) -> None:
        self.lang = lang
        self.color = color
        self.lines: list[str] = []
        self.cells = max(width(v) for v in LABELS[lang].values() if len(v) < 12) + 2

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def row(self, key: str, value: str, code: str = "") -> None:
        label = pad(LABELS[self.lang][key], self.cells)
        value_lines = value.split("\n")
        first = self.style(value_lines[0], code) if code else value_lines[0]
        self.lines.append(self.style(label, "1") + first)
        for extra in value_lines[1:]:
            self.lines.append(" " * self.cells + extra)

    def block(self, key: str, entries: Sequence[str], code: str = "") -> None:
        if not entries:
            return
        self.lines.append(self.style(LABELS[self.lang][key], "1"))
        for entry in entries:
            self.lines.append("  " + (self.style(entry, code) if code else entry))

    def text(self) -> str:
        return "\n".join(self.lines)


def _flag(value: bool | None, lang: str) -> str:
    labels = LABELS[lang]
    return labels["unknown"] if value is None else labels["yes"] if value else labels["no"]


def assessment(a: Assessment, lang: str = "zh", color: bool = False, explain: bool = False) -> str:
    """The result laid out for reading: 结论 / 罚款幅度 / 处罚种类 / 责令措施 / 程序提示 / 依据."""
    out = _Out(lang, color)
    labels = LABELS[lang]
    subject = SUBJECT_NAMES[a.subject] if lang == "zh" else a.subject
    out.lines.append(out.style(f"{a.code}  {a.name}", "1"))
    out.lines.append(
        f"{labels['category']}：{a.category}    {labels['region']}：{a.region}    "
        f"{labels['subject']}：{subject}"
    )
    out.lines.append("")
    outcome_colour = {"penalty": "33", "no_penalty": "32", "may_waive": "32", "time_barred": "32",
                      "undetermined": "35"}[a.outcome]
    out.row("conclusion", OUTCOMES[lang][a.outcome], outcome_colour)
    delegated = any(w.code == "delegated-amount" for w in a.warnings)
    unknown_amount = delegated or any(w.code == "missing-amount" for w in a.warnings)
    if a.outcome not in ("no_penalty", "time_barred"):
        fine_text = fmt_range(a.fine, lang, known=not unknown_amount)
        if a.reduced_permitted:
            fine_text += "（可以减轻处罚）" if lang == "zh" else " (reduction permitted)"
        out.row("fine", fine_text, "1;36")
    out.row("statutory", fmt_range(a.statutory_fine, lang, known=not unknown_amount))
    if a.tier is not None:
        out.row("tier", f"{a.tier.name}（{a.tier.id}，{a.tier.document}）")
    if a.penalties:
        out.row(
            "penalties",
            "、".join(
                (f"{labels['may']}" if p.may else "")
                + (p.name if lang == "zh" else p.id)
                + (f"（{yuan(p.amount, lang)}）" if p.amount is not None else "")
                for p in a.penalties
            ),
        )
    if a.measures:
        out.row("measures", "；".join(a.measures))
    if a.outcome not in ("no_penalty", "time_barred"):
        p = a.procedure
        out.row(
            "procedure",
            "　".join(
                f"{labels[k]}：{_flag(getattr(p, k), lang)}"
                for k in ("summary", "hearing", "legal_review", "collective_discussion")
            ),
        )
    if a.circumstances:
        out.row(
            "circumstances",
            "\n".join(f"{c.name}（{EFFECT_NAMES.get(c.effect, c.effect)}）" for c in a.circumstances),
        )
    if a.exemptions:
        out.row("exemptions", "\n".join(f"{e.name or e.note or e.id}（{EFFECT_NAMES[e.effect]}）" for e in a.exemptions))
    out.lines.append("")
    roles = ROLES[lang]
    basis = [f"{pad(roles[c.role], 10)}{c.text}" for c in a.citations]
    out.block("basis", basis)
    if a.possible:
        out.block(
            "possible",
            [f"{OUTCOMES[lang].get(p.outcome, p.outcome)}：若 {p.condition}" + (f"（{p.citation}）" if p.citation else "")
             for p in a.possible],
        )
    if a.missing_facts:
        out.block("missing", list(a.missing_facts), "35")
    if a.assumptions or a.policy:
        entries = [f"{k} = {_show(v)}" for k, v in a.assumptions]
        entries += [f"policy: {p}" for p in a.policy]
        out.block("assumptions", ["；".join(entries)])
    if a.warnings:
        out.block("warnings", [f"！{w.message}" for w in a.warnings], "31")
    out.block(
        "documents",
        [f"《{d.title}》" + (f"（{d.number}）" if d.number else "") + f" {d.effective}"
         + ("【示例】" if d.status == "sample" else "") for d in a.documents],
    )
    if explain:
        out.lines.append("")
        out.lines.append(out.style(labels["explain"], "1"))
        out.lines.extend(explanation(a.steps, lang))
    return out.text()


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


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


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


def item(r: Resolved, lang: str = "zh", color: bool = False) -> str:
    """An item as the layers define it: brackets, tiers, exemptions, citations, documents."""
    from .cite import citation_text

    out = _Out(lang, color)
    out.lines.append(out.style(f"{r.code}  {r.name}", "1"))
    out.lines.append(f"类别：{r.category}    核对程度：{r.confidence}    来源：{r.source or '—'}")
    if r.note:
        out.lines.append(f"说明：{r.note}")
    out.lines.append("")
    out.lines.append(out.style("违法依据", "1") + "  " + "；".join(
        citation_text(c.title, c.article, c.paragraph, c.item) for c, _ in r.violates) or "—")
    out.lines.append(out.style("处罚依据", "1") + "  " + "；".join(
        citation_text(c.title, c.article, c.paragraph, c.item) for c, _ in r.punishes))
    out.lines.append("")
    out.lines.append(out.style(f"法定处罚（{r.bracket_document.title}）", "1"))
    for n, b in enumerate(r.brackets, 1):
        cond = []
        if b.subject:
            cond.append(SUBJECT_NAMES[b.subject])
        if b.when is not None:
            cond.append(b.when.source)
        imposed = "、".join(PENALTY_NAMES[p] for p in b.penalties) or "—"
        may = "、".join(PENALTY_NAMES[p] for p in b.may)
        out.lines.append(f"  {n}. 适用：{' 且 '.join(cond) or '一切情形'}")
        out.lines.append(f"     处罚：{imposed}" + (f"；可以：{may}" if may else ""))
        out.lines.append(f"     罚款：{fine_rule(b.fine)}")
        if b.measures:
            out.lines.append(f"     措施：{'；'.join(b.measures)}")
        if b.note:
            out.lines.append(f"     说明：{b.note}")
    if r.tiers is not None and r.tier_document is not None:
        out.lines.append("")
        kind = "模板阶次" if r.tiers.template else "裁量阶次"
        out.lines.append(out.style(f"{kind}（{r.tier_document.title}，{r.tiers.hit}）", "1"))
        for t in r.tiers.tiers:
            extra = ""
            if t.outcome:
                extra = f"  → {EFFECT_NAMES[t.outcome]}"
            out.lines.append(f"  {t.id} {t.name}：{t.when.source if t.when else '一切情形'}")
            out.lines.append(f"     罚款：{fine_rule(t.fine) if t.fine else ('法定幅度' if t.penalties is None else '不罚款')}{extra}")
            if t.note:
                out.lines.append(f"     说明：{t.note}")
    if r.exemptions:
        out.lines.append("")
        out.lines.append(out.style("免罚清单", "1"))
        for e, doc in r.exemptions:
            out.lines.append(f"  {e.name or e.id}（{doc.title}）：{e.when.source} → {EFFECT_NAMES[e.effect]}")
    specific = [(c, d) for c, d in r.circumstances if c.scope.items or c.scope.categories]
    if specific:
        out.lines.append("")
        out.lines.append(out.style("专门情节", "1"))
        for c, doc in specific:
            out.lines.append(f"  {c.name}（{doc.title}）：{c.when.source} → {EFFECT_NAMES[c.effect]}")
    out.lines.append("")
    docs = {d.version: d for d in [r.base_document, *r.statute_documents]}
    if r.tier_document is not None:
        docs[r.tier_document.version] = r.tier_document
    for _, d in r.exemptions:
        docs[d.version] = d
    out.block(
        "documents",
        [f"《{d.title}》" + (f"（{d.number}）" if d.number else "") + f" {d.effective}"
         + ("【示例数据】" if d.status == "sample" else "") for d in docs.values()],
    )
    return out.text()
