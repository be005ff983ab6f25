"""The value classes: what a benchmark set says, and what an assessment concludes.

All are frozen, slotted attrs classes built by :mod:`discretion.load` and
:mod:`discretion.engine`; they hold no behaviour that needs other modules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from .expr import Expression, Value

#: 行政处罚法第九条: penalty ids and their Chinese names.
PENALTY_NAMES: dict[str, str] = {
    "warning": "警告",
    "criticism": "通报批评",
    "fine": "罚款",
    "confiscate_gains": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_license": "暂扣许可证件",
    "demote_qualification": "降低资质等级",
    "revoke_license": "吊销许可证件",
    "restrict_business": "限制开展生产经营活动",
    "suspend_business": "责令停产停业",
    "close": "责令关闭",
    "restrict_practice": "限制从业",
    "detention": "行政拘留",
}
PENALTY_IDS: dict[str, str] = {name: pid for pid, name in PENALTY_NAMES.items()}

SUBJECTS = ("person", "organization")
SUBJECT_NAMES = {"person": "公民（个人）", "organization": "法人或者其他组织"}

DOCUMENT_KINDS = ("statute", "benchmark", "exemptions", "rules")
LEVELS = ("national", "provincial", "municipal", "county")
STATUSES = ("official", "sample")
CONFIDENCES = ("verified", "partial", "unverified")
EFFECTS = ("no_penalty", "may_waive", "reduced", "lighter_or_reduced", "lighter", "heavier")
EXEMPTION_KINDS = ("minor", "first", "no_fault")
OUTCOMES = ("penalty", "no_penalty", "may_waive", "time_barred", "undetermined")
FACT_TYPES = ("bool", "number", "money", "enum")


@attrs.frozen(slots=True)
class Citation:
    """A provision: 《title》第 article 条第 paragraph 款第（item）项."""

    law: str  # the cited document's ``short``
    article: int | None
    paragraph: int | None = None
    item: int | None = None
    title: str = ""  # the cited document's full title, filled in by the loader
    document: str = ""  # id of the cited document


@attrs.frozen(slots=True)
class Fact:
    """A circumstance a case handler supplies (format.md §2)."""

    name: str
    type: str  # bool | number | money | enum
    label: str
    unit: str = ""
    values: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    default: Value | None = None
    severity: str | None = None
    document: str = ""

    def value_label(self, key: str) -> str:
        return dict(self.labels).get(key, key)


@attrs.frozen(slots=True)
class Bounds:
    """A fine range ``[low, high]``: each bound an expression (constants are folded)."""

    low: Expression
    high: Expression


@attrs.frozen(slots=True)
class FineRule:
    """What a bracket or tier says about the fine amount.

    ``delegated``: the statute sets no amount (地方性法规或者规章规定).
    Otherwise ``common`` applies to every subject, or ``person``/``organization``
    apply per subject (a subject with neither has no fine).
    """

    delegated: bool = False
    common: Bounds | None = None
    person: Bounds | None = None
    organization: Bounds | None = None

    def for_subject(self, subject: str) -> Bounds | None:
        if self.common is not None:
            return self.common
        return self.person if subject == "person" else self.organization

    def expressions(self) -> tuple[Expression, ...]:
        """Every bound expression of the rule, for every subject."""
        out: tuple[Expression, ...] = ()
        for bounds in (self.common, self.person, self.organization):
            if bounds is not None:
                out += (bounds.low, bounds.high)
        return out


@attrs.frozen(slots=True)
class Bracket:
    """One statutory penalty bracket of an item (法定处罚幅度)."""

    when: Expression | None
    subject: str | None
    penalties: tuple[str, ...]
    may: tuple[str, ...]
    measures: tuple[str, ...]
    fine: FineRule | None
    punishes: tuple[Citation, ...] = ()
    note: str = ""
    key: str = ""  # key path in its file, e.g. item[3].statutory[1]
    document: str = ""


@attrs.frozen(slots=True)
class Tier:
    """One discretion tier (裁量阶次) of a benchmark."""

    id: str
    name: str
    when: Expression | None
    fine: FineRule | None
    penalties: tuple[str, ...] | None
    may: tuple[str, ...] | None
    measures: tuple[str, ...]
    outcome: str | None
    basis: tuple[Citation, ...]
    note: str
    key: str
    document: str


@attrs.frozen(slots=True)
class TierSet:
    """The tiers one benchmark gives one item (its own, or a template's)."""

    hit: str  # unique | first
    tiers: tuple[Tier, ...]
    document: str
    template: bool = False
    key: str = ""


@attrs.frozen(slots=True)
class Scope:
    """Which items a template, circumstance or exemption applies to (empty = all)."""

    items: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def covers(self, code: str, category: str) -> bool:
        if not self.items and not self.categories:
            return True
        return code in self.items or "*" in self.items or category in self.categories


@attrs.frozen(slots=True)
class Circumstance:
    """A 情节 and its effect (format.md §6)."""

    id: str
    name: str
    when: Expression
    effect: str
    may: bool
    scope: Scope
    basis: tuple[Citation, ...]
    measures: tuple[str, ...]
    key: str
    document: str


@attrs.frozen(slots=True)
class Exemption:
    """A 免罚清单 entry (format.md §7)."""

    id: str
    name: str
    scope: Scope
    kind: str
    effect: str
    when: Expression
    basis: tuple[Citation, ...]
    note: str
    key: str
    document: str


@attrs.frozen(slots=True)
class Item:
    """A 违法行为 as one document defines (or refines) it."""

    code: str
    name: str
    category: str
    violates: tuple[Citation, ...]
    punishes: tuple[Citation, ...]
    confidence: str
    source: str
    statutory: tuple[Bracket, ...]
    tiers: TierSet | None
    note: str
    key: str
    document: str


@attrs.frozen(slots=True)
class Adjust:
    """The ``[adjust]`` keys one document sets (``None`` = not set there)."""

    lighter: Bounds | None = None
    heavier: Bounds | None = None
    reduced: Bounds | None = None
    conflict: str | None = None
    apply: bool | None = None


@attrs.frozen(slots=True)
class Limitation:
    """行政处罚法第三十六条: the period after which no penalty is given."""

    years: int
    extended_years: int | None
    extended_when: Expression | None
    basis: tuple[Citation, ...]


@attrs.frozen(slots=True)
class Threshold:
    """Per-subject amounts: summary procedure (当场处罚) or hearing (较大数额)."""

    person: Decimal | None
    organization: Decimal | None
    confidence: str
    basis: tuple[Citation, ...]

    def for_subject(self, subject: str) -> Decimal | None:
        return self.person if subject == "person" else self.organization


@attrs.frozen(slots=True)
class Template:
    """Template tiers of a benchmark: for every item in scope without tiers of its own."""

    scope: Scope
    tiers: TierSet


@attrs.frozen(slots=True)
class Document:
    """One TOML file: a statute, benchmark, exemption list or set of general rules."""

    id: str
    title: str
    short: str
    kind: str
    level: str
    region: str
    effective: dt.date
    status: str
    issuer: str = ""
    number: str = ""
    expires: dt.date | None = None
    source: str = ""
    refines: tuple[str, ...] = ()
    coverage: str = ""
    file: str = ""
    facts: tuple[Fact, ...] = ()
    items: tuple[Item, ...] = ()
    circumstances: tuple[Circumstance, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    template: Template | None = None
    adjust: Adjust = Adjust()
    limitation: Limitation | None = None
    summary: Threshold | None = None
    hearing: Threshold | None = None
    general: tuple[tuple[str, tuple[Citation, ...]], ...] = ()
    confidence: str = "verified"

    @property
    def version(self) -> str:
        return f"{self.id}@{self.effective.isoformat()}"

    def in_force(self, day: dt.date) -> bool:
        return self.effective <= day and (self.expires is None or day < self.expires)

    def general_basis(self, key: str) -> tuple[Citation, ...] | None:
        for name, cites in self.general:
            if name == key:
                return cites
        return None


@attrs.frozen(slots=True)
class Range:
    """A closed money range in yuan, ``min <= max``."""

    min: Decimal
    max: Decimal

    def to_dict(self) -> dict[str, str]:
        return {"min": f"{self.min:.2f}", "max": f"{self.max:.2f}"}


@attrs.frozen(slots=True)
class Warning:
    """A note attached to a result: a stable ``code`` and a Chinese message."""

    code: str
    message: str


@attrs.frozen(slots=True)
class CitedLine:
    """A citation with the role it plays in an assessment."""

    role: str
    citation: Citation
    text: str

    def to_dict(self) -> dict[str, Any]:
        c = self.citation
        return {
            "role": self.role,
            "law": c.law,
            "article": c.article,
            "paragraph": c.paragraph,
            "item": c.item,
            "text": self.text,
        }


@attrs.frozen(slots=True)
class Step:
    """One line of the derivation (``--explain``): which step, what it decided, why."""

    step: str  # limitation | exemption | statutory | tier | adjust | penalties | procedure | general
    text: str
    citations: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class TierRef:
    id: str
    name: str
    document: str


@attrs.frozen(slots=True)
class PenaltyLine:
    id: str
    may: bool
    amount: Decimal | None = None  # confiscated illegal gains

    @property
    def name(self) -> str:
        return PENALTY_NAMES[self.id]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "may": self.may}
        if self.amount is not None:
            out["amount"] = f"{self.amount:.2f}"
        return out


@attrs.frozen(slots=True)
class CircumstanceLine:
    id: str
    name: str
    effect: str
    may: bool
    document: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "effect": self.effect, "may": self.may,
                "document": self.document}


