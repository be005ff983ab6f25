"""The assessment pipeline (engine.md steps 3–10) for one item and one case.

Each step is a small function that reads what the layers say and what earlier
steps decided, and records the lines (``Step``) and citations that justify it.
Several items (step 11) and later lighter law (step 12) are compositions of
:func:`assess_item`, done by the library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from .cite import citation_text
from .errors import DiscretionError, EvaluationError, TierConflict
from .expr import UNKNOWN, Expression, Value
from .layers import Resolved
from .model import (
    PENALTY_NAMES,
    Assessment,
    Bounds,
    Bracket,
    CircumstanceLine,
    Citation,
    CitedLine,
    Document,
    DocumentRef,
    ExemptionLine,
    Fact,
    FineRule,
    PenaltyLine,
    Possible,
    Procedure,
    Range,
    Step,
    Tier,
    TierRef,
    Warning,
)

FEN = Decimal("0.01")
ZERO = Decimal(0)
HEAVY_TYPES = frozenset(
    {"revoke_license", "demote_qualification", "suspend_business", "close", "restrict_practice"}
)
SUMMARY_TYPES = frozenset({"warning", "fine"})
LIGHTER_FAMILY = ("reduced", "lighter_or_reduced", "lighter")  # strongest first

# Built-in [adjust] policy (format.md §6), used where no document sets a key.
_DEFAULT_ADJUST: dict[str, tuple[str, str]] = {
    "lighter": ("low", "low + (high - low) / 2"),
    "heavier": ("low + (high - low) / 2", "high"),
    "reduced": ("0", "legal_min"),
}

EFFECT_NAMES = {
    "no_penalty": "不予处罚",
    "may_waive": "可以不予处罚",
    "reduced": "减轻处罚",
    "lighter_or_reduced": "从轻或者减轻处罚",
    "lighter": "从轻处罚",
    "heavier": "从重处罚",
}
MAY_EFFECT_NAMES = {
    "reduced": "可以减轻处罚",
    "lighter_or_reduced": "可以从轻或者减轻处罚",
    "lighter": "可以从轻处罚",
    "heavier": "可以从重处罚",
}


@attrs.frozen(slots=True)
class Case:
    """What the case handler knows: checked facts, subject, region and dates."""

    subject: str
    facts: Mapping[str, Value]  # supplied, checked values
    region: str
    occurred: dt.date | None = None
    ended: dt.date | None = None
    discovered: dt.date | None = None
    decided: dt.date | None = None


def money(value: Decimal) -> str:
    return f"{value:,.2f} 元"


def fmt_range(r: Range | None) -> str:
    if r is None:
        return "无罚款"
    if r.min == r.max:
        return money(r.min)
    return f"{money(r.min)} 至 {money(r.max)}"


class _Run:
    """The mutable record of one assessment while its steps run."""

    def __init__(
        self, resolved: Resolved, case: Case, facts: Mapping[str, Fact], policy: Any
    ) -> None:
        self.r = resolved
        self.case = case
        self.fact_decls = facts
        self.env: dict[str, Value] = dict(case.facts)
        self.env["subject"] = case.subject
        self.defaulted: dict[str, Value] = {}
        self.used_names: set[str] = set()
        self.steps: list[Step] = []
        self.citations: list[CitedLine] = []
        self.cited: set[tuple[str, Citation]] = set()
        self.warnings: list[Warning] = []
        self.missing: dict[str, int] = {}
        self.documents: dict[str, Document] = {}
        self.policy: list[str] = []
        self.possible: list[Possible] = []

    # ---- recording
    def use(self, doc: Document | None) -> None:
        if doc is not None:
            self.documents.setdefault(doc.version, doc)

    def cite(self, role: str, cites: tuple[Citation, ...] | list[Citation]) -> list[str]:
        texts = []
        for c in cites:
            text = citation_text(c.title or c.law, c.article, c.paragraph, c.item)
            texts.append(text)
            if (role, c) not in self.cited:
                self.cited.add((role, c))
                self.citations.append(CitedLine(role, c, text))
        return texts

    def cite_document(self, role: str, doc: Document, what: str) -> str:
        c = Citation(law=doc.short, article=None, title=doc.title, document=doc.id)
        text = f"《{doc.title}》{what}"
        if (role, c) not in self.cited:
            self.cited.add((role, c))
            self.citations.append(CitedLine(role, c, text))
        return text

    def step(self, kind: str, text: str, cites: list[str] | tuple[str, ...] = ()) -> None:
        entry = Step(kind, text, tuple(cites))
        if entry not in self.steps:  # a step shared by several candidate paths is said once
            self.steps.append(entry)

    def warn(self, code: str, message: str) -> None:
        if all(w.code != code or w.message != message for w in self.warnings):
            self.warnings.append(Warning(code, message))

    def general(self, key: str) -> tuple[Citation, ...]:
        found = self.r.general_basis(key)
        if found is None:
            return ()
        self.use(found[1])
        return found[0]

    # ---- evaluation
    def value(self, name: str) -> Value:
        if name in self.env:
            return self.env[name]
        decl = self.fact_decls.get(name)
        if decl is not None and decl.default is not None:
            self.env[name] = decl.default
            self.defaulted[name] = decl.default
            return decl.default
        return UNKNOWN

    def prepare(self, e: Expression) -> None:
        for name in e.names:
            if name not in self.env:
                self.value(name)
            self.used_names.add(name)

    def truth(self, e: Expression | None, priority: int, extra: Mapping[str, Value] | None = None) -> Value:
        if e is None:
            return True
        self.prepare(e)
        env = self.env if extra is None else {**self.env, **extra}
        try:
            result = e.evaluate(env)
        except EvaluationError as exc:
            raise EvaluationError(f"事项 {self.r.code}：{exc}") from None
        if result is UNKNOWN:
            self.note_missing(e, priority, env)
        return result

    def amount(self, e: Expression, priority: int, extra: Mapping[str, Value]) -> Decimal | None:
        self.prepare(e)
        env = {**self.env, **extra}
        try:
            result = e.evaluate(env)
        except EvaluationError as exc:
            raise EvaluationError(f"事项 {self.r.code}：{exc}") from None
        if result is UNKNOWN:
            self.note_missing(e, priority, env)
            return None
        assert isinstance(result, Decimal)
        return result

    def note_missing(self, e: Expression, priority: int, env: Mapping[str, Value]) -> None:
        for name in sorted(e.names):
            if env.get(name, UNKNOWN) is UNKNOWN and name in self.fact_decls:
                if name not in self.missing or self.missing[name] > priority:
                    self.missing[name] = priority


# --------------------------------------------------------------------------- steps


def _anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February → the last day of February (民法典第二百零二条)
        return start.replace(year=start.year + years, day=28)


def step_limitation(run: _Run) -> Value:
    """Step 3 (第三十六条): is the act time-barred? True / False / UNKNOWN."""
    found = run.r.limitation
    case = run.case
    if found is None:
        return False
    lim, doc = found
    if case.occurred is None or case.discovered is None:
        run.warn("no-dates", "未提供违法行为发生日期或发现日期，未审查处罚时效（行政处罚法第三十六条）。")
        return False
    run.use(doc)
    start = case.ended or case.occurred
    extended = run.truth(lim.extended_when, 0) if lim.extended_when is not None else False
    barred_short = case.discovered > _anniversary(start, lim.years)
    barred_long = (
        case.discovered > _anniversary(start, lim.extended_years)
        if lim.extended_years is not None
        else barred_short
    )
    cites = run.cite("limitation", lim.basis)
    since = "行为终了之日" if case.ended else "违法行为发生之日"
    if extended is UNKNOWN:
        if barred_short == barred_long:
            extended = False
        else:
            run.step(
                "limitation",
                f"自{since}（{start}）至发现之日（{case.discovered}）已超过{lim.years}年但未超过"
                f"{lim.extended_years}年；是否适用{lim.extended_years}年时效取决于未提供的事实。",
                cites,
            )
            assert lim.extended_when is not None
            run.possible.append(
                Possible("time_barred", f"not ({lim.extended_when.source})",
                         tuple(sorted(n for n in lim.extended_when.names if run.env.get(n, UNKNOWN) is UNKNOWN)),
                         cites[0] if cites else "")
            )
            return UNKNOWN
    years = lim.extended_years if extended is True and lim.extended_years else lim.years
    barred = barred_long if extended is True else barred_short
    end = _anniversary(start, years)
    if barred:
        run.step(
            "limitation",
            f"违法行为自{since}（{start}）起{years}年内（至 {end}）未被发现，发现于 {case.discovered}，"
            "不再给予行政处罚。",
            cites,
        )
    else:
        run.step(
            "limitation",
            f"自{since}（{start}）至发现之日（{case.discovered}）未超过{years}年（至 {end}），"
            "未超过处罚时效。",
            cites,
        )
    return barred


@attrs.frozen(slots=True)
class _Candidate:
    """A bracket or tier that applies (True) or may apply (UNKNOWN)."""

    holds: Value
    fine: Range | None  # None: no fine
    fine_known: bool  # False: the amount is unknown (delegated or missing facts)
    delegated: bool
    penalties: tuple[str, ...]
    may: tuple[str, ...]
    measures: tuple[str, ...]


def _evaluate_fine(
    run: _Run, rule: FineRule | None, penalties: tuple[str, ...], may: tuple[str, ...],
    priority: int, extra: Mapping[str, Value],
) -> tuple[Range | None, bool, bool]:
    """(range, known, delegated) of a fine rule for the case's subject."""
    if rule is None:
        return None, True, False
    if rule.delegated:
        return None, False, True
    bounds = rule.for_subject(run.case.subject)
    if bounds is None:
        return None, True, False
    low = run.amount(bounds.low, priority, extra)
    high = run.amount(bounds.high, priority, extra)
    if low is None or high is None:
        return None, False, False
    low = max(low, ZERO)
    if high < low:
        raise DiscretionError(
            f"事项 {run.r.code}：罚款幅度下限 {low} 高于上限 {high}（{bounds.low.source} / {bounds.high.source}）"
        )
    return Range(low, high), True, False


