"""The assessment pipeline (engine.md steps 3–10) for one item and one case.

Each step is a small function that reads what the layers say and what earlier
steps decided, and records the lines (``Step``) and citations that justify it.
Several items (step 11) and later lighter law (step 12) are compositions of
:func:`assess_item`, done by the library.

Speed (README "Performance"): what does not depend on the case is worked out once per
resolved item, in a :class:`_Plan` kept on the :class:`~discretion.layers.Resolved`:
default values, brackets per subject, circumstances by kind, citation texts and lines,
document references, and the truth tables of the conditions of a group (circumstances,
exemptions, brackets), which depend on a few booleans and enums only. A case then pays
for evaluating what is its own (amounts, dates) and for writing its lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, TypeAlias

import attrs

from .cite import citation_text
from .errors import DiscretionError, EvaluationError, TierConflict
from .expr import UNKNOWN, Expression, Value
from .layers import Resolved
from .model import (
    PENALTY_NAMES,
    SUBJECTS,
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
    text = _MONEY.get(value)
    if text is None:
        text = f"{value:,.2f} 元"
        # equal values print the same (5E+4, 50000.00), except zero and its sign
        if value > 0:
            if len(_MONEY) >= 4096:
                _MONEY.clear()
            _MONEY[value] = text
    return text


_MONEY: dict[Decimal, str] = {}  # thresholds and statutory bounds recur in every case


def fmt_range(r: Range | None) -> str:
    if r is None:
        return "无罚款"
    if r.min == r.max:
        return money(r.min)
    return f"{money(r.min)} 至 {money(r.max)}"


#: Citations of one call: their texts, and (dedupe key, line) of each.
_Group: TypeAlias = "tuple[tuple[str, ...], tuple[tuple[tuple[str, int], CitedLine], ...]]"


class _Plan:
    """What an assessment of one resolved item needs that does not depend on the case:
    default values, brackets by subject, circumstances by kind, citation texts, document
    references. Built once per item (and fact table) and kept on the :class:`Resolved`."""

    __slots__ = (
        "_assumed",
        "_citations",
        "_cites",
        "_doc_cites",
        "_doc_groups",
        "_docs",
        "_groups",
        "_held",
        "_intern",
        "_punishes",
        "_steps",
        "_warnings",
        "adjust",
        "adjusting",
        "adjusting_group",
        "brackets",
        "default_names",
        "defaults",
        "exempting",
        "exempting_group",
        "fact_decls",
        "general",
        "records",
        "violates",
        "violates_step",
    )

    def __init__(self, r: Resolved, facts: Mapping[str, Fact]) -> None:
        self.fact_decls = facts
        names: set[str] = {"illegal_gains"}
        for e in r.expressions():
            names |= e.names
        defaults: dict[str, Value] = {}
        for name in sorted(names):
            decl = facts.get(name)
            if decl is not None and decl.default is not None:
                defaults[name] = decl.default
        self.defaults = defaults
        self.default_names = frozenset(defaults)
        self._assumed: dict[frozenset[str], tuple[tuple[str, Value], ...]] = {}
        self.records: dict[tuple[int, str, bool], tuple[CircumstanceLine | ExemptionLine | None, str]] = {}
        self.brackets: dict[str, tuple[tuple[Bracket, ...], _Conditions]] = {}
        for s in SUBJECTS:
            chosen = tuple(b for b in r.brackets if b.subject is None or b.subject == s)
            self.brackets[s] = (chosen, _Conditions([(b.when, 3) for b in chosen]))
        self.exempting = tuple(
            (c, doc, 1 if c.effect == "no_penalty" else 2)
            for c, doc in r.circumstances
            if c.effect in ("no_penalty", "may_waive")
        )
        self.adjusting = tuple(
            (c, doc) for c, doc in r.circumstances if c.effect not in ("no_penalty", "may_waive")
        )
        self.exempting_group = _Conditions(
            [(c.when, p) for c, _, p in self.exempting]
            + [(e.when, 1 if e.effect == "no_penalty" else 2) for e, _ in r.exemptions]
        )
        self.adjusting_group = _Conditions([(c.when, 6) for c, _ in self.adjusting])
        self.violates = tuple(c for c, _ in r.violates)
        self.violates_step: tuple[str, str, tuple[str, ...]] | None = None
        self._punishes: dict[tuple[int, ...], tuple[Citation, ...]] = {}
        self._groups: dict[tuple[str, int], _Group] = {}
        self._doc_groups: dict[tuple[str, int, str], _Group] = {}
        self._citations: dict[tuple[int, ...], tuple[CitedLine, ...]] = {}
        adjust: dict[str, tuple[object, Document]] = {}
        for key, value, doc in r.adjust:
            adjust.setdefault(key, (value, doc))
        self.adjust = adjust
        general: dict[str, tuple[tuple[Citation, ...], Document]] = {}
        for key, cites, doc in r.general:
            general.setdefault(key, (cites, doc))
        self.general = general
        self._intern: dict[Citation, Citation] = {}
        self._held: list[object] = []
        self._cites: dict[tuple[str, int], tuple[str, tuple[str, int], CitedLine]] = {}
        self._doc_cites: dict[tuple[str, int, str], tuple[str, tuple[str, int], CitedLine]] = {}
        self._docs: dict[tuple[int, ...], tuple[tuple[DocumentRef, ...], list[Document], Warning | None]] = {}
        self._steps: dict[tuple[str, str, tuple[str, ...]], Step] = {}
        self._warnings: dict[tuple[str, str], Warning] = {}

    def document_group(self, role: str, doc: Document, what: str) -> _Group:
        """The group of a document cited as a whole (a tier, a list entry)."""
        found = self._doc_groups.get((role, id(doc), what))
        if found is None:
            text, k, line = self.cited_document(role, doc, what)
            found = self._doc_groups[(role, id(doc), what)] = ((text,), ((k, line),))
        return found

    def citations(self, groups: list[_Group], transient: bool) -> tuple[CitedLine, ...]:
        """The citation list of a sequence of cited groups: each provision once per role,
        in order of first citation (the same sequence, the same list: kept)."""
        key = tuple(map(id, groups))
        found = None if transient else self._citations.get(key)
        if found is None:
            seen: set[tuple[str, int]] = set()
            out = []
            for _, entries in groups:
                for k, line in entries:
                    if k not in seen:
                        seen.add(k)
                        out.append(line)
            found = tuple(out)
            if not transient and len(self._citations) < 1024:
                self._citations[key] = found
        return found

    def group(self, role: str, cites: tuple[Citation, ...]) -> _Group:
        """(texts, (dedupe key, line) pairs) of a tuple of provisions cited in ``role``."""
        found = self._groups.get((role, id(cites)))
        if found is None:
            entries = [self.cited(role, c) for c in cites]
            found = (tuple(t for t, _, _ in entries), tuple((k, line) for _, k, line in entries))
            # kept for good (the tuples belong to the item's documents: a bounded number);
            # run.citations keys sequences of groups by identity
            self._groups[(role, id(cites))] = found
            self._hold(cites)
        return found

    def punishes(self, r: Resolved, brackets: list[Bracket]) -> tuple[Citation, ...]:
        """The 处罚依据 of the chosen brackets: a bracket's own citations replace those of
        the document that supplied the brackets."""
        key = tuple(map(id, brackets))
        found = self._punishes.get(key)
        if found is None:
            punishes = list(r.punishes)
            for b in brackets:
                if b.punishes:
                    punishes = [(c, d) for c, d in punishes if d is not r.bracket_document]
                    break
            found = tuple(c for c, _ in punishes) + tuple(c for b in brackets for c in b.punishes)
            self._punishes[key] = found
            self._hold(brackets)
        return found

    def _key(self, role: str, c: Citation) -> tuple[str, int]:
        """Citations equal in value count once (per role): the key of the first seen."""
        return role, id(self._intern.setdefault(c, c))

    def cited(self, role: str, c: Citation) -> tuple[str, tuple[str, int], CitedLine]:
        """(text, dedupe key, line) of a provision cited in ``role``."""
        entry = self._cites.get((role, id(c)))
        if entry is None:
            text = citation_text(c.title or c.law, c.article, c.paragraph, c.item)
            entry = (text, self._key(role, c), CitedLine(role, c, text))
            self._cites[(role, id(c))] = entry
            self._hold(c)
        return entry

    def cited_document(self, role: str, doc: Document, what: str) -> tuple[str, tuple[str, int], CitedLine]:
        """(text, dedupe key, line) of a document cited as a whole (a tier, a list entry)."""
        entry = self._doc_cites.get((role, id(doc), what))
        if entry is None:
            c = Citation(law=doc.short, article=None, title=doc.title, document=doc.id)
            text = f"《{doc.title}》{what}"
            # one document cited for different parts (tiers, list entries) is cited once per part
            key = ("document:" + role, len(self._doc_cites))
            entry = (text, key, CitedLine(role, c, text))
            self._doc_cites[(role, id(doc), what)] = entry
            self._hold(doc)
        return entry

    def _hold(self, obj: object) -> None:
        # the caches are keyed by id(): keep each object alive as long as its entry
        self._held.append(obj)

    def record(
        self, kind: str, obj: Any, doc: Document, effect: str, held: bool
    ) -> tuple[CircumstanceLine | ExemptionLine | None, str]:
        """The result line and the derivation text of a circumstance, list entry or tier
        that decides (``held``) or would decide not to penalise."""
        line: CircumstanceLine | ExemptionLine | None = None
        if kind == "circumstance":
            line = CircumstanceLine(obj.id, obj.name, effect, False, doc.id)
            label = obj.name
        elif kind == "exemption":
            line = ExemptionLine(obj.id, obj.name, obj.kind, effect, doc.id, obj.note)
            label = obj.name or obj.note or obj.id
        else:
            label = f"阶次“{obj.name}”" + (f"（{obj.note}）" if obj.note else "")
        text = f"{label}：{EFFECT_NAMES[effect]}。" if held else f"如果“{label}”成立，则{EFFECT_NAMES[effect]}。"
        found = self.records[(id(obj), effect, held)] = (line, text)
        self._hold(obj)
        return found

    def assumptions(self, used: set[str], supplied: Mapping[str, Value]) -> tuple[tuple[str, Value], ...]:
        """(name, default) of each defaulted fact the assessment used, by name."""
        names = frozenset(self.default_names.intersection(used).difference(supplied))
        found = self._assumed.get(names)
        if found is None:
            found = tuple((n, v) for n, v in self.defaults.items() if n in names)
            if len(self._assumed) < 1024:
                self._assumed[names] = found
        return found

    def step(self, key: tuple[str, str, tuple[str, ...]]) -> Step:
        found = self._steps.get(key)
        if found is None:
            found = Step(*key)
            if len(self._steps) < 512:  # texts with amounts vary by case: keep the constant ones
                self._steps[key] = found
        return found

    def warning(self, key: tuple[str, str]) -> Warning:
        found = self._warnings.get(key)
        if found is None:
            found = Warning(*key)
            if len(self._warnings) < 256:
                self._warnings[key] = found
        return found

    def documents(self, used: dict[int, Document]) -> tuple[tuple[DocumentRef, ...], list[Document], Warning | None]:
        """The references of the documents used, by level then id, and the sample-data warning."""
        key = tuple(used)
        found = self._docs.get(key)
        if found is None:
            by_version: dict[str, Document] = {}
            for doc in used.values():
                by_version.setdefault(doc.version, doc)
            docs = sorted(by_version.values(), key=lambda d: (_LEVEL_ORDER[d.level], d.id))
            samples = [d for d in docs if d.status == "sample"]
            sample = None
            if samples:
                titles = "、".join(f"《{d.title}》" for d in samples)
                sample = Warning("sample-data", f"本结果依据示例数据（非官方文本）：{titles}。请勿作为正式处罚依据。")
            found = (tuple(_doc_ref(d) for d in docs), docs, sample)
            self._docs[key] = found
            for doc in used.values():
                self._hold(doc)
        return found


class _Conditions:
    """The conditions of a group of circumstances (or exemptions), always evaluated together.

    Their truth values depend only on the values of the names they use — for most cases
    a handful of booleans and enums at their defaults — so the values are remembered per
    combination (a bounded table), and a case pays for one lookup.
    """

    __slots__ = ("conditions", "memo", "names")

    def __init__(self, conditions: Sequence[tuple[Expression | None, int]]) -> None:
        self.conditions = tuple(conditions)
        self.names = tuple(sorted({n for e, _ in conditions if e is not None for n in e.names}))
        self.memo: dict[tuple[object, ...], tuple[Value, ...]] = {}

    def evaluate(self, run: _Run) -> tuple[Value, ...]:
        """The truth of each condition for the case (None: always true)."""
        env = run.env
        run.used_names.update(self.names)
        key = tuple(map(env.get, self.names))
        try:
            found = self.memo.get(key)
        except TypeError:  # an unhashable value: evaluate without the table
            found, key = None, ()
        if found is None:
            values: list[Value] = []
            for e, _ in self.conditions:
                if e is None:
                    values.append(True)
                    continue
                try:
                    values.append(e.fn(env))
                except Exception:  # evaluated again for the error message
                    values.append(run._evaluate(e, env))
            found = tuple(values)
            if key:
                if len(self.memo) >= 1024:
                    self.memo.clear()
                self.memo[key] = found
        if UNKNOWN in found:
            for (e, priority), value in zip(self.conditions, found, strict=True):
                if value is UNKNOWN and e is not None:
                    run.note_missing(e, priority, env)
        return found


def _plan(resolved: Resolved, facts: Mapping[str, Fact]) -> _Plan:
    memo = resolved.memo
    plan = memo.get("plan")
    if plan is None or plan.fact_decls is not facts:
        plan = _Plan(resolved, facts)
        memo["plan"] = plan
    return plan


class _Run:
    """The mutable record of one assessment while its steps run."""

    __slots__ = (
        "adjusted", "case", "cited", "documents", "env", "fact_decls", "missing", "plan", "policy",
        "possible", "r", "step_keys", "steps", "transient", "used_names", "warned", "warnings",
    )

    def __init__(self, resolved: Resolved, case: Case, facts: Mapping[str, Fact], plan: _Plan) -> None:
        self.r = resolved
        self.case = case
        self.fact_decls = facts
        self.plan = plan
        # the defaults of every fact the item's expressions name, then what was supplied
        env: dict[str, Value] = dict(plan.defaults)
        env.update(case.facts)
        env["subject"] = case.subject
        self.env = env
        self.used_names: set[str] = set()
        self.steps: list[tuple[str, str, tuple[str, ...]]] = []
        self.step_keys: set[tuple[str, str, tuple[str, ...]]] = set()
        self.adjusted = False  # an "adjust" line was written
        self.cited: list[_Group] = []  # in order; made into the citation list at the end
        self.transient = False  # a group not kept by the plan was cited
        self.warnings: list[Warning] = []
        self.warned: set[tuple[str, str]] = set()
        self.missing: dict[str, int] = {}
        self.documents: dict[int, Document] = {}
        self.policy: list[str] = []
        self.possible: list[Possible] = []

    # ---- recording
    def use(self, doc: Document | None) -> None:
        if doc is not None:
            self.documents[id(doc)] = doc

    def cite(self, role: str, cites: tuple[Citation, ...] | list[Citation]) -> tuple[str, ...]:
        """Cite provisions in ``role``; their texts. The result's citation list (each
        provision once per role, in order of first citation) is made at the end."""
        if type(cites) is tuple:
            found = self.plan._groups.get((role, id(cites)))
            if found is None:
                found = self.plan.group(role, cites)
        else:  # not cached by identity: a list may be rebuilt at the same address
            entries = [self.plan.cited(role, c) for c in cites]
            found = (tuple(t for t, _, _ in entries), tuple((k, line) for _, k, line in entries))
            self.transient = True
        self.cited.append(found)
        return found[0]

    def cite_document(self, role: str, doc: Document, what: str) -> str:
        found = self.plan.document_group(role, doc, what)
        self.cited.append(found)
        return found[0][0]

    def step(self, kind: str, text: str, cites: list[str] | tuple[str, ...] = ()) -> None:
        key = (kind, text, cites if type(cites) is tuple else tuple(cites))
        if key not in self.step_keys:  # a step shared by several candidate paths is said once
            self.step_keys.add(key)
            self.steps.append(key)
            if kind == "adjust":
                self.adjusted = True

    def add_step(self, key: tuple[str, str, tuple[str, ...]]) -> None:
        if key not in self.step_keys:  # a step shared by several candidate paths is said once
            self.step_keys.add(key)
            self.steps.append(key)
            if key[0] == "adjust":
                self.adjusted = True

    def warn(self, code: str, message: str) -> None:
        key = (code, message)
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(self.plan.warning(key))

    def general(self, key: str) -> tuple[Citation, ...]:
        found = self.plan.general.get(key)
        if found is None:
            return ()
        self.use(found[1])
        return found[0]

    # ---- evaluation
    def value(self, name: str) -> Value:
        """A fact's value (supplied or its default), or UNKNOWN."""
        self.used_names.add(name)
        return self.env.get(name, UNKNOWN)

    def _evaluate(self, e: Expression, env: Mapping[str, Value]) -> Value:
        try:
            return e.evaluate(env)
        except EvaluationError as exc:
            raise EvaluationError(f"事项 {self.r.code}：{exc}") from None

    def truth(self, e: Expression | None, priority: int, extra: Mapping[str, Value] | None = None) -> Value:
        return True if e is None else self.value_of(e, priority, extra)

    def amount(self, e: Expression, priority: int, extra: Mapping[str, Value]) -> Decimal | None:
        result = self.value_of(e, priority, extra)
        if result is UNKNOWN:
            return None
        assert isinstance(result, Decimal)
        return result

    def value_of(self, e: Expression, priority: int, extra: Mapping[str, Value] | None) -> Value:
        """Evaluate ``e`` on the case (plus ``extra`` names); an unknown result records
        the missing facts at ``priority``."""
        names = e.names
        self.used_names |= names
        env = self.env
        if extra and not names.isdisjoint(extra):
            env = {**env, **extra}
        try:
            result = e.fn(env)
        except Exception:  # evaluated again for the error message
            result = self._evaluate(e, env)
        if result is UNKNOWN:
            self.note_missing(e, priority, env)
        return result

    def note_missing(self, e: Expression, priority: int, env: Mapping[str, Value]) -> None:
        for name in sorted(e.names):
            if env.get(name, UNKNOWN) is UNKNOWN and name in self.fact_decls:
                if name not in self.missing or self.missing[name] > priority:
                    self.missing[name] = priority


