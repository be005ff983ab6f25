"""Finding an item by what a case handler remembers: a code, words of its name, or
the article it rests on (「烧烤」, 「第六十四条」, 「第64条」, 「CXGH」, 「大气污染防治法第118条」).

Two uses: :func:`rank` orders the items matching a query (``list --search``), and
:func:`suggest` names the closest items for a code that is unknown or ambiguous
(``assess DQWR-118`` → DQWR-118-K1, -K2, -K3).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from .layers import Resolved
from .model import Citation

__all__ = ["article_query", "normalize_code", "rank", "score", "suggest", "unknown_message"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"[0-9]+|[零〇一二两三四五六七八九十百千]+"
# 《大气污染防治法》第一百一十八条第三款 · 第64条 · 64条 · 第六十四条
_ARTICLE = re.compile(
    rf"(?:《?(?P<law>[^《》\s第]*?)》?)?第?(?P<art>{_NUM})条(?:第(?P<para>{_NUM})款)?(?:第[（(]?(?P<item>{_NUM})[）)]?项)?"
)
_SPLIT = re.compile(r"[\s,，、;；/]+")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "_": "-", "‐": "-", "―": "-", " ": "-",
                         "　": "-"})


def _number(text: str) -> int | None:
    """64 or 六十四 or 一百零五 → int; None if it is not a number."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def article_query(text: str) -> tuple[str, int, int | None, int | None] | None:
    """(law words, article, paragraph, item) when ``text`` names an article, else None."""
    m = _ARTICLE.fullmatch(text.strip())
    if m is None:
        return None
    art = _number(m.group("art"))
    if art is None:
        return None
    para = _number(m.group("para")) if m.group("para") else None
    item = _number(m.group("item")) if m.group("item") else None
    return (m.group("law") or "").strip(), art, para, item


def normalize_code(text: str) -> str:
    """Codes as people type them: case, full-width dashes and spaces do not matter."""
    return text.strip().upper().translate(_DASHES)


def _squash(code: str) -> str:
    return code.replace("-", "")