def _envelope(cands: list[_Candidate]) -> _Candidate:
    """The union of candidate results: a penalty type not every candidate imposes is ``may``."""
    if len(cands) == 1:
        return cands[0]
    known = all(c.fine_known for c in cands)
    ranges = [c.fine for c in cands if c.fine is not None]
    fine: Range | None = None
    if known and ranges:
        low = ZERO if any(c.fine is None for c in cands) else min(r.min for r in ranges)
        fine = Range(low, max(r.max for r in ranges))
    imposed = set(cands[0].penalties)
    for c in cands[1:]:
        imposed &= set(c.penalties)
    every = []
    for c in cands:
        every += list(c.penalties) + list(c.may)
    may = tuple(p for p in dict.fromkeys(every) if p not in imposed)
    measures = tuple(dict.fromkeys(m for c in cands for m in c.measures))
    return _Candidate(
        holds=UNKNOWN,
        fine=fine,
        fine_known=known,
        delegated=any(c.delegated for c in cands),
        penalties=tuple(p for p in dict.fromkeys(every) if p in imposed),
        may=may,
        measures=measures,
    )


def step_statutory(run: _Run) -> tuple[_Candidate, list[Bracket], list[_Candidate]]:
    """Step 6: the statutory bracket (by subject and ``when``) and its fine bounds."""
    subject = run.case.subject
    true: list[Bracket] = []
    unknown: list[Bracket] = []
    for b in run.r.brackets:
        if b.subject is not None and b.subject != subject:
            continue
        holds = run.truth(b.when, 3)
        if holds is True:
            true.append(b)
        elif holds is UNKNOWN:
            unknown.append(b)
    if len(true) > 1:
        raise DiscretionError(
            f"事项 {run.r.code} 的法定处罚幅度重叠：{true[0].key} 与 {true[1].key} 同时适用"
        )
    chosen = true if true else unknown
    if not chosen:
        raise DiscretionError(f"事项 {run.r.code} 没有适用于本案的法定处罚幅度（数据缺口）")
    cands = []
    for b in chosen:
        fine, known, delegated = _evaluate_fine(run, b.fine, b.penalties, b.may, 4, {})
        cands.append(_Candidate(UNKNOWN if not true else True, fine, known, delegated,
                                b.penalties, b.may, b.measures))
    return _envelope(cands), chosen, cands