# --------------------------------------------------------------------------- steps


def _anniversary(start: dt.date, years: int) -> dt.date:
    key = (start, years)
    found = _ANNIVERSARIES.get(key)
    if found is None:
        try:
            found = start.replace(year=start.year + years)
        except ValueError:  # 29 February → the last day of February (民法典第二百零二条)
            found = start.replace(year=start.year + years, day=28)
        if len(_ANNIVERSARIES) >= 8192:
            _ANNIVERSARIES.clear()
        _ANNIVERSARIES[key] = found
    return found


_ANNIVERSARIES: dict[tuple[dt.date, int], dt.date] = {}


def step_limitation(run: _Run) -> Value:
    """Step 3 (第三十六条): is the act time-barred? True / False / UNKNOWN."""
    found = run.r.limitation
    case = run.case
    if found is None:
        if case.occurred is not None:
            run.warn(
                "no-limitation-rule",
                "违法行为发生时没有可适用的时效规定（本基准集收录的《行政处罚法》自其施行日起适用），"
                "未审查处罚时效，请依当时有效的规定审查。",
            )
        return False
    lim, doc = found
    if case.occurred is None or case.discovered is None:
        run.warn("no-dates", "未提供违法行为发生日期或发现日期，未审查处罚时效（行政处罚法第三十六条）。")
        return False
    run.documents[id(doc)] = doc
    start = case.ended or case.occurred
    extended = run.truth(lim.extended_when, 0) if lim.extended_when is not None else False
    short_end = _anniversary(start, lim.years)
    barred_short = case.discovered > short_end
    if lim.extended_years is not None:
        long_end = _anniversary(start, lim.extended_years)
        barred_long = case.discovered > long_end
    else:
        long_end, barred_long = short_end, barred_short
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
    end = short_end if years == lim.years else long_end
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


