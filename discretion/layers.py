"""Which documents are in force for a region on a day, and what they say together
about one item (engine.md steps 1–2).

A :class:`View` is the set of document versions in force for one region and day;
:meth:`View.resolve` merges the layers for one item code into a :class:`Resolved`.
Both are immutable and cached by the library, so a case pays for neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .expr import Expression
from .model import (
    Bracket,
    Circumstance,
    Citation,
    Document,
    Exemption,
    Item,
    Limitation,
    Threshold,
    TierSet,
)
from .regions import ancestry, depth


@attrs.frozen(slots=True)
class Resolved:
    """One item as the documents in force define it, merged across layers."""

    code: str
    name: str
    category: str
    confidence: str
    source: str
    note: str
    base: Item
    base_document: Document
    violates: tuple[tuple[Citation, Document], ...]
    punishes: tuple[tuple[Citation, Document], ...]
    brackets: tuple[Bracket, ...]
    bracket_document: Document
    tiers: TierSet | None
    tier_document: Document | None
    circumstances: tuple[tuple[Circumstance, Document], ...]
    exemptions: tuple[tuple[Exemption, Document], ...]
    adjust: tuple[tuple[str, object, Document], ...]  # (key, value, document) nearest first
    limitation: tuple[Limitation, Document] | None
    summary: tuple[Threshold, Document] | None
    hearing: tuple[Threshold, Document] | None
    general: tuple[tuple[str, tuple[Citation, ...], Document], ...]
    statute_documents: tuple[Document, ...]
    signature: tuple[str, ...]
    # what the engine derives once per item (its plan); not part of the value
    memo: dict[str, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def expressions(self) -> list[Expression]:
        """Every expression an assessment of this item may evaluate in the case's facts:
        brackets, tiers (conditions and fine bounds), circumstances, exemptions and the
        limitation's extension."""
        out: list[Expression] = []
        for b in self.brackets:
            if b.when is not None:
                out.append(b.when)
            if b.fine is not None:
                out += b.fine.expressions()
        if self.tiers is not None:
            for t in self.tiers.tiers:
                if t.when is not None:
                    out.append(t.when)
                if t.fine is not None:
                    out += t.fine.expressions()
        out += [c.when for c, _ in self.circumstances]
        out += [e.when for e, _ in self.exemptions]
        if self.limitation is not None and self.limitation[0].extended_when is not None:
            out.append(self.limitation[0].extended_when)
        return out

    def adjust_value(self, key: str) -> tuple[object, Document] | None:
        for name, value, doc in self.adjust:
            if name == key:
                return value, doc
        return None

    def general_basis(self, key: str) -> tuple[tuple[Citation, ...], Document] | None:
        for name, cites, doc in self.general:
            if name == key:
                return cites, doc
        return None


def in_force(versions: Sequence[Document], day: dt.date) -> Document | None:
    """The version with the latest ``effective`` not after ``day``, unless it has expired."""
    chosen = None
    for doc in versions:  # sorted by effective
        if doc.effective <= day:
            chosen = doc
        else:
            break
    if chosen is None or (chosen.expires is not None and day >= chosen.expires):
        return None
    return chosen