def _tier_candidate(run: _Run, tier: Tier, base: _Candidate, legal: Mapping[str, Value]) -> _Candidate:
    penalties = tier.penalties if tier.penalties is not None else base.penalties
    may = tier.may if tier.may is not None else base.may
    if tier.penalties is not None and tier.may is None:
        may = tuple(p for p in base.may if p not in penalties)
    measures = tuple(dict.fromkeys(base.measures + tier.measures))
    if tier.outcome == "no_penalty":
        return _Candidate(UNKNOWN, None, True, False, (), (), measures)
    if tier.fine is None:
        if tier.penalties is not None and "fine" not in penalties and "fine" not in may:
            return _Candidate(UNKNOWN, None, True, False, penalties, may, measures)
        return _Candidate(UNKNOWN, base.fine, base.fine_known, base.delegated, penalties, may, measures)
    if "fine" not in penalties and "fine" not in may:
        penalties = penalties + ("fine",)
    if not base.fine_known:
        fine, known, delegated = None, False, base.delegated
    else:
        fine, known, delegated = _evaluate_fine(run, tier.fine, penalties, may, 5, legal)
    if fine is not None and base.fine is not None and (fine.min < base.fine.min or fine.max > base.fine.max):
        run.warn(
            "tier-out-of-range",
            f"阶次“{tier.name}”的罚款幅度 {fmt_range(fine)} 超出法定幅度 {fmt_range(base.fine)}，已限定在法定幅度内。",
        )
        fine = Range(max(fine.min, base.fine.min), min(fine.max, base.fine.max))
        if fine.min > fine.max:
            fine = Range(base.fine.min, base.fine.min)
    if fine is not None and base.fine is None and base.fine_known:
        run.warn("tier-out-of-range", f"阶次“{tier.name}”规定了罚款，但本案适用的法定处罚幅度没有罚款；不予适用该罚款。")
        fine = None
        penalties = tuple(p for p in penalties if p != "fine")
    return _Candidate(UNKNOWN, fine, known, delegated, penalties, may, measures)