def _natural(code: str) -> tuple[object, ...]:
    """SRHW-34-9 before SRHW-34-10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def _cites(r: Resolved) -> Iterable[tuple[Citation, bool]]:
    """Every provision the item rests on, and whether it is a punishing one."""
    for c, _ in r.punishes:
        yield c, True
    for b in r.brackets:
        for c in b.punishes:
            yield c, True
    for c, _ in r.violates:
        yield c, False


def _law_matches(law: str, c: Citation) -> bool:
    if not law:
        return True
    return law in c.title or law in c.law or (bool(c.law) and c.law in law)


def _article_score(r: Resolved, query: tuple[str, int, int | None, int | None]) -> float:
    law, article, paragraph, item = query
    best = 0.0
    for c, punishing in _cites(r):
        if c.article != article or not _law_matches(law, c):
            continue
        s = 70.0 if punishing else 50.0
        if paragraph is not None:
            if c.paragraph != paragraph:
                continue
            s += 5
        if item is not None:
            if c.item != item:
                continue
            s += 3
        if law:
            s += 5
        best = max(best, s)
    return best


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _token_score(r: Resolved, token: str) -> float:
    """How well one word of the query matches the item; 0 = not at all."""
    best = 0.0
    code = r.code.upper()
    norm = normalize_code(token)
    if norm == code or _squash(norm) == _squash(code):
        return 100.0
    if code.startswith(norm) or _squash(code).startswith(_squash(norm)):
        # shorter codes first: CXGH-64 before CXGH-64-1
        best = 80.0 + 5.0 * len(norm) / len(code)
    elif len(norm) >= 2 and norm in code:
        best = 60.0
    article = article_query(token)
    if article is not None:
        best = max(best, _article_score(r, article))
    if token in r.name:
        # earlier in the name and a larger share of it rank higher
        pos = r.name.index(token)
        best = max(best, 50.0 + 8.0 * len(token) / len(r.name) - min(pos, 20) / 10)
    if token == r.category:
        best = max(best, 45.0)
    elif token in r.category:
        best = max(best, 35.0)
    for c, punishing in _cites(r):
        if token and (token in c.title or token == c.law):
            best = max(best, 33.0 if punishing else 30.0)
    if best == 0 and r.note and token in r.note:
        best = 15.0
    if best == 0 and len(token) >= 3 and not token.isascii():
        # 「烧烤摊」, 「露天烧烤食物」: most of the word's character pairs in the name
        grams = _bigrams(token)
        share = len(grams & _bigrams(r.name)) / len(grams)
        if share >= 0.5:
            best = 20.0 * share
    return best


def score(r: Resolved, query: str) -> float:
    """How well an item matches ``query``; 0 = not at all. Every word must match.

    Codes beat article numbers beat names beat categories beat law titles; an article
    in a 处罚依据 beats the same article in a 违法依据.
    """
    q = query.strip()
    if not q:
        return 1.0
    whole = _token_score(r, q)
    tokens = [t for t in _SPLIT.split(q) if t]
    if len(tokens) <= 1:
        return whole
    scores = [_token_score(r, t) for t in tokens]
    if min(scores) == 0:
        return whole
    return max(whole, sum(scores) / len(scores))


def rank(items: Sequence[Resolved], query: str) -> list[Resolved]:
    """Matching items, best first (then in code order)."""
    scored = [(score(r, query), r) for r in items]
    return [r for s, r in sorted(scored, key=lambda sr: (-sr[0], _natural(sr[1].code))) if s > 0]


def suggest(items: Sequence[Resolved], text: str, limit: int = 5) -> list[str]:
    """Codes of the items closest to ``text``, an unknown or ambiguous code (or a name).

    A code that is the stem of several (DQWR-118 → -K1, -K2, -K3) lists them all; then
    codes spelled alike; then items whose name or article matches the words.
    """
    norm = normalize_code(text)
    by_code = {r.code.upper(): r.code for r in items}
    if norm in by_code:
        return [by_code[norm]]
    squashed = {_squash(c): c for c in by_code}
    if _squash(norm) in squashed and norm:
        return [by_code[squashed[_squash(norm)]]]
    out: list[str] = []

    def add(codes: Iterable[str]) -> None:
        for code in codes:
            if code not in out:
                out.append(code)

    if norm:
        children = sorted((c for u, c in by_code.items() if u.startswith(norm + "-")), key=_natural)
        if children:
            return children[: max(limit, 8)]
        # the same law and article, another sub-item (SRHW-34-9 → SRHW-34-1 … -7)
        stem = norm.rsplit("-", 1)[0]
        siblings = sorted((c for u, c in by_code.items() if u.startswith(stem + "-")), key=_natural)
        if stem != norm and siblings:
            limit = max(limit, min(len(siblings), 8))
            add(siblings)
        close = difflib.get_close_matches(norm, list(by_code), n=limit, cutoff=0.6)
        ratio = {c: difflib.SequenceMatcher(None, norm, c).ratio() for c in close}
        add(by_code[c] for c in sorted(close, key=lambda c: (-round(ratio[c], 6), _natural(c))))
    if len(out) < limit:
        add(r.code for r in rank(items, text))
    return out[:limit]


def unknown_message(code: str, suggestions: Sequence[tuple[str, str]]) -> str:
    """One line for an unknown or ambiguous code, naming each suggestion briefly."""

    def short(name: str) -> str:
        return name if len(name) <= 24 else name[:23] + "…"

    listed = "、".join(f"{c}（{short(n)}）" for c, n in suggestions)
    stem = normalize_code(code)
    if suggestions and all(c.upper().startswith(stem + "-") for c, _ in suggestions):
        return f"编号 {code!r} 对应多个事项，请写出完整编号：{listed}"
    if suggestions:
        return f"未知的违法行为编号 {code!r}；您是否要找：{listed}"
    return f"未知的违法行为编号 {code!r}（可用 discretion list --search 关键词 查找）"
