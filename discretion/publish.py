"""Items and benchmark tables as plain data: ``show --json`` and publication (公示)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .cite import citation_text
from .layers import Resolved
from .model import Bounds, Citation, Document, FineRule


def _cite(c: Citation) -> dict[str, Any]:
    return {"law": c.law, "article": c.article, "paragraph": c.paragraph, "item": c.item,
            "text": citation_text(c.title or c.law, c.article, c.paragraph, c.item)}


def _bounds(b: Bounds | None) -> list[str] | None:
    if b is None:
        return None
    return [b.low.source, b.high.source]


def fine_dict(rule: FineRule | None) -> Any:
    if rule is None:
        return None
    if rule.delegated:
        return "delegated"
    if rule.common is not None:
        return _bounds(rule.common)
    return {"person": _bounds(rule.person), "organization": _bounds(rule.organization)}


def _doc(d: Document) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "number": d.number, "level": d.level,
            "region": d.region, "status": d.status, "effective": d.effective.isoformat(),
            "expires": d.expires.isoformat() if d.expires else None, "file": d.file}


def item_dict(r: Resolved, region: str, day: dt.date) -> dict[str, Any]:
    """An item as the layers in force for ``region`` on ``day`` define it."""
    docs = {d.version: d for d in [r.base_document, *r.statute_documents]}
    if r.tier_document is not None:
        docs[r.tier_document.version] = r.tier_document
    for _, d in r.exemptions:
        docs[d.version] = d
    return {
        "code": r.code,
        "name": r.name,
        "category": r.category,
        "confidence": r.confidence,
        "source": r.source,
        "note": r.note,
        "region": region,
        "on": day.isoformat(),
        "violates": [_cite(c) for c, _ in r.violates],
        "punishes": [_cite(c) for c, _ in r.punishes],
        "statutory": [
            {"subject": b.subject, "when": b.when.source if b.when else None,
             "penalties": list(b.penalties), "may": list(b.may), "measures": list(b.measures),
             "fine": fine_dict(b.fine), "punishes": [_cite(c) for c in b.punishes],
             "note": b.note, "document": b.document}
            for b in r.brackets
        ],
        "tiers": None if r.tiers is None else {
            "hit": r.tiers.hit,
            "template": r.tiers.template,
            "document": r.tiers.document,
            "tiers": [
                {"id": t.id, "name": t.name, "when": t.when.source if t.when else None,
                 "fine": fine_dict(t.fine),
                 "penalties": None if t.penalties is None else list(t.penalties),
                 "outcome": t.outcome, "note": t.note, "basis": [_cite(c) for c in t.basis]}
                for t in r.tiers.tiers
            ],
        },
        "exemptions": [
            {"id": e.id, "name": e.name, "kind": e.kind, "effect": e.effect, "when": e.when.source,
             "note": e.note, "basis": [_cite(c) for c in e.basis], "document": d.id}
            for e, d in r.exemptions
        ],
        "circumstances": [
            {"id": c.id, "name": c.name, "effect": c.effect, "may": c.may, "when": c.when.source,
             "basis": [_cite(x) for x in c.basis], "document": d.id}
            for c, d in r.circumstances
        ],
        "documents": [_doc(d) for d in docs.values()],
    }