def step_tier(run: _Run, base: _Candidate) -> tuple[list[tuple[Tier, _Candidate]], bool]:
    """Step 7: the tier(s) of the nearest benchmark that apply or may apply under one
    statutory bracket, each with its range. Returns (pairs, exact)."""
    tiers = run.r.tiers
    if tiers is None:
        return [], False
    legal: dict[str, Value] = {}
    if base.fine is not None:
        legal = {"legal_min": base.fine.min, "legal_max": base.fine.max}
    elif base.fine_known:
        legal = {"legal_min": ZERO, "legal_max": ZERO}
    true: list[Tier] = []
    unknown: list[Tier] = []
    for tier in tiers.tiers:
        holds = run.truth(tier.when, 5, legal)
        if holds is True:
            true.append(tier)
            if tiers.hit == "first":
                break
        elif holds is UNKNOWN:
            unknown.append(tier)
    if tiers.hit == "unique" and len(true) > 1:
        facts = "，".join(f"{k} = {run.env[k]}" for k in sorted(run.used_names) if k in run.env and k != "subject")
        raise TierConflict(
            f"事项 {run.r.code} 的阶次“{true[0].name}”（{true[0].id}）与“{true[1].name}”（{true[1].id}）"
            f"同时适用（{tiers.document}；{facts}）"
        )
    if tiers.hit == "first":
        chosen = unknown + true[:1]
        exact = not unknown and bool(true)
    else:
        chosen = true if true else unknown
        exact = bool(true)
    if not chosen:
        run.warn("no-tier", f"裁量基准（{tiers.document}）中没有适用于本案的阶次，按法定幅度裁量。")
        return [], False
    return [(t, _tier_candidate(run, t, base, legal)) for t in chosen], exact


def _adjust_bounds(run: _Run, key: str) -> tuple[Bounds | None, Document | None]:
    found = run.r.adjust_value(key)
    if found is None:
        return None, None
    value, doc = found
    assert isinstance(value, Bounds)
    return value, doc


def _apply_rule(
    run: _Run, key: str, low: Decimal, high: Decimal, legal: Range, rules: dict[str, Any]
) -> tuple[Decimal, Decimal]:
    bounds, doc = _adjust_bounds(run, key)
    env: dict[str, Value] = {"low": low, "high": high, "legal_min": legal.min, "legal_max": legal.max}
    if bounds is None:
        lo_src, hi_src = _DEFAULT_ADJUST[key]
        rules.setdefault(f"adjust.{key}", None)
        return _default_bound(lo_src, env), _default_bound(hi_src, env)
    run.use(doc)
    lo = bounds.low.evaluate(env)
    hi = bounds.high.evaluate(env)
    assert isinstance(lo, Decimal) and isinstance(hi, Decimal)
    return lo, hi


def _default_bound(source: str, env: Mapping[str, Value]) -> Decimal:
    low, high = env["low"], env["high"]
    assert isinstance(low, Decimal) and isinstance(high, Decimal)
    legal_min = env["legal_min"]
    assert isinstance(legal_min, Decimal)
    if source == "low":
        return low
    if source == "high":
        return high
    if source == "0":
        return ZERO
    if source == "legal_min":
        return legal_min
    return low + (high - low) / 2  # "low + (high - low) / 2"


def round_range(low: Decimal, high: Decimal) -> Range:
    """Low up, high down to the fen; narrower than a fen → the single amount ``low`` half-up."""
    lo = low.quantize(FEN, rounding=ROUND_CEILING)
    hi = high.quantize(FEN, rounding=ROUND_FLOOR)
    if lo > hi:
        single = low.quantize(FEN, rounding=ROUND_HALF_UP)
        return Range(single, single)
    return Range(lo, hi)


