"""Chinese numerals and the official citation style: 《…》第六十四条第一款第（二）项."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_number(n: int) -> str:
    """Write a positive integer below 10,000 the way statutes number articles.

    ``10`` → 十, ``16`` → 十六, ``64`` → 六十四, ``105`` → 一百零五, ``118`` → 一百一十八.
    """
    if n < 0 or n >= 10000:
        raise ValueError(f"article numbers are 0–9999, not {n}")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out: list[str] = []
    rest = n
    zero_pending = False
    for value, unit in _UNITS:
        digit, rest = divmod(rest, value)
        if digit:
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(_DIGITS[digit] + unit)
        elif out:
            zero_pending = True
    if rest:
        if zero_pending:
            out.append("零")
        out.append(_DIGITS[rest])
    return "".join(out)


def citation_text(
    title: str, article: int | None, paragraph: int | None = None, item: int | None = None
) -> str:
    """《中华人民共和国城乡规划法》第六十四条第一款第（二）项."""
    text = f"《{title}》"
    if article is not None:
        text += f"第{chinese_number(article)}条"
        if paragraph is not None:
            text += f"第{chinese_number(paragraph)}款"
        if item is not None:
            text += f"第（{chinese_number(item)}）项"
    return text