class _Candidate:
    """A bracket or tier that applies (True) or may apply (UNKNOWN)."""

    __slots__ = ("delegated", "fine", "fine_known", "holds", "may", "measures", "penalties")

    def __init__(
        self, holds: Value, fine: Range | None, fine_known: bool, delegated: bool,
        penalties: tuple[str, ...], may: tuple[str, ...], measures: tuple[str, ...],
    ) -> None:
        self.holds = holds
        self.fine = fine  # None: no fine
        self.fine_known = fine_known  # False: the amount is unknown (delegated or missing facts)
        self.delegated = delegated
        self.penalties = penalties
        self.may = may
        self.measures = measures


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
    found = run.plan.brackets.get(subject)
    if found is None:
        brackets = tuple(b for b in run.r.brackets if b.subject is None or b.subject == subject)
        found = (brackets, _Conditions([(b.when, 3) for b in brackets]))
    brackets, conditions = found
    for b, holds in zip(brackets, conditions.evaluate(run), strict=True):
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
        if tier.fine is None and "fine" not in penalties:
            # the tier names its penalties and no fine: no fine in this tier (README, format additions)
            may = tuple(p for p in may if p != "fine")
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
    found = run.plan.adjust.get(key)
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
    apply_found = run.plan.adjust.get("apply")
    if apply_found is not None:
        run.use(apply_found[1])
        if apply_found[0] is False:
            run.step("adjust", "本基准已在阶次中考虑情节（adjust.apply = false），不再调整幅度。")
            return fine, False, False
    mandatory: dict[str, list[Any]] = {}
    widening: list[tuple[str, Any, bool]] = []  # (effect, (circumstance, doc), held)
    for (c, doc), holds in zip(run.plan.adjusting, run.plan.adjusting_group.evaluate(run), strict=True):
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
        policy_found = run.plan.adjust.get("conflict")
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
    """Kleene ``or``: true if any is true, unknown if none is true and one is unknown."""
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is UNKNOWN:
            unknown = True
    return UNKNOWN if unknown else False