def step_adjust(
    run: _Run, fine: Range | None, legal: Range | None, record: bool = True
) -> tuple[Range | None, bool, Value]:
    """Step 8: move the range for 从轻/从重/减轻 circumstances. Returns (range, reduced, conflict)."""
    apply_found = run.r.adjust_value("apply")
    if apply_found is not None:
        run.use(apply_found[1])
        if apply_found[0] is False:
            run.step("adjust", "本基准已在阶次中考虑情节（adjust.apply = false），不再调整幅度。")
            return fine, False, False
    mandatory: dict[str, list[Any]] = {}
    widening: list[tuple[str, Any, bool]] = []  # (effect, (circumstance, doc), held)
    for c, doc in run.r.circumstances:
        if c.effect in ("no_penalty", "may_waive"):
            continue
        holds = run.truth(c.when, 6)
        if holds is False:
            continue
        run.use(doc)
        if holds is True and not c.may:
            mandatory.setdefault(c.effect, []).append((c, doc))
        else:
            widening.append((c.effect, (c, doc), holds is True))
    if not mandatory and not widening:
        return fine, False, False
    if fine is None or legal is None:
        for group in mandatory.values():
            for c, _ in group:
                run.step("adjust", f"具有“{c.name}”情节（{EFFECT_NAMES[c.effect]}），但本案无罚款幅度可调整。",
                         run.cite("circumstance", c.basis))
        return fine, any(e in mandatory for e in ("reduced", "lighter_or_reduced")), False
    rules: dict[str, Any] = {}
    low, high = fine.min, fine.max
    reduced = False
    conflict: Value = False
    lighter_effect = next((e for e in LIGHTER_FAMILY if e in mandatory), None)
    heavier = "heavier" in mandatory
    if lighter_effect and heavier:
        policy_found = run.r.adjust_value("conflict")
        policy = "offset"
        if policy_found is None:
            rules.setdefault("adjust.conflict", None)
        else:
            policy = str(policy_found[0])
            run.use(policy_found[1])
        conflict = True
        names = "、".join(c.name for e in mandatory for c, _ in mandatory[e])
        if policy == "offset":
            run.step("adjust", f"从轻（减轻）与从重情节并存（{names}），按冲突规则相互抵消，幅度不变；应集体讨论决定。")
            lighter_effect, heavier = None, False
        elif policy == "lighter":
            run.step("adjust", f"从轻（减轻）与从重情节并存（{names}），按冲突规则适用从轻（减轻）。")
            heavier = False
        else:
            run.step("adjust", f"从轻（减轻）与从重情节并存（{names}），按冲突规则适用从重。")
            lighter_effect = None
    base_low, base_high = low, high
    if lighter_effect:
        if lighter_effect == "lighter":
            low, high = _apply_rule(run, "lighter", base_low, base_high, legal, rules)
        elif lighter_effect == "reduced":
            low, high = _apply_rule(run, "reduced", base_low, base_high, legal, rules)
            reduced = True
        else:
            rlow, _ = _apply_rule(run, "reduced", base_low, base_high, legal, rules)
            _, lhigh = _apply_rule(run, "lighter", base_low, base_high, legal, rules)
            low, high = rlow, lhigh
            reduced = True
        for effect in LIGHTER_FAMILY:
            for c, _ in mandatory.get(effect, []):
                run.step("adjust", f"具有“{c.name}”情节，应当{EFFECT_NAMES[effect]}。",
                         run.cite("circumstance", c.basis))
    if heavier:
        low, high = _apply_rule(run, "heavier", base_low, base_high, legal, rules)
        for c, _ in mandatory["heavier"]:
            run.step("adjust", f"具有“{c.name}”情节，应当从重处罚。", run.cite("circumstance", c.basis))
    for effect, (c, _), held in widening:
        if effect == "heavier":
            _, h = _apply_rule(run, "heavier", base_low, base_high, legal, rules)
            high = max(high, h)
        else:
            key = "lighter" if effect == "lighter" else "reduced"
            lo, _ = _apply_rule(run, key, base_low, base_high, legal, rules)
            low = min(low, lo)
            if effect in ("reduced", "lighter_or_reduced") and held:
                reduced = True
        cites = run.cite("circumstance", c.basis)
        if held:
            run.step("adjust", f"具有“{c.name}”情节，{MAY_EFFECT_NAMES[effect]}（幅度放宽，不移动）。", cites)
        else:
            run.step("adjust", f"是否具有“{c.name}”情节尚不明确，幅度按可能的{EFFECT_NAMES[effect]}放宽。", cites)
    for key in sorted(rules):
        if key not in run.policy:
            run.policy.append(key)
    # never above the statutory maximum; never below the minimum unless 减轻 is permitted
    high = min(high, legal.max)
    floor = ZERO if reduced or any(e in ("reduced", "lighter_or_reduced") for e, _, _ in widening) else legal.min
    low = max(low, floor)
    if low > high:
        low = high
    result = round_range(low, high)
    if result != fine and record:
        run.step("adjust", f"调整后的罚款幅度：{fmt_range(result)}。")
    return result, reduced, conflict


def _or3(*values: Value) -> Value:
    if any(v is True for v in values):
        return True
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return False


def step_procedure(
    run: _Run, outcome: str, fine: Range | None, fine_known: bool, penalties: list[PenaltyLine],
    reduced: bool, conflict: Value,
) -> Procedure:
    """Step 10: 当场处罚 (第五十一条), 听证 (第六十三条), 法制审核, 集体讨论."""
    if outcome in ("no_penalty", "time_barred"):
        return Procedure()
    subject = run.case.subject
    imposed = {p.id for p in penalties if not p.may}
    fine_imposed = "fine" in imposed
    eff_min = fine.min if (fine is not None and fine_imposed) else ZERO
    gains = next((p.amount for p in penalties if p.id == "confiscate_gains" and not p.may), None)

    summary: Value = UNKNOWN
    found = run.r.summary
    if imposed - SUMMARY_TYPES:
        summary = False
    elif found is not None:
        thr = found[0].for_subject(subject)
        if thr is not None:
            run.use(found[1])
            fine_offered = any(p.id == "fine" for p in penalties)
            if not fine_known and fine is None and fine_offered:
                summary = UNKNOWN  # a fine of unknown amount may be imposed
            elif fine is None or fine.max <= thr:
                summary = True
            elif eff_min > thr:
                summary = False
            if summary is True:
                cites = run.cite("procedure", found[0].basis)
                run.step("procedure", f"罚款不超过{money(thr)}（或仅警告），可以当场作出行政处罚决定。", cites)
    hearing: Value = UNKNOWN
    heavy = imposed & HEAVY_TYPES
    found = run.r.hearing
    if heavy:
        hearing = True
        names = "、".join(PENALTY_NAMES[p] for p in sorted(heavy))
        run.step("procedure", f"拟作出{names}的决定，应当告知当事人有要求听证的权利（行政处罚法第六十三条）。")
    elif found is None or found[0].for_subject(subject) is None:
        run.warn("no-hearing-threshold", "本地区没有可适用的“较大数额罚款”听证标准，请按本地规定确定是否告知听证权利。")
    else:
        thr = found[0].for_subject(subject)
        assert thr is not None
        run.use(found[1])
        if found[0].confidence != "verified":
            run.warn("unverified-data", f"听证“较大数额”标准（{found[1].title}）尚未核实，请以现行有效的规定为准。")
        if eff_min >= thr or (gains is not None and gains >= thr):
            hearing = True
        elif ((fine is None and fine_known) or (fine is not None and fine.max < thr)) and (gains is None or gains < thr):
            hearing = False
        cites = run.cite("procedure", found[0].basis) if hearing is not False else []
        if hearing is True:
            run.step("procedure", f"罚款（或没收违法所得）达到较大数额（{money(thr)}以上），应当告知听证权利。", cites)
        elif hearing is UNKNOWN:
            run.step("procedure", f"罚款幅度跨越较大数额标准（{money(thr)}），拟罚数额达到该标准时应当告知听证权利。", cites)
    collective = _or3(reduced, conflict, hearing)
    legal_review = _or3(hearing, collective)
    if collective is True:
        run.step("procedure", "减轻处罚、情节冲突或经听证的案件，应当由行政机关负责人集体讨论决定。",
                 run.cite("procedure", run.general("collective_discussion")))
    if legal_review is True:
        run.step("procedure", "作出决定前应当进行法制审核。", run.cite("procedure", run.general("legal_review")))
    return Procedure(
        summary=None if summary is UNKNOWN else bool(summary),
        hearing=None if hearing is UNKNOWN else bool(hearing),
        legal_review=None if legal_review is UNKNOWN else bool(legal_review),
        collective_discussion=None if collective is UNKNOWN else bool(collective),
    )


