"""Finding an item by what a case handler remembers: a code, words of its name, or
the article it rests on (「烧烤」, 「第六十四条」, 「第64条」, 「CXGH」)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .cite import chinese_number, citation_text
from .layers import Resolved


def _variants(query: str) -> list[str]:
    """The query, and with Arabic article numbers written in Chinese (第64条 → 第六十四条)."""
    out = [query]
    converted = re.sub(r"\d+", lambda m: chinese_number(int(m.group())) if int(m.group()) < 10000 else m.group(), query)
    if converted != query:
        out.append(converted)
    return out


def score(r: Resolved, query: str) -> int:
    """How well an item matches; 0 = not at all. Codes beat names beat citations."""
    q = query.strip()
    if not q:
        return 1
    best = 0
    upper = q.upper()
    code = r.code.upper()
    if code == upper:
        best = 100
    elif code.startswith(upper):
        best = 80
    elif upper in code:
        best = 60
    for variant in _variants(q):
        if variant in r.name:
            best = max(best, 55 - min(r.name.index(variant), 10))
        texts = [citation_text(c.title, c.article, c.paragraph, c.item) for c, _ in (*r.punishes, *r.violates)]
        if any(variant in t for t in texts):
            # 处罚依据 is what people look up; a match there ranks above 违法依据
            punish = [citation_text(c.title, c.article, c.paragraph, c.item) for c, _ in r.punishes]
            best = max(best, 40 if any(variant in t for t in punish) else 35)
        if variant in r.category:
            best = max(best, 30)
        if r.note and variant in r.note:
            best = max(best, 20)
    if not best:
        # every word of a multi-word query somewhere in the name
        words = [w for w in re.split(r"\s+", q) if w]
        if len(words) > 1 and all(w in r.name or w.upper() in code for w in words):
            best = 25
    return best


def rank(items: Sequence[Resolved], query: str) -> list[Resolved]:
    """Matching items, best first (then by code)."""
    scored = [(score(r, query), r) for r in items]
    return [r for s, r in sorted(scored, key=lambda sr: (-sr[0], sr[1].code)) if s > 0]