@attrs.frozen(slots=True)
class ExemptionLine:
    id: str
    name: str
    kind: str
    effect: str
    document: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "effect": self.effect,
                "document": self.document, "note": self.note}


@attrs.frozen(slots=True)
class Possible:
    """What would follow if unknown facts turned out a certain way."""

    outcome: str
    condition: str
    facts: tuple[str, ...]
    citation: str

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "if": self.condition, "facts": list(self.facts),
                "citation": self.citation}


@attrs.frozen(slots=True)
class Procedure:
    summary: bool | None = None
    hearing: bool | None = None
    legal_review: bool | None = None
    collective_discussion: bool | None = None

    def to_dict(self) -> dict[str, bool | None]:
        return {"summary": self.summary, "hearing": self.hearing,
                "legal_review": self.legal_review,
                "collective_discussion": self.collective_discussion}


@attrs.frozen(slots=True)
class DocumentRef:
    id: str
    title: str
    number: str
    level: str
    status: str
    effective: dt.date
    region: str = ""
    expires: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "number": self.number, "level": self.level,
                "status": self.status, "effective": self.effective.isoformat()}


SCHEMA = "discretion.assessment/1"


@attrs.frozen(slots=True)
class Assessment:
    """The result of assessing one case (interfaces.md, ``assess --json``)."""

    code: str
    name: str
    category: str
    region: str
    subject: str
    outcome: str
    tier: TierRef | None
    fine: Range | None
    statutory_fine: Range | None
    reduced_permitted: bool
    penalties: tuple[PenaltyLine, ...]
    measures: tuple[str, ...]
    circumstances: tuple[CircumstanceLine, ...]
    exemptions: tuple[ExemptionLine, ...]
    possible: tuple[Possible, ...]
    citations: tuple[CitedLine, ...]
    procedure: Procedure
    documents: tuple[DocumentRef, ...]
    assumptions: tuple[tuple[str, Any], ...]
    policy: tuple[str, ...]
    missing_facts: tuple[str, ...]
    warnings: tuple[Warning, ...]
    steps: tuple[Step, ...]
    considered: tuple[tuple[str, Range | None], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        assumptions: dict[str, Any] = {}
        for name, value in self.assumptions:
            assumptions[name] = _jsonable(value)
        if self.policy:
            assumptions["policy"] = list(self.policy)
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "item": {"code": self.code, "name": self.name, "category": self.category},
            "region": self.region,
            "subject": self.subject,
            "outcome": self.outcome,
            "tier": None if self.tier is None else {
                "id": self.tier.id, "name": self.tier.name, "document": self.tier.document},
            "fine": None if self.fine is None else self.fine.to_dict(),
            "statutory_fine": None if self.statutory_fine is None else self.statutory_fine.to_dict(),
            "reduced_permitted": self.reduced_permitted,
            "penalties": [p.to_dict() for p in self.penalties],
            "measures": list(self.measures),
            "circumstances": [c.to_dict() for c in self.circumstances],
            "exemptions": [e.to_dict() for e in self.exemptions],
            "possible": [p.to_dict() for p in self.possible],
            "citations": [c.to_dict() for c in self.citations],
            "procedure": self.procedure.to_dict(),
            "documents": [d.to_dict() for d in self.documents],
            "assumptions": assumptions,
            "missing_facts": list(self.missing_facts),
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "steps": [{"step": s.step, "text": s.text, "citations": list(s.citations)}
                      for s in self.steps],
        }
        if self.considered:
            out["considered"] = [
                {"code": code, "statutory_fine": None if r is None else r.to_dict()}
                for code, r in self.considered
            ]
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