class View:
    """The documents in force for one region on one day, nearest first."""

    def __init__(self, region: str, documents: Sequence[Document]) -> None:
        self.region = region
        # nearest (deepest region) first; stable within a level
        self.documents = tuple(sorted(documents, key=lambda d: -depth(d.region)))
        self.versions = tuple(sorted(d.version for d in self.documents))
        self._resolved: dict[str, Resolved | None] = {}
        self.statutes: dict[str, list[tuple[Document, Item]]] = {}
        self.benchmark_items: dict[str, list[tuple[Document, Item]]] = {}
        for doc in self.documents:
            for item in doc.items:
                if doc.kind == "statute":
                    self.statutes.setdefault(item.code, []).append((doc, item))
                elif doc.kind == "benchmark":
                    self.benchmark_items.setdefault(item.code, []).append((doc, item))

    def codes(self) -> list[str]:
        return sorted(code for code, defs in self.statutes.items() if any(i.name for _, i in defs))

    def resolve(self, code: str) -> Resolved | None:
        try:
            return self._resolved[code]
        except KeyError:
            pass
        resolved = self._resolve(code)
        self._resolved[code] = resolved
        return resolved

    def _resolve(self, code: str) -> Resolved | None:
        defs = self.statutes.get(code)
        if not defs:
            return None
        # statutes from the top (national) down: the base defines the item, lower ones fill amounts
        top_down = sorted(defs, key=lambda di: depth(di[0].region))
        named = [(d, i) for d, i in top_down if i.name]
        if not named:
            return None
        base_doc, base = named[0]
        violates: list[tuple[Citation, Document]] = []
        punishes: list[tuple[Citation, Document]] = []
        brackets = base.statutory
        bracket_doc = base_doc
        statute_docs: list[Document] = []
        for doc, item in top_down:
            if item.statutory and doc is not base_doc:
                if all(b.fine is not None and b.fine.delegated for b in brackets):
                    brackets, bracket_doc = item.statutory, doc
                else:
                    continue  # the loader rejects this; never override an amount the upper law sets
            violates += [(c, doc) for c in item.violates]
            punishes += [(c, doc) for c in item.punishes]
            statute_docs.append(doc)
        category = base.category

        tiers = None
        tier_doc = None
        for doc in self.documents:
            if doc.kind != "benchmark":
                continue
            own = next((i for i in doc.items if i.code == code and i.tiers is not None), None)
            if own is not None:
                tiers, tier_doc = own.tiers, doc
                break
            if doc.template is not None and doc.template.scope.covers(code, category):
                tiers, tier_doc = doc.template.tiers, doc
                break

        circumstances = tuple(
            (c, doc)
            for doc in self.documents
            for c in doc.circumstances
            if c.scope.covers(code, category)
        )
        exemptions = tuple(
            (e, doc)
            for doc in self.documents
            for e in doc.exemptions
            if e.scope.covers(code, category)
        )
        adjust: list[tuple[str, object, Document]] = []
        for key in ("lighter", "heavier", "reduced", "conflict", "apply"):
            for doc in self.documents:
                value = getattr(doc.adjust, key)
                if value is not None:
                    adjust.append((key, value, doc))
                    break
        limitation = _nearest(self.documents, lambda d: d.limitation)
        summary = _nearest(self.documents, lambda d: d.summary)
        hearing = _nearest(self.documents, lambda d: d.hearing)
        general: list[tuple[str, tuple[Citation, ...], Document]] = []
        seen: set[str] = set()
        for doc in self.documents:
            for key, cites in doc.general:
                if key not in seen:
                    seen.add(key)
                    general.append((key, cites, doc))
        used = {d.version for d in statute_docs}
        used |= {d.version for _, d in circumstances} | {d.version for _, d in exemptions}
        if tier_doc is not None:
            used.add(tier_doc.version)
        for pair in (limitation, summary, hearing):
            if pair is not None:
                used.add(pair[1].version)
        used |= {d.version for _, _, d in adjust} | {d.version for _, _, d in general}
        return Resolved(
            code=code,
            name=base.name,
            category=category,
            confidence=base.confidence,
            source=base.source,
            note=base.note,
            base=base,
            base_document=base_doc,
            violates=tuple(violates),
            punishes=tuple(punishes),
            brackets=brackets,
            bracket_document=bracket_doc,
            tiers=tiers,
            tier_document=tier_doc,
            circumstances=circumstances,
            exemptions=exemptions,
            adjust=tuple(adjust),
            limitation=limitation,
            summary=summary,
            hearing=hearing,
            general=tuple(general),
            statute_documents=tuple(statute_docs),
            signature=tuple(sorted(used)),
        )


def _nearest(documents: Iterable[Document], get):  # type: ignore[no-untyped-def]
    for doc in documents:
        value = get(doc)
        if value is not None:
            return value, doc
    return None


def documents_in_force(
    by_id: dict[str, list[Document]], region_ids: dict[str, list[str]], region: str, day: dt.date
) -> list[Document]:
    """Engine step 1: for each document id of the region's ancestry, the version in force."""
    out: list[Document] = []
    for code in ancestry(region):
        for doc_id in region_ids.get(code, ()):
            doc = in_force(by_id[doc_id], day)
            if doc is not None:
                out.append(doc)
    return out