def step_procedure(
    run: _Run, outcome: str, fine: Range | None, fine_known: bool, penalties: list[PenaltyLine],
    reduced: bool, conflict: Value,
) -> Procedure:
    """Step 10: 当场处罚 (第五十一条), 听证 (第六十三条), 法制审核, 集体讨论."""
    if outcome in ("no_penalty", "time_barred"):
        return _NO_PROCEDURE
    subject = run.case.subject
    imposed = set()
    gains = None
    fine_offered = False
    for p in penalties:
        if p.id == "fine":
            fine_offered = True
        if not p.may:
            imposed.add(p.id)
            if gains is None and p.id == "confiscate_gains":
                gains = p.amount
    fine_imposed = "fine" in imposed
    eff_min = fine.min if (fine is not None and fine_imposed) else ZERO

    summary: Value = UNKNOWN
    found = run.r.summary
    if imposed - SUMMARY_TYPES:
        summary = False
    elif found is not None:
        thr = found[0].for_subject(subject)
        if thr is not None:
            run.documents[id(found[1])] = found[1]
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
        run.documents[id(found[1])] = found[1]
        if found[0].confidence != "verified":
            run.warn("unverified-data", f"听证“较大数额”标准（{found[1].title}）尚未核实，请以现行有效的规定为准。")
        if eff_min >= thr or (gains is not None and gains >= thr):
            hearing = True
        elif ((fine is None and fine_known) or (fine is not None and fine.max < thr)) and (gains is None or gains < thr):
            hearing = False
        cites = run.cite("procedure", found[0].basis) if hearing is not False else ()
        if hearing is True:
            run.step("procedure", f"罚款（或没收违法所得）达到较大数额（{money(thr)}以上），应当告知听证权利。", cites)
        elif hearing is UNKNOWN:
            run.step("procedure", f"罚款幅度跨越较大数额标准（{money(thr)}），拟罚数额达到该标准时应当告知听证权利。", cites)
    # 集体讨论 (第五十七条) and 法制审核 (第五十八条), in three-valued logic
    if reduced is True or conflict is True or hearing is True:
        collective: Value = True
    elif conflict is UNKNOWN or hearing is UNKNOWN:
        collective = UNKNOWN
    else:
        collective = False
    if hearing is True or collective is True:
        legal_review: Value = True
    elif hearing is UNKNOWN or collective is UNKNOWN:
        legal_review = UNKNOWN
    else:
        legal_review = False
    if collective is True:
        run.step("procedure", "减轻处罚、情节冲突或经听证的案件，应当由行政机关负责人集体讨论决定。",
                 run.cite("procedure", run.general("collective_discussion")))
    if legal_review is True:
        run.step("procedure", "作出决定前应当进行法制审核。", run.cite("procedure", run.general("legal_review")))
    key = (
        None if summary is UNKNOWN else bool(summary),
        None if hearing is UNKNOWN else bool(hearing),
        None if legal_review is UNKNOWN else bool(legal_review),
        None if collective is UNKNOWN else bool(collective),
    )
    procedure = _PROCEDURES.get(key)
    if procedure is None:
        procedure = _PROCEDURES[key] = Procedure(*key)
    return procedure