# --------------------------------------------------------------------------- the pipeline


def assess_item(resolved: Resolved, case: Case, facts: Mapping[str, Fact], act_day: dt.date) -> Assessment:
    """Engine steps 3–10 for one item."""
    run = _Run(resolved, case, facts, None)
    r = resolved
    for doc in r.statute_documents:
        run.use(doc)

    # Step 3: limitation
    barred = step_limitation(run)

    # Steps 6–7 first as data: tiers may carry outcomes, and the range applies to may_waive
    statutory, brackets, bracket_cands = step_statutory(run)
    bracket_exact = len(brackets) == 1 and bracket_cands[0].holds is True
    # one path per (bracket, tier) that applies or may apply; the result is their envelope
    paths: list[tuple[_Candidate, Tier | None, _Candidate]] = []
    tiers: list[Tier] = []
    tier_exact = bracket_exact
    for bc in bracket_cands:
        pairs, exact = step_tier(run, bc)
        tier_exact = tier_exact and exact
        if not pairs:
            paths.append((bc, None, bc))
        for t, tc in pairs:
            paths.append((bc, t, tc))
            if t not in tiers:
                tiers.append(t)
    tier_exact = tier_exact and len(tiers) == 1
    # a tier that ends in 不予处罚 is no penalty candidate: the fine is the envelope of the others
    penalty_paths = [p for p in paths if p[1] is None or p[1].outcome != "no_penalty"] or paths
    tiered = _envelope([tc for _, _, tc in penalty_paths])

    # Steps 4–5: no-penalty and may-waive from circumstances, exemptions and tiers
    np_true: list[tuple[str, Any]] = []
    np_unknown: list[tuple[str, Any]] = []
    mw_true: list[tuple[str, Any]] = []
    mw_unknown: list[tuple[str, Any]] = []
    for c, doc in r.circumstances:
        if c.effect not in ("no_penalty", "may_waive"):
            continue
        holds = run.truth(c.when, 1 if c.effect == "no_penalty" else 2)
        if holds is False:
            continue
        run.use(doc)
        target = (np_true if holds is True else np_unknown) if c.effect == "no_penalty" else (
            mw_true if holds is True else mw_unknown)
        target.append(("circumstance", (c, doc)))
    for e, doc in r.exemptions:
        holds = run.truth(e.when, 1 if e.effect == "no_penalty" else 2)
        if holds is False:
            continue
        run.use(doc)
        target = (np_true if holds is True else np_unknown) if e.effect == "no_penalty" else (
            mw_true if holds is True else mw_unknown)
        target.append(("exemption", (e, doc)))
    for t in tiers:
        if t.outcome in ("no_penalty", "may_waive"):
            tier_holds: Value = True if (tier_exact and len(tiers) == 1) else UNKNOWN
            target = (np_true if tier_holds is True else np_unknown) if t.outcome == "no_penalty" else (
                mw_true if tier_holds is True else mw_unknown)
            target.append(("tier", (t, r.tier_document)))

    if barred is True:
        outcome = "time_barred"
    elif np_true:
        outcome = "no_penalty"
    elif barred is UNKNOWN or np_unknown:
        outcome = "undetermined"
    elif mw_true:
        outcome = "may_waive"
    elif mw_unknown:
        outcome = "undetermined"
    else:
        outcome = "penalty"

    exemption_lines: list[ExemptionLine] = []
    circ_lines: list[CircumstanceLine] = []
    measures: list[str] = []

    def record(kind: str, payload: Any, effect: str, held: bool) -> str:
        obj, doc = payload
        if kind == "circumstance":
            cites = run.cite("circumstance", obj.basis)
            if held:
                circ_lines.append(CircumstanceLine(obj.id, obj.name, effect, False, doc.id))
                measures.extend(obj.measures)
            label = obj.name
        elif kind == "exemption":
            cites = run.cite("exemption", obj.basis) + [run.cite_document("exemption", doc, obj.name or "")]
            if held:
                exemption_lines.append(ExemptionLine(obj.id, obj.name, obj.kind, effect, doc.id, obj.note))
            label = obj.name or obj.note or obj.id
        else:
            cites = run.cite("tier", obj.basis) + [run.cite_document("tier", doc, f"阶次“{obj.name}”")]
            label = f"阶次“{obj.name}”" + (f"（{obj.note}）" if obj.note else "")
            measures.extend(obj.measures)
        text = f"{label}：{EFFECT_NAMES[effect]}。" if held else f"如果“{label}”成立，则{EFFECT_NAMES[effect]}。"
        run.step("exemption", text, cites)
        return cites[0] if cites else ""

    def possible(kind: str, payload: Any, effect: str) -> None:
        obj, _ = payload
        cite = record(kind, payload, effect, False)
        cond = obj.when.source if getattr(obj, "when", None) is not None else ""
        names = obj.when.names if getattr(obj, "when", None) is not None else frozenset()
        run.possible.append(Possible(effect, cond, tuple(sorted(n for n in names if run.env.get(n, UNKNOWN) is UNKNOWN and n in facts)), cite))

    if outcome == "no_penalty":
        for kind, payload in np_true:
            record(kind, payload, "no_penalty", True)
    else:
        for kind, payload in np_unknown:
            possible(kind, payload, "no_penalty")
        if outcome in ("may_waive", "undetermined", "penalty"):
            for kind, payload in mw_true:
                record(kind, payload, "may_waive", True)
            for kind, payload in mw_unknown:
                possible(kind, payload, "may_waive")

    # Step 6 lines
    punishes = list(r.punishes)
    for b in brackets:
        if b.punishes:
            punishes = [(c, d) for c, d in punishes if d is not r.bracket_document]
            break
    violate_texts = run.cite("violates", [c for c, _ in r.violates])
    bracket_punishes = [c for b in brackets for c in b.punishes]
    punish_texts = run.cite("punishes", [c for c, _ in punishes] + bracket_punishes)
    if violate_texts:
        run.step("statutory", f"违法行为：{r.name}（违反{'、'.join(violate_texts)}）。", violate_texts)
    if statutory.delegated:
        run.warn(
            "delegated-amount",
            f"{r.base_document.title}未规定罚款数额，罚款数额由地方性法规或者规章规定；本地区没有可适用的数额规定。",
        )
        run.step("statutory", "上位法未规定罚款数额（由地方性法规或者规章规定），本地区没有可适用的数额。", punish_texts)
    elif not statutory.fine_known:
        run.warn("missing-amount", "罚款数额取决于未提供的事实：" + "、".join(
            f"{n}（{facts[n].label}）" for n in sorted(run.missing) if run.missing[n] == 4) + "。")
        run.step("statutory", "法定罚款数额取决于尚未提供的事实。", punish_texts)
    else:
        envelope = "" if bracket_exact else "（适用的幅度尚不能确定，为各可能幅度的合集）"
        local = ""
        if r.bracket_document is not r.base_document:
            local = f"（数额依据{r.bracket_document.title}）"
        run.step("statutory", f"法定罚款幅度：{fmt_range(statutory.fine)}{local}{envelope}。", punish_texts)
    run.use(r.bracket_document)

    # Step 7 lines
    tier_ref = None
    if tiers:
        assert r.tier_document is not None
        run.use(r.tier_document)
        tier_cites = [run.cite_document("tier", r.tier_document, f"阶次“{t.name}”（{t.id}）") for t in tiers]
        for t in tiers:
            tier_cites += run.cite("tier", t.basis)
        if len(tiers) == 1 and tier_exact:
            t = tiers[0]
            tier_ref = TierRef(t.id, t.name, r.tier_document.id)
            note = f"（{t.note}）" if t.note else ""
            run.step("tier", f"适用裁量阶次“{t.name}”{note}：{fmt_range(tiered.fine) if tiered.fine_known else '数额待定'}。", tier_cites)
        else:
            names = "、".join(f"“{t.name}”" for t in tiers)
            run.step("tier", f"可能适用的裁量阶次：{names}（事实尚不完整），幅度取其合集：{fmt_range(tiered.fine) if tiered.fine_known else '数额待定'}。", tier_cites)

    # Step 8: circumstances, on each path; then the envelope of the rounded results
    fine_known = tiered.fine_known
    fine: Range | None = None
    reduced = False
    conflict: Value = False
    if outcome not in ("no_penalty", "time_barred") and fine_known:
        finals: list[Range | None] = []
        single = len(penalty_paths) == 1
        for bc, _, tc in penalty_paths:
            legal = bc.fine if bc.fine_known else None
            adjusted, red, conf = step_adjust(run, tc.fine, legal, record=single)
            finals.append(round_range(adjusted.min, adjusted.max) if adjusted is not None else None)
            reduced = reduced or red
            conflict = _or3(conflict, conf)
        ranges = [f for f in finals if f is not None]
        if ranges:
            low = ZERO if any(f is None for f in finals) else min(f.min for f in ranges)
            fine = Range(low, max(f.max for f in ranges))
        if not single and fine is not None and any(st.step == "adjust" for st in run.steps):
            run.step("adjust", f"调整后的罚款幅度（各可能情形的合集）：{fmt_range(fine)}。")

    # Step 9: penalties and measures
    penalty_lines: list[PenaltyLine] = []
    gains = run.value("illegal_gains") if "illegal_gains" in facts else UNKNOWN
    if "illegal_gains" in facts:
        run.used_names.add("illegal_gains")
    if outcome not in ("no_penalty", "time_barred"):
        for pid in tiered.penalties:
            if pid != "confiscate_gains":
                penalty_lines.append(PenaltyLine(pid, False))
        for pid in tiered.may:
            if pid != "confiscate_gains":
                penalty_lines.append(PenaltyLine(pid, True))
        if isinstance(gains, Decimal) and gains > 0:
            penalty_lines.append(PenaltyLine("confiscate_gains", False, gains))
            run.step("penalties", f"当事人有违法所得 {money(gains)}，应当予以没收。",
                     run.cite("general", run.general("confiscation")))
        elif gains is UNKNOWN:
            penalty_lines.append(PenaltyLine("confiscate_gains", True))
            run.missing.setdefault("illegal_gains", 7)
        if fine is None and fine_known:
            penalty_lines = [p for p in penalty_lines if p.id != "fine"]
        measures.extend(tiered.measures)
    else:
        measures.extend(statutory.measures if outcome == "time_barred" else [])
    if outcome == "no_penalty":
        edu = run.general("education")
        measures.append("对当事人进行教育")
        run.step("penalties", "依法不予行政处罚的，应当对当事人进行教育。", run.cite("general", edu))
    if outcome != "time_barred":
        if not any("改正" in m for m in measures):
            measures.insert(0, "责令改正")
        run.cite("general", run.general("correction"))
    measures = list(dict.fromkeys(measures))
    if penalty_lines:
        names = "、".join(p.name + ("（可以）" if p.may else "") for p in penalty_lines)
        run.step("penalties", f"处罚种类：{names}。")

    # Step 10: procedure
    if outcome in ("no_penalty", "time_barred"):
        fine = None
    procedure = step_procedure(run, outcome, fine, fine_known, penalty_lines, reduced, conflict)

    # documents used, warnings
    if r.confidence != "verified":
        run.warn("unverified-data", f"事项 {r.code} 的数据核对程度为“{_CONF[r.confidence]}”，请对照法规原文确认。")
    docs = sorted(run.documents.values(), key=lambda d: (_LEVEL_ORDER[d.level], d.id))
    samples = [d for d in docs if d.status == "sample"]
    if samples:
        titles = "、".join(f"《{d.title}》" for d in samples)
        run.warnings.insert(0, Warning("sample-data", f"本结果依据示例数据（非官方文本）：{titles}。请勿作为正式处罚依据。"))
    if outcome in ("no_penalty", "time_barred"):
        missing: tuple[str, ...] = ()
    else:
        missing = tuple(sorted(run.missing, key=lambda n: (run.missing[n], n)))
    assumptions = tuple(
        (name, value) for name, value in sorted(run.defaulted.items()) if name in run.used_names
    )
    return Assessment(
        code=r.code,
        name=r.name,
        category=r.category,
        region=case.region,
        subject=case.subject,
        outcome=outcome,
        tier=tier_ref,
        fine=fine if outcome not in ("no_penalty", "time_barred") else None,
        statutory_fine=(
            round_range(statutory.fine.min, statutory.fine.max)
            if statutory.fine_known and statutory.fine is not None
            else None
        ),
        reduced_permitted=reduced,
        penalties=tuple(penalty_lines),
        measures=tuple(measures),
        circumstances=tuple(circ_lines),
        exemptions=tuple(exemption_lines),
        possible=tuple(run.possible),
        citations=tuple(run.citations),
        procedure=procedure,
        documents=tuple(_doc_ref(d) for d in docs),
        assumptions=assumptions,
        policy=tuple(run.policy),
        missing_facts=missing,
        warnings=tuple(run.warnings),
        steps=tuple(run.steps),
    )


_CONF = {"verified": "已核对", "partial": "部分核对", "unverified": "未核对"}
_LEVEL_ORDER = {"national": 0, "provincial": 1, "municipal": 2, "county": 3}


def _doc_ref(d: Document) -> DocumentRef:
    return DocumentRef(d.id, d.title, d.number, d.level, d.status, d.effective, d.region, d.expires)