_PROCEDURES: dict[tuple[bool | None, ...], Procedure] = {}
_NO_PROCEDURE = Procedure()


# --------------------------------------------------------------------------- the pipeline


def assess_item(resolved: Resolved, case: Case, facts: Mapping[str, Fact], act_day: dt.date) -> Assessment:
    """Engine steps 3–10 for one item."""
    plan = _plan(resolved, facts)
    run = _Run(resolved, case, facts, plan)
    r = resolved
    used_docs = run.documents
    for doc in r.statute_documents:
        used_docs[id(doc)] = doc

    # Step 3: limitation
    barred = step_limitation(run)

    # Steps 6–7 first as data: tiers may carry outcomes, and the range applies to may_waive
    statutory, brackets, bracket_cands = step_statutory(run)
    bracket_exact = len(brackets) == 1 and bracket_cands[0].holds is True
    # one path per (bracket, tier) that applies or may apply; the result is their envelope
    paths: list[tuple[_Candidate, Tier | None, _Candidate]] = []
    tiers: list[Tier] = []
    tier_exact = bracket_exact
    if r.tiers is None:
        paths = [(bc, None, bc) for bc in bracket_cands]
        tier_exact = False
        penalty_paths = paths
    else:
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
    tiered = penalty_paths[0][2] if len(penalty_paths) == 1 else _envelope([tc for _, _, tc in penalty_paths])

    # Steps 4–5: no-penalty and may-waive from circumstances, exemptions and tiers
    np_true: list[tuple[str, Any]] = []
    np_unknown: list[tuple[str, Any]] = []
    mw_true: list[tuple[str, Any]] = []
    mw_unknown: list[tuple[str, Any]] = []
    truths = plan.exempting_group.evaluate(run)
    if truths.count(False) != len(truths):
        it = iter(truths)
        for (c, doc, _), holds in zip(plan.exempting, it, strict=False):  # the rest: exemptions
            if holds is False:
                continue
            used_docs[id(doc)] = doc
            target = (np_true if holds is True else np_unknown) if c.effect == "no_penalty" else (
                mw_true if holds is True else mw_unknown)
            target.append(("circumstance", (c, doc)))
        for (e, doc), holds in zip(r.exemptions, it, strict=True):
            if holds is False:
                continue
            used_docs[id(doc)] = doc
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
    penalised = outcome != "no_penalty" and outcome != "time_barred"

    exemption_lines: list[ExemptionLine] = []
    circ_lines: list[CircumstanceLine] = []
    measures: list[str] = []
    if np_true or np_unknown or mw_true or mw_unknown:
        _record_exempting(run, outcome, np_true, np_unknown, mw_true, mw_unknown,
                          circ_lines, exemption_lines, measures)

    # Step 6 lines
    violate_texts = run.cite("violates", plan.violates)
    punish_texts = run.cite("punishes", plan.punishes(r, brackets))
    if violate_texts:
        if plan.violates_step is None:
            plan.violates_step = ("statutory", f"违法行为：{r.name}（违反{'、'.join(violate_texts)}）。",
                                  violate_texts)
        run.add_step(plan.violates_step)
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
    used_docs[id(r.bracket_document)] = r.bracket_document

    # Step 7 lines
    tier_ref = None
    if tiers:
        assert r.tier_document is not None
        used_docs[id(r.tier_document)] = r.tier_document
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
    if penalised and fine_known:
        if len(penalty_paths) == 1:
            bc, _, tc = penalty_paths[0]
            adjusted, reduced, conflict = step_adjust(run, tc.fine, bc.fine if bc.fine_known else None)
            if adjusted is not None:
                fine = round_range(adjusted.min, adjusted.max)
        else:
            finals: list[Range | None] = []
            for bc, _, tc in penalty_paths:
                legal = bc.fine if bc.fine_known else None
                adjusted, red, conf = step_adjust(run, tc.fine, legal, record=False)
                finals.append(round_range(adjusted.min, adjusted.max) if adjusted is not None else None)
                reduced = reduced or red
                conflict = _or3(conflict, conf)
            ranges = [f for f in finals if f is not None]
            if ranges:
                low = ZERO if any(f is None for f in finals) else min(f.min for f in ranges)
                fine = Range(low, max(f.max for f in ranges))
            if fine is not None and run.adjusted:
                run.step("adjust", f"调整后的罚款幅度（各可能情形的合集）：{fmt_range(fine)}。")

    # Step 9: penalties and measures
    penalty_lines: list[PenaltyLine] = []
    gains = run.value("illegal_gains") if "illegal_gains" in facts else UNKNOWN
    if penalised:
        for pid in tiered.penalties:
            if pid != "confiscate_gains":
                penalty_lines.append(_penalty_line(pid, False))
        for pid in tiered.may:
            if pid != "confiscate_gains":
                penalty_lines.append(_penalty_line(pid, True))
        if gains is UNKNOWN and "illegal_gains" in facts:
            penalty_lines.append(_penalty_line("confiscate_gains", True))
            run.missing.setdefault("illegal_gains", 7)
        elif isinstance(gains, Decimal) and gains > 0:
            penalty_lines.append(PenaltyLine("confiscate_gains", False, gains))
            run.step("penalties", f"当事人有违法所得 {money(gains)}，应当予以没收。",
                     run.cite("general", run.general("confiscation")))
        if fine is None and fine_known:
            penalty_lines = [p for p in penalty_lines if p.id != "fine"]
        measures.extend(tiered.measures)
    elif outcome == "time_barred":
        measures.extend(statutory.measures)
    if outcome == "no_penalty":
        edu = run.general("education")
        measures.append("对当事人进行教育")
        run.step("penalties", "依法不予行政处罚的，应当对当事人进行教育。", run.cite("general", edu))
    if outcome != "time_barred":
        for m in measures:
            if "改正" in m or "纠正" in m:  # 责令改正 / 责令纠正违法行为 / 限期改正 already order it
                break
        else:
            measures.insert(0, "责令改正")
        run.cite("general", run.general("correction"))
    if penalty_lines:
        names = "、".join(p.name + ("（可以）" if p.may else "") for p in penalty_lines)
        run.step("penalties", f"处罚种类：{names}。")

    # Step 10: procedure
    if not penalised:
        fine = None
    procedure = step_procedure(run, outcome, fine, fine_known, penalty_lines, reduced, conflict)

    # documents used, warnings
    if r.confidence != "verified":
        run.warn("unverified-data", f"事项 {r.code} 的数据核对程度为“{_CONF[r.confidence]}”，请对照法规原文确认。")
    doc_refs, _, sample = plan.documents(used_docs)
    if sample is not None:
        run.warnings.insert(0, sample)
    if not penalised or not run.missing:
        missing: tuple[str, ...] = ()
    else:
        missing = tuple(sorted(run.missing, key=lambda n: (run.missing[n], n)))
    statutory_fine = None
    if statutory.fine_known and statutory.fine is not None:
        statutory_fine = round_range(statutory.fine.min, statutory.fine.max)
        # a sub-fen range rounded half-up may step a fen past the inward-rounded statutory bounds
        if fine is not None and fine.max > statutory_fine.max:
            fine = Range(min(fine.min, statutory_fine.max), statutory_fine.max)
        if fine is not None and not reduced and fine.min < statutory_fine.min:
            fine = Range(statutory_fine.min, max(fine.max, statutory_fine.min))
    return Assessment(
        r.code, r.name, r.category, case.region, case.subject, outcome, tier_ref, fine, statutory_fine,
        reduced, tuple(penalty_lines), tuple(dict.fromkeys(measures)), tuple(circ_lines),
        tuple(exemption_lines), tuple(run.possible), plan.citations(run.cited, run.transient), procedure, doc_refs,
        plan.assumptions(run.used_names, case.facts), tuple(run.policy), missing, tuple(run.warnings),
        tuple(map(plan.step, run.steps)),
    )


def _record_exempting(
    run: _Run, outcome: str, np_true: list[tuple[str, Any]], np_unknown: list[tuple[str, Any]],
    mw_true: list[tuple[str, Any]], mw_unknown: list[tuple[str, Any]],
    circ_lines: list[CircumstanceLine], exemption_lines: list[ExemptionLine], measures: list[str],
) -> None:
    """Steps 4–5 lines: what decides not to penalise, or what would if unknown facts held."""
    facts = run.fact_decls

    records = run.plan.records

    def record(kind: str, payload: Any, effect: str, held: bool) -> str:
        obj, doc = payload
        found = records.get((id(obj), effect, held))
        if found is None:
            found = run.plan.record(kind, obj, doc, effect, held)
        line, text = found
        if kind == "circumstance":
            cites = run.cite("circumstance", obj.basis)
            if held:
                circ_lines.append(line)  # type: ignore[arg-type]
                measures.extend(obj.measures)
        elif kind == "exemption":
            cites = (*run.cite("exemption", obj.basis), run.cite_document("exemption", doc, obj.name or ""))
            if held:
                exemption_lines.append(line)  # type: ignore[arg-type]
        else:
            cites = (*run.cite("tier", obj.basis), run.cite_document("tier", doc, f"阶次“{obj.name}”"))
            measures.extend(obj.measures)
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


_PENALTY_LINES: dict[tuple[str, bool], PenaltyLine] = {}


def _penalty_line(pid: str, may: bool) -> PenaltyLine:
    """A penalty type without an amount (the same for every case: shared)."""
    line = _PENALTY_LINES.get((pid, may))
    if line is None:
        line = _PENALTY_LINES[(pid, may)] = PenaltyLine(pid, may)
    return line


_CONF = {"verified": "已核对", "partial": "部分核对", "unverified": "未核对"}
_LEVEL_ORDER = {"national": 0, "provincial": 1, "municipal": 2, "county": 3}


def _doc_ref(d: Document) -> DocumentRef:
    return DocumentRef(d.id, d.title, d.number, d.level, d.status, d.effective, d.region, d.expires)
